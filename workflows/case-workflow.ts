/**
 * caseWorkflow — the one interpreter. It walks the pinned process definition
 * step by step; people act through Updates (actions.ts); the read model is
 * fed by projection events (runtime.ts). New policy = new definition + data,
 * never a new workflow.
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  setHandler,
} from '@temporalio/workflow';
import {
  calendarPublishedSignal,
  caseStateQuery,
  orgMovedSignal,
  type CaseInput,
  type CaseStatus,
} from './contract.js';
import { JOIN } from './definition.js';
import { CaseRuntime } from './runtime.js';
import { installActions } from './actions.js';
import { cancelOpenTasks } from './steps/task.js';
import { RUNNERS } from './steps/index.js';
import { isCancelled, type StepResult } from './steps/repair.js';
import { KINDS, type Step } from './kinds/index.js';

const OUTCOME_STATUS: Record<string, CaseStatus> = {
  approved: 'approved',
  rejected: 'rejected',
  withdrawn: 'withdrawn',
  cancelled: 'cancelled',
  completed: 'completed',
  refused: 'refused',
};

export async function caseWorkflow(input: CaseInput): Promise<{ status: CaseStatus; outcome: string }> {
  const rt = new CaseRuntime(input);
  const main = new CancellationScope();
  installActions(rt, () => main.cancel());
  setHandler(calendarPublishedSignal, () => {
    rt.calendarPublications++;
  });
  // a new handler only: no command, so histories recorded before it replay unchanged
  setHandler(orgMovedSignal, (org) => {
    if (org.id === rt.input.org.id) rt.input.org = org;
  });
  setHandler(caseStateQuery, () => ({
    ...rt.result(),
    data: rt.data,
    tasks: [...rt.tasks.values()],
    notices: [...rt.notices.values()],
    visited: rt.visited,
  }));

  if (!input.resume) {
    rt.emit({
      kind: 'case.started',
      processKey: rt.def.key,
      processVersion: rt.def.version,
      title: input.title,
      org: input.org,
      subject: input.subject,
      ...(rt.def.exclusive === false ? { exclusive: false } : {}),
      initiatorId: input.initiator.userId,
      actorId: input.initiator.userId,
      data: rt.data,
    });
    rt.emit({ kind: 'audit', action: 'case.start', actorId: input.initiator.userId, target: input.caseId });
  }

  let endStep: string | undefined;
  try {
    endStep = await main.run(() => runMain(rt, input.resume?.current ?? rt.def.start));
  } catch (err) {
    const aborted = isCancellation(err) || err instanceof CaseAborted;
    if (!aborted || !rt.abortOutcome) throw err;
  }
  return CancellationScope.nonCancellable(async () => {
    let status: CaseStatus;
    let outcome: string;
    if (endStep) {
      const end = rt.step(endStep);
      outcome = end.type === 'end' ? end.outcome : 'completed';
      status = OUTCOME_STATUS[outcome] ?? 'completed';
    } else {
      ({ status, outcome } = rt.abortOutcome!);
    }
    rt.status = status;
    cancelOpenTasks(rt, rt.tasks.keys());
    rt.current.clear();
    rt.enter(endStep ?? outcome);
    rt.leave(endStep ?? outcome);
    rt.emit({ kind: 'case.ended', stepId: endStep, status, outcome });
    rt.emit({ kind: 'audit', action: `case.${outcome}`, target: input.caseId });
    await rt.flush();
    rt.finished();
    return { status, outcome };
  });
}

/** The top-level chain: runs until an end step; returns its id. */
async function runMain(rt: CaseRuntime, start: string): Promise<string> {
  let current = start;
  for (;;) {
    const step = rt.step(current);
    if (KINDS[step.type].terminal) return step.id;
    const next = await runStep(rt, current);
    if (isCancelled(next)) {
      throw new CaseAborted();
    }
    current = next;
    const info = rt.info();
    if (info.continueAsNewSuggested || info.historyLength > (rt.input.historyLimit ?? 5000)) {
      // between steps nothing is open: come to rest, let running update handlers finish, carry the state over
      await rt.flush();
      rt.finished();
      await condition(allHandlersFinished);
      await continueAsNew<typeof caseWorkflow>({
        ...rt.input,
        resume: { current, seq: rt.seq, data: rt.data, visited: rt.visited, requestIds: [...rt.requestIds] },
      });
    }
  }
}

/** An administrator ended the case from a repair task. */
class CaseAborted extends Error {}

/** A branch of a parallel step: runs until a transition targets "$join". */
async function runChain(rt: CaseRuntime, start: string, branch: string): Promise<void> {
  let current = start;
  while (current !== JOIN) {
    const next = await runStep(rt, current, branch);
    if (isCancelled(next)) throw new CaseAborted();
    current = next;
  }
}

async function runStep(rt: CaseRuntime, id: string, branch?: string): Promise<StepResult> {
  const step = rt.step(id);
  rt.enter(id);
  try {
    const run = RUNNERS[step.type] as (
      rt: CaseRuntime,
      step: Step,
      ctx: { branch?: string; runChain: typeof runChain },
    ) => StepResult | Promise<StepResult>;
    const result = run(rt, step, { branch, runChain });
    // a synchronous runner (decision) is not awaited: the same microtask order as ever
    const next = result instanceof Promise ? await result : result;
    rt.visited.push(id);
    return next;
  } finally {
    rt.leave(id);
  }
}
