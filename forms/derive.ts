/**
 * 计算字段 derived fields from the form's own declarative formulas (JSON
 * Logic, never eval). Paths: `A33` (a top-level field) or `members[*].A6`
 * (a field of every row of an array; inside the formula `var` reads the row,
 * and `$root.X` reads the whole document). Formulas run in the order listed,
 * so a later one may use an earlier result (A34 uses A33).
 */
import jsonLogic from 'json-logic-js';
import { parseResidentId } from './formats.js';

export interface DerivedField {
  path: string;
  logic: unknown;
  title?: string;
}

const round2 = (n: number) => Math.round((n + Math.sign(n) * Number.EPSILON) * 100) / 100;

let registered = false;
function register() {
  if (registered) return;
  registered = true;
  /** 性别 from an ID number (the 17th digit: odd = male) */
  jsonLogic.add_operation('sexFromId', (id: unknown) => {
    const r = parseResidentId(String(id ?? '').slice(0, 18));
    return r.valid ? (r.sex === 'male' ? '1' : '2') : null;
  });
  jsonLogic.add_operation('count', (v: unknown) => (Array.isArray(v) ? v.length : 0));
  jsonLogic.add_operation('sum', (v: unknown) => (Array.isArray(v) ? v.reduce((a: number, x) => a + (Number(x) || 0), 0) : 0));
  /** a ÷ b rounded to fen; null when b is 0 (no members: the schema reports it, never Infinity) */
  jsonLogic.add_operation('div2', (a: unknown, b: unknown) => (Number(b) ? round2(Number(a) / Number(b)) : null));
  jsonLogic.add_operation('round2', (a: unknown) => round2(Number(a) || 0));
  jsonLogic.add_operation('coalesce', (...vs: unknown[]) => vs.find((v) => v !== null && v !== undefined) ?? null);
}

export function derivedPaths(derived: DerivedField[]): string[] {
  return derived.map((d) => d.path);
}

/** Remove client-supplied values of derived fields (they are recomputed, never trusted). */
export function stripDerived(data: Record<string, any>, derived: DerivedField[]): void {
  for (const d of derived) {
    const [arr, field] = d.path.split('[*].');
    if (field !== undefined) {
      if (Array.isArray(data[arr])) for (const row of data[arr]) if (row && typeof row === 'object') delete row[field];
    } else {
      delete data[d.path];
    }
  }
}

export function computeDerived(data: Record<string, any>, derived: DerivedField[]): void {
  register();
  for (const d of derived) {
    const [arr, field] = d.path.split('[*].');
    if (field !== undefined) {
      if (!Array.isArray(data[arr])) continue;
      for (const row of data[arr]) {
        if (!row || typeof row !== 'object') continue;
        const value = jsonLogic.apply(d.logic as jsonLogic.RulesLogic, { ...row, $root: data });
        if (value !== null && value !== undefined) row[field] = value;
      }
    } else {
      const value = jsonLogic.apply(d.logic as jsonLogic.RulesLogic, data);
      if (value !== null && value !== undefined && !(typeof value === 'number' && !Number.isFinite(value))) data[d.path] = value;
    }
  }
}

export function evaluateRule(logic: unknown, data: unknown): boolean {
  register();
  return jsonLogic.truthy(jsonLogic.apply(logic as jsonLogic.RulesLogic, data));
}
