/**
 * 计算字段 derived fields from the form's own declarative formulas (JSON
 * Logic, never eval). Paths: `A33` (a top-level field) or `members[*].A6`
 * (a field of every row of an array; inside the formula `var` reads the row,
 * and `$root.X` reads the whole document). Formulas run in the order listed,
 * so a later one may use an earlier result (A34 uses A33). The operators (div2, round2, count, sexFromId …)
 * are the rules kernel's (rules.ts).
 */
import { compiledRule, truthy } from './rules.js';

export interface DerivedField {
  path: string;
  logic: unknown;
  title?: string;
}

/** Remove client-supplied values of derived fields (they are recomputed, never trusted). */
export function stripDerived(data: Record<string, any>, derived: DerivedField[]): void {
  for (const d of derived) {
    const [arr, field] = d.path.split('[*].');
    if (field !== undefined) {
      if (Array.isArray(data[arr]))
        for (const row of data[arr]) if (row && typeof row === 'object') delete row[field];
    } else {
      delete data[d.path];
    }
  }
}

export function computeDerived(data: Record<string, any>, derived: DerivedField[]): void {
  for (const d of derived) {
    const [arr, field] = d.path.split('[*].');
    const formula = compiledRule(d.logic);
    if (field !== undefined) {
      if (!Array.isArray(data[arr])) continue;
      // a row formula that reads only the row's own fields is given the row itself, not a copy with $root
      const root = readsRoot(d.logic);
      for (const row of data[arr]) {
        if (!row || typeof row !== 'object') continue;
        const value = formula(root ? { ...row, $root: data } : row);
        if (value !== null && value !== undefined) row[field] = value;
      }
    } else {
      const value = formula(data);
      if (value !== null && value !== undefined && !(typeof value === 'number' && !Number.isFinite(value)))
        data[d.path] = value;
    }
  }
}

export function evaluateRule(logic: unknown, data: unknown): boolean {
  return truthy(compiledRule(logic)(data));
}

const rootReaders = new WeakMap<object, boolean>();
/** Does a row formula read `$root` or the whole row (`{"var": ""}`)? Then it needs the row joined with $root. */
function readsRoot(logic: unknown): boolean {
  if (!logic || typeof logic !== 'object') return false;
  let hit = rootReaders.get(logic);
  if (hit === undefined) {
    hit = JSON.stringify(logic).includes('$root') || wholeData(logic);
    rootReaders.set(logic, hit);
  }
  return hit;
}
function wholeData(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(wholeData);
  if (!node || typeof node !== 'object') return false;
  return Object.entries(node).some(([k, v]) => {
    if (k !== 'var') return wholeData(v);
    const a = Array.isArray(v) ? v[0] : v;
    return a === undefined || a === null || a === '' || typeof a === 'object' || wholeData(v);
  });
}
