/**
 * Safe expressions over case data: JSON Logic (json-logic-js), never eval.
 * Shared by the interpreter (decisions, activity input mappings) and the
 * definition validator (which checks that every operator is known).
 */
import jsonLogic from 'json-logic-js';

/** Operators we add to JSON Logic's own. */
const CUSTOM_OPERATIONS: Record<string, (...args: any[]) => unknown> = {
  /** length of an array or string */
  count: (v: unknown) => (Array.isArray(v) || typeof v === 'string' ? v.length : 0),
  /** sum of an array of numbers */
  sum: (v: unknown) => (Array.isArray(v) ? v.reduce((a: number, x) => a + (Number(x) || 0), 0) : 0),
  /** the value, or a fallback when it is null/undefined */
  coalesce: (...vs: unknown[]) => vs.find((v) => v !== null && v !== undefined) ?? null,
};

let registered = false;
function ensureRegistered(): void {
  if (registered) return;
  for (const [name, fn] of Object.entries(CUSTOM_OPERATIONS)) jsonLogic.add_operation(name, fn);
  registered = true;
}

export function evaluate(expr: unknown, context: unknown): unknown {
  ensureRegistered();
  return jsonLogic.apply(expr as jsonLogic.RulesLogic, context);
}

export function truthy(value: unknown): boolean {
  ensureRegistered();
  return jsonLogic.truthy(value);
}

export const CUSTOM_OPERATORS = Object.keys(CUSTOM_OPERATIONS);
