/**
 * 计算字段 derived fields from the form's own declarative formulas (JSON
 * Logic, never eval). Paths: `A33` (a top-level field) or `members[*].A6`
 * (a field of every row of an array; inside the formula `var` reads the row,
 * and `$root.X` reads the whole document). Formulas run in the order listed,
 * so a later one may use an earlier result (A34 uses A33). The operators (div2, round2, count, sexFromId …)
 * are the rules kernel's (rules.ts).
 */
import { evaluate, holds } from './rules.js';

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
    if (field !== undefined) {
      if (!Array.isArray(data[arr])) continue;
      for (const row of data[arr]) {
        if (!row || typeof row !== 'object') continue;
        const value = evaluate(d.logic, { ...row, $root: data });
        if (value !== null && value !== undefined) row[field] = value;
      }
    } else {
      const value = evaluate(d.logic, data);
      if (value !== null && value !== undefined && !(typeof value === 'number' && !Number.isFinite(value)))
        data[d.path] = value;
    }
  }
}

export function evaluateRule(logic: unknown, data: unknown): boolean {
  return holds(logic, data);
}
