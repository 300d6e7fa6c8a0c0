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
  /**
   * 签名 a field of the latest signature on a step's records (`data.signatures.<step>`), optionally of one post:
   * {"signature": [{"var": "data.signatures.township_review"}, "township_head", "name"]}
   */
  signature: (records: unknown, post: unknown, field: unknown) => {
    const r = latestRound(records).filter((x) => post === null || post === undefined || post === '' || x.post === post).at(-1);
    return r && typeof field === 'string' ? (r[field] ?? null) : null;
  },
  /** 签字人 the names of everyone who signed the latest visit of a step, in signing order, joined by "、" */
  signers: (records: unknown) => {
    const names = [...new Set(latestRound(records).map((x) => String(x.name ?? '')).filter(Boolean))];
    return names.length ? names.join('、') : null;
  },
};

/** The signature records of a step's latest visit (a return starts a new one). */
function latestRound(records: unknown): Record<string, unknown>[] {
  if (!Array.isArray(records)) return [];
  const rows = records.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object');
  const last = Math.max(-1, ...rows.map((x) => Number(x.round) || 0));
  return rows.filter((x) => (Number(x.round) || 0) === last);
}

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
