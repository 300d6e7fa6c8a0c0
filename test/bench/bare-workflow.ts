/**
 * Temporal's own floor for P1's case shape: the same three Updates and the 1-day notice timer, with nothing
 * of ours — no read model, no audit, no interpreter. A lane sends each step's Update as soon as the last one
 * returned; the Update of the review waits inside the workflow until the notice has passed. What this costs
 * per case is what any workflow of this shape costs on Temporal, before a single row of an inbox is written.
 */
import { condition, defineUpdate, setHandler, sleep } from '@temporalio/workflow';

export const bareStep = defineUpdate<void, [string]>('bareStep');

export async function bareChain(input: { noticeMs: number }): Promise<void> {
  let step = 'apply';
  setHandler(bareStep, async (name) => {
    await condition(() => step === name);
    step = name === 'apply' ? 'notice' : name === 'review' ? 'approve' : 'end';
  });
  await condition(() => step === 'notice');
  await sleep(input.noticeMs);
  step = 'review';
  await condition(() => step === 'end');
}
