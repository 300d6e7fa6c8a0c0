/**
 * 案件查询与导出 the case list with its filters (village or any node, status, process, start-date range,
 * overdue), and the same list as an Excel file. An export masks ID numbers and phones unless the person asks for
 * the full data, which is then written to the audit log; every cell that a spreadsheet would read as a formula
 * (= + - @, also after a tab or a carriage return) is written as text with a leading apostrophe.
 */
import type { CaseListItem } from '../../shared/api-types.js';
import ExcelJS from 'exceljs';
import type { ServiceDeps } from './deps.js';
import { IN_REGION, regionOf, type Principal } from './principal.js';
import { domain, type FieldError } from '../errors.js';
import { maskString } from './masking.js';
import { neutraliseCell } from './spreadsheet.js';
import { appendAudit } from '../../store/audit.js';
import { inTransaction } from '../db.js';

export interface CaseListQuery {
  process?: string;
  status?: string;
  org?: string;
  subject?: string;
  /** started on or after / before the end of (YYYY-MM-DD, China time) */
  from?: string;
  to?: string;
  /** only cases with an open task past its deadline */
  overdue?: string;
  limit?: string | number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const STATUSES = ['running', 'approved', 'rejected', 'refused', 'withdrawn', 'cancelled', 'completed'];

function whereOf(who: Principal, q: CaseListQuery) {
  const errors: FieldError[] = [];
  for (const k of ['from', 'to'] as const) {
    if (
      q[k] !== undefined &&
      q[k] !== '' &&
      (typeof q[k] !== 'string' || !DATE.test(q[k]!) || Number.isNaN(Date.parse(q[k]!)))
    ) {
      errors.push({
        path: k,
        message: '日期格式应为 YYYY-MM-DD',
        message_en: `${k} must be a date YYYY-MM-DD`,
      });
    }
  }
  if (q.status && !STATUSES.includes(q.status))
    errors.push({
      path: 'status',
      message: '状态无效',
      message_en: `status must be one of ${STATUSES.join(', ')}`,
    });
  if (q.overdue !== undefined && !['', '0', '1', 'true', 'false'].includes(String(q.overdue))) {
    errors.push({ path: 'overdue', message: 'overdue 只能是 1 或 0', message_en: 'overdue must be 1 or 0' });
  }
  for (const k of ['process', 'org', 'subject'] as const) {
    if (q[k] !== undefined && (typeof q[k] !== 'string' || q[k]!.length > 100))
      errors.push({ path: k, message: '筛选条件无效', message_en: `${k} must be text` });
  }
  if (errors.length) throw domain.invalid(errors);
  const params: unknown[] = [regionOf(who), who.userId];
  const where = [`(${IN_REGION('c.org_path', '$1')} OR c.initiator_id = $2)`];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replaceAll('$?', `$${params.length}`));
  };
  if (q.process) add('c.process_key = $?', q.process);
  if (q.status) add('c.status = $?', q.status);
  if (q.org) add('c.org_path @> ARRAY[$?]::text[]', q.org);
  if (q.subject) add('c.subject_id = $?', q.subject);
  if (q.from) add(`c.started_at >= ($?::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`, q.from);
  if (q.to) add(`c.started_at < ($?::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`, q.to);
  if (q.overdue === '1' || q.overdue === 'true')
    where.push(
      `EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.id AND t.status = 'open' AND t.due_at < now())`,
    );
  return { params, where };
}

export async function listCases(
  deps: ServiceDeps,
  who: Principal,
  q: CaseListQuery,
  max = 200,
): Promise<CaseListItem[]> {
  const { params, where } = whereOf(who, q);
  const limit = Math.min(Math.max(Number(q.limit) || 50, 1), max);
  params.push(limit);
  const { rows } = await deps.db.query(
    `SELECT c.id, c.title, c.process_key, c.process_version, c.org_id, o.name AS org_name, c.subject_id, c.subject_name, c.status, c.outcome,
            c.current_steps, c.started_at, c.ended_at,
            EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.id AND t.status = 'open' AND t.due_at < now()) AS overdue
     FROM cases c JOIN org_nodes o ON o.id = c.org_id WHERE ${where.join(' AND ')} ORDER BY c.started_at DESC LIMIT $${params.length}`,
    params,
  );
  return rows;
}

/** A text cell a spreadsheet would run as a formula is kept as text (the one rule: `neutraliseCell`); dates and numbers stay typed. */
export function neutralise(v: unknown): unknown {
  return typeof v === 'string' ? neutraliseCell(v) : v;
}

export const STATUS_ZH: Record<string, string> = {
  running: '办理中',
  approved: '已通过',
  rejected: '未通过',
  refused: '不予办理',
  withdrawn: '已撤回',
  cancelled: '已终止',
  completed: '已完成',
};

/** The current case list (same filters, up to 5,000 rows) as an .xlsx workbook. */
export async function exportCases(
  deps: ServiceDeps,
  who: Principal,
  q: CaseListQuery & { unmask?: string },
): Promise<Buffer> {
  const unmask = q.unmask === '1';
  const rows = await listCases(deps, who, { ...q, limit: 5000 }, 5000);
  const processes = await deps.db.query(
    `SELECT DISTINCT ON (key) key, definition->'title'->>'zh' AS title FROM process_versions ORDER BY key, version DESC`,
  );
  const processTitle = new Map(processes.rows.map((p) => [p.key, p.title]));
  const ids = await deps.db.query(
    `SELECT c.id, COALESCE(c.data->'application'->>'idNumber', h.head_id_number) AS id_number
       FROM cases c LEFT JOIN households h ON c.subject_kind = 'household' AND h.id = c.subject_id WHERE c.id = ANY($1)`,
    [rows.map((r) => r.id)],
  );
  const idOf = new Map(ids.rows.map((r) => [r.id, r.id_number as string | null]));
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Zhenxing';
  const ws = wb.addWorksheet('案件');
  ws.columns = [
    { header: '案件编号', key: 'id', width: 22 },
    { header: '案件', key: 'title', width: 36 },
    { header: '事项', key: 'process', width: 24 },
    { header: '地区', key: 'org', width: 14 },
    { header: '对象', key: 'subject', width: 12 },
    { header: '身份证号', key: 'idNumber', width: 22 },
    { header: '状态', key: 'status', width: 10 },
    { header: '当前环节', key: 'steps', width: 28 },
    { header: '是否超期', key: 'overdue', width: 10 },
    { header: '发起时间', key: 'startedAt', width: 20 },
    { header: '办结时间', key: 'endedAt', width: 20 },
  ];
  ws.getRow(1).font = { bold: true };
  const time = (d: Date | string | null) =>
    d ? new Date(d).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '';
  for (const r of rows) {
    const id = idOf.get(r.id) ?? '';
    const cells: Record<string, unknown> = {
      id: r.id,
      title: unmask ? r.title : maskString(r.title ?? ''),
      process: processTitle.get(r.process_key) ?? r.process_key,
      org: r.org_name,
      subject: r.subject_name,
      idNumber: unmask ? id : maskString(id),
      status: STATUS_ZH[r.status] ?? r.status,
      steps: (r.current_steps as { title: string }[]).map((s) => s.title).join('、'),
      overdue: r.overdue ? '是' : '否',
      startedAt: time(r.started_at),
      endedAt: time(r.ended_at),
    };
    ws.addRow(Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, neutralise(v)])));
  }
  await inTransaction(deps.db, (tx) =>
    appendAudit(tx, [
      {
        id: `cases-export:${who.userId}:${Date.now()}`,
        actorId: who.userId,
        action: unmask ? 'cases.export-unmasked' : 'cases.export',
        target: 'cases',
        detail: {
          rows: rows.length,
          filters: Object.fromEntries(Object.entries(q).filter(([k, v]) => k !== 'unmask' && v)),
        },
      },
    ]),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}
