/**
 * The workflow's side of the kind table (`kinds/index.ts`): one runner per kind. Typed by the table, so a
 * kind added there without a runner here does not compile. A runner returns the id of the next step
 * (or '$join' inside a branch, '$cancel' when an administrator ended the case); a synchronous runner
 * returns it directly, which the interpreter does not await (the same commands in the same order).
 */
import type { AnyStep, StepOf } from '../kinds/index.js';
import type { CaseRuntime } from '../runtime.js';
import type { RepairChoice } from '../kinds/repair.js';
import { runTask } from './task.js';
import { runNotice } from './notice.js';
import { runActivity } from './activity.js';
import { runDecision } from './decision.js';
import { runParallel, type ChainRunner } from './parallel.js';
import { runRepair } from './repair.js';

/** What a runner gets besides its step: the branch it runs in, and how to run a branch of its own. */
export interface RunContext {
  branch?: string;
  runChain: ChainRunner;
}

type Runner<S, R = string> = (rt: CaseRuntime, step: S, ctx: RunContext) => R | Promise<R>;

export const RUNNERS: {
  [T in Exclude<AnyStep['type'], 'repair'>]: Runner<StepOf<T>>;
} & { repair: Runner<StepOf<'repair'>, RepairChoice> } = {
  task: (rt, step, { branch }) => runTask(rt, step, branch),
  notice: (rt, step) => runNotice(rt, step),
  activity: (rt, step) => runActivity(rt, step),
  decision: (rt, step) => runDecision(rt, step),
  parallel: (rt, step, { runChain }) => runParallel(rt, step, runChain),
  end: (_rt, step) => {
    // the interpreter ends the case at an end step before running it; only a branch can get here
    throw new Error(`end step ${step.id} inside a parallel branch`);
  },
  repair: (rt, step) => runRepair(rt, step),
};
