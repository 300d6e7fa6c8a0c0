/** 并行 branches that run at once and join (all, or the first to finish). Runner: `steps/parallel.ts`. */
import type { Source, Text } from '../definition.js';
import { ID_PATTERN, stepSchema, TARGET, type StepKind } from './kind.js';

export interface ParallelStep {
  id: string;
  type: 'parallel';
  title: Text;
  /** first step of each branch; a branch ends when a transition targets "$join" */
  branches: { id: string; title?: Text; start: string }[];
  join: 'all' | 'any';
  next: string;
  source?: Source;
}

export const parallel: StepKind<ParallelStep> = {
  type: 'parallel',
  label: { zh: '并行', en: 'Parallel' },
  authored: true,
  automatic: true,
  schema: stepSchema('parallel', ['branches', 'join', 'next'], {
    branches: {
      type: 'array',
      minItems: 2,
      items: {
        type: 'object',
        required: ['id', 'start'],
        properties: {
          id: { type: 'string', pattern: ID_PATTERN },
          title: { $ref: '#/$defs/text' },
          start: TARGET,
        },
        additionalProperties: false,
      },
    },
    join: { enum: ['all', 'any'] },
    next: TARGET,
  }),
  transitions: (step) => [
    ...step.branches.map((b, i) => ({ target: b.start, path: `branches/${i}/start` })),
    { target: step.next, path: 'next' },
  ],
  branchStarts: (step) => step.branches.map((b) => b.start),
  check: (s, { at, error, reachesJoin }) =>
    s.branches.forEach((b, i) => {
      if (!reachesJoin(b.start)) {
        error(
          `${at}/branches/${i}`,
          'branch_never_joins',
          `分支“${b.id}”不会汇合（没有指向 $join 的路径）`,
          `branch "${b.id}" never reaches "$join"`,
        );
      }
    }),
  connect: (s, target) => ({ ...s, next: target }),
  // the designer adds branches after placing it (the schema wants two)
  newStep: (id) => ({ id, type: 'parallel', title: { zh: '并行' }, join: 'all', branches: [], next: '' }),
};
