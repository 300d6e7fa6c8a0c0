/**
 * 农户档案 the household registry as the system of record: village cadres register,
 * correct and close (注销) households of their own village, add and remove members with a
 * reason and date; every change is kept in the household's history and in the audit
 * chain (who, when, why). A resident ID belongs to one household at a time. Search by
 * name or ID number (in full, or its last digits). Before a procedure starts for a
 * household, `startRefusal` says whether the definition applies to the household's
 * status and whether an open case holds it.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { parseResidentId, isMobile } from '../../forms/formats.js';
import type { ProcessDefinition, SubjectStatus } from '../../workflows/definition.js';
import { appendAudit } from '../../store/audit.js';
import { inTransaction } from '../db.js';
import { DomainError, domain, type FieldError } from '../errors.js';
import { latestProcess } from './catalog.js';
import { layout } from './household-import.js';
import type { ServiceDeps } from './deps.js';
import {
  DuplicateMemberError,
  mirrorMembers,
  WARNING_CHECK_DAYS,
  recordHistory,
  removeMember,
  syncMembers,
  type MemberRecord,
} from '../../store/household-store.js';
import { maskString, maskValue } from './masking.js';
import { holdsRoleOver, IN_REGION, regionOf, type Principal } from './principal.js';
import type {
  HouseholdCreated,
  HouseholdListItem,
  HouseholdTimelineEntry,
  HouseholdView,
  Items,
  WarningListItem,
} from '../../shared/api-types.js';

/** who keeps the registry of a village (seeds/000… 2284: 村（居）干部入户指导、采集) */
export const REGISTRARS = ['village_cadre', 'village_secretary'] as const;

export const STATUS_ZH: Record<SubjectStatus, string> = {
  none: '未纳入监测',
  warning: '预警待核查',
  monitored: '监测中',
  eliminated: '风险已消除',
};

/** 注销原因 why a household leaves the registry */
export const CLOSE_REASONS = {
  moved_away: '迁出',
  merged: '并户',
  all_deceased: '家庭成员均已死亡',
} as const;
/** 成员减少原因 */
export const LEAVE_REASONS = {
  death: '死亡',
  marriage_out: '嫁出（婚迁）',
  split: '分户',
  moved_out: '迁出',
} as const;
/** 成员增加原因 */
export const JOIN_REASONS = {
  birth: '出生',
  marriage_in: '嫁入（婚迁）',
  moved_in: '迁入',
  correction: '补录',
} as const;

const fe = (path: string, message: string, message_en: string): FieldError => ({ path, message, message_en });

/** A member named by the full ID, or by the masked ID the household page shows (unique within one household). */
const sameMember = (idNumber: string, given: unknown) => {
  const g = String(given ?? '')
    .trim()
    .toUpperCase();
  return g !== '' && (idNumber === g || maskString(idNumber) === g);
};

export interface MemberInput {
  name?: unknown;
  idNumber?: unknown;
  relation?: unknown;
  [k: string]: unknown;
}

/** Check a member list: names, checked IDs, no ID twice, exactly one 户主 (relation 01). */
export function checkMembers(
  list: unknown,
  at = 'members',
): { members: MemberRecord[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!Array.isArray(list) || list.length === 0)
    return { members: [], errors: [fe(at, '至少登记一名家庭成员', 'register at least one member')] };
  const seen = new Map<string, number>();
  const members: MemberRecord[] = [];
  list.forEach((raw: MemberInput, i) => {
    const p = `${at}.${i}`;
    const name = typeof raw?.name === 'string' ? raw.name.trim() : '';
    if (!name || name.length > 30)
      errors.push(
        fe(`${p}.name`, '请填写姓名（不超过30字）', 'the name is required (at most 30 characters)'),
      );
    const id = parseResidentId(String(raw?.idNumber ?? ''));
    if (!id.valid) errors.push(fe(`${p}.idNumber`, id.message, id.message_en));
    else if (seen.has(id.normalised))
      errors.push(
        fe(
          `${p}.idNumber`,
          `与第${seen.get(id.normalised)! + 1}名成员的身份证号重复`,
          `same ID as member ${seen.get(id.normalised)! + 1}`,
        ),
      );
    else seen.set(id.normalised, i);
    const relation = typeof raw?.relation === 'string' ? raw.relation : '';
    if (!/^\d{2}$/.test(relation))
      errors.push(fe(`${p}.relation`, '请选择与户主关系', 'choose the relation to the head'));
    const { name: _n, idNumber: _i, relation: _r, ...rest } = raw ?? {};
    members.push({
      ...rest,
      name,
      idNumber: id.valid ? id.normalised : String(raw?.idNumber ?? ''),
      relation,
    });
  });
  const heads = members.filter((m) => m.relation === '01').length;
  if (!errors.length && heads !== 1)
    errors.push(
      fe(
        at,
        heads ? '只能有一名户主（与户主关系为“本人或户主”）' : '须有一名户主（与户主关系为“本人或户主”）',
        'exactly one member is the head (relation 01)',
      ),
    );
  return { members, errors };
}

/** 附件2's coded member indicators, as the registry stores them */
const CODED: [indicator: string, field: 'relation' | 'health' | 'labour', zh: string][] = [
  ['A8', 'relation', '与户主关系'],
  ['A13', 'health', '健康状况'],
  ['A14', 'labour', '劳动技能'],
];

/**
 * 代码表 a member's 与户主关系, 健康状况 and 劳动技能 must be codes of the lists the published 附件2 uses (the
 * same layout the import checks files against), so a hand-typed household holds what an imported one would.
 */
async function checkMemberCodes(
  db: ServiceDeps['db'],
  members: MemberRecord[],
  at = 'members',
): Promise<FieldError[]> {
  const columns = (await layout(db)).member;
  const lists = CODED.map(([indicator, field, zh]) => ({
    field,
    zh,
    codes: columns.find((c) => c.code === indicator)?.codes,
  }));
  const errors: FieldError[] = [];
  members.forEach((m, i) => {
    for (const { field, zh, codes } of lists) {
      const v = m[field];
      if (!codes || v === undefined || v === null || v === '') continue;
      if (typeof v !== 'string' || !codes.has(v))
        errors.push(
          fe(
            `${at}.${i}.${field}`,
            `${zh}“${String(v).slice(0, 10)}”不在附件2的代码表中，请从列表中选择`,
            `${field} is not a code of 附件2's list`,
          ),
        );
    }
  });
  return errors;
}

const reasonOf = (v: unknown, path = 'reason') => {
  const s = typeof v === 'string' ? v.trim() : '';
  return s
    ? { value: s.slice(0, 500) }
    : { error: fe(path, '请填写变更原因', 'give the reason for the change') };
};

const dateOf = (v: unknown, path: string): { value?: string; error?: FieldError } => {
  if (v === undefined || v === null || v === '') return { value: new Date().toISOString().slice(0, 10) };
  const s = String(v);
  const d = new Date(`${s}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(d.getTime()) || d.getTime() > Date.now()) {
    return {
      error: fe(path, '日期格式应为 YYYY-MM-DD，且不晚于今天', 'a date YYYY-MM-DD, not in the future'),
    };
  }
  return { value: s };
};

function duplicateProblem(e: DuplicateMemberError, path: string): DomainError {
  const zh = `身份证号已登记在农户 ${e.householdId}（户主 ${e.headName}）中，一人只能属于一户`;
  return new DomainError(
    'conflict',
    'duplicate_member',
    zh,
    `this ID already belongs to household ${e.householdId}`,
    [fe(path, zh, `this ID already belongs to household ${e.householdId}`)],
    { existingHousehold: e.householdId },
  );
}

async function audit(
  tx: pg.ClientBase,
  who: Principal,
  action: string,
  householdId: string,
  detail: Record<string, unknown>,
) {
  await appendAudit(tx, [
    {
      id: `${action}:${householdId}:${randomUUID()}`,
      actorId: who.userId,
      action,
      target: householdId,
      detail,
    },
  ]);
}

function requireRegistrar(who: Principal) {
  if (!REGISTRARS.some((r) => who.roles.some((x) => x.role === r)))
    throw domain.forbidden('只有村（居）干部可以维护农户档案', 'only village cadres keep the registry');
}

/** A household the principal may change: it exists, is open, and lies in a village they keep. */
async function editable(tx: pg.ClientBase, who: Principal, id: string, opts: { allowClosed?: boolean } = {}) {
  requireRegistrar(who);
  const { rows } = await tx.query('SELECT * FROM households WHERE id = $1 FOR UPDATE', [id]);
  const h = rows[0];
  if (!h || !holdsRoleOver(who, '*', h.org_path)) throw domain.notFound('农户不存在', 'household not found');
  if (!holdsRoleOver(who, REGISTRARS, h.org_path))
    throw domain.forbidden('只能维护本村的农户档案', 'you keep the registry of your own village only');
  if (h.closed_at && !opts.allowClosed)
    throw domain.conflict('该农户已注销，不能再修改', 'the household is closed', 'household_closed');
  return h;
}

// ---------------------------------------------------------------- reading

export interface SearchQuery {
  q?: string;
  org?: string;
  status?: string;
  closed?: string;
  limit?: string | number;
}

/**
 * 查询 households in the principal's region. `q` is a name (head or any member), a
 * household number, a whole ID number, or an ID's last digits (4 or more).
 */
export async function searchHouseholds(
  deps: ServiceDeps,
  who: Principal,
  query: SearchQuery,
): Promise<Items<HouseholdListItem>> {
  const params: unknown[] = [regionOf(who)];
  const where = [IN_REGION('h.org_path', '$1')];
  const q = String(query.q ?? '')
    .trim()
    .toUpperCase();
  if (q) {
    if (/^\d{17}[\dX]$/.test(q)) {
      params.push(q);
      where.push(
        `EXISTS (SELECT 1 FROM household_members m WHERE m.household_id = h.id AND m.id_number = $${params.length})`,
      );
    } else if (/^\d{4,17}X?$/.test(q)) {
      params.push(`%${q}`);
      where.push(
        `EXISTS (SELECT 1 FROM household_members m WHERE m.household_id = h.id AND m.active AND m.id_number LIKE $${params.length})`,
      );
    } else {
      params.push(`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const n = params.length;
      where.push(`(h.head_name LIKE $${n} OR upper(h.id) LIKE $${n}
        OR EXISTS (SELECT 1 FROM household_members m WHERE m.household_id = h.id AND m.active AND m.name LIKE $${n}))`);
    }
  }
  if (query.org) {
    params.push(query.org);
    where.push(`h.org_path @> ARRAY[$${params.length}]::text[]`);
  }
  if (query.status) {
    params.push(query.status);
    where.push(`h.monitoring_status = $${params.length}`);
  }
  if (query.closed !== 'include')
    where.push(query.closed === 'only' ? 'h.closed_at IS NOT NULL' : 'h.closed_at IS NULL');
  const limit = Math.min(Math.max(Number(query.limit) || 200, 1), 500);
  params.push(limit);
  const { rows } = await deps.db.query(
    `SELECT h.id, h.head_name, h.head_id_number, h.org_id, o.name AS org_name, h.monitoring_status, h.monitoring_type,
            h.active_case_id, jsonb_array_length(h.members) AS size, h.closed_at
       FROM households h JOIN org_nodes o ON o.id = h.org_id WHERE ${where.join(' AND ')} ORDER BY h.id LIMIT $${params.length}`,
    params,
  );
  return { items: maskValue(rows) };
}

/** 户档案 the household, its members (current and former), history, cases and latest 附件2 stages. */
export async function getHousehold(deps: ServiceDeps, who: Principal, id: string): Promise<HouseholdView> {
  const { rows } = await deps.db.query(
    `SELECT h.*, o.name AS org_name FROM households h JOIN org_nodes o ON o.id = h.org_id WHERE h.id = $1 AND ${IN_REGION('h.org_path', '$2')}`,
    [id, regionOf(who)],
  );
  if (!rows[0]) throw domain.notFound('农户不存在', 'household not found');
  const [members, history, cases, collections, documents, warnings, sweeps] = await Promise.all([
    deps.db.query(
      `SELECT id_number, name, relation, attrs, active, joined_on::text AS joined_on, left_on::text AS left_on, left_reason FROM household_members
        WHERE household_id = $1 ORDER BY active DESC, ord, id_number`,
      [id],
    ),
    deps.db.query(
      `SELECT hh.seq, hh.kind, hh.id_number, hh.member_name, hh.reason, hh.effective_on::text AS effective_on, hh.detail, hh.case_id, hh.at, u.display_name AS actor_name
         FROM household_history hh LEFT JOIN users u ON u.id = hh.actor_id WHERE hh.household_id = $1 ORDER BY hh.seq DESC LIMIT 200`,
      [id],
    ),
    deps.db.query(
      `SELECT id, title, process_key, status, outcome, started_at, ended_at FROM cases WHERE subject_kind = 'household' AND subject_id = $1 ORDER BY started_at`,
      [id],
    ),
    deps.db.query(
      'SELECT stage, case_id, version, written_at FROM household_collections WHERE household_id = $1 ORDER BY version DESC',
      [id],
    ),
    // every case's documents (the signed forms kept when a step completed)
    deps.db.query(
      `SELECT d.id, d.case_id, d.step_id, d.form_key, d.created_at,
              (SELECT f.document->'title'->>'zh' FROM form_versions f WHERE f.key = d.form_key ORDER BY f.version DESC LIMIT 1) AS form_title
         FROM documents d JOIN cases c ON c.id = d.case_id
        WHERE c.subject_kind = 'household' AND c.subject_id = $1 ORDER BY d.created_at`,
      [id],
    ),
    deps.db.query(
      `SELECT id, kinds, raised_case_id, raised_at, status, identification_case_id, reason, closed_at, escalated_at
         FROM department_warnings WHERE household_id = $1 ORDER BY raised_at`,
      [id],
    ),
    deps.db.query(
      `SELECT v.sweep_case_id, c.title AS sweep_title, v.result, v.note, v.visited_at, u.display_name AS visited_by
         FROM sweep_visits v JOIN cases c ON c.id = v.sweep_case_id LEFT JOIN users u ON u.id = v.visited_by
        WHERE v.household_id = $1 ORDER BY v.visited_at`,
      [id],
    ),
  ]);
  const memberRows = members.rows.map((m) => ({
    idNumber: m.id_number,
    name: m.name,
    relation: m.relation,
    ...m.attrs,
    active: m.active,
    joinedOn: m.joined_on,
    leftOn: m.left_on,
    leftReason: m.left_reason,
  }));
  const docsOf = (caseId: string) => documents.rows.filter((d) => d.case_id === caseId);
  const caseRows = cases.rows.map((c) => ({ ...c, documents: docsOf(c.id) }));
  return {
    household: maskValue(rows[0]),
    members: maskValue(memberRows),
    history: maskValue(history.rows),
    cases: caseRows,
    collections: collections.rows,
    warnings: warnings.rows,
    sweeps: sweeps.rows,
    timeline: maskValue(timelineOf(caseRows, history.rows, warnings.rows, sweeps.rows, collections.rows)),
  };
}

const STAGE_ZH: Record<string, string> = {
  identification: '识别',
  measures: '帮扶措施与效果评估',
  elimination: '风险消除',
};

/** history kinds the timeline shows (member changes stay with the members) */
const TIMELINE_HISTORY = new Set([
  'household.created',
  'household.imported',
  'household.corrected',
  'household.closed',
  'status.changed',
  'status.cleared',
  'warning.dismissed',
]);

/** 户的历程 one event of the timeline (the page's type, `shared/api-types.ts`) */
export type TimelineEntry = HouseholdTimelineEntry;

/**
 * 户的历程 one timeline of the household's life, newest first: each case (started, ended, with its
 * documents), the status changes, department warnings (raised, escalated, closed), the sweeps that
 * visited it and each approved 附件2 written back (identification, the assessments, elimination).
 */
export function timelineOf(
  cases: {
    id: string;
    process_key: string;
    title: string;
    status: string;
    outcome: string | null;
    started_at: Date;
    ended_at: Date | null;
    documents: any[];
  }[],
  history: {
    kind: string;
    at: Date;
    reason: string | null;
    case_id: string | null;
    detail: any;
    actor_name: string | null;
  }[],
  warnings: {
    id: string;
    kinds: string[];
    raised_at: Date;
    status: string;
    reason: string | null;
    closed_at: Date | null;
    escalated_at: Date | null;
    identification_case_id: string | null;
    raised_case_id: string | null;
  }[],
  sweeps: {
    sweep_case_id: string;
    sweep_title: string;
    result: string;
    note: string | null;
    visited_at: Date;
    visited_by: string | null;
  }[],
  collections: { stage: string; case_id: string; version: number; written_at: Date }[],
): TimelineEntry[] {
  const iso = (d: Date | string) => new Date(d).toISOString();
  const out: TimelineEntry[] = [];
  for (const c of cases) {
    out.push({
      at: iso(c.started_at),
      kind: 'case.started',
      text: `发起${c.title}`,
      case_id: c.id,
      process_key: c.process_key,
      status: c.status,
    });
    if (c.ended_at)
      out.push({
        at: iso(c.ended_at),
        kind: 'case.ended',
        text: `办结${c.title}`,
        case_id: c.id,
        process_key: c.process_key,
        status: c.status,
        outcome: c.outcome,
        documents: c.documents.map((d) => ({
          form_key: d.form_key,
          form_title: d.form_title,
          step_id: d.step_id,
        })),
      });
  }
  for (const h of history) {
    if (!TIMELINE_HISTORY.has(h.kind)) continue;
    const status =
      h.kind === 'status.changed' && h.detail?.to
        ? `监测状态：${STATUS_ZH[h.detail.from as SubjectStatus] ?? h.detail.from ?? '—'} → ${STATUS_ZH[h.detail.to as SubjectStatus] ?? h.detail.to}`
        : undefined;
    out.push({
      at: iso(h.at),
      kind: h.kind,
      text: status ?? h.reason ?? '',
      case_id: h.case_id,
      actor_name: h.actor_name,
    });
  }
  for (const w of warnings) {
    out.push({
      at: iso(w.raised_at),
      kind: 'warning.raised',
      text: `部门数据预警：${w.kinds.join('、')}`,
      case_id: w.raised_case_id,
    });
    if (w.escalated_at)
      out.push({ at: iso(w.escalated_at), kind: 'warning.escalated', text: '预警超期未核查，已报乡镇督办' });
    if (w.closed_at && w.status !== 'dismissed')
      out.push({
        at: iso(w.closed_at),
        kind: 'warning.closed',
        text: `预警办结：${w.reason ?? ''}`,
        case_id: w.identification_case_id,
      });
  }
  for (const v of sweeps)
    out.push({
      at: iso(v.visited_at),
      kind: 'sweep.visited',
      text: `${v.sweep_title}：${v.result === 'at_risk' ? '发现风险' : '无风险'}${v.note ? `（${v.note}）` : ''}`,
      case_id: v.sweep_case_id,
      actor_name: v.visited_by,
    });
  for (const c of collections)
    out.push({
      at: iso(c.written_at),
      kind: 'collection.written',
      text: `附件2第${c.version}版写回档案（${STAGE_ZH[c.stage] ?? c.stage}）`,
      case_id: c.case_id,
    });
  return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

// ---------------------------------------------------------------- changing

export interface CreateRequest {
  org?: string;
  members?: unknown;
  phone?: string;
  address?: string;
  reason?: string;
}

/** 新增农户 a cadre registers a household of their village with its members. */
export async function createHousehold(
  deps: ServiceDeps,
  who: Principal,
  body: CreateRequest,
): Promise<HouseholdCreated> {
  if (!REGISTRARS.some((r) => who.roles.some((x) => x.role === r)))
    throw domain.forbidden('只有村（居）干部可以登记农户', 'only village cadres register households');
  const errors: FieldError[] = [];
  const org = body.org
    ? (await deps.db.query('SELECT id, level, path FROM org_nodes WHERE id = $1', [body.org])).rows[0]
    : undefined;
  if (!org || !['village', 'group'].includes(org.level))
    errors.push(fe('org', '请选择农户所在的村（居）或村民小组', 'choose the village or group'));
  const { members, errors: memberErrors } = checkMembers(body.members);
  errors.push(...memberErrors);
  if (!memberErrors.length) errors.push(...(await checkMemberCodes(deps.db, members)));
  if (body.phone && !isMobile(String(body.phone)))
    errors.push(fe('phone', '手机号码格式不正确', 'not a mobile number'));
  if (errors.length) throw domain.invalid(errors);
  if (!holdsRoleOver(who, REGISTRARS, org.path))
    throw domain.forbidden('只能为本村登记农户', 'you register households of your own village only');
  const village =
    (await deps.db.query(`SELECT id FROM org_nodes WHERE id = ANY($1) AND level = 'village'`, [org.path]))
      .rows[0]?.id ?? org.id;
  const villagePath = org.level === 'village' ? org.path : org.path.slice(0, org.path.indexOf(village) + 1);
  try {
    return await inTransaction(deps.db, async (tx) => {
      const head = members.find((m) => m.relation === '01')!;
      const id = `HH-${(await tx.query(`SELECT nextval('household_numbers') AS n`)).rows[0].n}`;
      await tx.query(
        `INSERT INTO households (id, org_id, org_path, head_name, head_id_number, members, phone, address) VALUES ($1,$2,$3,$4,$5,'[]',$6,$7)`,
        [id, village, villagePath, head.name, head.idNumber, body.phone ?? null, body.address ?? null],
      );
      const ctx = {
        actorId: who.userId,
        reason: (typeof body.reason === 'string' && body.reason.trim()) || '新增登记',
      };
      await recordHistory(tx, id, 'household.created', ctx);
      await syncMembers(tx, id, members, { ...ctx, addReason: '新增登记' });
      await audit(tx, who, 'household.created', id, { reason: ctx.reason, members: members.length });
      return { id, members: members.length };
    });
  } catch (e) {
    if (e instanceof DuplicateMemberError)
      throw duplicateProblem(e, `members.${members.findIndex((m) => m.idNumber === e.idNumber)}.idNumber`);
    throw e;
  }
}

export interface CorrectRequest {
  reason?: string;
  phone?: string | null;
  address?: string | null;
  /** corrected fields of current members, by ID number (the ID itself is not corrected here) */
  members?: { idNumber: string; [field: string]: unknown }[];
}

/** 信息更正 correct the household's contact data or a member's fields, with the reason. */
export async function correctHousehold(deps: ServiceDeps, who: Principal, id: string, body: CorrectRequest) {
  requireRegistrar(who);
  const reason = reasonOf(body.reason);
  return inTransaction(deps.db, async (tx) => {
    const h = await editable(tx, who, id);
    const errors: FieldError[] = reason.error ? [reason.error] : [];
    if (body.phone && !isMobile(String(body.phone)))
      errors.push(fe('phone', '手机号码格式不正确', 'not a mobile number'));
    const current = (
      await tx.query(
        'SELECT id_number, name, relation, attrs FROM household_members WHERE household_id = $1 AND active ORDER BY ord',
        [id],
      )
    ).rows;
    const next: MemberRecord[] = current.map((r) => ({
      name: r.name,
      idNumber: r.id_number,
      relation: r.relation ?? undefined,
      ...r.attrs,
    }));
    (body.members ?? []).forEach((c, i) => {
      const at = next.findIndex((m) => sameMember(m.idNumber, c?.idNumber));
      if (at < 0)
        errors.push(
          fe(`members.${i}.idNumber`, '该身份证号不是本户现有成员', 'no current member has this ID'),
        );
      else next[at] = { ...next[at], ...c, idNumber: next[at].idNumber };
    });
    const checked = checkMembers(next);
    errors.push(...checked.errors);
    if (errors.length) throw domain.invalid(errors);
    const ctx = { actorId: who.userId, reason: reason.value! };
    const fields: string[] = [];
    for (const k of ['phone', 'address'] as const) {
      if (body[k] !== undefined && (body[k] ?? null) !== (h[k] ?? null)) fields.push(k);
    }
    if (fields.length) {
      await tx.query('UPDATE households SET phone = $2, address = $3, updated_at = now() WHERE id = $1', [
        id,
        body.phone !== undefined ? body.phone : h.phone,
        body.address !== undefined ? body.address : h.address,
      ]);
      await recordHistory(tx, id, 'household.corrected', ctx, { detail: { fields } });
    }
    const sync = await syncMembers(tx, id, checked.members, ctx);
    await audit(tx, who, 'household.corrected', id, {
      reason: ctx.reason,
      fields,
      members: sync.changed.map((x) => x.slice(-4)),
    });
    return { id, fields, membersChanged: sync.changed.length };
  });
}

/** 成员增加 a member joins (birth, marriage, moving in, or one missed at registration). */
export async function addMember(
  deps: ServiceDeps,
  who: Principal,
  id: string,
  body: { member?: MemberInput; reason?: string; date?: string; note?: string },
) {
  requireRegistrar(who);
  const errors: FieldError[] = [];
  const reason =
    typeof body.reason === 'string' && body.reason in JOIN_REASONS
      ? (body.reason as keyof typeof JOIN_REASONS)
      : undefined;
  if (!reason)
    errors.push(
      fe(
        'reason',
        `请选择增加原因：${Object.values(JOIN_REASONS).join('、')}`,
        `reason is one of ${Object.keys(JOIN_REASONS).join(', ')}`,
      ),
    );
  const date = dateOf(body.date, 'date');
  if (date.error) errors.push(date.error);
  const {
    members: [m],
    errors: memberErrors,
  } = checkMembers([{ ...(body.member ?? {}) }], 'member');
  // a lone new member is not the head: the "exactly one head" rule is the household's, not this member's
  const ownErrors = memberErrors.filter((e) => e.path !== 'member');
  errors.push(...ownErrors);
  if (m?.relation === '01')
    errors.push(fe('member.0.relation', '户主变更请使用信息更正', 'change the head by a correction'));
  if (m && !ownErrors.length) errors.push(...(await checkMemberCodes(deps.db, [m], 'member')));
  if (errors.length)
    throw domain.invalid(errors.map((e) => ({ ...e, path: e.path.replace(/^member\.0/, 'member') })));
  try {
    return await inTransaction(deps.db, async (tx) => {
      await editable(tx, who, id);
      const current = (
        await tx.query(
          'SELECT id_number, name, relation, attrs FROM household_members WHERE household_id = $1 AND active ORDER BY ord',
          [id],
        )
      ).rows;
      if (current.some((r) => r.id_number === m.idNumber))
        throw domain.conflict('该成员已在本户中', 'already a member of this household', 'duplicate_member');
      const list: MemberRecord[] = [
        ...current.map((r) => ({
          name: r.name,
          idNumber: r.id_number,
          relation: r.relation ?? undefined,
          ...r.attrs,
        })),
        m,
      ];
      const ctx = {
        actorId: who.userId,
        reason: [JOIN_REASONS[reason!], body.note].filter(Boolean).join('：'),
        effectiveOn: date.value,
      };
      await syncMembers(tx, id, list, ctx);
      await audit(tx, who, 'household.member-added', id, {
        reason: reason!,
        member: m.idNumber.slice(-4),
        date: date.value,
      });
      return { id, members: list.length };
    });
  } catch (e) {
    if (e instanceof DuplicateMemberError) throw duplicateProblem(e, 'member.idNumber');
    throw e;
  }
}

/** 成员减少 a member leaves (death, marriage out, 分户, moving out) on a date. */
export async function leaveMember(
  deps: ServiceDeps,
  who: Principal,
  id: string,
  body: { idNumber?: string; reason?: string; date?: string; note?: string },
) {
  requireRegistrar(who);
  const errors: FieldError[] = [];
  const reason =
    typeof body.reason === 'string' && body.reason in LEAVE_REASONS
      ? (body.reason as keyof typeof LEAVE_REASONS)
      : undefined;
  if (!reason)
    errors.push(
      fe(
        'reason',
        `请选择减少原因：${Object.values(LEAVE_REASONS).join('、')}`,
        `reason is one of ${Object.keys(LEAVE_REASONS).join(', ')}`,
      ),
    );
  const date = dateOf(body.date, 'date');
  if (date.error) errors.push(date.error);
  if (!body.idNumber) errors.push(fe('idNumber', '请选择减少的成员', 'choose the member'));
  if (errors.length) throw domain.invalid(errors);
  return inTransaction(deps.db, async (tx) => {
    await editable(tx, who, id);
    const current = (
      await tx.query('SELECT id_number, relation FROM household_members WHERE household_id = $1 AND active', [
        id,
      ])
    ).rows;
    const row = current.find((r) => sameMember(r.id_number, body.idNumber));
    if (!row)
      throw domain.invalid([fe('idNumber', '该身份证号不是本户现有成员', 'no current member has this ID')]);
    if (current.length === 1)
      throw domain.invalid([
        fe(
          'idNumber',
          '这是本户最后一名成员，请注销农户',
          'this is the last member: close the household instead',
        ),
      ]);
    if (row.relation === '01')
      throw domain.invalid([
        fe(
          'idNumber',
          '户主减少前请先通过信息更正指定新的户主',
          'name a new head (a correction) before the head leaves',
        ),
      ]);
    const ctx = {
      actorId: who.userId,
      reason: [LEAVE_REASONS[reason!], body.note].filter(Boolean).join('：'),
      effectiveOn: date.value,
    };
    await removeMember(tx, id, row.id_number, reason!, ctx);
    await mirrorMembers(tx, id);
    await audit(tx, who, 'household.member-removed', id, {
      reason: reason!,
      member: row.id_number.slice(-4),
      date: date.value,
    });
    return { id, members: current.length - 1 };
  });
}

/** 注销 close a household: moved away, merged into another, or all members deceased. */
export async function closeHousehold(
  deps: ServiceDeps,
  who: Principal,
  id: string,
  body: { reason?: string; note?: string; date?: string; mergedInto?: string },
) {
  requireRegistrar(who);
  const errors: FieldError[] = [];
  const reason =
    typeof body.reason === 'string' && body.reason in CLOSE_REASONS
      ? (body.reason as keyof typeof CLOSE_REASONS)
      : undefined;
  if (!reason)
    errors.push(
      fe(
        'reason',
        `请选择注销原因：${Object.values(CLOSE_REASONS).join('、')}`,
        `reason is one of ${Object.keys(CLOSE_REASONS).join(', ')}`,
      ),
    );
  const date = dateOf(body.date, 'date');
  if (date.error) errors.push(date.error);
  if (reason === 'merged' && !body.mergedInto)
    errors.push(fe('mergedInto', '请填写并入的农户编号', 'name the household it merged into'));
  if (errors.length) throw domain.invalid(errors);
  return inTransaction(deps.db, async (tx) => {
    const h = await editable(tx, who, id);
    if (h.active_case_id) {
      throw new DomainError(
        'conflict',
        'household_busy',
        `该农户有在办案件 ${h.active_case_id}，办结后才能注销`,
        `the household has an open case ${h.active_case_id}`,
        [],
        { openCaseId: h.active_case_id },
      );
    }
    if (reason === 'merged') {
      const into = (await tx.query('SELECT id, closed_at FROM households WHERE id = $1', [body.mergedInto]))
        .rows[0];
      if (!into || into.closed_at || into.id === id)
        throw domain.invalid([
          fe('mergedInto', '并入的农户不存在或已注销', 'no open household with this number'),
        ]);
    }
    const ctx = {
      actorId: who.userId,
      reason: [CLOSE_REASONS[reason!], body.mergedInto ? `并入 ${body.mergedInto}` : '', body.note]
        .filter(Boolean)
        .join('：'),
      effectiveOn: date.value,
    };
    // members leave with the household; a merge leaves them free to be added to the other household
    await tx.query(
      `UPDATE household_members SET active = false, left_on = $2, left_reason = CASE WHEN $3 = 'all_deceased' THEN 'death' ELSE 'household_closed' END
        WHERE household_id = $1 AND active`,
      [id, date.value, reason],
    );
    await tx.query(
      'UPDATE households SET closed_at = now(), close_reason = $2, close_note = $3, updated_at = now() WHERE id = $1',
      [
        id,
        reason,
        [body.mergedInto ? `并入 ${body.mergedInto}` : '', body.note].filter(Boolean).join('；') || null,
      ],
    );
    await recordHistory(tx, id, 'household.closed', ctx, {
      detail: { closeReason: reason, mergedInto: body.mergedInto },
    });
    await audit(tx, who, 'household.closed', id, {
      reason: reason!,
      mergedInto: body.mergedInto ?? null,
      date: date.value,
    });
    return { id, closed: true };
  });
}

// ---------------------------------------------------------------- whom a procedure applies to

export interface StartRefusal {
  code: 'household_status' | 'household_busy' | 'household_closed';
  message: string;
  message_en: string;
  status: SubjectStatus;
  openCaseId?: string;
}

/**
 * 适用对象 may `def` start for this household now? Refused when the household is closed,
 * when its status is not one the definition starts from (`subjectStatuses`), or when an
 * exclusive case holds it. Undefined when it may.
 */
export async function startRefusal(
  db: pg.Pool | pg.ClientBase,
  def: ProcessDefinition,
  householdId: string,
): Promise<StartRefusal | undefined> {
  const h = (
    await db.query(
      'SELECT id, head_name, monitoring_status, active_case_id, closed_at FROM households WHERE id = $1',
      [householdId],
    )
  ).rows[0];
  if (!h) return undefined;
  const status = h.monitoring_status as SubjectStatus;
  const label = STATUS_ZH[status] ?? status;
  const name = `${h.head_name}户（${h.id}）`;
  if (h.closed_at)
    return {
      code: 'household_closed',
      status,
      message: `${name}已注销，不能发起${def.title.zh}`,
      message_en: 'the household is closed',
    };
  const open = h.active_case_id as string | null;
  const busyNote = open ? `；在办案件 ${open}` : '';
  if (def.subjectStatuses && !def.subjectStatuses.includes(status)) {
    const allowed = def.subjectStatuses.map((s) => STATUS_ZH[s] ?? s).join('、');
    return {
      code: 'household_status',
      status,
      openCaseId: open ?? undefined,
      message: `${name}当前状态为“${label}”，${def.title.zh}只适用于“${allowed}”的农户${busyNote}`,
      message_en: `the household is ${status}; ${def.key} starts only for ${def.subjectStatuses.join(', ')}${open ? `; open case ${open}` : ''}`,
    };
  }
  if (open && def.exclusive !== false) {
    return {
      code: 'household_busy',
      status,
      openCaseId: open,
      message: `${name}已有在办案件 ${open}，办结后才能发起${def.title.zh}`,
      message_en: `the household already has an open case ${open}`,
    };
  }
  return undefined;
}

export function refusalProblem(r: StartRefusal): DomainError {
  return new DomainError(
    'conflict',
    r.code,
    r.message,
    r.message_en,
    [fe('subject.id', r.message, r.message_en)],
    {
      householdStatus: r.status,
      openCaseId: r.openCaseId,
    },
  );
}

/** 发起前检查 what the start dialog asks before showing a form: may this process start for this household? */
export async function startCheck(deps: ServiceDeps, who: Principal, id: string, processKey: unknown) {
  if (typeof processKey !== 'string' || !processKey)
    throw domain.invalid([fe('process', '请指定流程', 'process is required')]);
  const def = await latestProcess(deps.db, processKey);
  if (!def) throw domain.invalid([fe('process', '流程不存在或未发布', 'no published process with this key')]);
  const { rows } = await deps.db.query(
    `SELECT id, monitoring_status FROM households WHERE id = $1 AND ${IN_REGION('org_path', '$2')}`,
    [id, regionOf(who)],
  );
  if (!rows[0]) throw domain.notFound('农户不存在', 'household not found');
  const refusal = def.subject === 'household' ? await startRefusal(deps.db, def, id) : undefined;
  return refusal
    ? {
        allowed: false,
        status: refusal.status,
        code: refusal.code,
        message: refusal.message,
        message_en: refusal.message_en,
        openCaseId: refusal.openCaseId ?? null,
      }
    : { allowed: true, status: rows[0].monitoring_status };
}

// ---------------------------------------------------------------- 部门数据预警 followed to the end

export interface WarningQuery {
  status?: string;
  /** one village's list */
  village?: string;
  /** only those past the time to check (跟踪盯办) */
  overdue?: string;
}

/**
 * 预警清单 open (or all) department warnings of the principal's region (or one village), oldest
 * first, each with the date it is due to be checked and whether it is overdue / escalated.
 */
export async function listWarnings(
  deps: ServiceDeps,
  who: Principal,
  q: WarningQuery,
): Promise<Items<WarningListItem>> {
  const status = q.status === 'all' ? null : (q.status ?? 'open');
  const { rows } = await deps.db.query(
    `SELECT w.id, w.household_id, h.head_name, w.village_id, o.name AS village_name, w.kinds, w.raised_case_id, w.raised_at, w.status,
            w.identification_case_id, w.reason, w.closed_at, w.escalated_at,
            w.raised_at + make_interval(days => $4) AS due_at,
            (w.status = 'open' AND w.raised_at + make_interval(days => $4) < now()) AS overdue
       FROM department_warnings w JOIN households h ON h.id = w.household_id LEFT JOIN org_nodes o ON o.id = w.village_id
      WHERE ${IN_REGION('h.org_path', '$1')} AND ($2::text IS NULL OR w.status = $2) AND ($3::text IS NULL OR w.village_id = $3)
        AND ($5::boolean IS FALSE OR (w.status = 'open' AND w.raised_at + make_interval(days => $4) < now()))
      ORDER BY w.raised_at, w.id LIMIT 500`,
    [regionOf(who), status, q.village ?? null, WARNING_CHECK_DAYS, q.overdue === '1'],
  );
  return { items: rows };
}

/** 核查排除 the village checked on site and found no risk: the warning is dismissed with the reason, the status cleared. */
export async function dismissWarning(
  deps: ServiceDeps,
  who: Principal,
  id: string,
  body: { reason?: string },
) {
  requireRegistrar(who);
  const reason = reasonOf(body.reason);
  if (reason.error) throw domain.invalid([reason.error]);
  return inTransaction(deps.db, async (tx) => {
    const w = (
      await tx.query(
        'SELECT w.*, h.org_path FROM department_warnings w JOIN households h ON h.id = w.household_id WHERE w.id = $1 FOR UPDATE',
        [id],
      )
    ).rows[0];
    if (!w || !holdsRoleOver(who, '*', w.org_path)) throw domain.notFound('预警不存在', 'warning not found');
    if (!holdsRoleOver(who, REGISTRARS, w.org_path))
      throw domain.forbidden('只能处理本村的预警', 'you handle warnings of your own village only');
    if (w.status !== 'open')
      throw domain.conflict(
        w.status === 'started' ? `已发起识别 ${w.identification_case_id}，预警随案件办结` : '该预警已处理',
        'the warning is no longer open',
        'stale_action',
      );
    await tx.query(
      `UPDATE department_warnings SET status = 'dismissed', reason = $2, closed_by = $3, closed_at = now() WHERE id = $1`,
      [id, reason.value, who.userId],
    );
    const cleared = await tx.query(
      `UPDATE households SET monitoring_status = 'none', updated_at = now() WHERE id = $1 AND monitoring_status = 'warning' RETURNING id`,
      [w.household_id],
    );
    const ctx = { actorId: who.userId, reason: `入户核查排除预警：${reason.value}` };
    await recordHistory(tx, w.household_id, 'warning.dismissed', ctx, {
      detail: { warning: id, statusCleared: (cleared.rowCount ?? 0) > 0 },
    });
    await audit(tx, who, 'household.warning-dismissed', w.household_id, {
      warning: id,
      reason: reason.value,
    });
    return { id, status: 'dismissed' };
  });
}
