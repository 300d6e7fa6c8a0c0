/**
 * 项目库 and 资产台账 as registers. The project library is the set of project-entry cases
 * (village-, township/department- and urgent-proposed: seeds/000…, lines 3407–3425) with
 * their status, year and funding; admitted projects are announced long-term (line 3417) and
 * listed publicly. The asset-ledger register is the set of ledger publications (line 3335):
 * staff see every ledger of their region, the public sees the published ones.
 * Read-only views over the read model; the procedures themselves stay the source of truth.
 */
import { domain } from '../errors.js';
import type { ServiceDeps } from './deps.js';
import { regionOf, type Principal } from './principal.js';
import {
  ASSET_LEDGER_PROCESS,
  PROJECT_PROCESSES,
  ledgerEntries,
  projectEntries,
  type LedgerEntry,
  type ProjectEntry,
  type ProjectStatus,
} from '../../store/registers.js';
export { ASSET_LEDGER_PROCESS, PROJECT_PROCESSES, ledgerEntries, projectEntries };
export type { LedgerEntry, ProjectEntry, ProjectStatus };

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
