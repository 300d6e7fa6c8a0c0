/**
 * 部门数据导入 department records (medical expenses, 低保/特困, disability,
 * unemployment, disaster losses …) from CSV or XLSX. The whole file is checked
 * first; a file with any bad row is refused with a per-row report and writes
 * nothing. An accepted file is written in one transaction, with its progress
 * on a job row. Each record's id is a hash of its content, so importing the
 * same file again changes nothing.
 */
import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import ExcelJS from 'exceljs';
import { parseResidentId } from '../../forms/formats.js';
import { TEXT_FAULT_MESSAGE, textFault } from '../safe-text.js';
import { inTransaction } from '../db.js';
import { appendAudit } from '../../store/audit.js';
import { domain, type FieldError } from '../errors.js';
import type { Principal } from './principal.js';
import { checkTable, neutraliseCell, readXlsxLimited } from './spreadsheet.js';

export type Table = string[][];

export interface RowError {
  line: number;
  column?: string;
  message: string;
  message_en: string;
}

export interface ImportResult {
  rows: number;
  inserted: number;
  unchanged: number;
  errors: RowError[];
}

export const COLUMNS = ['department', 'kind', 'id_number', 'name', 'amount', 'period'] as const;
const REQUIRED = ['department', 'kind', 'id_number'] as const;
/** Chinese headers as departments' spreadsheets write them */
const HEADER_ALIASES: Record<string, (typeof COLUMNS)[number]> = {
  部门: 'department',
  数据来源: 'department',
  类别: 'kind',
  类型: 'kind',
  身份证号: 'id_number',
  身份证号码: 'id_number',
  姓名: 'name',
  金额: 'amount',
  期间: 'period',
  月份: 'period',
};

/** Minimal RFC 4180 CSV parsing (quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): Table {
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

/** CSV bytes: UTF-8 (with or without BOM), else GB18030 — what Excel writes on a Chinese Windows. */
export function readCsvBuffer(buf: Buffer): Table {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    try {
      text = new TextDecoder('gb18030', { fatal: true }).decode(buf);
    } catch {
      throw domain.invalid([
        {
          path: 'file',
          message: '无法识别文件的编码（须为 UTF-8 或 GB18030）',
          message_en: 'the file is neither UTF-8 nor GB18030 text',
        },
      ]);
    }
  }
  return parseCsv(text.replace(/^\uFEFF/, ''));
}

/** A, B, … Z, AA, AB …: how a spreadsheet names its columns. */
function columnLetter(index: number): string {
  let n = index + 1;
  let name = '';
  while (n > 0) {
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

/**
 * 代码表 what a department or a kind may be called: its code or its Chinese label (both accepted, stored
 * as the code), so the same records sent once with codes and once with labels are the same records.
 */
export interface ImportCodes {
  departments?: Map<string, string>;
  kinds?: Map<string, string>;
}

/** The latest 数据来源部门 and 部门数据类别 code lists, each value (code or label) → code. */
export async function loadImportCodes(db: pg.Pool): Promise<ImportCodes> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (key) key, document FROM code_lists WHERE key = ANY($1) ORDER BY key, version DESC`,
    [['departments', 'department-kinds']],
  );
  const lookup = (key: string) => {
    const doc = rows.find((r) => r.key === key)?.document as
      { items?: { code: string; label?: { zh?: string } }[] } | undefined;
    if (!doc?.items?.length) return undefined;
    const m = new Map<string, string>();
    for (const it of doc.items) {
      m.set(it.code, it.code);
      if (it.label?.zh) m.set(it.label.zh, it.code);
    }
    return m;
  };
  return { departments: lookup('departments'), kinds: lookup('department-kinds') };
}

/** The code lists as the template's header comments show them: "civil_affairs 民政部门 …". */
async function codeListText(db: pg.Pool, key: string): Promise<string> {
  const { rows } = await db.query(
    `SELECT document FROM code_lists WHERE key = $1 ORDER BY version DESC LIMIT 1`,
    [key],
  );
  const items = (rows[0]?.document?.items ?? []) as { code: string; label?: { zh?: string } }[];
  return items.map((i) => `${i.code} ${i.label?.zh ?? ''}`.trim()).join('\n');
}

/** 期间 a year, a month of a year (2026-10) or a day (2026-10-31) that exists: "2026-13" is refused. */
export function validPeriod(period: string): boolean {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(period);
  if (!m) return false;
  const [, y, mo, d] = m;
  if (mo !== undefined && (Number(mo) < 1 || Number(mo) > 12)) return false;
  if (d !== undefined) {
    const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
    if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return false;
  }
  return true;
}

/** 导入模板 an XLSX with the header row, a comment on each header saying what goes there, and an example row. */
export async function importTemplate(db: pg.Pool): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('部门数据');
  const notes: Record<(typeof COLUMNS)[number], string> = {
    department: `必填。数据来源部门，填代码或名称：\n${await codeListText(db, 'departments')}`,
    kind: `必填。数据类别，填代码或名称：\n${await codeListText(db, 'department-kinds')}`,
    id_number: '必填。18 位公民身份号码（末位可为 X）',
    name: '选填。姓名',
    amount: '选填。金额（元），最多两位小数',
    period: '选填。期间：年（2026）、月（2026-10）或日（2026-10-31），月份 01–12',
  };
  ws.addRow([...COLUMNS]);
  ws.addRow([
    'medical_insurance',
    'medical_expense',
    '430422197803120316',
    '示例',
    neutraliseCell('52000'),
    '2026-11',
  ]);
  COLUMNS.forEach((c, i) => {
    const cell = ws.getRow(1).getCell(i + 1);
    cell.note = notes[c];
    cell.font = { bold: true };
    ws.getColumn(i + 1).width = c === 'id_number' ? 22 : 18;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface Prepared {
  rows: number;
  records: unknown[][];
  errors: RowError[];
}

/** Check every row; build the records of the good ones. One message per bad row, naming all its faults. */
export function prepareRecords(table: Table, today = new Date(), codes: ImportCodes = {}): Prepared {
  const [header, ...body] = table;
  const cols: string[] = (header ?? []).map((h) => {
    const t = h.trim();
    return HEADER_ALIASES[t] ?? t;
  });
  const out: Prepared = { rows: body.length, records: [], errors: [] };
  // a NUL or invalid Unicode in any cell refuses the file, cell by cell (the same rule as the HTTP edge)
  for (const [i, r] of table.entries()) {
    const faults: { column: string; zh: string; en: string }[] = [];
    for (const [c, cell] of r.entries()) {
      const f = textFault(cell);
      if (!f) continue;
      const column = cols[c] && !textFault(cols[c]) ? cols[c] : columnLetter(c);
      faults.push({ column, ...TEXT_FAULT_MESSAGE[f] });
    }
    if (faults.length)
      out.errors.push(
        rowError(
          i + 1,
          faults.map((f) => ({ ...f, zh: `“${f.column}”列${f.zh}`, en: `column ${f.column}: ${f.en}` })),
        ),
      );
  }
  if (out.errors.length) return out;
  const missing = REQUIRED.filter((col) => !cols.includes(col));
  if (missing.length) {
    out.errors.push(
      rowError(
        1,
        missing.map((col) => ({ column: col, zh: `缺少列“${col}”`, en: `missing column "${col}"` })),
      ),
    );
    return out;
  }
  const idx = (name: string) => cols.indexOf(name);
  const seen = new Set<string>();
  for (const [i, r] of body.entries()) {
    const line = i + 2;
    const get = (name: string) => (idx(name) >= 0 ? (r[idx(name)] ?? '').trim() : '');
    const faults: { column: string; zh: string; en: string }[] = [];
    const bad = (column: string, zh: string, en: string) => faults.push({ column, zh, en });
    // a code or its label, stored as the code; a value outside the code list is refused
    const coded = (column: 'department' | 'kind', list: Map<string, string> | undefined, zh: string) => {
      const v = get(column);
      if (!v) return (bad(column, `${zh}不能为空`, `${column} is required`), '');
      if (!list) return v;
      const code = list.get(v);
      if (!code) bad(column, `${zh}“${v}”不在代码表中`, `${column} "${v}" is not in the code list`);
      return code ?? '';
    };
    const department = coded('department', codes.departments, '部门');
    const kind = coded('kind', codes.kinds, '类别');
    const id = parseResidentId(get('id_number'), today);
    if (!id.valid) bad('id_number', id.message, id.message_en);
    const amountRaw = get('amount');
    const amount = amountRaw === '' ? null : Number(amountRaw);
    if (amount !== null && (!Number.isFinite(amount) || !/^-?\d+(\.\d{1,2})?$/.test(amountRaw)))
      bad('amount', '金额须为数字，最多两位小数', 'amount must be a number with at most two decimals');
    const period = get('period');
    if (period && !validPeriod(period))
      bad(
        'period',
        `期间“${period}”不是有效的年、月或日（如 2026-10，月份 01–12）`,
        `period "${period}" is not a valid year, month or day (like 2026-10)`,
      );
    if (faults.length || !id.valid) {
      out.errors.push(rowError(line, faults));
      continue;
    }
    const detail = Object.fromEntries(
      cols.filter((c) => !(COLUMNS as readonly string[]).includes(c)).map((c) => [c, get(c)]),
    );
    // the content as stored (codes, the normalised id, the amount as a number) makes the record's id
    const key = [department, kind, id.normalised, period, amount === null ? '' : String(amount)].join(
      '\u0000',
    );
    const rid = createHash('sha256').update(key).digest('hex').slice(0, 32);
    if (seen.has(rid)) continue; // the same record twice in one file: once is enough
    seen.add(rid);
    out.records.push([
      rid,
      department,
      kind,
      id.normalised,
      get('name') || null,
      amount,
      period || null,
      JSON.stringify(detail),
    ]);
  }
  return out;
}

/** One report line for a row: "第3行：类别不能为空；身份证号校验位错误". */
function rowError(line: number, faults: { column: string; zh: string; en: string }[]): RowError {
  return {
    line,
    column: [...new Set(faults.map((f) => f.column))].join(','),
    message: `第${line}行：${faults.map((f) => f.zh).join('；')}`,
    message_en: `line ${line}: ${faults.map((f) => f.en).join('; ')}`,
  };
}

/** Write prepared records in one transaction; a record already there is counted as unchanged. */
export async function writeRecords(
  db: pg.Pool,
  records: unknown[][],
  onProgress?: (done: number) => Promise<void> | void,
) {
  let inserted = 0;
  await inTransaction(db, async (client) => {
    for (let at = 0; at < records.length; at += 1000) {
      const batch = records.slice(at, at + 1000);
      const values: unknown[] = [];
      const tuples = batch.map((r, i) => {
        values.push(...r);
        const b = i * 8;
        return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8})`;
      });
      const res = await client.query(
        `INSERT INTO department_records (id, department, kind, id_number, name, amount, period, detail) VALUES ${tuples.join(',')}
         ON CONFLICT (id) DO NOTHING`,
        values,
      );
      inserted += res.rowCount ?? 0;
      await onProgress?.(at + batch.length);
    }
  });
  return { inserted, unchanged: records.length - inserted };
}

/** CSV text straight in (the demo county, the benchmark): all or nothing, like the API. */
export async function importDepartmentCsv(db: pg.Pool, text: string): Promise<ImportResult> {
  const prepared = prepareRecords(
    parseCsv(text.replace(/^\uFEFF/, '')),
    new Date(),
    await loadImportCodes(db),
  );
  if (prepared.errors.length)
    return { rows: prepared.rows, inserted: 0, unchanged: 0, errors: prepared.errors };
  const w = await writeRecords(db, prepared.records);
  return { rows: prepared.rows, ...w, errors: [] };
}

const MAX_REPORTED = 200;

/**
 * Accept a file: check it all, refuse it with the per-row report (nothing written), or start writing it
 * and answer at once with the job, whose progress `getImport` reports.
 */
export async function startImport(
  db: pg.Pool,
  who: Principal,
  file: { filename: string; format: 'csv' | 'xlsx'; content: Buffer },
) {
  // an .xlsx is inflated and parsed off the request thread, within limits (a zip bomb is refused in seconds)
  const table = file.format === 'xlsx' ? await readXlsxLimited(file.content) : readCsvBuffer(file.content);
  if (file.format === 'csv') checkTable(table);
  const prepared = prepareRecords(table, new Date(), await loadImportCodes(db));
  if (prepared.errors.length) {
    const errors: FieldError[] = prepared.errors.slice(0, MAX_REPORTED).map((e) => ({
      path: `rows/${e.line}${e.column ? `/${e.column}` : ''}`,
      message: e.message,
      message_en: e.message_en,
    }));
    throw domain.invalid(
      errors,
      `文件有 ${prepared.errors.length} 处错误，未导入任何数据${prepared.errors.length > MAX_REPORTED ? `（列出前 ${MAX_REPORTED} 处）` : ''}，请修改后重新导入`,
      `the file has ${prepared.errors.length} errors; nothing was imported`,
    );
  }
  if (!prepared.rows)
    throw domain.invalid([
      { path: 'file', message: '文件中没有数据行', message_en: 'the file has no data rows' },
    ]);
  const id = `DI-${randomUUID().slice(0, 8).toUpperCase()}`;
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  await db.query(
    `INSERT INTO department_imports (id, filename, format, sha256, status, total, created_by) VALUES ($1,$2,$3,$4,'running',$5,$6)`,
    [id, file.filename.slice(0, 200), file.format, sha256, prepared.records.length, who.userId],
  );
  void (async () => {
    try {
      const w = await writeRecords(db, prepared.records, (done) =>
        db.query('UPDATE department_imports SET done = $2 WHERE id = $1', [id, done]).then(() => {}),
      );
      await db.query(
        `UPDATE department_imports SET status = 'done', done = total, inserted = $2, unchanged = $3, finished_at = now() WHERE id = $1`,
        [id, w.inserted, w.unchanged],
      );
      await inTransaction(db, (tx) =>
        appendAudit(tx, [
          {
            id: `department-import:${id}`,
            actorId: who.userId,
            action: 'department.import',
            target: id,
            detail: { filename: file.filename, sha256, ...w },
          },
        ]),
      );
    } catch (err) {
      await db
        .query(
          `UPDATE department_imports SET status = 'failed', message = $2, finished_at = now() WHERE id = $1`,
          [id, String((err as Error).message).slice(0, 500)],
        )
        .catch(() => {});
    }
  })();
  return getImport(db, id);
}

export async function getImport(db: pg.Pool, id: string) {
  const { rows } = await db.query(
    `SELECT id, filename, format, status, total, done, inserted, unchanged, message, created_by, started_at, finished_at FROM department_imports WHERE id = $1`,
    [id],
  );
  if (!rows[0]) throw domain.notFound('导入批次不存在', 'no such import');
  return rows[0];
}

export async function listImports(db: pg.Pool) {
  const { rows } = await db.query(
    `SELECT id, filename, format, status, total, done, inserted, unchanged, message, created_by, started_at, finished_at
       FROM department_imports ORDER BY started_at DESC LIMIT 20`,
  );
  return { items: rows };
}
