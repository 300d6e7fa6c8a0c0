/** 条件分支 route on a JSON Logic condition over case data. Runner: `steps/decision.ts`. */
import type { Logic, Source, Text } from '../definition.js';
import { stepSchema, TARGET, type StepKind } from './kind.js';

export interface DecisionStep {
  id: string;
  type: 'decision';
  title: Text;
  branches: { when: Logic; next: string; label?: Text }[];
  otherwise: string;
  source?: Source;
}

export const decision: StepKind<DecisionStep> = {
  type: 'decision',
  label: { zh: '条件分支', en: 'Decision' },
  authored: true,
  automatic: true,
  schema: stepSchema('decision', ['branches', 'otherwise'], {
    branches: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['when', 'next'],
        properties: { when: {}, next: TARGET, label: { $ref: '#/$defs/text' } },
        additionalProperties: false,
      },
    },
    otherwise: TARGET,
  }),
  transitions: (step) => [
    ...step.branches.map((b, i) => ({ target: b.next, path: `branches/${i}/next` })),
    { target: step.otherwise, path: 'otherwise' },
  ],
  check: (s, { at, logic }) => s.branches.forEach((b, i) => logic(b.when, `${at}/branches/${i}/when`)),
  newStep: (id) => ({
    id,
    type: 'decision',
    title: { zh: '条件分支' },
    branches: [{ when: { '==': [1, 1] }, next: '' }],
    otherwise: '',
  }),
  connect: (s, target) => ({ ...s, otherwise: target }),
  edgeLabel: (_s, path) => (path === 'otherwise' ? '否则' : '满足条件'),
};
