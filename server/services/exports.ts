/**
 * 导出 lists for download. Each export reads personal data through the one read path (masked unless the
 * reader asks for it in full and may; audited then) and writes every cell through the spreadsheet module,
 * which neutralises what a spreadsheet would run as a formula.
 */
import type { ServiceDeps } from './deps.js';
import { readCaseData } from './personal-data.js';
import { IN_REGION, regionOf, type Principal } from './principal.js';
import { toCsv } from './spreadsheet.js';

const STATUS_ZH: Record<string, string> = {
  running: '办理中',
  approved: '已通过',
  rejected: '未通过',
  withdrawn: '已撤回',
  cancelled: '已终止',
};

/** 案件清单 the cases of the reader's region (at most 5,000, newest first) as CSV. */
export async function exportCasesCsv(
  deps: ServiceDeps,
  who: Principal,
  q: { process?: string; status?: string; unmask?: boolean },
) {
  const { rows } = await deps.db.query(
    `SELECT c.id, c.title, c.process_key, c.subject_name, o.name AS org_name, c.status, c.outcome, c.started_at, c.ended_at, c.org_path,
            c.data->'application'->>'idNumber' AS id_number, c.data->'application'->>'phone' AS phone
       FROM cases c JOIN org_nodes o ON o.id = c.org_id
      WHERE (${IN_REGION('c.org_path', '$1')} OR c.initiator_id = $2) AND ($3::text IS NULL OR c.process_key = $3) AND ($4::text IS NULL OR c.status = $4)
      ORDER BY c.started_at DESC LIMIT 5000`,
    [regionOf(who), who.userId, q.process ?? null, q.status ?? null],
  );
  const lines: unknown[][] = [];
  for (const r of rows) {
    const personal = await readCaseData(
      deps,
      who,
      r,
      { idNumber: r.id_number, phone: r.phone },
      { purpose: 'export', unmask: q.unmask },
    );
    lines.push([
      r.id,
      r.title,
      r.process_key,
      r.subject_name,
      personal.value.idNumber,
      personal.value.phone,
      r.org_name,
      STATUS_ZH[r.status] ?? r.status,
      r.outcome,
      r.started_at && new Date(r.started_at).toISOString().slice(0, 10),
      r.ended_at && new Date(r.ended_at).toISOString().slice(0, 10),
    ]);
  }
  return toCsv(
    [
      '案件编号',
      '标题',
      '流程',
      '对象',
      '身份证号',
      '联系电话',
      '地区',
      '状态',
      '结果',
      '发起日期',
      '办结日期',
    ],
    lines,
  );
}
