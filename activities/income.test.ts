import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { schemaErrors } from './define.js';
import { computeIncome } from './income.js';

const run = computeIncome.create({ db: undefined as never });
const household = { members: 3, A28: 12000, A29: 3000, A30: 0, A31: 1500.5, A32: 2000, A35: 600, A36: 300 };

describe('computeIncome', () => {
  it('computes 附件2 part 5 to the fen and answers what its output schema promises', async () => {
    const out = await run({ ...household, threshold: 6000 });
    // A33 = 12000+3000+0+1500.5−2000; A34 = A33 ÷ 3; A37 = A33+600−300; A38 = A37 ÷ 3
    expect(out).toEqual({
      A33: 14500.5,
      A34: 4833.5,
      A37: 14800.5,
      A38: 4933.5,
      belowThreshold: true,
      threshold: 6000,
    });
    expect(schemaErrors(computeIncome.outputSchema, out)).toEqual([]);
  });

  it('gives no hint without a threshold', async () => {
    const out = await run(household);
    expect(out).not.toHaveProperty('belowThreshold');
    expect(schemaErrors(computeIncome.outputSchema, out)).toEqual([]);
  });

  it('refuses a household without members for good (no retry) and input its schema refuses', async () => {
    await expect(run({ ...household, members: 0 })).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(run({ ...household, members: 0 })).rejects.toMatchObject({ nonRetryable: true });
    expect(schemaErrors(computeIncome.inputSchema, { ...household, members: 0 })).not.toEqual([]);
    expect(schemaErrors(computeIncome.inputSchema, { ...household, A99: 1 })).not.toEqual([]);
  });
});
