/**
 * 项目库 and 资产台账 as registers. The project library is the set of project-entry cases
 * (village-, township/department- and urgent-proposed: seeds/000…, lines 3407–3425) with
 * their status, year and funding; admitted projects are announced long-term (line 3417) and
 * listed publicly. The asset-ledger register is the set of ledger publications (line 3335):
 * staff see every ledger of their region, the public sees the published ones.
 * Read-only views over the read model; the procedures themselves stay the source of truth.
 */
import type pg from 'pg';
import { domain } from '../errors.js';
import type { ServiceDeps } from './deps.js';
import { IN_REGION, regionOf, type Principal } from './principal.js';

/** the procedures whose cases are entries of the project library */
export const PROJECT_PROCESSES = ['project-library', 'project-library-direct', 'project-urgent'] as const;
export const ASSET_LEDGER_PROCESS = 'asset-ledger-publication';

export type ProjectStatus = 'admitted' | 'not_admitted' | 'in_progress' | 'cancelled';

export interface ProjectEntry {
  caseId: string;
  name: string;
  category: string | null;
  location: string | null;
  /** the plan year: the year work is planned to start */
  year: number | null;
  /** 总投资（万元） */
  funding: number | null;
  fundingSources: string | null;
  responsibleUnit: string | null;
  status: ProjectStatus;
  orgId: string;
  orgName: string;
  proposedAt: string;
  decidedAt: string | null;
}

type Queryable = Pick<pg.Pool, 'query'>;

const statusOf = (status: string, outcome: string | null): ProjectStatus =>
  status === 'running'
    ? 'in_progress'
    : outcome === 'approved'
      ? 'admitted'
      : status === 'cancelled'
        ? 'cancelled'
        : 'not_admitted';

/**
 * The library's entries under `orgId` (the county, or any node: entries proposed there or below),
 * newest first; `admittedOnly` for the public listing and the annual plan.
 */
export async function projectEntries(
  db: Queryable,
  q: { orgIds: string[]; admittedOnly?: boolean; year?: number; limit?: number },
): Promise<ProjectEntry[]> {
  const { rows } = await db.query(
    `SELECT c.id, c.status, c.outcome, c.org_id, o.name AS org_name, c.started_at, c.ended_at, c.subject_name,
            c.data->'project' AS project
       FROM cases c JOIN org_nodes o ON o.id = c.org_id
      WHERE c.process_key = ANY($1) AND ${IN_REGION('c.org_path', '$2')}
        AND ($3::boolean IS NOT TRUE OR (c.status <> 'running' AND c.outcome = 'approved'))
      ORDER BY c.started_at DESC, c.id
      LIMIT $4`,
    [PROJECT_PROCESSES, q.orgIds, q.admittedOnly ?? false, Math.min(q.limit ?? 500, 2000)],
  );
  const entries = rows.map((r): ProjectEntry => {
    const p = (r.project ?? {}) as Record<string, any>;
    const start = typeof p.schedule?.start === 'string' ? Number(p.schedule.start.slice(0, 4)) : NaN;
    return {
      caseId: r.id,
      name: String(p.name ?? r.subject_name ?? ''),
      category: p.category ?? null,
      location: p.location ?? null,
      year: Number.isFinite(start) ? start : null,
      funding: typeof p.funding?.total === 'number' ? p.funding.total : null,
      fundingSources: p.funding?.sources ?? null,
      responsibleUnit: p.responsibleUnit ?? null,
      status: statusOf(r.status, r.outcome),
      orgId: r.org_id,
      orgName: r.org_name,
      proposedAt: new Date(r.started_at).toISOString(),
      decidedAt: r.ended_at ? new Date(r.ended_at).toISOString() : null,
    };
  });
  return q.year ? entries.filter((e) => e.year === q.year) : entries;
}

const yearOf = (raw: unknown) => {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const y = Number(raw);
  if (!Number.isInteger(y) || y < 2000 || y > 2100)
    throw domain.invalid([
      {
        path: 'year',
        message: '年度须为2000至2100之间的年份',
        message_en: 'year must be between 2000 and 2100',
      },
    ]);
  return y;
};

/** 项目库 for staff: every entry of their region, whatever its status */
export async function projectRegister(
  deps: ServiceDeps,
  who: Principal,
  q: { year?: unknown; status?: unknown } = {},
) {
  const nodes = regionOf(who);
  if (!nodes.length) throw domain.forbidden('您没有可查看的地区', 'you work on no region');
  const statuses: ProjectStatus[] = ['admitted', 'not_admitted', 'in_progress', 'cancelled'];
  if (q.status !== undefined && q.status !== '' && !statuses.includes(q.status as ProjectStatus))
    throw domain.invalid([
      {
        path: 'status',
        message: '状态只能是 admitted、not_admitted、in_progress 或 cancelled',
        message_en: `status must be one of ${statuses.join(', ')}`,
      },
    ]);
  const items = (await projectEntries(deps.db, { orgIds: nodes, year: yearOf(q.year) })).filter(
    (e) => !q.status || e.status === q.status,
  );
  return {
    items,
    totals: {
      admitted: items.filter((e) => e.status === 'admitted').length,
      funding: round2(items.filter((e) => e.status === 'admitted').reduce((s, e) => s + (e.funding ?? 0), 0)),
    },
  };
}

/** 项目库公开 the admitted projects of a place (no login): what the long-term announcement shows */
export async function publicProjectRegister(deps: ServiceDeps, q: { org?: unknown; year?: unknown }) {
  const org = await placeOf(deps, q.org);
  const items = await projectEntries(deps.db, { orgIds: [org.id], admittedOnly: true, year: yearOf(q.year) });
  return {
    org,
    items: items.map(
      ({
        caseId,
        name,
        category,
        location,
        year,
        funding,
        fundingSources,
        responsibleUnit,
        orgName,
        decidedAt,
      }) => ({
        caseId,
        name,
        category,
        location,
        year,
        funding,
        fundingSources,
        responsibleUnit,
        orgName,
        admittedAt: decidedAt,
      }),
    ),
  };
}

export interface LedgerEntry {
  caseId: string;
  assetName: string;
  assetType: string | null;
  project: string | null;
  value: number | null;
  owner: string | null;
  manager: string | null;
  completedDate: string | null;
  status: 'published' | 'in_progress' | 'returned' | 'cancelled';
  orgId: string;
  orgName: string;
  /** the year the ledger was (re)published: a ledger is republished once a year (line 3335) */
  year: number;
  publishedAt: string | null;
}

export async function ledgerEntries(
  db: Queryable,
  orgIds: string[],
  publishedOnly: boolean,
): Promise<LedgerEntry[]> {
  const { rows } = await db.query(
    `SELECT c.id, c.status, c.outcome, c.org_id, o.name AS org_name, c.started_at, c.ended_at, c.data->'asset-ledger' AS ledger
       FROM cases c JOIN org_nodes o ON o.id = c.org_id
      WHERE c.process_key = $1 AND ${IN_REGION('c.org_path', '$2')}
        AND ($3::boolean IS NOT TRUE OR (c.status <> 'running' AND c.outcome = 'approved'))
      ORDER BY c.started_at DESC, c.id LIMIT 2000`,
    [ASSET_LEDGER_PROCESS, orgIds, publishedOnly],
  );
  return rows.map((r) => {
    const l = (r.ledger ?? {}) as Record<string, any>;
    return {
      caseId: r.id,
      assetName: String(l.assetName ?? ''),
      assetType: l.assetType ?? null,
      project: l.project ?? null,
      value: typeof l.value === 'number' ? l.value : null,
      owner: l.owner ?? null,
      manager: l.manager ?? null,
      completedDate: l.completedDate ?? null,
      status:
        r.status === 'running'
          ? 'in_progress'
          : r.outcome === 'approved'
            ? 'published'
            : r.status === 'cancelled'
              ? 'cancelled'
              : 'returned',
      orgId: r.org_id,
      orgName: r.org_name,
      year: new Date(r.started_at).getUTCFullYear(),
      publishedAt: r.outcome === 'approved' && r.ended_at ? new Date(r.ended_at).toISOString() : null,
    };
  });
}

/** 资产台账 for staff: every ledger publication of their region */
export async function assetLedgerRegister(deps: ServiceDeps, who: Principal) {
  const nodes = regionOf(who);
  if (!nodes.length) throw domain.forbidden('您没有可查看的地区', 'you work on no region');
  return { items: await ledgerEntries(deps.db, nodes, false) };
}

/** 资产台账公开 the published ledgers of a place (no login), the latest publication of each asset first */
export async function publicAssetLedgers(deps: ServiceDeps, q: { org?: unknown }) {
  const org = await placeOf(deps, q.org);
  const items = await ledgerEntries(deps.db, [org.id], true);
  return {
    org,
    items: items.map(({ status: _s, orgId: _o, ...rest }) => rest),
  };
}

async function placeOf(deps: ServiceDeps, raw: unknown) {
  if (typeof raw !== 'string' || !raw)
    throw domain.invalid([{ path: 'org', message: '请选择村、乡镇或县', message_en: 'org is required' }]);
  const { rows } = await deps.db.query(
    `SELECT id, name, level FROM org_nodes WHERE id = $1 AND level IN ('county','township','village')`,
    [raw],
  );
  if (!rows[0]) throw domain.notFound('该地区不存在', 'unknown place');
  return rows[0] as { id: string; name: string; level: string };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
