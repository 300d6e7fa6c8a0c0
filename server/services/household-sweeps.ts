/**
 * 排查台账 the register of a sweep (集中排查, seeds/000… 3051: 依靠乡村干部、驻村干部、乡村网格员等基层力量
 * 全覆盖排查，汇总排查情况，建立排查台账; 2286). A sweep is a `sweep-campaign` case of a village; its
 * register lists every open household of that village with what the visit found: at risk (an
 * identification follows, started from the row with the channel 干部走访排查) or not at risk.
 * Each visit is kept in the household's history and in the audit chain.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { appendAudit } from '../../store/audit.js';
import { inTransaction } from '../db.js';
import { domain } from '../errors.js';
import type { ServiceDeps } from './deps.js';
import { recordHistory } from '../../store/household-store.js';
import { REGISTRARS } from './households.js';
import { maskValue } from './masking.js';
import { holdsRoleOver, IN_REGION, regionOf, type Principal } from './principal.js';
import type { Items, SweepListItem, SweepRegister } from '../../shared/api-types.js';

export const SWEEP_PROCESS = 'sweep-campaign';
export const SWEEP_RESULTS = { at_risk: '发现风险', not_at_risk: '无风险' } as const;
type SweepResult = keyof typeof SWEEP_RESULTS;

/** 排查 the sweeps of the principal's region, newest first, with how far each register got. */
export async function listSweeps(
  deps: ServiceDeps,
  who: Principal,
  q: { status?: string },
): Promise<Items<SweepListItem>> {
  const running = q.status === 'all' ? null : 'running';
  const { rows } = await deps.db.query(
    `SELECT c.id, c.title, c.org_id, o.name AS org_name, c.status, c.started_at, c.ended_at,
            (SELECT count(*)::int FROM households h WHERE c.org_id = ANY (h.org_path) AND h.closed_at IS NULL) AS households,
            (SELECT count(*)::int FROM sweep_visits v WHERE v.sweep_case_id = c.id) AS visited,
            (SELECT count(*)::int FROM sweep_visits v WHERE v.sweep_case_id = c.id AND v.result = 'at_risk') AS at_risk
       FROM cases c JOIN org_nodes o ON o.id = c.org_id
      WHERE c.process_key = $1 AND ${IN_REGION('c.org_path', '$2')} AND ($3::text IS NULL OR c.status = $3)
      ORDER BY c.started_at DESC LIMIT 100`,
    [SWEEP_PROCESS, regionOf(who), running],
  );
  return { items: rows };
}

async function sweepCase(db: pg.Pool | pg.ClientBase, who: Principal, caseId: string) {
  const c = (
    await db.query(
      'SELECT id, title, org_id, org_path, status, started_at, ended_at, process_key FROM cases WHERE id = $1',
      [caseId],
    )
  ).rows[0];
  if (!c || c.process_key !== SWEEP_PROCESS || !holdsRoleOver(who, '*', c.org_path))
    throw domain.notFound('排查不存在', 'sweep not found');
  return c;
}

/**
 * 台账 every open household of the sweep's village, with the visit (if any) and the identification
 * that followed a finding of risk (the household's first identification started since the visit).
 */
export async function sweepRegister(
  deps: ServiceDeps,
  who: Principal,
  caseId: string,
): Promise<SweepRegister> {
  const c = await sweepCase(deps.db, who, caseId);
  const { rows } = await deps.db.query(
    `SELECT h.id, h.head_name, h.monitoring_status, h.active_case_id, v.result, v.note, v.visited_at, u.display_name AS visited_by,
            (SELECT i.id FROM cases i WHERE i.subject_kind = 'household' AND i.subject_id = h.id AND i.process_key = 'identification'
                AND i.started_at >= v.visited_at ORDER BY i.started_at LIMIT 1) AS identification_case_id
       FROM households h
       LEFT JOIN sweep_visits v ON v.sweep_case_id = $1 AND v.household_id = h.id
       LEFT JOIN users u ON u.id = v.visited_by
      WHERE $2 = ANY (h.org_path) AND h.closed_at IS NULL
      ORDER BY (v.result IS NOT NULL), h.id`,
    [caseId, c.org_id],
  );
  const visited = rows.filter((r) => r.result);
  return {
    sweep: { id: c.id, title: c.title, org_id: c.org_id, status: c.status, started_at: c.started_at },
    summary: {
      households: rows.length,
      visited: visited.length,
      at_risk: visited.filter((r) => r.result === 'at_risk').length,
      not_at_risk: visited.filter((r) => r.result === 'not_at_risk').length,
    },
    items: maskValue(rows),
  };
}

/** 入户排查 record (or correct) what the visit to one household found. */
export async function recordVisit(
  deps: ServiceDeps,
  who: Principal,
  caseId: string,
  body: { household?: unknown; result?: unknown; note?: unknown },
) {
  if (!REGISTRARS.some((r) => who.roles.some((x) => x.role === r)))
    throw domain.forbidden('只有村（居）干部可以登记排查', 'only village cadres record the sweep');
  const errors = [];
  const household = typeof body.household === 'string' ? body.household.trim() : '';
  if (!household)
    errors.push({ path: 'household', message: '请选择农户', message_en: 'household is required' });
  const result = body.result as SweepResult;
  if (!(typeof result === 'string' && result in SWEEP_RESULTS))
    errors.push({
      path: 'result',
      message: '排查结果须为“发现风险”或“无风险”',
      message_en: 'result must be at_risk or not_at_risk',
    });
  const note = body.note === undefined || body.note === null ? null : String(body.note).trim() || null;
  if (note && note.length > 500)
    errors.push({ path: 'note', message: '说明不能超过500字', message_en: 'note is at most 500 characters' });
  if (result === 'at_risk' && !note)
    errors.push({
      path: 'note',
      message: '发现风险时请写明风险情况',
      message_en: 'describe the risk found',
    });
  if (errors.length) throw domain.invalid(errors);

  return inTransaction(deps.db, async (tx) => {
    const c = await sweepCase(tx, who, caseId);
    if (!holdsRoleOver(who, REGISTRARS, c.org_path))
      throw domain.forbidden(
        '只有本村的村（居）干部可以登记排查',
        'only cadres of the village record the sweep',
      );
    if (c.status !== 'running')
      throw domain.conflict('该排查已结束，台账不能再修改', 'the sweep has ended', 'sweep_ended');
    const h = (
      await tx.query('SELECT id, org_path, closed_at FROM households WHERE id = $1 FOR UPDATE', [household])
    ).rows[0];
    if (!h || !(h.org_path as string[]).includes(c.org_id) || h.closed_at)
      throw domain.invalid([
        {
          path: 'household',
          message: '该农户不在本次排查的村',
          message_en: 'the household is not in the sweep’s village',
        },
      ]);
    const before = (
      await tx.query('SELECT result, note FROM sweep_visits WHERE sweep_case_id = $1 AND household_id = $2', [
        caseId,
        household,
      ])
    ).rows[0];
    if (before && before.result === result && (before.note ?? null) === note)
      return { sweep: caseId, household, result, changed: false };
    await tx.query(
      `INSERT INTO sweep_visits (sweep_case_id, household_id, result, note, visited_by) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (sweep_case_id, household_id) DO UPDATE SET result = $3, note = $4, visited_by = $5, visited_at = now()`,
      [caseId, household, result, note, who.userId],
    );
    await recordHistory(
      tx,
      household,
      'sweep.visited',
      { actorId: who.userId, caseId, reason: `${SWEEP_RESULTS[result]}${note ? `：${note}` : ''}` },
      { detail: { result, corrected: Boolean(before) } },
    );
    await appendAudit(tx, [
      {
        id: `household.sweep-visited:${household}:${randomUUID()}`,
        actorId: who.userId,
        action: 'household.sweep-visited',
        target: household,
        detail: { sweep: caseId, result, note, before: before ?? null },
      },
    ]);
    return { sweep: caseId, household, result, changed: true };
  });
}
