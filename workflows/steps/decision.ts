/** 条件分支 route on a JSON Logic condition over case data (never eval). */
import type { DecisionStep } from '../definition.js';
import type { CaseRuntime } from '../runtime.js';
import { evaluate, truthy } from '../../forms/rules.js';

export function runDecision(rt: CaseRuntime, step: DecisionStep): string {
  const ctx = rt.context();
  for (const branch of step.branches) {
    if (truthy(evaluate(branch.when, ctx))) return branch.next;
  }
  return step.otherwise;
}
