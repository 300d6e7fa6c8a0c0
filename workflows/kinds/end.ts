/** 结束 an outcome the read model and dashboard understand. The workflow ends the case here (`case-workflow.ts`). */
import type { Source, Text } from '../definition.js';
import { stepSchema, type StepKind } from './kind.js';

export interface EndStep {
  id: string;
  type: 'end';
  title: Text;
  outcome: 'approved' | 'rejected' | 'withdrawn' | 'cancelled' | 'completed' | 'refused';
  source?: Source;
}

export const end: StepKind<EndStep> = {
  type: 'end',
  label: { zh: '结束', en: 'End' },
  authored: true,
  terminal: true,
  // the approved end is the last stage of the progress; other ends are shown by the case's status
  milestone: (step) => step.outcome === 'approved',
  schema: stepSchema('end', ['outcome'], {
    outcome: { enum: ['approved', 'rejected', 'withdrawn', 'cancelled', 'completed', 'refused'] },
  }),
  transitions: () => [],
  newStep: (id) => ({ id, type: 'end', title: { zh: '结束' }, outcome: 'approved' }),
};
