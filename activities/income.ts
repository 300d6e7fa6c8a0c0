/**
 * 人均纯收入 per-capita income of a household, from 附件2 part 5
 * (A33 = A28+A29+A30+A31−A32; A34 = A33 ÷ size; A37 = A33+A35−A36; A38 = A37 ÷ size).
 * Source: seeds/000…, 附件2 field guide (lines 2850–2900).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { FromSchema } from 'json-schema-to-ts';
import { defineActivity } from './define.js';
import { perCapita, round2 } from '../forms/rules.js';

const money = { type: 'number' } as const;

const schemas = {
  inputSchema: {
    type: 'object',
    required: ['members', 'A28', 'A29', 'A30', 'A31', 'A32', 'A35', 'A36'],
    additionalProperties: false,
    properties: {
      members: { type: 'integer', minimum: 1, title: '家庭人口数' },
      A28: money,
      A29: money,
      A30: money,
      A31: money,
      A32: money,
      A35: money,
      A36: money,
      /** 监测收入基准线 the year's monitoring threshold (incomeThreshold): gives the eligibility hint */
      threshold: { ...money, title: '监测收入基准线' },
    },
  },
  outputSchema: {
    type: 'object',
    required: ['A33', 'A34', 'A37', 'A38'],
    additionalProperties: false,
    properties: {
      A33: money,
      A34: money,
      A37: money,
      A38: money,
      /**
       * 参考提示 A38 (the reference for inclusion, lines 2462, 2876) is below the threshold. A hint for
       * verifiers and reviewers, never a refusal: a household above it may still qualify by its risks (⑥–⑭)
       * or as 突发严重困难户 (line 2274).
       */
      belowThreshold: { type: 'boolean' },
      threshold: money,
    },
  },
} as const;

export type IncomeInput = FromSchema<typeof schemas.inputSchema>;
export type IncomeOutput = FromSchema<typeof schemas.outputSchema>;

/**
 * 收入计算期 the income period of 附件2: the 12 months ending the month before the procedure starts
 * (lines 2272, 2855–2856), in China time.
 */
export function incomePeriod(start: Date): { from: string; to: string } {
  const china = new Date(start.getTime() + 8 * 3_600_000);
  const month = (y: number, m: number) => {
    const d = new Date(Date.UTC(y, m, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  const y = china.getUTCFullYear();
  const m = china.getUTCMonth();
  return { from: month(y, m - 12), to: month(y, m - 1) };
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
  const A38 = perCapita(A37, i.members)!;
  const hint =
    typeof i.threshold === 'number' ? { belowThreshold: A38 < i.threshold, threshold: i.threshold } : {};
  return { A33, A34: perCapita(A33, i.members)!, A37, A38, ...hint };
}

export const computeIncome = defineActivity<typeof schemas>({
  name: 'computeIncome',
  title: { zh: '计算家庭人均纯收入', en: 'Compute per-capita household income' },
  ...schemas,
  create: () => async (input) => {
    try {
      return perCapitaIncome(input);
    } catch (err) {
      // bad data will not get better by retrying
      throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidInput');
    }
  },
});
