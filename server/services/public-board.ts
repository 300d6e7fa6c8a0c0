/**
 * 公示栏 the public notice board (no login): open and recent notice windows of
 * a village/township/county with personal data masked, objections with a
 * receipt number, and a status lookup that reveals nothing else.
 */
import { createHash, randomBytes } from 'node:crypto';
import { domain, type FieldError } from '../errors.js';
import { DEFAULT_PUBLIC_LIMITS } from '../config.js';
import type { ServiceDeps } from './deps.js';
import { maskString, maskValue, normaliseForMatch, normalisePhone } from './masking.js';
import { clientHash, take } from './rate-limit.js';
import { renderNoticePoster } from '../documents/poster.js';

/**
 * The board a person reaching /public without a place most likely wants, with several provinces on one
 * platform: the county of the notice window opened most recently and still open (one scan of a partial index,
 * not a look at every county — the page is public), else the first county.
 */
async function defaultBoard(deps: ServiceDeps) {
  const latest = await deps.db.query<{ id: string; name: string; level: string }>(
    `SELECT o.id, o.name, o.level FROM org_nodes o
      WHERE o.level = 'county'
        AND o.id = ANY((SELECT n.org_path FROM notices n WHERE n.kind = 'window' AND n.closed_at IS NULL
                         ORDER BY n.opens_at DESC LIMIT 1)::text[])`,
  );
  if (latest.rows[0]) return latest;
  return deps.db.query(`SELECT id, name, level FROM org_nodes WHERE level = 'county' ORDER BY path LIMIT 1`);
}

/**
 * The board of a place: a village, a township, or — when none is named — the whole county with the most
 * recently opened notices, so a person opening the board (or its QR code) sees current notices without choosing.
 */
export async function listNotices(deps: ServiceDeps, q: { org?: string; limit?: number }) {
  if (q.org !== undefined && (typeof q.org !== 'string' || q.org.length > 100)) {
    throw domain.invalid([{ path: 'org', message: '地区编号无效', message_en: 'org is not a valid place' }]);
  }
  const org = q.org
    ? await deps.db.query('SELECT id, name, level FROM org_nodes WHERE id = $1', [q.org])
    : await defaultBoard(deps);
  if (!org.rows[0]) throw domain.notFound('该地区不存在', 'unknown organisation node');
  q = { ...q, org: org.rows[0].id as string };
  // notice windows: open ones, and those closed in the last 30 days; 长期公告 long-term announcements
  // (admitted projects, adjustments, asset ledgers) stay, in their own section
  const at = deps.now?.() ?? new Date();
  const limit = Math.min(Number(q.limit) || 50, 200);
  const select = `SELECT n.id, n.title, n.level, n.org_id, o.name AS org_name, n.content, n.days, n.calendar, n.opens_at, n.closes_at,
            n.closed_at, n.objection_count, n.kind, c.process_key
     FROM notices n JOIN org_nodes o ON o.id = n.org_id JOIN cases c ON c.id = n.case_id
     WHERE n.org_path @> ARRAY[$1]::text[]`;
  const windows = await deps.db.query<NoticeRow>(
    `${select} AND n.kind = 'window' AND (n.closed_at IS NULL OR n.closed_at > $3::timestamptz - interval '30 days')
     ORDER BY n.opens_at DESC LIMIT $2`,
    [q.org, limit, at],
  );
  const longTerm = await deps.db.query<NoticeRow>(
    `${select} AND n.kind = 'long-term' ORDER BY n.opens_at DESC LIMIT $2`,
    [q.org, limit],
  );
  const now = at.getTime();
  const labels = await codeLabels(deps);
  const show = (n: NoticeRow) => noticeView(n, labels, now);
  return {
    org: org.rows[0],
    items: windows.rows.map(show),
    longTerm: longTerm.rows.map((n) => ({ ...show(n), open: false, kind: 'long-term' as const })),
  };
}

interface NoticeRow {
  id: string;
  title: string;
  level: string;
  org_id: string;
  org_name: string;
  process_key: string;
  days: number;
  calendar: string;
  opens_at: Date;
  closes_at: Date | null;
  closed_at: Date | null;
  objection_count: number;
  content: Record<string, unknown> | null;
}

/** a notice as the board shows it: masked, codes by their names, whether it is open */
function noticeView(n: NoticeRow, labels: Awaited<ReturnType<typeof codeLabels>>, now: number) {
  return {
    id: n.id,
    title: maskString(n.title),
    level: n.level,
    orgId: n.org_id,
    orgName: n.org_name,
    processKey: n.process_key,
    days: n.days,
    calendar: n.calendar,
    opensAt: n.opens_at,
    closesAt: n.closes_at,
    objectionCount: n.objection_count,
    // a working-day window whose close time waits for the holiday calendar is open until it is known
    open: !n.closed_at && (n.closes_at === null || new Date(n.closes_at).getTime() > now),
    closesPending: n.closes_at === null,
    content: maskValue(labelled(n.content ?? {}, labels)),
    fields: Object.fromEntries(
      Object.keys(n.content ?? {}).map((path) => [path, labels.titles.get(path) ?? path]),
    ),
  };
}

/**
 * 公示海报 a notice as a printable A4 poster for the village board: title, the masked list, the window's
 * dates, how to object, and a QR code that opens the notice on the public board.
 */
export async function noticePoster(deps: ServiceDeps, noticeId: string, origin: string): Promise<Buffer> {
  if (noticeId.length > 300 || CONTROL.test(noticeId))
    throw domain.notFound('公示不存在', 'notice not found');
  const { rows } = await deps.db.query<NoticeRow>(
    `SELECT n.id, n.title, n.level, n.org_id, o.name AS org_name, n.content, n.days, n.calendar, n.opens_at, n.closes_at,
            n.closed_at, n.objection_count, c.process_key
       FROM notices n JOIN org_nodes o ON o.id = n.org_id JOIN cases c ON c.id = n.case_id WHERE n.id = $1`,
    [noticeId],
  );
  if (!rows[0]) throw domain.notFound('公示不存在', 'notice not found');
  const at = deps.now?.() ?? new Date();
  const view = noticeView(rows[0], await codeLabels(deps), at.getTime());
  const link = `${origin}/public?org=${encodeURIComponent(view.orgId)}&notice=${encodeURIComponent(view.id)}`;
  return renderNoticePoster(
    {
      title: view.title,
      orgName: view.orgName,
      rows: Object.entries(view.content).map(([k, v]) => ({
        label: POSTER_LABELS[k] ?? view.fields[k] ?? k,
        value: posterText(v),
      })),
      opensAt: view.opensAt,
      closesAt: view.closesAt,
      days: view.days,
      calendar: view.calendar,
    },
    link,
  );
}

const POSTER_LABELS: Record<string, string> = {
  'application.name': '户主',
  'application.address.village': '村',
  'application.address.group': '村民小组',
  'application.householdSize': '家庭人口',
  'application.riskReasons': '风险类型',
  'income.A38': '人均收入参考（元）',
};

const posterText = (v: unknown): string =>
  Array.isArray(v)
    ? v.map(posterText).join('、')
    : v && typeof v === 'object'
      ? Object.values(v as Record<string, unknown>)
          .map(posterText)
          .join(' ')
      : v === undefined || v === null
        ? '—'
        : String(v);

/**
 * 异议数 SQL for a notice's objection count: counted from the stored objections while the window is
 * open, the number the case workflow took once it has closed. `n` is the notices row's alias.
 */
export const noticeObjectionCount = (n: string) =>
  `CASE WHEN ${n}.closed_at IS NULL THEN (SELECT count(*)::int FROM objections o WHERE o.notice_id = ${n}.id) ELSE ${n}.objection_count END`;

/** 限流 one request to the public board from a client address: 429 with Retry-After over the limit. */
export async function boardRequest(deps: ServiceDeps, address: string): Promise<void> {
  const limits = deps.publicLimits ?? DEFAULT_PUBLIC_LIMITS;
  const decision = await take(deps.db, limits.windowSeconds, [
    { key: `board:${clientHash(address, deps.clientKey)}`, limit: limits.boardPerAddress },
  ]);
  if (!decision.ok) throw domain.tooMany(undefined, undefined, decision.retryAfter);
}

/** 异议 what a member of the public sends; checked here, at the edge */
export interface ObjectionBody {
  content?: unknown;
  name?: unknown;
  contact?: unknown;
}

export const OBJECTION_LIMITS = { content: 2000, name: 50, contact: 50 } as const;
// control characters (NUL included) never reach PostgreSQL or a case; tab and line breaks are text
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * File an objection: stored in PostgreSQL with its receipt first and answered at once; the case
 * workflow reads all of a notice's objections when the window closes (never one Update each).
 * The same text from the same client to the same notice is one objection: the second filing gets
 * the first receipt (created: false) and counts against no limit.
 */
export async function fileObjection(
  deps: ServiceDeps,
  noticeId: string,
  body: ObjectionBody,
  client: { address: string } = { address: 'local' },
) {
  if (noticeId.length > 300 || CONTROL.test(noticeId))
    throw domain.notFound('公示不存在', 'notice not found');
  const { content, name, contact } = checkObjection(body);
  const clientId = clientHash(client.address, deps.clientKey);
  const contentHash = createHash('sha256').update(normaliseForMatch(content)).digest('hex');
  // one look first: the notice, whether its window is open, and the same text filed earlier by this client
  // (so a closed or unknown notice, and a repeat, use none of the limits below)
  const look = async () =>
    (
      await deps.db.query(
        `SELECT (n.closed_at IS NULL AND n.intake_closed_at IS NULL AND n.closes_at >= now()) AS open,
                (SELECT receipt FROM objections o WHERE o.notice_id = n.id AND o.client_hash = $2 AND o.content_hash = $3) AS earlier
         FROM notices n WHERE n.id = $1`,
        [noticeId, clientId, contentHash],
      )
    ).rows[0] as { open: boolean; earlier: string | null } | undefined;
  const closed = () =>
    domain.conflict('公示期已结束，不能再提出异议', 'the notice window is closed', 'notice_closed');
  const before = await look();
  if (!before) throw domain.notFound('公示不存在', 'notice not found');
  if (before.earlier) return { receipt: before.earlier, status: 'received', created: false };
  if (!before.open) throw closed();

  const limits = deps.publicLimits ?? DEFAULT_PUBLIC_LIMITS;
  const decision = await take(deps.db, limits.windowSeconds, [
    { key: `board:${clientId}`, limit: limits.boardPerAddress },
    { key: `objection:address-notice:${clientId}:${noticeId}`, limit: limits.perAddressPerNotice },
    { key: `objection:address:${clientId}`, limit: limits.perAddress },
    { key: `objection:notice:${noticeId}`, limit: limits.perNotice },
    { key: 'objection:all', limit: limits.overall },
  ]);
  if (!decision.ok) {
    throw domain.tooMany(
      '提交异议过于频繁，请稍后再试',
      'too many objections, try again later',
      decision.retryAfter,
    );
  }

  const receipt = `YY${new Date().toISOString().slice(0, 10).replaceAll('-', '')}${randomBytes(4).toString('hex').toUpperCase()}`;
  // One statement: share-lock the notice row and check the window is still open, then store. The
  // workflow's close sets intake_closed_at, which waits for every share lock: nothing is taken after it
  // read the objections. A share lock (not a count on the notice row) lets objections to one notice
  // commit side by side; the board counts rows while the window is open (noticeObjectionCount).
  // filed_at <= closes_at always holds for what is stored.
  const { rows } = await deps.db.query(
    `WITH n AS (
       SELECT id, case_id FROM notices
       WHERE id = $1 AND closed_at IS NULL AND intake_closed_at IS NULL AND (closes_at IS NULL OR closes_at >= now()) FOR SHARE),
     ins AS (
       INSERT INTO objections (receipt, notice_id, case_id, content, name, contact, client_hash, content_hash, filed_at)
       SELECT $2, n.id, n.case_id, $3, $4, $5, $6, $7, now() FROM n
       ON CONFLICT (notice_id, client_hash, content_hash) WHERE client_hash IS NOT NULL DO NOTHING
       RETURNING receipt)
     SELECT (SELECT count(*) FROM n)::int AS open, (SELECT count(*) FROM ins)::int AS stored`,
    [noticeId, receipt, content, name ?? null, contact ?? null, clientId, contentHash],
  );
  if (rows[0].stored) return { receipt, status: 'received', created: true };
  // the same text from the same client, filed at the same moment: one objection, one receipt
  const after = rows[0].open ? await look() : undefined;
  if (after?.earlier) return { receipt: after.earlier, status: 'received', created: false };
  throw closed();
}

/** Every field error at once, Chinese first; the values as they are stored. */
function checkObjection(body: ObjectionBody): { content: string; name?: string; contact?: string } {
  const errors: FieldError[] = [];
  const text = (field: 'content' | 'name' | 'contact', zh: string): string | undefined => {
    const v = body[field];
    if (v === undefined || v === null || v === '') return undefined;
    const max = OBJECTION_LIMITS[field];
    if (typeof v !== 'string') {
      errors.push({ path: field, message: `${zh}必须是文字`, message_en: `${field} must be text` });
    } else if (v.length > max) {
      errors.push({
        path: field,
        message: `${zh}不超过${max}字`,
        message_en: `${field} is at most ${max} characters`,
      });
    } else if (CONTROL.test(v)) {
      errors.push({
        path: field,
        message: `${zh}含有不可见的控制字符`,
        message_en: `${field} contains control characters`,
      });
    } else {
      return v.trim() || undefined;
    }
    return undefined;
  };
  const content = text('content', '异议内容');
  const name = text('name', '姓名');
  const rawContact = text('contact', '联系方式');
  if (!content && !errors.some((e) => e.path === 'content')) {
    errors.push({ path: 'content', message: '请填写异议内容', message_en: 'content is required' });
  }
  let contact: string | undefined;
  if (rawContact !== undefined) {
    contact = normalisePhone(rawContact);
    if (!contact) {
      errors.push({
        path: 'contact',
        message: '联系方式应为11位手机号（如13800000000）或带区号的固定电话（如0734-1234567）',
        message_en:
          'contact must be an 11-digit mobile number (e.g. 13800000000) or a landline with its area code (e.g. 0734-1234567)',
      });
    }
  }
  if (errors.length) throw domain.invalid(errors);
  return { content: content!, name, contact };
}

/** field path (formKey.field) → code → label, from the published forms' code lists */
async function codeLabels(
  deps: ServiceDeps,
): Promise<Map<string, Map<string, string>> & { titles: Map<string, string> }> {
  const forms = await deps.db.query(
    `SELECT DISTINCT ON (key) key, document FROM form_versions WHERE status = 'published' ORDER BY key, version DESC`,
  );
  const lists = await deps.db.query(
    'SELECT DISTINCT ON (key) key, document FROM code_lists ORDER BY key, version DESC',
  );
  const byList = new Map(
    lists.rows.map((l) => [
      l.key,
      new Map<string, string>(
        l.document.items.map((i: { code: string; label: { zh: string } }) => [i.code, i.label.zh]),
      ),
    ]),
  );
  const out = Object.assign(new Map<string, Map<string, string>>(), { titles: new Map<string, string>() });
  const titles = (prefix: string, props: Record<string, Record<string, unknown>>) => {
    for (const [field, prop] of Object.entries(props ?? {})) {
      if (typeof prop.title === 'string') out.titles.set(`${prefix}.${field}`, prop.title);
      if (prop.properties)
        titles(`${prefix}.${field}`, prop.properties as Record<string, Record<string, unknown>>);
    }
  };
  for (const f of forms.rows) {
    titles(f.key, f.document.schema?.properties);
    for (const [field, prop] of Object.entries<Record<string, unknown>>(
      f.document.schema?.properties ?? {},
    )) {
      const list = typeof prop['x-codelist'] === 'string' ? byList.get(prop['x-codelist']) : undefined;
      if (list) out.set(`${f.key}.${field}`, list);
    }
  }
  return out;
}

/** Show code-list choices by their Chinese names on the board (“⑥因病”, not "06"). */
function labelled(
  content: Record<string, unknown>,
  labels: Map<string, Map<string, string>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(content ?? {})) {
    const list = labels.get(path);
    out[path] = list
      ? Array.isArray(value)
        ? value.map((v) => list.get(String(v)) ?? v)
        : (list.get(String(value)) ?? value)
      : value;
  }
  return out;
}

const STATUS_ZH: Record<string, string> = {
  received: '已受理',
  investigating: '调查核实中',
  unfounded: '经核实异议不成立',
  upheld: '经核实异议成立',
};
const OUTCOME_ZH: Record<string, string> = { unfounded: '不成立', upheld: '成立' };

/** 异议进度 by receipt (any case: receipts are printed in upper case, people type them as they like). */
export async function objectionStatus(deps: ServiceDeps, rawReceipt: string) {
  const receipt = rawReceipt.normalize('NFKC').trim().toUpperCase();
  const found =
    /^[A-Z0-9-]{1,40}$/.test(receipt) &&
    (
      await deps.db.query(
        'SELECT status, filed_at, investigating_at, decided_at FROM objections WHERE receipt = $1',
        [receipt],
      )
    ).rows[0];
  if (!found) throw domain.notFound('未找到该回执号', 'no objection with this receipt');
  const step = (status: string, at: Date) => ({ status, statusText: STATUS_ZH[status] ?? status, at });
  const history = [step('received', found.filed_at)];
  if (found.investigating_at) history.push(step('investigating', found.investigating_at));
  const decided = OUTCOME_ZH[found.status] && found.decided_at;
  if (decided) history.push(step(found.status, found.decided_at));
  return {
    receipt,
    status: found.status,
    statusText: STATUS_ZH[found.status] ?? found.status,
    filedAt: found.filed_at,
    history,
    outcome: decided
      ? { result: found.status, resultText: OUTCOME_ZH[found.status], decidedAt: found.decided_at }
      : undefined,
  };
}
