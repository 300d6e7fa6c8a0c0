/**
 * 自动环节 an activity step: call a registered activity with inputs mapped
 * from case data, store its output. A permanent failure opens a repair task
 * for an administrator (retry / skip / cancel) instead of leaving the case stuck.
 */
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { ActivityStep } from '../definition.js';
import type { CaseRuntime, TaskGroup } from '../runtime.js';
import { evaluate } from '../logic.js';
import { createTask } from './task.js';

export const REPAIR_ACTIONS = [
  { id: 'retry', kind: 'custom', label: { zh: '重试', en: 'Retry' }, next: '$retry', commentRequired: true },
  { id: 'skip', kind: 'custom', label: { zh: '跳过', en: 'Skip' }, next: '$skip', commentRequired: true },
  { id: 'cancel', kind: 'reject', label: { zh: '终止案件', en: 'Cancel case' }, next: '$cancel', commentRequired: true },
] as const;

export async function runActivity(rt: CaseRuntime, step: ActivityStep): Promise<string> {
  const input: Record<string, unknown> = {};
  for (const [field, expr] of Object.entries(step.input)) input[field] = evaluate(expr, rt.context());
  const acts = proxyActivities<Record<string, (input: unknown) => Promise<unknown>>>({
    startToCloseTimeout: `${step.timeoutSeconds ?? 60} seconds`,
    retry: {
      maximumAttempts: step.retry?.maximumAttempts ?? 5,
      initialInterval: `${step.retry?.initialIntervalSeconds ?? 1} seconds`,
    },
  });
  for (;;) {
    try {
      const output = await rt.automated(() => acts[step.activity](input));
      if (step.store) {
        rt.data[step.store] = output;
        rt.emit({ kind: 'case.data', data: rt.data });
      }
      return step.next;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const choice = await repair(rt, step, err.cause?.message ?? err.message);
      if (choice === '$skip') return step.next;
      if (choice === '$cancel') {
        rt.abortOutcome = { status: 'cancelled', outcome: 'cancelled' };
        return '$cancel';
      }
    }
  }
}

async function repair(rt: CaseRuntime, step: ActivityStep, reason: string): Promise<string> {
  const group: TaskGroup = { stepId: step.id, taskIds: [], queue: [], after: [], actions: [...REPAIR_ACTIONS] };
  rt.groups.set(step.id, group);
  rt.emit({ kind: 'audit', action: 'activity.failed', target: step.id, detail: { activity: step.activity, reason } });
  createTask(rt, { id: step.id, title: { zh: `修复：${step.title.zh}` } }, group, {
    role: 'admin',
    orgId: rt.orgFor('county'),
    minSigners: 1,
  });
  await rt.waitFor(() => group.outcome !== undefined);
  rt.groups.delete(step.id);
  return group.outcome!.next;
}
