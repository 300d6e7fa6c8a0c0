/**
 * 修复任务 runner of the repair kind (`kinds/repair.ts`): a task for the county administrator, who
 * retries the failed step, skips it, or cancels the case. The case never sits stuck without a task.
 */
import { REPAIR_ACTIONS, repairChoice, type RepairChoice, type RepairStep } from '../kinds/repair.js';
import type { CaseRuntime, TaskGroup } from '../runtime.js';
import { createTask } from './task.js';

/** Open the repair task; returns what the administrator chose. A cancel also sets the case's outcome. */
export async function runRepair(rt: CaseRuntime, step: RepairStep): Promise<RepairChoice> {
  const group: TaskGroup = {
    stepId: step.id,
    taskIds: [],
    queue: [],
    after: [],
    actions: [...REPAIR_ACTIONS],
  };
  rt.groups.set(step.id, group);
  createTask(rt, { id: step.id, title: step.title }, group, {
    role: 'admin',
    orgId: rt.orgFor('county'),
    minSigners: 1,
  });
  try {
    await rt.waitFor(() => group.outcome !== undefined);
  } finally {
    rt.groups.delete(step.id);
  }
  const choice = repairChoice(group.outcome!.next);
  if (choice === 'cancel') rt.abortOutcome = { status: 'cancelled', outcome: 'cancelled' };
  return choice;
}
