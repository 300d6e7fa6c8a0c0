/**
 * 步骤类型表 the one table of step kinds. Adding a kind: write `kinds/<kind>.ts` (type, schema fragment,
 * transitions, checks, designer defaults), add it here, write its runner `steps/<kind>.ts` and add it to
 * `steps/index.ts` (typed by this table), and give the process designer its panel. Pure: the workflow
 * bundle, the server and the web app import it.
 */
import type { StepKind, Transition } from './kind.js';
import { task, type TaskStep } from './task.js';
import { notice, type NoticeStep } from './notice.js';
import { activity, type ActivityStep } from './activity.js';
import { decision, type DecisionStep } from './decision.js';
import { parallel, type ParallelStep } from './parallel.js';
import { end, type EndStep } from './end.js';
import { repair, type RepairStep } from './repair.js';
import { COMMON_DEFS } from './kind.js';

/** A step an administrator may write in a definition. */
export type Step = TaskStep | ParallelStep | NoticeStep | ActivityStep | DecisionStep | EndStep;
/** Every kind the engine runs, including its own (the repair task). */
export type AnyStep = Step | RepairStep;
export type StepType = Step['type'];
export type StepOf<T extends AnyStep['type']> = Extract<AnyStep, { type: T }>;

/** The table: one entry per kind, in the order the designer offers them. */
export const KINDS: { [T in AnyStep['type']]: StepKind<StepOf<T>> } = {
  task,
  notice,
  activity,
  decision,
  parallel,
  end,
  repair,
};

/** The kind of a step (typed loosely: callers hold a step of the union). */
export function kindOf<S extends AnyStep>(step: S): StepKind<S> {
  return KINDS[step.type] as unknown as StepKind<S>;
}

/** The kinds an administrator may put in a definition, in the designer's order. */
export const AUTHORED_TYPES = (Object.keys(KINDS) as AnyStep['type'][]).filter(
  (t) => KINDS[t].authored,
) as StepType[];

/** Every transition target a step names, with the JSON path it is named at. */
export function transitions(step: AnyStep): Transition[] {
  return kindOf(step).transitions(step);
}

/** The `$defs` of the definition schema: shared parts, each kind's step schema and its own defs. */
export function stepSchemaDefs(): Record<string, unknown> {
  const defs: Record<string, unknown> = { ...COMMON_DEFS };
  for (const type of AUTHORED_TYPES) Object.assign(defs, KINDS[type].defs ?? {});
  defs.step = {
    type: 'object',
    required: ['type'],
    properties: { type: { enum: AUTHORED_TYPES } },
    allOf: AUTHORED_TYPES.map((type) => ({
      if: { properties: { type: { const: type } } },
      then: { $ref: `#/$defs/${type}` },
    })),
  };
  for (const type of AUTHORED_TYPES) defs[type] = KINDS[type].schema;
  return defs;
}

/** The designer's view of the table: what it may add, how a kind is called, a new step, edges. */
export const DESIGNER_KINDS = AUTHORED_TYPES.map((type) => ({ type, label: KINDS[type].label }));

export function newStep(type: StepType, id: string): Step {
  const make = KINDS[type].newStep as ((id: string) => Step) | undefined;
  if (!make) throw new Error(`kind ${type} has no default step`);
  return make(id);
}

export function edgeLabel(step: Step, path: string): string | undefined {
  return kindOf(step).edgeLabel?.(step, path);
}

/** The designer: the step with an edge drawn to `target` (its main transition); unchanged for an end. */
export function connect(step: Step, target: string): Step {
  return kindOf(step).connect?.(step, target) ?? step;
}

/** The case page: is the step one of the stages shown in the case's progress? */
export function isMilestone(step: Step): boolean {
  return kindOf(step).milestone?.(step) ?? false;
}

export type { StepKind, Transition, CheckContext, DefinitionError, DefinitionRegistry } from './kind.js';
export type { TaskStep, TaskAction, TaskMode, TaskEvidence, Sla, Assignee, Post } from './task.js';
export { evidenceStore } from './task.js';
export type { NoticeStep } from './notice.js';
export type { ActivityStep } from './activity.js';
export type { DecisionStep } from './decision.js';
export type { ParallelStep } from './parallel.js';
export type { EndStep } from './end.js';
export type { RepairStep, RepairChoice } from './repair.js';
export { modeOf } from './task.js';
export { REPAIR_ACTIONS, repairChoice, repairOf } from './repair.js';
