/**
 * 收入参考提示 the monitoring income threshold shown beside a task of a procedure that computes
 * 附件2's income (identification, the legacy re-check): the year's threshold (parameter
 * incomeThreshold, seeds/000…, line 2272), the income period it applies to (the 12 months before
 * the procedure, lines 2272, 2855–2856) and, once computed, A34/A38 and whether A38 is below it.
 * A hint for verifiers and reviewers, never a refusal (other risks may qualify).
 */
import type pg from 'pg';
import { paramsForYear } from './catalog.js';

import type { IncomeHint } from '../../shared/api-types.js';
export type { IncomeHint };

interface StepLike {
  type: string;
  activity?: string;
  input?: Record<string, unknown>;
}

/** the parameter a process compares income with: the `threshold` input of its computeIncome step */
function thresholdParam(steps: readonly StepLike[]): string | undefined {
  for (const s of steps) {
    if (s.type !== 'activity' || s.activity !== 'computeIncome') continue;
    const v = (s.input?.threshold as { var?: unknown } | undefined)?.var;
    if (typeof v === 'string' && v.startsWith('params.')) return v.slice('params.'.length);
  }
  return undefined;
}

export async function incomeHint(
  db: pg.Pool,
  def: { steps: readonly unknown[] } | undefined,
  caseData: Record<string, any> | null | undefined,
  now: Date,
): Promise<IncomeHint | undefined> {
  const key = def ? thresholdParam(def.steps as StepLike[]) : undefined;
  if (!key) return undefined;
  const period = caseData?.incomePeriod ?? null;
  const year = period?.to ? Number(String(period.to).slice(0, 4)) : now.getUTCFullYear();
  const threshold = Number((await paramsForYear(db, year))[key]);
  if (!Number.isFinite(threshold)) return undefined;
  const income = caseData?.income;
  return {
    threshold,
    year,
    period,
    ...(income && typeof income === 'object'
      ? { A34: income.A34 ?? null, A38: income.A38 ?? null, belowThreshold: income.belowThreshold === true }
      : {}),
  };
}
