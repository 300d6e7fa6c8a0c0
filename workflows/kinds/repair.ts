/**
 * 修复任务 the engine's own step kind: when an automated step cannot go on (an activity failed for good, the
 * holiday calendar lacks a year for a notice), a task for the county administrator decides: retry the step,
 * skip it, or cancel the case. Never written in a definition (`authored: false`); the failing step's runner
 * opens it with `repairOf(step)`, under the failing step's id. Runner: `steps/repair.ts`.
 */
import type { Text } from '../definition.js';
import type { StepKind } from './kind.js';

export interface RepairStep {
  /** the id of the step that could not go on (the repair task is shown on it) */
  id: string;
  type: 'repair';
  title: Text;
}

/** What the administrator chose, as a tagged result (never a step id). */
export type RepairChoice = 'retry' | 'skip' | 'cancel';

/** The buttons of a repair task; `next` is what the task row stores (kept for running cases and old histories). */
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

const CHOICES: Record<string, RepairChoice> = { $retry: 'retry', $skip: 'skip', $cancel: 'cancel' };

/** The choice an action of a repair task stands for. */
export function repairChoice(next: string): RepairChoice {
  const choice = CHOICES[next];
  if (!choice) throw new Error(`not a repair action: ${next}`);
  return choice;
}

/** The repair step for a step that could not go on. */
export function repairOf(step: { id: string; title: { zh: string } }): RepairStep {
  return { id: step.id, type: 'repair', title: { zh: `修复：${step.title.zh}` } };
}

export const repair: StepKind<RepairStep> = {
  type: 'repair',
  label: { zh: '修复任务', en: 'Repair task' },
  authored: false,
  // the failing step's runner goes on from its own transitions
  transitions: () => [],
};
