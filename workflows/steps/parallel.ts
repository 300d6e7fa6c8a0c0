/**
 * 并行 branches that run at once and join (all, or the first to finish),
 * e.g. the county rural bureau, finance and industry department opinions.
 */
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import { JOIN, type ParallelStep } from '../definition.js';
import type { CaseRuntime } from '../runtime.js';
import { cancelOpenTasks } from './task.js';

export type ChainRunner = (rt: CaseRuntime, start: string, branch: string) => Promise<void>;

export async function runParallel(
  rt: CaseRuntime,
  step: ParallelStep,
  runChain: ChainRunner,
): Promise<string> {
  const scopes = step.branches.map(() => new CancellationScope());
  // the branches run; this runner waits for them (it is not busy meanwhile)
  await rt.flush();
  rt.runnerStopped();
  try {
    return await joinBranches(rt, step, runChain, scopes);
  } finally {
    rt.runnerStarted();
  }
}

async function joinBranches(
  rt: CaseRuntime,
  step: ParallelStep,
  runChain: ChainRunner,
  scopes: CancellationScope[],
): Promise<string> {
  const runs = step.branches.map((b, i) =>
    scopes[i].run(async () => {
      rt.runnerStarted();
      try {
        await runChain(rt, b.start, `${step.id}/${b.id}`);
      } finally {
        rt.runnerStopped();
      }
    }),
  );
  if (step.join === 'all') {
    await Promise.all(runs);
    return step.next;
  }
  // join any: the first branch to reach the join wins; the others are withdrawn
  await Promise.race(runs);
  scopes.forEach((s) => s.cancel());
  await Promise.all(
    runs.map((r) => r.catch((err) => (isCancellation(err) ? undefined : Promise.reject(err)))),
  );
  for (const b of step.branches) {
    const prefix = `${step.id}/${b.id}`;
    cancelOpenTasks(
      rt,
      [...rt.tasks.values()].filter((t) => t.branch === prefix).map((t) => t.id),
    );
  }
  return step.next;
}

export { JOIN };
