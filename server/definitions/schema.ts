/**
 * 流程定义 JSON Schema (2020-12), assembled: the definition's own properties here, the steps' from the
 * kind table (`workflows/kinds/index.ts`), each kind contributing its fragment. `validate.ts` compiles it.
 */
import { stepSchemaDefs } from '../../workflows/kinds/index.js';

const KEY = { type: 'string', pattern: '^[a-z][a-z0-9_-]*$' };

export const definitionSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://zhenxing.example/schemas/process-definition.json',
  title: '流程定义 Process definition',
  type: 'object',
  required: ['key', 'title', 'subject', 'start', 'steps'],
  additionalProperties: false,
  properties: {
    key: KEY,
    version: { type: 'integer', minimum: 1 },
    title: { $ref: '#/$defs/text' },
    subject: { enum: ['household', 'project', 'asset', 'campaign'] },
    exclusive: {
      type: 'boolean',
      description:
        'household subjects only: a case holds the household while it runs (one active identification or elimination case per household); false for follow-ups that run beside them',
    },
    subjectStatuses: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { enum: ['none', 'warning', 'monitored', 'eliminated'] },
      description:
        'household subjects only: the monitoring statuses a case may start from (适用对象); a household in another status is refused before any form is filled',
    },
    startLevel: { enum: ['village', 'township', 'county', 'city', 'province'] },
    starters: { type: 'array', items: { type: 'string' } },
    start: KEY,
    steps: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } },
    source: { $ref: '#/$defs/source' },
    status: { type: 'string' },
  },
  $defs: stepSchemaDefs(),
};
