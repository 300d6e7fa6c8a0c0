/**
 * 规则内核 the one rules kernel: the JSON Logic dialect (json-logic-js, never eval) of process definitions
 * (decisions, activity input mappings), form formulas (derived fields, form rules) and the definition and
 * form validators, plus the money arithmetic of 附件2 (round2, per-capita income).
 *
 * json-logic-js is a singleton without instances, so this module is the only place that adds operations
 * to it: every operation once, when this module loads, whoever imports it first. Nothing else may call
 * `add_operation`/`rm_operation` (test/unit/rules.test.ts greps for it). Pure and deterministic:
 * workflows, activities, forms, the server and the web app all import it.
 */
import jsonLogic from 'json-logic-js';
import { residentIdSex } from './formats.js';

/**
 * Money to the fen (分), 四舍五入: half a fen rounds away from zero, for losses as for gains
 * (−0.125 → −0.13, like 0.125 → 0.13). That is how 元 amounts are rounded by hand and in accounting;
 * banker's rounding (GB/T 8170 “四舍六入五成双”) is for measured values, and would make 0.125 → 0.12,
 * which a township official checking 附件2 by hand would call wrong. The value is rounded as written in
 * decimal (1.005 → 1.01, although the double 1.005 lies just below it), not as its binary approximation.
 */
export function toFen(n: number): number {
  if (!Number.isFinite(n)) return n;
  const abs = Math.abs(n);
  const s = String(abs);
  const fen = s.includes('e') ? Math.round(abs * 100) : Math.round(Number(`${s}e2`));
  return Math.sign(n) * fen || 0;
}

/** Yuan rounded to the fen (see toFen). */
export function round2(n: number): number {
  return toFen(n) / 100;
}

/**
 * a ÷ b to the fen, exactly: with a whole divisor the division is done in whole fen (a remainder of half
 * the divisor or more rounds away from zero), so 0.21 ÷ 6 = 0.035 → 0.04 and 4.27 ÷ 2 = 2.135 → 2.14 no
 * matter how the double quotient prints. Null when b is 0 or not a number (never Infinity).
 */
export function div2(a: number, b: number): number | null {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  if (!Number.isInteger(b)) return round2(a / b);
  const fen = Math.abs(toFen(a));
  const m = Math.abs(b);
  const q = Math.floor(fen / m) + (2 * (fen % m) >= m ? 1 : 0);
  return (Math.sign(a) * Math.sign(b) * q || 0) / 100;
}

/** 人均 a household's total divided by its members (at least one), to the fen: the one per-capita formula. */
export function perCapita(total: number, members: number): number | null {
  if (!Number.isInteger(members) || members < 1) return null;
  return div2(total, members);
}

/** Operations added to JSON Logic's own; every rule anywhere may use every one of them. */
const OPERATIONS: Record<string, (...args: any[]) => unknown> = {
  /** number of items of an array, or characters of a string; 0 for anything else */
  count: (v: unknown) => (Array.isArray(v) || typeof v === 'string' ? v.length : 0),
  /** sum of an array of numbers (non-numbers count as 0) */
  sum: (v: unknown) => (Array.isArray(v) ? v.reduce((a: number, x) => a + (Number(x) || 0), 0) : 0),
  /** true when no two items of an array are equal (e.g. the ranks of an annual plan's selected projects) */
  distinct: (v: unknown) =>
    !Array.isArray(v) || new Set(v.map((x) => JSON.stringify(x ?? null))).size === v.length,
  /** the first value that is not null/undefined */
  coalesce: (...vs: unknown[]) => vs.find((v) => v !== null && v !== undefined) ?? null,
  /** yuan to the fen, 四舍五入 (round2 above) */
  round2: (a: unknown) => round2(Number(a) || 0),
  /** a ÷ b to the fen; null when b is 0 (no members: the schema reports it, never Infinity) */
  div2: (a: unknown, b: unknown) => div2(Number(a) || 0, Number(b)),
  /** 性别 from an ID number (the 17th digit: odd = male): '1' male, '2' female, null when invalid */
  sexFromId: (id: unknown) => {
    const sex = residentIdSex(String(id ?? '').slice(0, 18));
    return sex === null ? null : sex === 'male' ? '1' : '2';
  },
  /** an object with only the listed keys (to build a row from a record: {"map": [list, {"pick": [{"var": ""}, ["a", "b"]]}]}) */
  pick: (obj: unknown, keys: unknown) =>
    obj && typeof obj === 'object' && Array.isArray(keys)
      ? Object.fromEntries(
          keys
            .filter((k) => typeof k === 'string' && k in (obj as object))
            .map((k) => [k, (obj as Record<string, unknown>)[k]]),
        )
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
      (Array.isArray(b) ? b : [])
        .filter((x: any) => need.every((f) => x?.[f] !== undefined && x?.[f] !== null && x?.[f] !== ''))
        .map(key),
    );
    return a.filter((x) => !done.has(key(x)));
  },
  /**
   * 签名 a field of the latest signature on a step's records (`data.signatures.<step>`), optionally of one post:
   * {"signature": [{"var": "data.signatures.township_review"}, "township_head", "name"]}
   */
  signature: (records: unknown, post: unknown, field: unknown) => {
    const r = latestRound(records)
      .filter((x) => post === null || post === undefined || post === '' || x.post === post)
      .at(-1);
    return r && typeof field === 'string' ? (r[field] ?? null) : null;
  },
  /** 签字人 the names of everyone who signed the latest visit of a step, in signing order, joined by "、" */
  signers: (records: unknown) => {
    const names = [
      ...new Set(
        latestRound(records)
          .map((x) => String(x.name ?? ''))
          .filter(Boolean),
      ),
    ];
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

for (const [name, fn] of Object.entries(OPERATIONS)) jsonLogic.add_operation(name, fn);

/** Our operations' names. */
export const CUSTOM_OPERATORS = Object.keys(OPERATIONS);

/** Every operator a stored rule may use: JSON Logic's own (json-logic-js 2.x) and ours, never `method`. */
// prettier-ignore
export const OPERATORS: ReadonlySet<string> = new Set([
  'var', 'missing', 'missing_some', 'if', '?:', '==', '===', '!=', '!==', '!', '!!', 'or', 'and', '>', '>=', '<', '<=',
  'max', 'min', '+', '-', '*', '/', '%', 'map', 'filter', 'reduce', 'all', 'none', 'some', 'merge', 'in', 'cat', 'substr', 'log',
  ...CUSTOM_OPERATORS,
]);

/** The value of a rule over some data. */
export function evaluate(rule: unknown, data: unknown): unknown {
  return jsonLogic.apply(rule as jsonLogic.RulesLogic, data);
}

type Compiled = (data: any) => unknown;
const compiledRules = new WeakMap<object, Compiled>();

/**
 * The same value as `evaluate(rule, data)`, from a function built once per rule object: a formula evaluated
 * for every member row on every save (附件2's derived fields) is not re-read operator by operator each time.
 * It covers `var`, literals, arrays, `if`/`?:`/`and`/`or`/`some`, the comparison and arithmetic operators
 * (json-logic-js's own code, same coercions) and our operations; anything else is handed to json-logic-js as
 * it stands, so the answers are the interpreter's (test/unit/rules.test.ts compares the two).
 */
export function compiledRule(rule: unknown): Compiled {
  if (!rule || typeof rule !== 'object') return () => rule;
  let hit = compiledRules.get(rule);
  if (!hit) {
    hit = compileNode(rule);
    compiledRules.set(rule, hit);
  }
  return hit;
}

// json-logic-js's own operations, copied so that a compiled rule computes exactly what the interpreter does
const STANDARD: Record<string, (...args: any[]) => unknown> = {
  '==': (a, b) => a == b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a != b,
  '!==': (a, b) => a !== b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b, c) => (c === undefined ? a < b : a < b && b < c),
  '<=': (a, b, c) => (c === undefined ? a <= b : a <= b && b <= c),
  '!!': (a) => jsonLogic.truthy(a),
  '!': (a) => !jsonLogic.truthy(a),
  '%': (a, b) => a % b,
  '+': (...xs) => xs.reduce((a: any, b: any) => parseFloat(a) + parseFloat(b), 0),
  '*': (...xs) => xs.reduce((a: any, b: any) => parseFloat(a) * parseFloat(b)),
  '-': (a, b) => (b === undefined ? -a : a - b),
  '/': (a, b) => a / b,
  min: (...xs) => Math.min(...xs),
  max: (...xs) => Math.max(...xs),
};

function compileNode(rule: unknown): Compiled {
  if (Array.isArray(rule)) {
    const items = rule.map(compileNode);
    return (data) => items.map((f) => f(data));
  }
  if (!jsonLogic.is_logic(rule)) return () => rule;
  const op = Object.keys(rule as object)[0];
  const raw = (rule as Record<string, unknown>)[op];
  const values = Array.isArray(raw) ? raw : [raw];
  const interpreted: Compiled = (data) => jsonLogic.apply(rule as jsonLogic.RulesLogic, data);
  if (op === 'var') {
    const [a, b] = values;
    if (b !== undefined && typeof b === 'object') return interpreted;
    const notFound = b === undefined ? null : b;
    if (typeof a === 'undefined' || a === '' || a === null) return (data) => data;
    if (typeof a === 'object') return interpreted;
    const props = String(a).split('.');
    return (data) => {
      let cur = data;
      for (let i = 0; i < props.length; i++) {
        if (cur === null || cur === undefined) return notFound;
        cur = cur[props[i]];
        if (cur === undefined) return notFound;
      }
      return cur;
    };
  }
  const args = values.map(compileNode);
  if (op === 'if' || op === '?:')
    return (data) => {
      let i = 0;
      for (; i < args.length - 1; i += 2) if (jsonLogic.truthy(args[i](data))) return args[i + 1](data);
      return args.length === i + 1 ? args[i](data) : null;
    };
  if (op === 'and' || op === 'or') {
    const stopOn = op === 'or';
    return (data) => {
      let current: unknown;
      for (const f of args) {
        current = f(data);
        if (jsonLogic.truthy(current) === stopOn) return current;
      }
      return current;
    };
  }
  if (op === 'some' && args.length >= 2) {
    const [list, each] = args;
    return (data) => {
      const items = list(data);
      if (!Array.isArray(items) || !items.length) return false;
      for (const item of items) if (jsonLogic.truthy(each(item))) return true;
      return false;
    };
  }
  const fn = Object.hasOwn(OPERATIONS, op)
    ? OPERATIONS[op]
    : Object.hasOwn(STANDARD, op)
      ? STANDARD[op]
      : undefined;
  if (!fn) return interpreted;
  if (args.length === 1) {
    const [x] = args;
    return (data) => fn.call(data, x(data));
  }
  if (args.length === 2) {
    const [x, y] = args;
    return (data) => fn.call(data, x(data), y(data));
  }
  return (data) =>
    fn.apply(
      data,
      args.map((f) => f(data)),
    );
}

/** JSON Logic's truthiness (an empty array is false). */
export function truthy(value: unknown): boolean {
  return jsonLogic.truthy(value);
}

/** Whether a condition holds over some data. */
export function holds(rule: unknown, data: unknown): boolean {
  return truthy(evaluate(rule, data));
}
