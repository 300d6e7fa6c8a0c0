/**
 * Baseline for P2: the same 3-step chain with a notice, written by hand as a
 * developer would without the interpreter — an Update per human step, a timer
 * for the notice, the same read-model activity for the inbox (a local activity, as the interpreter uses).
 */
import { condition, defineUpdate, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';
import type { EngineActivities, ProjectionEvent } from '../../workflows/contract.js';

const { project } = proxyLocalActivities<EngineActivities>({ startToCloseTimeout: '30 seconds' });
export const handDone = defineUpdate<void, [string]>('handDone');

export async function handwrittenChain(input: {
  caseId: string;
  orgPath: string[];
  noticeMs: number;
}): Promise<string> {
  let seq = 0;
  const ev = (e: Record<string, unknown>) => ({ ...e, seq: ++seq, at: Date.now() }) as ProjectionEvent;
  const org = {
    id: input.orgPath.at(-1)!,
    level: 'village' as const,
    name: 'x',
    path: input.orgPath,
    ancestors: {},
  };
  await project({
    caseId: input.caseId,
    events: [
      ev({
        kind: 'case.started',
        processKey: 'hand',
        processVersion: 1,
        title: 'hand',
        org,
        subject: { kind: 'household', name: 'x' },
        initiatorId: 'bench',
        data: {},
      }),
    ],
  });
  let done: string | undefined;
  setHandler(handDone, (taskId) => {
    done = taskId;
  });
  const steps = ['apply', 'review', 'approve'];
  for (const [i, step] of steps.entries()) {
    const taskId = `${input.caseId}:${step}`;
    await project({
      caseId: input.caseId,
      events: [
        ev({
          kind: 'task.created',
          task: {
            id: taskId,
            stepId: step,
            stepTitle: step,
            role: 'village_cadre',
            orgId: org.id,
            actions: [],
            fieldPermissions: {},
            minSigners: 1,
            createdAt: Date.now(),
          },
        }),
      ],
    });
    await condition(() => done === taskId);
    await project({
      caseId: input.caseId,
      events: [ev({ kind: 'task.closed', taskId, status: 'completed', action: 'approve', by: 'bench' })],
    });
    if (i === 0) await sleep(input.noticeMs);
  }
  await project({
    caseId: input.caseId,
    events: [ev({ kind: 'case.ended', status: 'approved', outcome: 'approved' })],
  });
  return 'approved';
}
