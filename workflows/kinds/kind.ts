/**
 * 步骤类型 what every step kind declares, in one place per kind (`kinds/<kind>.ts`), registered in the one
 * table `kinds/index.ts`. Pure: no Temporal, no server, no I/O, so the workflow bundle, the server (the
 * definition validator) and the web app (the process designer, the case page) all import it. The runner
 * of a kind lives beside it in `steps/<kind>.ts` (it needs `@temporalio/workflow`), and the workflow's
 * runner table (`steps/index.ts`) is typed by this table, so a kind without a runner does not compile.
 */
import type { Text } from '../definition.js';

/** What a process definition may refer to: the validator checks names against this. */
export interface DefinitionRegistry {
  /** a form by key (and version): its field paths, for field permissions */
  forms: (key: string, version?: number) => { fields: string[]; stages?: string[] } | undefined;
  activities: (
    name: string,
  ) => { inputSchema: Record<string, unknown>; outputSchema: Record<string, unknown> } | undefined;
  roles: Set<string>;
  params: Set<string>;
}

/** One problem in a definition, named by step and JSON pointer, in Chinese and English. */
export interface DefinitionError {
  stepId?: string;
  path: string;
  code: string;
  message: string;
  message_en: string;
}

/** The least every step has. */
export interface BaseStep {
  id: string;
  type: string;
  title: Text;
}

/** What a kind's semantic checks get from the validator (the graph-wide checks stay in the validator). */
export interface CheckContext {
  /** JSON pointer of the step, e.g. `/steps/3` */
  at: string;
  byId: (id: string) => BaseStep | undefined;
  registry: DefinitionRegistry;
  /** report a problem of this step at a JSON pointer */
  error: (path: string, code: string, zh: string, en: string) => void;
  /** report an unknown JSON Logic operator in `expr` */
  logic: (expr: unknown, path: string) => void;
  /** report an unknown policy parameter when `value` is `{ param }` */
  param: (value: unknown, path: string) => void;
  /** does every path from a branch start reach "$join" (and none leave the branch for an end)? */
  reachesJoin: (start: string) => boolean;
}

/** One transition a step names: its target and the JSON path (relative to the step) it is named at. */
export interface Transition {
  target: string;
  path: string;
}

export interface StepKind<S extends BaseStep> {
  type: S['type'];
  /** what people call it (designer buttons, case page) */
  label: Text;
  /** administrators may put it in a definition (false: the engine makes it, e.g. the repair task) */
  authored: boolean;
  /** the case ends here */
  terminal?: boolean;
  /** runs without a person or a timer (a loop made only of such steps would spin) */
  automatic?: boolean;
  /** shown as a stage of the case's progress on the case page */
  milestone?: (step: S) => boolean;
  /** JSON Schema of the step (2020-12), under `$defs/<type>`; may `$ref` the shared `$defs` and its own `defs` */
  schema?: Record<string, unknown>;
  /** further `$defs` the schema refers to */
  defs?: Record<string, unknown>;
  /** every transition target the step names */
  transitions: (step: S) => Transition[];
  /** first steps of parallel branches (they end by targeting "$join"); the step goes on to `next` after them */
  branchStarts?: (step: S) => string[];
  /** semantic checks beyond the schema: names it refers to, expressions, consistency */
  check?: (step: S, ctx: CheckContext) => void;
  /** designer: a new step of this kind, before the administrator fills it in */
  newStep?: (id: string) => S;
  /** designer: an edge drawn from the step to `target` sets its main transition (a copy is returned) */
  connect?: (step: S, target: string) => S;
  /** designer: the label of the edge named at `path` */
  edgeLabel?: (step: S, path: string) => string | undefined;
}

/** `$defs` every kind's schema may refer to. */
export const COMMON_DEFS: Record<string, unknown> = {
  text: {
    type: 'object',
    required: ['zh'],
    properties: { zh: { type: 'string', minLength: 1 }, en: { type: 'string' } },
    additionalProperties: false,
  },
  source: {
    type: 'object',
    required: ['file', 'lines'],
    properties: { file: { type: 'string' }, lines: { type: 'string' }, note: { type: 'string' } },
    additionalProperties: false,
  },
  numOrParam: {
    oneOf: [
      { type: 'integer', minimum: 0 },
      {
        type: 'object',
        required: ['param'],
        properties: { param: { type: 'string' } },
        additionalProperties: false,
      },
    ],
  },
};

export const ID_PATTERN = '^[a-z][a-z0-9_-]*$';
export const LEVEL_ENUM = { enum: ['village', 'township', 'county', 'city', 'province'] };
export const TARGET = { type: 'string', minLength: 1 };

/** The schema of a step of `type`: id, title, source and type, plus its own properties. */
export function stepSchema(
  type: string,
  required: string[],
  properties: Record<string, unknown>,
): Record<string, unknown> {
  return {
    type: 'object',
    required: ['id', 'type', 'title', ...required],
    additionalProperties: false,
    properties: {
      id: { type: 'string', pattern: ID_PATTERN },
      title: { $ref: '#/$defs/text' },
      source: { $ref: '#/$defs/source' },
      type: { const: type },
      ...properties,
    },
  };
}
