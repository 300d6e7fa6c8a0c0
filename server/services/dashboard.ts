/** 工作台 the dashboard's figures for the principal's region (optionally one node of it). */
import type { ServiceDeps } from './deps.js';
import { IN_REGION, regionOf, type Principal } from './principal.js';

export async function dashboard(deps: ServiceDeps, who: Principal, org: string | null) {
  const db = deps.db;
  const regions = regionOf(who);
  const scope = `${IN_REGION('c.org_path', '$1')} AND ($2::text IS NULL OR c.org_path @> ARRAY[$2]::text[])`;
  const [byStatus, byStep, overdue, openNotices, monthly, byRegion] = await Promise.all([
    db.query(`SELECT c.process_key, c.status, count(*)::int AS n FROM cases c WHERE ${scope} GROUP BY 1, 2`, [
      regions,
      org,
    ]),
    db.query(
      `SELECT c.process_key, t.step_title, count(*)::int AS n FROM tasks t JOIN cases c ON c.id = t.case_id
         WHERE t.status = 'open' AND ${scope} GROUP BY 1, 2 ORDER BY 3 DESC`,
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
         WHERE c.status = 'approved' AND c.ended_at IS NOT NULL AND ${scope} GROUP BY 1, 2 ORDER BY 1`,
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
