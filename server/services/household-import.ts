/**
 * 农户导入导出 households in and out of the registry in the layout of the national monitoring
 * system's export: an Excel workbook with a household sheet (户信息: household number,
 * village, status, the household-level 附件2 indicators) and a member sheet (家庭成员: the
 * member indicators A5–A22), or a simple CSV with one member per row. A file is checked
 * whole first — a per-row Chinese report (bad ID, unknown code, a member without a
 * household, one person in two households) and nothing written — then compared with the
 * registry: the preview lists exactly what would change, and applying it is an upsert, so
 * importing the same file again changes nothing. Export writes the same layout (masked
 * unless the user may unmask), so an export re-imports to the same registry state.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type pg from 'pg';
import ExcelJS from 'exceljs';
import { parseResidentId, isMobile } from '../../forms/formats.js';
import { appendAudit } from '../../store/audit.js';
import { inTransaction } from '../db.js';
import { domain, type FieldError } from '../errors.js';
import { readCsvBuffer, type Table } from './department-import.js';
import { resolvedForm } from './form-check.js';
import {
  MEMBER_INDICATORS,
  STAGES,
  recordHistory,
  storeCollection,
  syncMembers,
  type CollectionStage,
  type MemberRecord,
} from '../../store/household-store.js';
import { maskString } from './masking.js';
import { holdsRoleOver, IN_REGION, regionOf, type Principal } from './principal.js';
import type { ImportChange, ImportPreview, ImportResult } from '../../shared/api-types.js';

export const HOUSEHOLD_SHEET = '户信息';
export const MEMBER_SHEET = '家庭成员';
/** who may import and export the registry of their region */
export const IMPORT_ROLES = ['county_rural_bureau', 'village_cadre', 'village_secretary'] as const;
/** who may export ID numbers unmasked (audited): those who key them into the national system */
export const UNMASK_ROLES = ['county_rural_bureau', 'village_cadre', 'village_secretary'] as const;
const STATUS_CODES: Record<string, string> = {
  未纳入监测: 'none',
  未纳入: 'none',
  预警: 'warning',
  预警待核查: 'warning',
  监测中: 'monitored',
  风险已消除: 'eliminated',
};
const STATUS_LABEL: Record<string, string> = {
  none: '未纳入监测',
  warning: '预警',
  monitored: '监测中',
  eliminated: '风险已消除',
};

/** One column of the layout: its header, where its value lives, how to read and write it. */
interface Column {
  code: string;
  header: string;
  kind: 'string' | 'number' | 'boolean' | 'array' | 'date';
  /** code → label of a code-list field */
  codes?: Map<string, string>;
}

export interface Layout {
  household: Column[];
  member: Column[];
}

const SKIP_HOUSEHOLD = new Set(['members', 'A26', 'A33', 'A34', 'A37', 'A38', 'A55']);

/** The layout, drawn from the published 附件2 form with its code lists (one source for import, export and template). */
export async function layout(db: pg.Pool | pg.ClientBase): Promise<Layout> {
  const doc = await resolvedForm(db, 'collection');
  const column = (code: string, p: any): Column => {
    const list = p.oneOf ?? p.items?.oneOf;
    const title = String(p.title ?? code).replace(new RegExp(`^${code}\\s*`), '');
    return {
      code,
      header: `${code} ${title}`,
      kind:
        p.type === 'array'
          ? 'array'
          : p.type === 'number'
            ? 'number'
            : p.type === 'boolean'
              ? 'boolean'
              : p.format === 'date'
                ? 'date'
                : 'string',
      codes: list
        ? new Map(list.map((c: { const: string; title: string }) => [c.const, c.title]))
        : undefined,
    };
  };
  const props = doc.schema.properties;
  const household = Object.entries(props)
    .filter(([k]) => !SKIP_HOUSEHOLD.has(k))
    .map(([k, p]) => column(k, p));
  household.push(
    { code: 'A55.name', header: 'A55 监测帮扶联系人姓名', kind: 'string' },
    { code: 'A55.phone', header: 'A55 联系电话', kind: 'string' },
  );
  const mp = props.members.items.properties;
  const member = ['A5', 'A7', 'A8', 'A13', 'A14', ...MEMBER_INDICATORS].map((k) => column(k, mp[k]));
  return { household, member };
}

// ---------------------------------------------------------------- reading a file

export interface RowError {
  sheet: string;
  line: number;
  column?: string;
  message: string;
  message_en: string;
}

interface ParsedMember extends MemberRecord {
  line: number;
}

export interface ParsedHousehold {
  line: number;
  sheet: string;
  /** 户编号 as written (blank: a new household, matched by its head's ID) */
  number: string;
  org: string;
  status?: string;
  /** household-level indicators; undefined when the file has none (CSV) */
  indicators?: Record<string, unknown>;
  contact?: { name: string; phone: string } | null;
  members: ParsedMember[];
}

/**
 * Both sheets as text tables, read with ExcelJS's streaming reader (a county's file has a quarter
 * of a million rows; the in-memory reader takes several times longer and far more memory).
 */
async function readWorkbook(buf: Buffer): Promise<{ households?: Table; members: Table }> {
  const sheets: { name: string; rows: Table }[] = [];
  const text = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if (typeof v !== 'object') return String(v);
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown };
    if (o.richText) return o.richText.map((x) => x.text).join('');
    if (o.text !== undefined) return text(o.text);
    return o.result !== undefined ? text(o.result) : '';
  };
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(buf), {
      sharedStrings: 'cache',
      styles: 'ignore',
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'emit',
    });
    for await (const ws of reader) {
      const sheet = { name: String((ws as unknown as { name?: string }).name ?? ''), rows: [] as Table };
      for await (const row of ws) {
        const values = (row as ExcelJS.Row).values as unknown[];
        sheet.rows[(row as ExcelJS.Row).number - 1] = Array.from(
          { length: Math.max(0, values.length - 1) },
          (_, i) => text(values[i + 1]),
        );
      }
      sheet.rows = Array.from(sheet.rows, (r) => r ?? []);
      sheets.push(sheet);
    }
  } catch {
    throw domain.invalid([
      {
        path: 'file',
        message: '无法读取该 Excel 文件（须为 .xlsx 格式）',
        message_en: 'the file is not a readable .xlsx workbook',
      },
    ]);
  }
  const hs = sheets.find((x) => x.name === HOUSEHOLD_SHEET) ?? sheets[0];
  const ms = sheets.find((x) => x.name === MEMBER_SHEET) ?? sheets[1];
  if (!ms)
    throw domain.invalid([
      {
        path: 'file',
        message: `工作簿须有“${HOUSEHOLD_SHEET}”和“${MEMBER_SHEET}”两个工作表`,
        message_en: 'the workbook needs a household sheet and a member sheet',
      },
    ]);
  return { households: hs.rows, members: ms.rows };
}

/**
 * The file's tables, read once per file: the preview reads the workbook, and the apply that confirms
 * the same file (by its sha256) takes the tables the preview read instead of unzipping and parsing
 * the XML again — that parse is the largest part of a big import. Only reading is shared: every
 * check against the registry runs again when the file is applied. One file is kept, for 15 minutes.
 */
let lastRead: { sha256: string; at: number; tables: { households?: Table; members: Table } } | undefined;
const KEEP_READ_MS = 15 * 60_000;
async function readTables(file: { format: 'csv' | 'xlsx'; content: Buffer }) {
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  if (lastRead && lastRead.sha256 === sha256 && Date.now() - lastRead.at < KEEP_READ_MS) {
    const { tables } = lastRead;
    lastRead = undefined; // the apply's read: nothing is kept after it
    return tables;
  }
  lastRead = undefined;
  const tables =
    file.format === 'xlsx'
      ? await readWorkbook(file.content)
      : { households: undefined, members: readCsvBuffer(file.content) };
  lastRead = { sha256, at: Date.now(), tables };
  return tables;
}

const headerCode = (h: string) => {
  const t = String(h ?? '').trim();
  if (/^户编号/.test(t)) return 'number';
  if (/^村(编码|代码)/.test(t)) return 'org';
  if (/^监测状态/.test(t)) return 'status';
  if (/^A55\s*(监测帮扶)?联系人?姓名/.test(t)) return 'A55.name';
  if (/^A55\s*联系电话/.test(t)) return 'A55.phone';
  return /^(A\d+a?)(\s|$)/.exec(t)?.[1] ?? t;
};

/** Read one cell by its column's kind; an error message when it cannot be read. */
function readCell(col: Column, raw: string): { value?: unknown; error?: string } {
  const s = String(raw ?? '').trim();
  if (s === '') return {};
  const code = (x: string) => {
    if (!col.codes) return { value: x };
    if (col.codes.has(x)) return { value: x };
    // a label as the national system writes it, or a code Excel turned into a number (1 → 01)
    const byLabel = [...col.codes].find(([, l]) => l === x)?.[0];
    if (byLabel) return { value: byLabel };
    if (/^\d$/.test(x) && col.codes.has(`0${x}`)) return { value: `0${x}` };
    return { error: `代码“${x}”不在“${col.header.replace(/^\S+\s*/, '')}”代码表中` };
  };
  switch (col.kind) {
    case 'number': {
      const n = Number(s);
      return /^-?\d+(\.\d{1,2})?$/.test(s) && Number.isFinite(n)
        ? { value: n }
        : { error: `“${s}”不是数字（最多两位小数）` };
    }
    case 'boolean':
      return ['是', '1', 'true', 'TRUE', 'Y'].includes(s)
        ? { value: true }
        : ['否', '0', 'false', 'FALSE', 'N'].includes(s)
          ? { value: false }
          : { error: `“${s}”应为“是”或“否”` };
    case 'array': {
      const out: string[] = [];
      for (const part of s
        .split(/[,，、;；]/)
        .map((x) => x.trim())
        .filter(Boolean)) {
        const r = code(part);
        if (r.error) return r;
        out.push(r.value as string);
      }
      return { value: out };
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(s) ? { value: s } : { error: `“${s}”不是日期（YYYY-MM-DD）` };
    default:
      return code(s);
  }
}

function writeCell(col: Column, v: unknown): string | number {
  if (v === undefined || v === null || v === '') return '';
  if (col.kind === 'boolean') return v ? '是' : '否';
  if (col.kind === 'array') return (v as unknown[]).join('、');
  if (col.kind === 'number') return Number(v);
  return String(v);
}

/**
 * 整份检查 check the whole file against the layout and the registry: every problem as a row
 * error; households as parsed when there is none.
 */
export async function checkFile(
  db: pg.Pool,
  who: Principal,
  file: { format: 'csv' | 'xlsx'; content: Buffer },
): Promise<{ errors: RowError[]; households: ParsedHousehold[]; layout: Layout }> {
  const lay = await layout(db);
  const errors: RowError[] = [];
  const tables = await readTables(file);
  const memberSheet = file.format === 'xlsx' ? MEMBER_SHEET : 'CSV';
  const byNumber = new Map<string, ParsedHousehold>();
  const households: ParsedHousehold[] = [];
  const err = (sheet: string, line: number, column: string | undefined, zh: string, en: string) =>
    errors.push({
      sheet,
      line,
      column,
      message: `${sheet}第${line}行${column ? `（${column}）` : ''}：${zh}`,
      message_en: `${sheet} line ${line}: ${en}`,
    });

  // villages the importer may import into, by id (and by name, as counties write them)
  const orgs = await db.query(
    `SELECT id, name, level, path FROM org_nodes WHERE level IN ('village', 'group') AND ${IN_REGION('path', '$1')}`,
    [regionOf(who)],
  );
  const villageOf = new Map<string, { id: string; path: string[] }>();
  for (const o of orgs.rows) {
    if (!holdsRoleOver(who, IMPORT_ROLES, o.path)) continue;
    villageOf.set(o.id, o);
    if (o.level === 'village' && !villageOf.has(o.name)) villageOf.set(o.name, o);
  }

  if (tables.households) {
    const [header = [], ...rows] = tables.households;
    const cols = header.map(headerCode);
    if (!cols.includes('number'))
      err(HOUSEHOLD_SHEET, 1, '户编号', '缺少“户编号”列', 'the household number column is missing');
    if (!cols.includes('org'))
      err(HOUSEHOLD_SHEET, 1, '村编码', '缺少“村编码”列', 'the village column is missing');
    const known = new Map(lay.household.map((c) => [c.code, c]));
    rows.forEach((r, i) => {
      const line = i + 2;
      if (!r.some((x) => String(x ?? '').trim())) return;
      const get = (c: string) => (cols.indexOf(c) >= 0 ? String(r[cols.indexOf(c)] ?? '').trim() : '');
      const number = get('number');
      if (!number)
        return err(HOUSEHOLD_SHEET, line, '户编号', '户编号不能为空', 'the household number is required');
      if (byNumber.has(number))
        return err(
          HOUSEHOLD_SHEET,
          line,
          '户编号',
          `户编号 ${number} 重复`,
          `household ${number} appears twice`,
        );
      const village = villageOf.get(get('org'));
      if (!village)
        err(
          HOUSEHOLD_SHEET,
          line,
          '村编码',
          `村“${get('org')}”不存在或不在您的管辖范围内`,
          'unknown village, or not in your region',
        );
      let status: string | undefined;
      if (get('status')) {
        status = STATUS_CODES[get('status')] ?? (STATUS_LABEL[get('status')] ? get('status') : undefined);
        if (!status)
          err(
            HOUSEHOLD_SHEET,
            line,
            '监测状态',
            `监测状态“${get('status')}”无效（未纳入监测、预警、监测中、风险已消除）`,
            'unknown monitoring status',
          );
      }
      const indicators: Record<string, unknown> = {};
      const contact: { name?: string; phone?: string } = {};
      cols.forEach((c, j) => {
        const col = known.get(c);
        if (!col) return;
        const { value, error } = readCell(col, r[j]);
        if (error)
          return err(HOUSEHOLD_SHEET, line, col.header, error, `column ${col.code}: cannot read "${r[j]}"`);
        if (value === undefined) return;
        if (c === 'A55.name') contact.name = String(value);
        else if (c === 'A55.phone') contact.phone = String(value);
        else indicators[c] = value;
      });
      if (contact.phone && !isMobile(contact.phone))
        err(HOUSEHOLD_SHEET, line, 'A55 联系电话', '手机号码格式不正确', 'not a mobile number');
      if ((contact.name || contact.phone) && !(contact.name && contact.phone))
        err(
          HOUSEHOLD_SHEET,
          line,
          'A55',
          '联系人姓名和电话须同时填写',
          'the contact needs a name and a phone',
        );
      const h: ParsedHousehold = {
        line,
        sheet: HOUSEHOLD_SHEET,
        number,
        org: village?.id ?? '',
        status,
        indicators,
        contact: contact.name && contact.phone ? { name: contact.name, phone: contact.phone } : null,
        members: [],
      };
      byNumber.set(number, h);
      households.push(h);
    });
  }

  // members: every row names its household by number (CSV: the household is made from its members)
  const [mheader = [], ...mrows] = tables.members;
  const mcols = mheader.map(headerCode);
  for (const [c, name] of [
    ['number', '户编号'],
    ['A5', 'A5 姓名'],
    ['A7', 'A7 身份证号码'],
    ['A8', 'A8 与户主关系'],
  ]) {
    if (!mcols.includes(c)) err(memberSheet, 1, name, `缺少“${name}”列`, `the column ${c} is missing`);
  }
  if (!tables.households && !mcols.includes('org'))
    err(memberSheet, 1, '村编码', '缺少“村编码”列', 'the village column is missing');
  const mknown = new Map(lay.member.map((c) => [c.code, c]));
  const firstSeen = new Map<string, { number: string; line: number }>();
  mrows.forEach((r, i) => {
    const line = i + 2;
    if (!r.some((x) => String(x ?? '').trim())) return;
    const get = (c: string) => (mcols.indexOf(c) >= 0 ? String(r[mcols.indexOf(c)] ?? '').trim() : '');
    const number = get('number');
    let h = byNumber.get(number);
    if (!h && !tables.households && number) {
      const village = villageOf.get(get('org'));
      if (!village)
        err(
          memberSheet,
          line,
          '村编码',
          `村“${get('org')}”不存在或不在您的管辖范围内`,
          'unknown village, or not in your region',
        );
      h = { line, sheet: memberSheet, number, org: village?.id ?? '', members: [] };
      byNumber.set(number, h);
      households.push(h);
    }
    if (!h)
      return err(
        memberSheet,
        line,
        '户编号',
        number ? `户编号 ${number} 在“${HOUSEHOLD_SHEET}”中不存在（成员没有所属农户）` : '户编号不能为空',
        'the member has no household',
      );
    const m: Record<string, unknown> = { line };
    let ok = true;
    mcols.forEach((c, j) => {
      const col = mknown.get(c);
      if (!col || c === 'A7') return;
      const { value, error } = readCell(col, r[j]);
      if (error)
        return (
          (ok = false),
          err(memberSheet, line, col.header, error, `column ${col.code}: cannot read "${r[j]}"`)
        );
      if (value !== undefined)
        m[{ A5: 'name', A8: 'relation', A13: 'health', A14: 'labour' }[c] ?? c] = value;
    });
    const id = parseResidentId(get('A7'));
    if (!id.valid) return err(memberSheet, line, 'A7 身份证号码', id.message, id.message_en);
    // a cell that could not be read is reported once, not again as missing
    if (!ok) return;
    if (!m.name) return err(memberSheet, line, 'A5 姓名', '姓名不能为空', 'the name is required');
    if (!m.relation)
      return err(memberSheet, line, 'A8 与户主关系', '与户主关系不能为空', 'the relation is required');
    const seen = firstSeen.get(id.normalised);
    if (seen) {
      return err(
        memberSheet,
        line,
        'A7 身份证号码',
        seen.number === number
          ? `与第${seen.line}行身份证号重复`
          : `身份证号同时出现在户 ${seen.number}（第${seen.line}行）和户 ${number} 中`,
        'the same ID in two rows',
      );
    }
    firstSeen.set(id.normalised, { number, line });
    h.members.push({ ...(m as Omit<ParsedMember, 'idNumber'>), idNumber: id.normalised } as ParsedMember);
  });
  for (const h of households) {
    if (!h.members.length && !errors.some((e) => e.line === h.line && e.sheet === h.sheet)) {
      err(h.sheet, h.line, '户编号', `户 ${h.number} 没有家庭成员`, 'the household has no members');
    } else if (h.members.length && h.members.filter((m) => m.relation === '01').length !== 1) {
      err(
        h.sheet,
        h.line,
        '户编号',
        `户 ${h.number} 须有且只有一名户主（与户主关系 01）`,
        'exactly one head per household',
      );
    }
  }

  // one person, one household: an ID of a current member of another household in the registry
  const ids = households.flatMap((h) => h.members.map((m) => m.idNumber));
  if (ids.length) {
    const { rows } = await db.query(
      `SELECT m.id_number, m.household_id, h.head_name FROM household_members m JOIN households h ON h.id = m.household_id WHERE m.active AND m.id_number = ANY($1)`,
      [ids],
    );
    const owner = new Map(rows.map((r) => [r.id_number as string, r]));
    const known = new Set(
      (
        await db.query('SELECT id FROM households WHERE id = ANY($1)', [households.map((h) => h.number)])
      ).rows.map((r) => r.id),
    );
    // a household not registered under its number takes its identity from its head
    for (const h of households) {
      const head = h.members.find((m) => m.relation === '01');
      const target = known.has(h.number)
        ? h.number
        : ((head && owner.get(head.idNumber)?.household_id) ?? h.number);
      for (const m of h.members) {
        const o = owner.get(m.idNumber);
        if (o && o.household_id !== target) {
          err(
            memberSheet,
            m.line,
            'A7 身份证号码',
            `身份证号已登记在农户 ${o.household_id}（户主 ${o.head_name}）中，一人只能属于一户`,
            `this ID belongs to household ${o.household_id}`,
          );
        }
      }
    }
  }
  errors.sort((a, b) => (a.sheet === b.sheet ? a.line - b.line : a.sheet === HOUSEHOLD_SHEET ? -1 : 1));
  return { errors, households, layout: lay };
}

// ---------------------------------------------------------------- the registry as the layout sees it

interface Current {
  id: string;
  org: string;
  status: string;
  closed: boolean;
  indicators: Record<string, unknown>;
  contact: { name: string; phone: string } | null;
  members: Map<string, MemberRecord>;
}

async function currentState(db: pg.Pool | pg.ClientBase, ids: string[]): Promise<Map<string, Current>> {
  const out = new Map<string, Current>();
  if (!ids.length) return out;
  const hs = await db.query(
    `SELECT h.id, h.org_id, h.monitoring_status, h.monitoring_type, h.monitor_contact, h.closed_at,
            (SELECT c.data FROM household_collections c WHERE c.household_id = h.id ORDER BY c.version DESC LIMIT 1) AS collection
       FROM households h WHERE h.id = ANY($1)`,
    [ids],
  );
  for (const r of hs.rows) {
    const { members: _m, A55: _c, ...indicators } = (r.collection ?? {}) as Record<string, unknown>;
    for (const k of ['A26', 'A33', 'A34', 'A37', 'A38']) delete indicators[k];
    // the type the registry holds is the household's A3 (an approval may have decided it)
    if (r.monitoring_type) indicators.A3 = r.monitoring_type;
    out.set(r.id, {
      id: r.id,
      org: r.org_id,
      status: r.monitoring_status,
      closed: !!r.closed_at,
      indicators,
      contact: r.monitor_contact?.name
        ? { name: r.monitor_contact.name, phone: r.monitor_contact.phone }
        : null,
      members: new Map(),
    });
  }
  const ms = await db.query(
    'SELECT household_id, id_number, name, relation, attrs FROM household_members WHERE active AND household_id = ANY($1) ORDER BY ord, id_number',
    [ids],
  );
  for (const r of ms.rows)
    out.get(r.household_id)?.members.set(r.id_number, {
      name: r.name,
      idNumber: r.id_number,
      ...(r.relation ? { relation: r.relation } : {}),
      ...r.attrs,
    });
  return out;
}

// ---------------------------------------------------------------- preview and apply

/** one change a file would make (the type the preview answers with) */
export type Change = ImportChange;

interface Planned {
  h: ParsedHousehold;
  target: string | undefined;
  changes: Change[];
}

/** empty text, an empty list and no value are the same to a spreadsheet */
const norm = (v: unknown) =>
  v === '' || v === null || v === undefined || (Array.isArray(v) && v.length === 0) ? null : v;
const same = (a: unknown, b: unknown) => JSON.stringify(norm(a)) === JSON.stringify(norm(b));
const show = (v: unknown) =>
  v === undefined || v === null || v === ''
    ? '空'
    : Array.isArray(v)
      ? v.join('、')
      : typeof v === 'boolean'
        ? v
          ? '是'
          : '否'
        : String(v);

/** 差异预览 exactly what applying the file would change in the registry. */
export async function planImport(
  db: pg.Pool | pg.ClientBase,
  parsed: ParsedHousehold[],
  lay: Layout,
): Promise<Planned[]> {
  const heads = parsed.map((h) => h.members.find((m) => m.relation === '01')!.idNumber);
  const headOwner = new Map(
    (
      await db.query(
        'SELECT id_number, household_id FROM household_members WHERE active AND id_number = ANY($1)',
        [heads],
      )
    ).rows.map((r) => [r.id_number, r.household_id]),
  );
  const known = new Set(
    (await db.query('SELECT id FROM households WHERE id = ANY($1)', [parsed.map((h) => h.number)])).rows.map(
      (r) => r.id,
    ),
  );
  const targets = parsed.map((h, i) => (known.has(h.number) ? h.number : headOwner.get(heads[i])));
  const state = await currentState(
    db,
    targets.filter((t): t is string => !!t),
  );
  const header = new Map([...lay.household, ...lay.member].map((c) => [c.code, c.header]));
  return parsed.map((h, i) => {
    const target = targets[i];
    const cur = target ? state.get(target) : undefined;
    const name = `户 ${target ?? h.number}`;
    if (!cur)
      return {
        h,
        target,
        changes: [
          {
            household: h.number,
            kind: 'household.new',
            message: `新增农户 ${h.number}（${h.members.length}人，户主 ${h.members.find((m) => m.relation === '01')!.name}）`,
          },
        ],
      };
    const changes: Change[] = [];
    const field = (f: string, from: unknown, to: unknown) =>
      changes.push({
        household: cur.id,
        kind: 'household.field',
        field: f,
        from,
        to,
        message: `${name}：${header.get(f) ?? f} 由“${show(from)}”改为“${show(to)}”`,
      });
    if (cur.org !== h.org) field('村编码', cur.org, h.org);
    if (h.status && h.status !== cur.status)
      field('监测状态', STATUS_LABEL[cur.status], STATUS_LABEL[h.status]);
    if (h.indicators) {
      for (const col of lay.household) {
        if (col.code.startsWith('A55')) continue;
        if (!same(cur.indicators[col.code], h.indicators[col.code]))
          field(col.code, cur.indicators[col.code], h.indicators[col.code]);
      }
      if (!same(cur.contact, h.contact))
        field(
          'A55',
          cur.contact ? `${cur.contact.name} ${cur.contact.phone}` : '',
          h.contact ? `${h.contact.name} ${h.contact.phone}` : '',
        );
    }
    const fileIds = new Set(h.members.map((m) => m.idNumber));
    for (const m of h.members) {
      const before = cur.members.get(m.idNumber);
      if (!before) {
        changes.push({
          household: cur.id,
          kind: 'member.added',
          member: m.name,
          message: `${name}：成员增加 ${m.name}（${maskString(m.idNumber)}）`,
        });
        continue;
      }
      for (const col of lay.member) {
        const key =
          { A5: 'name', A7: 'idNumber', A8: 'relation', A13: 'health', A14: 'labour' }[col.code] ?? col.code;
        if (!same(before[key], m[key])) {
          changes.push({
            household: cur.id,
            kind: 'member.field',
            member: m.name,
            field: col.code,
            from: before[key],
            to: m[key],
            message: `${name}：成员 ${m.name} 的 ${col.header} 由“${show(before[key])}”改为“${show(m[key])}”`,
          });
        }
      }
    }
    for (const [id, m] of cur.members) {
      if (!fileIds.has(id))
        changes.push({
          household: cur.id,
          kind: 'member.removed',
          member: m.name,
          message: `${name}：成员减少 ${m.name}（${maskString(id)}）`,
        });
    }
    return { h, target, changes };
  });
}

const MAX_REPORTED = 200;

function refuse(errors: RowError[]): never {
  const fieldErrors: FieldError[] = errors.slice(0, MAX_REPORTED).map((e) => ({
    path: `${e.sheet}/${e.line}${e.column ? `/${e.column}` : ''}`,
    message: e.message,
    message_en: e.message_en,
  }));
  throw domain.invalid(
    fieldErrors,
    `文件有 ${errors.length} 处错误，未导入任何数据${errors.length > MAX_REPORTED ? `（列出前 ${MAX_REPORTED} 处）` : ''}，请修改后重新导入`,
    `the file has ${errors.length} errors; nothing was imported`,
  );
}

export interface ImportFile {
  filename: string;
  format: 'csv' | 'xlsx';
  content: Buffer;
}

function importer(who: Principal) {
  if (!IMPORT_ROLES.some((r) => who.roles.some((x) => x.role === r)))
    throw domain.forbidden(
      '只有县级乡村振兴部门和村（居）干部可以导入农户',
      'only the county bureau and village cadres import households',
    );
}

/** 导入预览 check the file and list what it would change; nothing is written. */
export async function previewImport(db: pg.Pool, who: Principal, file: ImportFile): Promise<ImportPreview> {
  importer(who);
  const checked = await checkFile(db, who, file);
  if (checked.errors.length) refuse(checked.errors);
  if (!checked.households.length)
    throw domain.invalid([
      { path: 'file', message: '文件中没有农户', message_en: 'the file has no households' },
    ]);
  const plan = await planImport(db, checked.households, checked.layout);
  const changes = plan.flatMap((p) => p.changes);
  return {
    sha256: createHash('sha256').update(file.content).digest('hex'),
    households: plan.length,
    members: plan.reduce((n, p) => n + p.h.members.length, 0),
    changed: plan.filter((p) => p.changes.length).length,
    unchanged: plan.filter((p) => !p.changes.length).length,
    changes: changes.slice(0, 1000),
    totalChanges: changes.length,
  };
}

const stageOf = (indicators: Record<string, unknown>, status: string): CollectionStage =>
  indicators.A53 ? 'elimination' : status === 'monitored' ? 'measures' : STAGES[0];

/**
 * 导入 apply a previewed file: the same file (by its hash) is checked again and written in one
 * transaction — households created or updated, members added, corrected or removed, the
 * household-level indicators kept as a 附件2 version. Unchanged households are not touched.
 */
export async function applyImport(
  db: pg.Pool,
  who: Principal,
  file: ImportFile,
  confirm: string | undefined,
): Promise<ImportResult> {
  importer(who);
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  if (!confirm || confirm !== sha256) {
    throw domain.conflict(
      '请先预览差异，确认后再导入同一个文件',
      'preview the file first and confirm with its sha256',
      'preview_required',
    );
  }
  const checked = await checkFile(db, who, file);
  if (checked.errors.length) refuse(checked.errors);
  const plan = await planImport(db, checked.households, checked.layout);
  const todo = plan.filter((p) => p.changes.length);
  const importId = `IMPORT-${sha256.slice(0, 12).toUpperCase()}`;
  const reason = `导入 ${file.filename}`;
  const created: string[] = [];
  await inTransaction(db, async (tx) => {
    const fresh = todo.filter((p) => !p.target);
    if (fresh.length)
      created.push(
        ...(await createMany(
          tx,
          who,
          fresh.map((p) => p.h),
          importId,
          reason,
        )),
      );
    for (const p of todo.filter((x) => x.target)) {
      const id = p.target!;
      const ctx = { actorId: who.userId, reason, caseId: null };
      const cur = (
        await tx.query('SELECT org_id, monitoring_status FROM households WHERE id = $1 FOR UPDATE', [id])
      ).rows[0];
      const path =
        p.h.org !== cur.org_id
          ? (await tx.query('SELECT path FROM org_nodes WHERE id = $1', [p.h.org])).rows[0].path
          : undefined;
      const status = p.h.status ?? cur.monitoring_status;
      await tx.query(
        `UPDATE households SET org_id = $2, org_path = COALESCE($3, org_path), monitoring_status = $4,
           monitoring_type = COALESCE($5, monitoring_type), monitor_contact = CASE WHEN $7 THEN $6::jsonb ELSE monitor_contact END,
           monitored_since = CASE WHEN $4 = 'monitored' THEN COALESCE(monitored_since, current_date) ELSE NULL END, updated_at = now()
         WHERE id = $1`,
        [
          id,
          p.h.org,
          path ?? null,
          status,
          (p.h.indicators?.A3 as string) ?? null,
          p.h.contact ? JSON.stringify(p.h.contact) : null,
          p.h.indicators !== undefined,
        ],
      );
      await syncMembers(
        tx,
        id,
        p.h.members.map(({ line: _l, ...m }) => m),
        { ...ctx, removeMissing: 'imported_out', addReason: reason },
      );
      if (p.h.indicators && p.changes.some((c) => c.kind === 'household.field' && /^A/.test(c.field ?? ''))) {
        await storeCollection(tx, id, stageOf(p.h.indicators, status), importId, collectionOf(p.h));
      }
      await recordHistory(tx, id, 'household.imported', ctx, { detail: { changes: p.changes.length } });
    }
    await appendAudit(tx, [
      {
        id: `household-import:${importId}:${Date.now()}`,
        actorId: who.userId,
        action: 'household.import',
        target: importId,
        detail: {
          filename: file.filename,
          sha256,
          created: created.length,
          updated: todo.length - created.length,
          unchanged: plan.length - todo.length,
        },
      },
    ]);
  });
  return {
    importId,
    created: created.length,
    updated: todo.length - created.length,
    unchanged: plan.length - todo.length,
    changes: todo.reduce((n, p) => n + p.changes.length, 0),
  };
}

const collectionOf = (h: ParsedHousehold) => ({
  ...(h.indicators ?? {}),
  ...(h.contact ? { A55: h.contact } : {}),
  members: h.members.map(({ line: _l, name, idNumber, relation, health, labour, ...rest }) => ({
    A5: name,
    A7: idNumber,
    A8: relation,
    ...(health ? { A13: health } : {}),
    ...(labour ? { A14: labour } : {}),
    ...rest,
  })),
});

/** New households in bulk (the first import of a county: tens of thousands at once). */
async function createMany(
  tx: pg.ClientBase,
  who: Principal,
  list: ParsedHousehold[],
  importId: string,
  reason: string,
): Promise<string[]> {
  const paths = new Map(
    (
      await tx.query('SELECT id, path FROM org_nodes WHERE id = ANY($1)', [
        [...new Set(list.map((h) => h.org))],
      ])
    ).rows.map((r) => [r.id, r.path]),
  );
  const ids: string[] = [];
  for (let at = 0; at < list.length; at += 2000) {
    const batch = list.slice(at, at + 2000);
    // a household number from the file is kept; a blank one gets the registry's next number
    const numbered = await Promise.all(
      batch.map(
        async (h) =>
          h.number || `HH-${(await tx.query(`SELECT nextval('household_numbers') AS n`)).rows[0].n}`,
      ),
    );
    const heads = batch.map((h) => h.members.find((m) => m.relation === '01')!);
    await tx.query(
      `INSERT INTO households (id, org_id, org_path, head_name, head_id_number, members, monitoring_status, monitoring_type, monitor_contact, monitored_since)
       SELECT x.id, x.org, ARRAY(SELECT jsonb_array_elements_text(x.path)), x.head, x.head_id, x.members, x.status, x.type, x.contact,
              CASE WHEN x.status = 'monitored' THEN current_date END
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, org text, path jsonb, head text, head_id text, members jsonb, status text, type text, contact jsonb)`,
      [
        JSON.stringify(
          batch.map((h, i) => ({
            id: numbered[i],
            org: h.org,
            path: paths.get(h.org),
            head: heads[i].name,
            head_id: heads[i].idNumber,
            members: h.members.map(({ line: _l, ...m }) => m),
            status: h.status ?? 'none',
            type: (h.indicators?.A3 as string) ?? null,
            contact: h.contact ?? null,
          })),
        ),
      ],
    );
    await tx.query(
      `INSERT INTO household_members (household_id, id_number, name, relation, attrs, ord)
       SELECT x.hid, x.id, x.name, x.relation, x.attrs, x.ord FROM jsonb_to_recordset($1::jsonb) AS x(hid text, id text, name text, relation text, attrs jsonb, ord int)`,
      [
        JSON.stringify(
          batch.flatMap((h, i) =>
            h.members.map(({ line: _l, name, idNumber, relation, ...attrs }, ord) => ({
              hid: numbered[i],
              id: idNumber,
              name,
              relation,
              attrs,
              ord,
            })),
          ),
        ),
      ],
    );
    await tx.query(
      `INSERT INTO household_history (household_id, kind, reason, actor_id) SELECT unnest($1::text[]), 'household.imported', $2, $3`,
      [numbered, reason, who.userId],
    );
    const withIndicators = batch
      .map((h, i) => [h, numbered[i]] as const)
      .filter(([h]) => h.indicators && Object.keys(h.indicators).length);
    if (withIndicators.length) {
      await tx.query(
        `INSERT INTO household_collections (household_id, stage, case_id, version, data)
         SELECT x.hid, x.stage, $2, 1, x.data FROM jsonb_to_recordset($1::jsonb) AS x(hid text, stage text, data jsonb)`,
        [
          JSON.stringify(
            withIndicators.map(([h, id]) => ({
              hid: id,
              stage: stageOf(h.indicators!, h.status ?? 'none'),
              data: collectionOf(h),
            })),
          ),
          importId,
        ],
      );
    }
    ids.push(...numbered);
  }
  return ids;
}

// ---------------------------------------------------------------- export and template

export interface ExportQuery {
  org?: string;
  status?: string;
  unmask?: string;
  since?: string;
}

/** 导出 households of the region with their latest 附件2, in the import layout; masked unless unmasking is allowed (audited). */
export async function exportHouseholds(
  db: pg.Pool,
  who: Principal,
  q: ExportQuery,
): Promise<{ buffer: Buffer; filename: string; masked: boolean }> {
  const unmask = q.unmask === '1' || q.unmask === 'true';
  if (unmask && !UNMASK_ROLES.some((r) => who.roles.some((x) => x.role === r))) {
    throw domain.forbidden('您无权导出未脱敏的身份证号', 'you may not export unmasked ID numbers');
  }
  const params: unknown[] = [regionOf(who)];
  const where = [IN_REGION('h.org_path', '$1'), 'h.closed_at IS NULL'];
  if (q.org) {
    params.push(q.org);
    where.push(`h.org_path @> ARRAY[$${params.length}]::text[]`);
  }
  if (q.status) {
    params.push(q.status);
    where.push(`h.monitoring_status = $${params.length}`);
  }
  if (q.since) {
    params.push(q.since);
    where.push(`h.updated_at >= $${params.length}::date`);
  }
  const { rows } = await db.query(
    `SELECT h.id FROM households h WHERE ${where.join(' AND ')} ORDER BY h.id`,
    params,
  );
  const ids = rows.map((r) => r.id as string);
  const state = await currentState(db, ids);
  const lay = await layout(db);
  const wb = await workbook(
    lay,
    ids.map((id) => state.get(id)!),
    unmask,
  );
  if (unmask) {
    await inTransaction(db, (tx) =>
      appendAudit(tx, [
        {
          id: `household-export:${who.userId}:${Date.now()}`,
          actorId: who.userId,
          action: 'household.export-unmasked',
          target: q.org ?? null,
          detail: { households: ids.length, status: q.status ?? null, since: q.since ?? null },
        },
      ]),
    );
  }
  return {
    buffer: Buffer.from(await wb.xlsx.writeBuffer()),
    filename: `农户档案${unmask ? '' : '（脱敏）'}.xlsx`,
    masked: !unmask,
  };
}

/** 导入模板 the layout with one example household. */
export async function importTemplate(db: pg.Pool): Promise<Buffer> {
  const lay = await layout(db);
  const example: Current = {
    id: 'HH-示例',
    org: 'v-示例村编码',
    status: 'none',
    closed: false,
    indicators: { A1: false, A3: '2', A28: 12000 },
    contact: { name: '张联系', phone: '13800000000' },
    members: new Map([
      [
        '430422197203040013',
        { name: '示例户主', idNumber: '430422197203040013', relation: '01', health: '01', labour: '01' },
      ],
    ]),
  };
  return Buffer.from(await (await workbook(lay, [example], true)).xlsx.writeBuffer());
}

/** Text a spreadsheet would run as a formula is written as text (formula injection). */
const neutral = (v: string | number) => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

async function workbook(lay: Layout, list: Current[], unmasked: boolean): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  const hs = wb.addWorksheet(HOUSEHOLD_SHEET);
  const ms = wb.addWorksheet(MEMBER_SHEET);
  hs.addRow(['户编号', '村编码', '监测状态', ...lay.household.map((c) => c.header)]);
  ms.addRow(['户编号', ...lay.member.map((c) => c.header)]);
  const id = (s: string) => (unmasked ? s : maskString(s));
  for (const h of list) {
    hs.addRow([
      h.id,
      h.org,
      STATUS_LABEL[h.status] ?? h.status,
      ...lay.household.map((c) =>
        neutral(
          c.code === 'A55.name'
            ? (h.contact?.name ?? '')
            : c.code === 'A55.phone'
              ? h.contact
                ? id(h.contact.phone)
                : ''
              : writeCell(c, h.indicators[c.code]),
        ),
      ),
    ]);
    for (const m of h.members.values()) {
      const key = (code: string) =>
        ({ A5: 'name', A7: 'idNumber', A8: 'relation', A13: 'health', A14: 'labour' })[code] ?? code;
      ms.addRow([
        h.id,
        ...lay.member.map((c) => neutral(c.code === 'A7' ? id(m.idNumber) : writeCell(c, m[key(c.code)]))),
      ]);
    }
  }
  // ID numbers and codes stay text in Excel (no 4.3E+17, no 01 → 1)
  for (const ws of [hs, ms])
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        if (typeof cell.value === 'string') cell.numFmt = '@';
      }),
    );
  hs.getRow(1).font = ms.getRow(1).font = { bold: true };
  return wb;
}
