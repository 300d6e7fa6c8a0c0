/**
 * 修复任务 when an automated step cannot go on (an activity failed for good,
 * the holiday calendar lacks a year), an administrator decides: retry, skip
 * the step, or cancel the case. The case never sits stuck without a task.
 */
import type { CaseRuntime, TaskGroup } from '../runtime.js';
import { createTask } from './task.js';

export const REPAIR_ACTIONS = [
  { id: 'retry', kind: 'custom', label: { zh: '重试', en: 'Retry' }, next: '$retry', commentRequired: true },
  { id: 'skip', kind: 'custom', label: { zh: '跳过', en: 'Skip' }, next: '$skip', commentRequired: true },
  {
    id: 'cancel',
    kind: 'reject',
    label: { zh: '终止案件', en: 'Cancel case' },
    next: '$cancel',
    commentRequired: true,
  },
] as const;

/** Open a repair task for the county administrator; returns '$retry', '$skip' or '$cancel'. */
export async function repair(rt: CaseRuntime, step: { id: string; title: { zh: string } }): Promise<string> {
  const group: TaskGroup = {
    stepId: step.id,
    taskIds: [],
    queue: [],
    after: [],
    actions: [...REPAIR_ACTIONS],
  };
  rt.groups.set(step.id, group);
  createTask(rt, { id: step.id, title: { zh: `修复：${step.title.zh}` } }, group, {
    role: 'admin',
    orgId: rt.orgFor('county'),
    minSigners: 1,
  });
  try {
    await rt.waitFor(() => group.outcome !== undefined);
  } finally {
    rt.groups.delete(step.id);
  }
  if (group.outcome!.next === '$cancel') rt.abortOutcome = { status: 'cancelled', outcome: 'cancelled' };
  return group.outcome!.next;
}
