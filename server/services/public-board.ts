/**
 * 公示栏 the public notice board (no login): open and recent notice windows of
 * a village/township/county with personal data masked, objections with a
 * receipt number, and a status lookup that reveals nothing else.
 */
import { randomBytes } from 'node:crypto';
import { fileObjectionUpdate } from '../../workflows/contract.js';
import { fromWorkflowError, problems, type FieldError } from '../http/problem.js';
import type { ServiceDeps } from './deps.js';
import { maskValue } from './masking.js';

export async function listNotices(deps: ServiceDeps, q: { org?: string; limit?: number }) {
  if (!q.org || typeof q.org !== 'string') {
    throw problems.invalid([{ path: 'org', message: '请选择村、乡镇或县', message_en: 'org is required' }]);
  }
  const org = await deps.db.query('SELECT id, name, level FROM org_nodes WHERE id = $1', [q.org]);
  if (!org.rows[0]) throw problems.notFound('该地区不存在', 'unknown organisation node');
  // notice windows: open ones, and those closed in the last 30 days; 长期公告 long-term announcements
  // (admitted projects, adjustments, asset ledgers) stay, in their own section
  const at = deps.now?.() ?? new Date();
  const limit = Math.min(Number(q.limit) || 50, 200);
  const select = `SELECT n.id, n.title, n.level, n.org_id, o.name AS org_name, n.content, n.days, n.calendar, n.opens_at, n.closes_at,
            n.closed_at, n.objection_count, n.kind, c.process_key
     FROM notices n JOIN org_nodes o ON o.id = n.org_id JOIN cases c ON c.id = n.case_id
     WHERE n.org_path @> ARRAY[$1]::text[]`;
  const windows = await deps.db.query(
    `${select} AND n.kind = 'window' AND (n.closed_at IS NULL OR n.closed_at > $3::timestamptz - interval '30 days')
     ORDER BY n.opens_at DESC LIMIT $2`,
    [q.org, limit, at],
  );
  const longTerm = await deps.db.query(`${select} AND n.kind = 'long-term' ORDER BY n.opens_at DESC LIMIT $2`, [q.org, limit]);
  const now = at.getTime();
  const labels = await codeLabels(deps);
  const show = (n: Record<string, any>) => ({
    id: n.id,
    title: n.title,
    level: n.level,
    orgName: n.org_name,
    processKey: n.process_key,
    days: n.days,
    calendar: n.calendar,
    opensAt: n.opens_at,
    closesAt: n.closes_at,
    open: !n.closed_at && new Date(n.closes_at).getTime() > now,
    content: maskValue(labelled(n.content, labels)),
    fields: Object.fromEntries(Object.keys(n.content ?? {}).map((path) => [path, labels.titles.get(path) ?? path])),
  });
  return {
    org: org.rows[0],
    items: windows.rows.map(show),
    longTerm: longTerm.rows.map((n) => ({ ...show(n), open: false, kind: 'long-term' as const })),
  };
}

export async function fileObjection(deps: ServiceDeps, noticeId: string, body: { content?: unknown; name?: unknown; contact?: unknown }) {
  const errors: FieldError[] = [];
  const content = typeof body.content === 'string' ? body.content.trim() : '';
  if (!content) errors.push({ path: 'content', message: '请填写异议内容', message_en: 'content is required' });
  if (content.length > 2000) errors.push({ path: 'content', message: '异议内容不超过2000字', message_en: 'content is at most 2000 characters' });
  for (const f of ['name', 'contact'] as const) {
    const v = body[f];
    if (v !== undefined && v !== null && (typeof v !== 'string' || v.length > 100)) {
      errors.push({ path: f, message: `${f === 'name' ? '姓名' : '联系方式'}格式错误`, message_en: `${f} must be text of at most 100 characters` });
    }
  }
  if (errors.length) throw problems.invalid(errors);
  const n = await deps.db.query('SELECT id, case_id, closes_at, closed_at FROM notices WHERE id = $1', [noticeId]);
  const notice = n.rows[0];
  if (!notice) throw problems.notFound('公示不存在', 'notice not found');
  if (notice.closed_at || new Date(notice.closes_at).getTime() <= Date.now()) {
    throw problems.conflict('公示期已结束，不能再提出异议', 'the notice window is closed', 'notice_closed');
  }
  const receipt = `YY${new Date().toISOString().slice(0, 10).replaceAll('-', '')}${randomBytes(4).toString('hex').toUpperCase()}`;
  try {
    await deps.temporal.workflow.getHandle(notice.case_id).executeUpdate(fileObjectionUpdate, {
      args: [{ requestId: receipt, receipt, noticeId, content, name: (body.name as string) || undefined, contact: (body.contact as string) || undefined }],
      updateId: `objection:${receipt}`,
    });
  } catch (err) {
    throw fromWorkflowError(err) ?? err;
  }
  return { receipt, status: 'received' };
}

/** field path (formKey.field) → code → label, from the published forms' code lists */
async function codeLabels(deps: ServiceDeps): Promise<Map<string, Map<string, string>> & { titles: Map<string, string> }> {
  const forms = await deps.db.query(`SELECT DISTINCT ON (key) key, document FROM form_versions WHERE status = 'published' ORDER BY key, version DESC`);
  const lists = await deps.db.query('SELECT DISTINCT ON (key) key, document FROM code_lists ORDER BY key, version DESC');
  const byList = new Map(lists.rows.map((l) => [l.key, new Map<string, string>(l.document.items.map((i: { code: string; label: { zh: string } }) => [i.code, i.label.zh]))]));
  const out = Object.assign(new Map<string, Map<string, string>>(), { titles: new Map<string, string>() });
  const titles = (prefix: string, props: Record<string, Record<string, unknown>>) => {
    for (const [field, prop] of Object.entries(props ?? {})) {
      if (typeof prop.title === 'string') out.titles.set(`${prefix}.${field}`, prop.title);
      if (prop.properties) titles(`${prefix}.${field}`, prop.properties as Record<string, Record<string, unknown>>);
    }
  };
  for (const f of forms.rows) {
    titles(f.key, f.document.schema?.properties);
    for (const [field, prop] of Object.entries<Record<string, unknown>>(f.document.schema?.properties ?? {})) {
      const list = typeof prop['x-codelist'] === 'string' ? byList.get(prop['x-codelist']) : undefined;
      if (list) out.set(`${f.key}.${field}`, list);
    }
  }
  return out;
}

/** Show code-list choices by their Chinese names on the board (“⑥因病”, not "06"). */
function labelled(content: Record<string, unknown>, labels: Map<string, Map<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(content ?? {})) {
    const list = labels.get(path);
    out[path] = list ? (Array.isArray(value) ? value.map((v) => list.get(String(v)) ?? v) : (list.get(String(value)) ?? value)) : value;
  }
  return out;
}

const STATUS_ZH: Record<string, string> = { received: '已受理', investigating: '调查核实中', unfounded: '经核实异议不成立', upheld: '经核实异议成立' };

export async function objectionStatus(deps: ServiceDeps, receipt: string) {
  const { rows } = await deps.db.query('SELECT status, filed_at FROM objections WHERE receipt = $1', [receipt]);
  if (!rows[0]) throw problems.notFound('未找到该回执号', 'no objection with this receipt');
  return { receipt, status: rows[0].status, statusText: STATUS_ZH[rows[0].status] ?? rows[0].status, filedAt: rows[0].filed_at };
}
