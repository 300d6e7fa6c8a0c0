/**
 * 农户档案存储 how the household registry is stored: members as rows (one person, one
 * household), the member list mirrored on `households.members` for the readers that use
 * it (department comparison, lists), the history of every change, and the household's
 * 附件2 by stage. Knows no HTTP: the service (households.ts), the demo loader and the
 * write-back activity (activities/household-status.ts) all store through here.
 */
import type pg from 'pg';

type Queryable = pg.ClientBase | pg.Pool;

/** 家庭成员 a member as the registry keeps it; other 附件2 member indicators (A9–A22) ride along by code. */
export interface MemberRecord {
  name: string;
  idNumber: string;
  relation?: string;
  health?: string;
  labour?: string;
  [indicator: string]: unknown;
}

/** 附件2 member indicators the registry names itself; the rest keep their A-code. */
const NAMED: Record<string, keyof MemberRecord> = {
  A5: 'name',
  A7: 'idNumber',
  A8: 'relation',
  A13: 'health',
  A14: 'labour',
};
const NAMED_BACK = Object.fromEntries(Object.entries(NAMED).map(([a, n]) => [n, a])) as Record<
  string,
  string
>;
/** indicators carried on a member besides the named ones (A6 sex is derived from the ID) */
export const MEMBER_INDICATORS = [
  'A9',
  'A10',
  'A11',
  'A12',
  'A15',
  'A16',
  'A17',
  'A18',
  'A19',
  'A20',
  'A21',
  'A22',
] as const;

/** A registry member as a 附件2 family-member row. */
export function toCollectionMember(m: MemberRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === undefined || v === null || v === '') continue;
    if (NAMED_BACK[k]) out[NAMED_BACK[k]] = v;
    else if ((MEMBER_INDICATORS as readonly string[]).includes(k)) out[k] = v;
  }
  return out;
}

/** A 附件2 family-member row as a registry member. */
export function fromCollectionMember(row: Record<string, unknown>): MemberRecord {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    if (NAMED[k]) out[NAMED[k] as string] = k === 'A7' ? String(v).trim().toUpperCase() : v;
    else if ((MEMBER_INDICATORS as readonly string[]).includes(k)) out[k] = v;
  }
  return out as MemberRecord;
}

export interface ChangeContext {
  actorId: string | null;
  caseId?: string | null;
  reason?: string | null;
  effectiveOn?: string | null;
}

/** A member's ID already belongs to another household's current member. */
export class DuplicateMemberError extends Error {
  constructor(
    readonly idNumber: string,
    readonly householdId: string,
    readonly headName: string,
  ) {
    super(`member ${idNumber.slice(-4)} already belongs to ${householdId}`);
  }
}

export async function recordHistory(
  tx: Queryable,
  householdId: string,
  kind: string,
  ctx: ChangeContext,
  extra: { idNumber?: string; name?: string; detail?: Record<string, unknown> } = {},
): Promise<void> {
  await tx.query(
    `INSERT INTO household_history (household_id, kind, id_number, member_name, reason, effective_on, detail, actor_id, case_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
    [
      householdId,
      kind,
      extra.idNumber ?? null,
      extra.name ?? null,
      ctx.reason ?? null,
      ctx.effectiveOn ?? null,
      JSON.stringify(extra.detail ?? {}),
      ctx.actorId,
      ctx.caseId ?? null,
    ],
  );
}

/** The current member (if any) holding this ID in a household other than `except`. */
export async function memberElsewhere(db: Queryable, idNumber: string, except: string | null) {
  const { rows } = await db.query(
    `SELECT m.household_id, h.head_name FROM household_members m JOIN households h ON h.id = m.household_id
      WHERE m.id_number = $1 AND m.active AND ($2::text IS NULL OR m.household_id <> $2) LIMIT 1`,
    [idNumber, except],
  );
  return rows[0] as { household_id: string; head_name: string } | undefined;
}

const attrsOf = (m: MemberRecord) => {
  const { name: _n, idNumber: _i, relation: _r, ...rest } = m;
  return Object.fromEntries(
    Object.entries(rest).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
};

export interface SyncResult {
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * Make the household's current members `members`: new IDs are added (or a former member
 * rejoins), changed fields are corrected, and — only when `removeMissing` gives a reason —
 * current members not in the list leave with that reason. Setting the same list again
 * changes nothing (the write-back activity relies on it). Throws DuplicateMemberError
 * when an ID belongs to another household's current member.
 */
export async function syncMembers(
  tx: Queryable,
  householdId: string,
  members: MemberRecord[],
  ctx: ChangeContext & { removeMissing?: string; addReason?: string },
): Promise<SyncResult> {
  const result: SyncResult = { added: [], changed: [], removed: [] };
  const { rows } = await tx.query(
    'SELECT id_number, name, relation, attrs, active, ord FROM household_members WHERE household_id = $1 FOR UPDATE',
    [householdId],
  );
  const existing = new Map(rows.map((r) => [r.id_number as string, r]));
  for (const [ord, m] of members.entries()) {
    const idNumber = String(m.idNumber).trim().toUpperCase();
    const row = existing.get(idNumber);
    const attrs = attrsOf(m);
    if (!row || !row.active) {
      const other = await memberElsewhere(tx, idNumber, householdId);
      if (other) throw new DuplicateMemberError(idNumber, other.household_id, other.head_name);
      await tx.query(
        `INSERT INTO household_members (household_id, id_number, name, relation, attrs, ord, active, joined_on)
         VALUES ($1,$2,$3,$4,$5,$6,true,$7)
         ON CONFLICT (household_id, id_number) DO UPDATE SET name = EXCLUDED.name, relation = EXCLUDED.relation, attrs = EXCLUDED.attrs,
           ord = EXCLUDED.ord, active = true, joined_on = EXCLUDED.joined_on, left_on = NULL, left_reason = NULL`,
        [
          householdId,
          idNumber,
          m.name,
          m.relation ?? null,
          JSON.stringify(attrs),
          ord,
          ctx.effectiveOn ?? null,
        ],
      );
      await recordHistory(
        tx,
        householdId,
        'member.added',
        { ...ctx, reason: ctx.addReason ?? ctx.reason },
        { idNumber, name: m.name },
      );
      result.added.push(idNumber);
      continue;
    }
    const before = { name: row.name, relation: row.relation ?? undefined, ...row.attrs };
    const after = { name: m.name, relation: m.relation ?? undefined, ...attrs };
    const changedKeys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
      (k) =>
        JSON.stringify(before[k] ?? null) !== JSON.stringify((after as Record<string, unknown>)[k] ?? null),
    );
    if (changedKeys.length || row.ord !== ord) {
      await tx.query(
        'UPDATE household_members SET name = $3, relation = $4, attrs = $5, ord = $6 WHERE household_id = $1 AND id_number = $2',
        [householdId, idNumber, m.name, m.relation ?? null, JSON.stringify(attrs), ord],
      );
    }
    if (changedKeys.length) {
      await recordHistory(tx, householdId, 'member.corrected', ctx, {
        idNumber,
        name: m.name,
        detail: { fields: changedKeys },
      });
      result.changed.push(idNumber);
    }
  }
  if (ctx.removeMissing) {
    const keep = new Set(members.map((m) => String(m.idNumber).trim().toUpperCase()));
    for (const row of rows) {
      if (!row.active || keep.has(row.id_number)) continue;
      await removeMember(tx, householdId, row.id_number, ctx.removeMissing, { ...ctx });
      result.removed.push(row.id_number);
    }
  }
  await mirrorMembers(tx, householdId);
  return result;
}

/** 成员减少 a member leaves (death, marriage out, 分户 …) on a date, with the reason kept. */
export async function removeMember(
  tx: Queryable,
  householdId: string,
  idNumber: string,
  reason: string,
  ctx: ChangeContext,
): Promise<boolean> {
  const r = await tx.query(
    `UPDATE household_members SET active = false, left_on = $4, left_reason = $3
      WHERE household_id = $1 AND id_number = $2 AND active RETURNING name`,
    [householdId, idNumber, reason, ctx.effectiveOn ?? null],
  );
  if (!r.rowCount) return false;
  await recordHistory(
    tx,
    householdId,
    'member.removed',
    { ...ctx, reason: ctx.reason ?? reason },
    { idNumber, name: r.rows[0].name, detail: { leftReason: reason } },
  );
  return true;
}

/** Rewrite `households.members` (and the head's name and ID) from the current member rows. */
export async function mirrorMembers(tx: Queryable, householdId: string): Promise<void> {
  const { rows } = await tx.query(
    'SELECT id_number, name, relation, attrs FROM household_members WHERE household_id = $1 AND active ORDER BY ord, id_number',
    [householdId],
  );
  const list: MemberRecord[] = rows.map((r) => ({
    name: r.name,
    idNumber: r.id_number,
    ...(r.relation ? { relation: r.relation } : {}),
    ...r.attrs,
  }));
  const head = list.find((m) => m.relation === '01');
  await tx.query(
    `UPDATE households SET members = $2, head_name = COALESCE($3, head_name), head_id_number = COALESCE($4, head_id_number), updated_at = now()
      WHERE id = $1`,
    [householdId, JSON.stringify(list), head?.name ?? null, head?.idNumber ?? null],
  );
}

export const STAGES = ['identification', 'measures', 'elimination'] as const;
export type CollectionStage = (typeof STAGES)[number];

/**
 * 附件2 存档 keep a case's approved 附件2 on the registry under its stage. Writing the same
 * case again replaces its row in place (same version), so a retried activity adds nothing.
 */
export async function storeCollection(
  tx: Queryable,
  householdId: string,
  stage: CollectionStage,
  caseId: string,
  data: Record<string, unknown>,
): Promise<{ version: number; fresh: boolean }> {
  const existing = await tx.query(
    'SELECT version FROM household_collections WHERE household_id = $1 AND stage = $2 AND case_id = $3',
    [householdId, stage, caseId],
  );
  if (existing.rows[0]) {
    await tx.query(
      'UPDATE household_collections SET data = $4 WHERE household_id = $1 AND stage = $2 AND case_id = $3',
      [householdId, stage, caseId, JSON.stringify(data)],
    );
    return { version: existing.rows[0].version, fresh: false };
  }
  const next = await tx.query(
    'SELECT COALESCE(max(version), 0) + 1 AS v FROM household_collections WHERE household_id = $1',
    [householdId],
  );
  await tx.query(
    'INSERT INTO household_collections (household_id, stage, case_id, version, data) VALUES ($1,$2,$3,$4,$5)',
    [householdId, stage, caseId, next.rows[0].v, JSON.stringify(data)],
  );
  return { version: next.rows[0].v, fresh: true };
}

/** The household's latest 附件2 (any stage) and the latest of each stage. */
export async function latestCollections(db: Queryable, householdId: string) {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (stage) stage, case_id, version, data, written_at FROM household_collections
      WHERE household_id = $1 ORDER BY stage, version DESC`,
    [householdId],
  );
  const byStage = Object.fromEntries(rows.map((r) => [r.stage, r])) as Partial<
    Record<CollectionStage, { case_id: string; version: number; data: Record<string, unknown> }>
  >;
  const latest = rows.sort((a, b) => b.version - a.version)[0];
  return {
    latest: latest as
      { stage: CollectionStage; case_id: string; version: number; data: Record<string, unknown> } | undefined,
    byStage,
  };
}

/**
 * What a step's prefill sees as `household`: the registered members as 附件2 rows, the
 * monitoring type and contact, and the latest approved 附件2 (`collection`), merged over
 * the stages so a later stage sees the measures and income of the one before.
 */
export async function householdPrefillContext(db: Queryable, householdId: string) {
  const h = (
    await db.query(
      'SELECT id, monitoring_status, monitoring_type, monitor_contact FROM households WHERE id = $1',
      [householdId],
    )
  ).rows[0];
  if (!h) return undefined;
  const members = await db.query(
    'SELECT id_number, name, relation, attrs FROM household_members WHERE household_id = $1 AND active ORDER BY ord, id_number',
    [householdId],
  );
  const { latest, byStage } = await latestCollections(db, householdId);
  const registered = members.rows.map((r) =>
    toCollectionMember({
      name: r.name,
      idNumber: r.id_number,
      relation: r.relation ?? undefined,
      ...r.attrs,
    }),
  );
  // A4 / A22 are generated by comparison (seed 2597, 2780), never typed: the registry's people against department data
  const computed = await statusByComparison(db, h.id, registered);
  for (const m of registered) m.A22 = computed.relocated.has(String(m.A7)) ? '01' : '02';
  const collection = latest
    ? {
        ...latest.data,
        members: registered.length ? mergeMembers(registered, latest.data.members) : latest.data.members,
      }
    : undefined;
  return {
    id: h.id,
    status: h.monitoring_status,
    monitoringType: h.monitoring_type ?? undefined,
    monitorContact: h.monitor_contact ?? undefined,
    members: registered,
    collection,
    computed: { A4: computed.A4 },
    stages: Object.fromEntries(Object.entries(byStage).map(([k, v]) => [k, v!.data])),
  };
}

/**
 * 身份比对 department record kinds that state who a person is, not a risk they run: 脱贫户 (A4, from the
 * national monitoring system, seed 2597) and 易地扶贫搬迁 (A22, seed 2780). They fill A4/A22 and are kept out of
 * the comparison's risk hits (every 脱贫户 would otherwise be warned each month).
 */
export const STATUS_KINDS = { A4: 'poverty_alleviated', A22: 'relocated' } as const;

/** A4 (脱贫户 or not) and the members who are 易地扶贫搬迁 people, by comparing the household's people with department data. */
export async function statusByComparison(
  db: Queryable,
  householdId: string,
  members: Record<string, unknown>[],
): Promise<{ A4: boolean; relocated: Set<string> }> {
  const ids = members.map((m) => String(m.A7 ?? '')).filter(Boolean);
  const { rows } = await db.query(
    `SELECT DISTINCT r.kind, r.id_number FROM department_records r
      WHERE r.kind = ANY ($3) AND (r.id_number = ANY ($1) OR r.id_number = (SELECT head_id_number FROM households WHERE id = $2))`,
    [ids, householdId, Object.values(STATUS_KINDS)],
  );
  return {
    A4: rows.some((r) => r.kind === STATUS_KINDS.A4),
    relocated: new Set(rows.filter((r) => r.kind === STATUS_KINDS.A22).map((r) => r.id_number)),
  };
}

/** Registered members (the registry is current: deaths, births) with what the last 附件2 knew of each. */
function mergeMembers(registered: Record<string, unknown>[], collected: unknown): Record<string, unknown>[] {
  const known = new Map(
    (Array.isArray(collected) ? collected : []).map((m: Record<string, unknown>) => [String(m.A7 ?? ''), m]),
  );
  return registered.map((m) => ({ ...(known.get(String(m.A7)) ?? {}), ...m }));
}

// ---------------------------------------------------------------- 部门数据预警 as tracked items

/** A warning raised by the comparison (idempotent per case and household; one live warning per household). */
export async function raiseWarning(
  db: Queryable,
  w: { householdId: string; villageId: string | null; kinds: string[]; caseId: string },
): Promise<void> {
  await db.query(
    `INSERT INTO department_warnings (id, household_id, village_id, kinds, raised_case_id) VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING`,
    [`${w.caseId}:${w.householdId}`, w.householdId, w.villageId, w.kinds, w.caseId],
  );
}

/**
 * 跟踪盯办 how long the village has to check a warning on site before the township is told.
 * The seeds give the procedure (000… 2288, 3053: 部门筛查、集中交办、入户核查、结果反馈、跟踪盯办) but no
 * number of days; the monthly comparison comes round after a month, so a warning not yet checked
 * half a month after it was handed over is overdue at the latest by the next comparison.
 */
export const WARNING_CHECK_DAYS = 15;

/**
 * Warnings still open `WARNING_CHECK_DAYS` after they were raised are escalated once: the township
 * reviewers of the household's township are notified (the existing notifications), and the warning
 * keeps when it was escalated. Running it again changes nothing.
 */
export async function escalateOverdueWarnings(
  db: Queryable,
  now: Date = new Date(),
): Promise<{ escalated: string[] }> {
  const { rows } = await db.query(
    `UPDATE department_warnings w SET escalated_at = $1
      FROM households h
     WHERE h.id = w.household_id AND w.status = 'open' AND w.escalated_at IS NULL
       AND w.raised_at <= $1::timestamptz - make_interval(days => $2)
     RETURNING w.id, w.household_id, w.village_id, w.raised_at, h.head_name,
               (SELECT o.parent_id FROM org_nodes o WHERE o.id = w.village_id) AS township,
               (SELECT o.name FROM org_nodes o WHERE o.id = w.village_id) AS village_name`,
    [now, WARNING_CHECK_DAYS],
  );
  for (const w of rows) {
    if (!w.township) continue;
    const days = Math.floor((now.getTime() - new Date(w.raised_at).getTime()) / 86_400_000);
    await db.query(
      `INSERT INTO notifications (id, role, org_id, kind, message) VALUES ($1,'township_reviewer',$2,'warning.overdue',$3)
       ON CONFLICT (id) DO NOTHING`,
      [
        `warning-overdue:${w.id}`,
        w.township,
        `部门数据预警超期未核查：${w.village_name ?? ''}${w.head_name}户（${w.household_id}）预警已 ${days} 天，村级尚未入户核查（时限 ${WARNING_CHECK_DAYS} 天），请督促办理`,
      ],
    );
  }
  return { escalated: rows.map((r) => r.id as string) };
}

/** An identification started for a warned household: the warning is followed by that case. */
export async function warningFollowedBy(db: Queryable, householdId: string, caseId: string): Promise<void> {
  await db.query(
    `UPDATE department_warnings SET status = 'started', identification_case_id = $2 WHERE household_id = $1 AND status = 'open'`,
    [householdId, caseId],
  );
}

/**
 * 闭环 a case for a household ended. A rejected identification of a warned household clears
 * the warning status (the household is 未纳入监测 again) with the reason recorded; the warning
 * the case followed is closed either way. Running it again changes nothing.
 */
export async function closeWarningsForCase(db: Queryable, caseId: string, outcome: string): Promise<void> {
  const rejected = ['rejected', 'refused'].includes(outcome);
  const cleared = await db.query(
    `UPDATE households SET monitoring_status = 'none', updated_at = now()
      WHERE active_case_id = $1 AND monitoring_status = 'warning' AND $2 RETURNING id`,
    [caseId, rejected],
  );
  for (const r of cleared.rows) {
    await recordHistory(db, r.id, 'status.cleared', {
      actorId: null,
      caseId,
      reason: `识别未通过（案件 ${caseId}），解除预警状态`,
    });
  }
  await db.query(
    `UPDATE department_warnings SET status = 'closed', closed_at = now(),
        reason = CASE WHEN $2 THEN '识别未通过，预警解除' ELSE '已完成识别（' || $3 || '）' END
      WHERE identification_case_id = $1 AND status = 'started'`,
    [caseId, rejected, outcome],
  );
}
