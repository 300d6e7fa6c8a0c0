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

/** What an administrator chose on a repair task: a tagged result, never confused with a step id. */
export type RepairChoice = { repair: 'retry' } | { repair: 'skip' } | { repair: 'cancel' };

/** A step's result when the case was cancelled from a repair task (every other result is the next step's id). */
export const CANCELLED = Object.freeze({ cancelled: true as const });
export type Cancelled = typeof CANCELLED;
/** What running a step yields: the id of the step to go to, or CANCELLED. */
export type StepResult = string | Cancelled;
export const isCancelled = (r: StepResult): r is Cancelled => typeof r === 'object' && r.cancelled;

/** The repair task's actions lead to these markers (they travel in the task's action list, not as step ids). */
const CHOICES: Record<string, RepairChoice> = {
  $retry: { repair: 'retry' },
  $skip: { repair: 'skip' },
  $cancel: { repair: 'cancel' },
};

/** Open a repair task for the county administrator; resolves to what they chose. */
export async function repair(
  rt: CaseRuntime,
  step: { id: string; title: { zh: string } },
): Promise<RepairChoice> {
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
  const choice = CHOICES[group.outcome!.next];
  if (!choice) throw new Error(`repair task ${step.id} ended with ${group.outcome!.next}`);
  if (choice.repair === 'cancel') rt.abortOutcome = { status: 'cancelled', outcome: 'cancelled' };
  return choice;
}
