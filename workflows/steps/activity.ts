/**
 * 自动环节 an activity step: call a registered activity with inputs mapped
 * from case data, store its output. A permanent failure opens a repair task
 * for an administrator (retry / skip / cancel) instead of leaving the case stuck.
 */
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { ActivityStep } from '../definition.js';
import type { CaseRuntime } from '../runtime.js';
import { evaluate } from '../../forms/rules.js';
import { repairOf } from '../kinds/repair.js';
import { runRepair } from './repair.js';

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
      rt.emit({
        kind: 'audit',
        action: 'activity.failed',
        target: step.id,
        detail: { activity: step.activity, reason: err.cause?.message ?? err.message },
      });
      const choice = await runRepair(rt, repairOf(step));
      if (choice === 'skip') return step.next;
      if (choice === 'cancel') return '$cancel';
    }
  }
}
