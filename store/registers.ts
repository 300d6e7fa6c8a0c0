/**
 * 项目库 and 资产台账 entries read from the read model (cases of the project-entry and ledger procedures):
 * shared by the registers service (server/services/registers.ts) and the annual-plan activity
 * (activities/project-register.ts). Read-only.
 */
import type pg from 'pg';
import { IN_REGION } from './region.js';

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
