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
  /** an object with only the listed keys (to build a row from a record: {"map": [list, {"pick": [{"var": ""}, ["a", "b"]]}]}) */
  pick: (obj: unknown, keys: unknown) =>
    obj && typeof obj === 'object' && Array.isArray(keys)
      ? Object.fromEntries(keys.filter((k) => typeof k === 'string' && k in (obj as object)).map((k) => [k, (obj as Record<string, unknown>)[k]]))
      : {},
  /**
   * the items of the first list that have no match in the second on the listed keys, where a match
   * must also have every field of the fourth argument filled: "every hit has a decision"
   */
  unmatched: (a: unknown, b: unknown, keys: unknown, filled: unknown = []) => {
    if (!Array.isArray(a)) return [];
    const ks = Array.isArray(keys) ? keys.map(String) : [];
    const need = Array.isArray(filled) ? filled.map(String) : [];
    const key = (x: any) => JSON.stringify(ks.map((k) => x?.[k] ?? null));
    const done = new Set(
      (Array.isArray(b) ? b : []).filter((x: any) => need.every((f) => x?.[f] !== undefined && x?.[f] !== null && x?.[f] !== '')).map(key),
    );
    return a.filter((x) => !done.has(key(x)));
  },
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
