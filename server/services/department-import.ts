/**
 * 部门数据导入 import department records (CSV) with a per-row error report.
 * Each row's id is a hash of its content, so re-running the same file changes nothing.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

export interface ImportResult {
  rows: number;
  inserted: number;
  unchanged: number;
  errors: { line: number; message: string; message_en: string }[];
}

const REQUIRED = ['department', 'kind', 'id_number'] as const;

/** Minimal RFC 4180 CSV parsing (quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((x) => x.trim() !== ''));
}

export async function importDepartmentCsv(
  db: pg.Pool,
  text: string,
  onProgress?: (done: number, total: number) => void,
): Promise<ImportResult> {
  const [header, ...body] = parseCsv(text.replace(/^\uFEFF/, ''));
  const cols = (header ?? []).map((h) => h.trim());
  const result: ImportResult = { rows: body.length, inserted: 0, unchanged: 0, errors: [] };
  for (const col of REQUIRED) {
    if (!cols.includes(col)) {
      result.errors.push({ line: 1, message: `缺少列“${col}”`, message_en: `missing column "${col}"` });
    }
  }
  if (result.errors.length) return result;
  const idx = (name: string) => cols.indexOf(name);
  const batch: unknown[][] = [];
  const flush = async () => {
    if (!batch.length) return;
    const values: unknown[] = [];
    const tuples = batch.map((r, i) => {
      values.push(...r);
      const b = i * 8;
      return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8})`;
    });
    const res = await db.query(
      `INSERT INTO department_records (id, department, kind, id_number, name, amount, period, detail) VALUES ${tuples.join(',')}
       ON CONFLICT (id) DO NOTHING`,
      values,
    );
    result.inserted += res.rowCount ?? 0;
    result.unchanged += batch.length - (res.rowCount ?? 0);
    batch.length = 0;
  };
  for (const [i, r] of body.entries()) {
    const line = i + 2;
    const get = (name: string) => (idx(name) >= 0 ? (r[idx(name)] ?? '').trim() : '');
    const idNumber = get('id_number').toUpperCase();
    if (!get('department') || !get('kind')) {
      result.errors.push({ line, message: '部门和类别不能为空', message_en: 'department and kind are required' });
      continue;
    }
    if (!/^\d{17}[\dX]$/.test(idNumber)) {
      result.errors.push({ line, message: '身份证号格式错误', message_en: 'malformed ID number' });
      continue;
    }
    const amountRaw = get('amount');
    const amount = amountRaw === '' ? null : Number(amountRaw);
    if (amount !== null && !Number.isFinite(amount)) {
      result.errors.push({ line, message: '金额不是数字', message_en: 'amount is not a number' });
      continue;
    }
    const detail = Object.fromEntries(cols.filter((c) => !['department', 'kind', 'id_number', 'name', 'amount', 'period'].includes(c)).map((c) => [c, get(c)]));
    const key = [get('department'), get('kind'), idNumber, get('period'), amountRaw].join('\u0000');
    const id = createHash('sha256').update(key).digest('hex').slice(0, 32);
    batch.push([id, get('department'), get('kind'), idNumber, get('name') || null, amount, get('period') || null, JSON.stringify(detail)]);
    if (batch.length >= 1000) {
      await flush();
      onProgress?.(i + 1, body.length);
    }
  }
  await flush();
  onProgress?.(body.length, body.length);
  return result;
}
