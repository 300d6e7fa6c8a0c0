/**
 * 人均纯收入 per-capita income of a household, from 附件2 part 5
 * (A33 = A28+A29+A30+A31−A32; A34 = A33 ÷ size; A37 = A33+A35−A36; A38 = A37 ÷ size).
 * Source: seeds/000…, 附件2 field guide (lines 2850–2900).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityDefinition } from './registry.js';
import { perCapita, round2 } from '../forms/rules.js';

export interface IncomeInput {
  members: number;
  A28: number;
  A29: number;
  A30: number;
  A31: number;
  A32: number;
  A35: number;
  A36: number;
}

export interface IncomeOutput {
  A33: number;
  A34: number;
  A37: number;
  A38: number;
}

/**
 * Pure arithmetic with the rules kernel's round2 and per-capita formula, the same the form's derived
 * fields use (div2), so 附件2 and this activity agree to the fen; no members is an error, never Infinity.
 */
export function perCapitaIncome(i: IncomeInput): IncomeOutput {
  if (!Number.isInteger(i.members) || i.members < 1) {
    throw new RangeError('家庭人口数必须至少为1 / a household needs at least one member');
  }
  const A33 = round2(i.A28 + i.A29 + i.A30 + i.A31 - i.A32);
  const A37 = round2(A33 + i.A35 - i.A36);
  return { A33, A34: perCapita(A33, i.members)!, A37, A38: perCapita(A37, i.members)! };
}

const money = { type: 'number' };

export const computeIncome: ActivityDefinition<IncomeInput, IncomeOutput> = {
  name: 'computeIncome',
  title: { zh: '计算家庭人均纯收入', en: 'Compute per-capita household income' },
  inputSchema: {
    type: 'object',
    required: ['members', 'A28', 'A29', 'A30', 'A31', 'A32', 'A35', 'A36'],
    additionalProperties: false,
    properties: { members: { type: 'integer', minimum: 1 }, A28: money, A29: money, A30: money, A31: money, A32: money, A35: money, A36: money },
  },
  outputSchema: {
    type: 'object',
    properties: { A33: money, A34: money, A37: money, A38: money },
  },
  create: () => async (input) => {
    try {
      return perCapitaIncome(input);
    } catch (err) {
      // bad data will not get better by retrying
      throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidInput');
    }
  },
};
