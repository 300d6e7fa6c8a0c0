/**
 * 统计 the dashboard's figures for a principal's regions (optionally one org):
 * cases by process and status, open tasks by step, overdue tasks, open notices,
 * approvals per month, cases per township — and the same figures as an Excel
 * workbook, so what is exported is what the page draws.
 */
import ExcelJS from 'exceljs';
import type pg from 'pg';
import type { ServiceDeps } from './deps.js';
import { IN_REGION, regionOf, type Principal } from './principal.js';
import { neutraliseCell } from './spreadsheet.js';
import { STATUS_ZH } from './case-list.js';

export interface DashboardFigures {
  byStatus: { process_key: string; status: string; n: number }[];
  byStep: { process_key: string; step_title: string; n: number }[];
  overdueTasks: number;
  openNotices: number;
  monthly: { month: string; process_key: string; n: number }[];
  byRegion: { id: string; name: string; n: number }[];
}

/** GET /api/dashboard */
export const dashboard = (deps: ServiceDeps, who: Principal, org: string | null) =>
  dashboardFigures(deps.db, who, org);

export async function dashboardFigures(
  db: pg.Pool,
  who: Principal,
  org: string | null,
): Promise<DashboardFigures> {
  const regions = regionOf(who);
  const scope = `${IN_REGION('c.org_path', '$1')} AND ($2::text IS NULL OR c.org_path @> ARRAY[$2]::text[])`;
  const [byStatus, byStep, overdue, openNotices, monthly, byRegion] = await Promise.all([
    db.query(
      `SELECT c.process_key, c.status, count(*)::int AS n FROM cases c WHERE ${scope} GROUP BY 1, 2 ORDER BY 1, 2`,
      [regions, org],
    ),
    db.query(
      `SELECT c.process_key, t.step_title, count(*)::int AS n FROM tasks t JOIN cases c ON c.id = t.case_id
         WHERE t.status = 'open' AND ${scope} GROUP BY 1, 2 ORDER BY 3 DESC, 2`,
      [regions, org],
    ),
    db.query(
      `SELECT count(*)::int AS n FROM tasks t JOIN cases c ON c.id = t.case_id WHERE t.status = 'open' AND t.due_at < now() AND ${scope}`,
      [regions, org],
    ),
    db.query(
      `SELECT count(*)::int AS n FROM notices n JOIN cases c ON c.id = n.case_id WHERE n.closed_at IS NULL AND ${scope}`,
      [regions, org],
    ),
    db.query(
      `SELECT to_char(date_trunc('month', c.ended_at), 'YYYY-MM') AS month, c.process_key, count(*)::int AS n FROM cases c
         WHERE c.status = 'approved' AND c.ended_at IS NOT NULL AND ${scope} GROUP BY 1, 2 ORDER BY 1, 2`,
      [regions, org],
    ),
    db.query(
      `SELECT o.id, o.name, count(c.id)::int AS n FROM org_nodes o LEFT JOIN cases c ON c.org_path @> ARRAY[o.id]::text[] AND ${scope}
         WHERE o.level = 'township' AND ${IN_REGION('o.path', '$1')} GROUP BY o.id, o.name ORDER BY o.name`,
      [regions, org],
    ),
  ]);
  return {
    byStatus: byStatus.rows,
    byStep: byStep.rows,
    overdueTasks: overdue.rows[0].n,
    openNotices: openNotices.rows[0].n,
    monthly: monthly.rows,
    byRegion: byRegion.rows,
  };
}

/** The dashboard's figures as a workbook: one sheet per chart, text cells through `neutraliseCell`. */
export async function dashboardWorkbook(db: pg.Pool, who: Principal, org: string | null): Promise<Buffer> {
  const f = await dashboardFigures(db, who, org);
  const titles = new Map<string, string>(
    (
      await db.query(
        `SELECT DISTINCT ON (key) key, definition->'title'->>'zh' AS title FROM process_versions ORDER BY key, version DESC`,
      )
    ).rows.map((r) => [r.key as string, (r.title as string) ?? (r.key as string)]),
  );
  const proc = (k: string) => neutraliseCell(titles.get(k) ?? k);
  const wb = new ExcelJS.Workbook();
  const sheet = (name: string, header: string[], rows: (string | number)[][]) => {
    const ws = wb.addWorksheet(name);
    ws.addRow(header).font = { bold: true };
    for (const r of rows) ws.addRow(r);
    header.forEach((h, i) => (ws.getColumn(i + 1).width = Math.max(12, h.length * 3)));
  };
  const total = f.byStatus.reduce((a, x) => a + x.n, 0);
  const of = (s: string) => f.byStatus.filter((x) => x.status === s).reduce((a, x) => a + x.n, 0);
  sheet(
    '概况',
    ['指标', '数量'],
    [
      ['案件总数', total],
      ['办理中', of('running')],
      ['已通过', of('approved')],
      ['超期任务', f.overdueTasks],
      ['公示中', f.openNotices],
    ],
  );
  sheet(
    '各事项办理状态',
    ['事项', '状态', '案件数'],
    f.byStatus.map((x) => [proc(x.process_key), STATUS_ZH[x.status] ?? neutraliseCell(x.status), x.n]),
  );
  sheet(
    '各乡镇案件数',
    ['乡镇', '案件数'],
    f.byRegion.map((x) => [neutraliseCell(x.name), x.n]),
  );
  sheet(
    '待办环节分布',
    ['事项', '环节', '待办数'],
    f.byStep.map((x) => [proc(x.process_key), neutraliseCell(x.step_title), x.n]),
  );
  sheet(
    '每月通过数量',
    ['月份', '事项', '通过数'],
    f.monthly.map((x) => [x.month, proc(x.process_key), x.n]),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}
