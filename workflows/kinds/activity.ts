/** 自动环节 an activity step: a registered activity called with inputs mapped from case data. Runner: `steps/activity.ts`. */
import type { Logic, Source, Text } from '../definition.js';
import { stepSchema, TARGET, type StepKind } from './kind.js';

export interface ActivityStep {
  id: string;
  type: 'activity';
  title: Text;
  activity: string;
  /** input field → JSON Logic over `{ data, case, params }` */
  input: Record<string, Logic>;
  /** where the activity's output is stored in case data */
  store?: string;
  retry?: { maximumAttempts?: number; initialIntervalSeconds?: number };
  timeoutSeconds?: number;
  next: string;
  source?: Source;
}

export const activity: StepKind<ActivityStep> = {
  type: 'activity',
  label: { zh: '自动活动', en: 'Activity' },
  authored: true,
  automatic: true,
  schema: stepSchema('activity', ['activity', 'input', 'next'], {
    activity: { type: 'string', minLength: 1 },
    input: { type: 'object' },
    store: { type: 'string' },
    retry: {
      type: 'object',
      properties: {
        maximumAttempts: { type: 'integer', minimum: 1 },
        initialIntervalSeconds: { type: 'number', minimum: 0 },
      },
      additionalProperties: false,
    },
    timeoutSeconds: { type: 'number', minimum: 1 },
    next: TARGET,
  }),
  transitions: (step) => [{ target: step.next, path: 'next' }],
  check: (s, { at, registry, error, logic }) => {
    const act = registry.activities(s.activity);
    if (!act) {
      error(
        `${at}/activity`,
        'unknown_activity',
        `自动活动“${s.activity}”未注册`,
        `activity "${s.activity}" is not registered`,
      );
      return;
    }
    const input = act.inputSchema as {
      required?: string[];
      properties?: Record<string, unknown>;
      additionalProperties?: boolean;
    };
    for (const req of input.required ?? []) {
      if (!(req in s.input))
        error(
          `${at}/input/${req}`,
          'missing_input',
          `自动活动“${s.activity}”缺少输入“${req}”`,
          `activity "${s.activity}" needs input "${req}"`,
        );
    }
    for (const [field, expr] of Object.entries(s.input)) {
      if (input.additionalProperties === false && !(field in (input.properties ?? {}))) {
        error(
          `${at}/input/${field}`,
          'unknown_input',
          `自动活动“${s.activity}”没有输入“${field}”`,
          `activity "${s.activity}" has no input "${field}"`,
        );
      }
      logic(expr, `${at}/input/${field}`);
    }
  },
  connect: (s, target) => ({ ...s, next: target }),
  newStep: (id) => ({
    id,
    type: 'activity',
    title: { zh: '自动活动' },
    activity: 'notify',
    input: { message: '' },
    next: '',
  }),
};
