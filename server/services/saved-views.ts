/** 常用筛选 a person's saved inbox views (at most 20, names unique per person). */
import { randomUUID } from 'node:crypto';
import { domain, type FieldError } from '../errors.js';
import type { ServiceDeps } from './deps.js';
import type { Principal } from './principal.js';

export const VIEW_KEYS = ['view', 'process', 'org', 'due', 'step'] as const;

export async function listViews(deps: ServiceDeps, who: Principal) {
  const { rows } = await deps.db.query(
    'SELECT id, name, query, created_at FROM saved_views WHERE user_id = $1 ORDER BY created_at',
    [who.userId],
  );
  return { items: rows };
}

export async function saveView(deps: ServiceDeps, who: Principal, body: { name?: unknown; query?: unknown }) {
  const name = typeof body?.name === 'string' ? body.name.trim() : '';
  const q = body?.query;
  const errors: FieldError[] = [];
  if (!name || name.length > 30)
    errors.push({ path: 'name', message: '名称为1–30个字', message_en: 'name: 1–30 characters' });
  if (
    !q ||
    typeof q !== 'object' ||
    Array.isArray(q) ||
    Object.entries(q).some(
      ([k, v]) =>
        !(VIEW_KEYS as readonly string[]).includes(k) ||
        (v !== undefined && v !== null && typeof v !== 'string'),
    )
  ) {
    errors.push({
      path: 'query',
      message: `筛选条件只能包含 ${VIEW_KEYS.join('、')}`,
      message_en: `query may only hold ${VIEW_KEYS.join(', ')} as text`,
    });
  }
  if (errors.length) throw domain.invalid(errors);
  const count = await deps.db.query('SELECT count(*)::int AS n FROM saved_views WHERE user_id = $1', [
    who.userId,
  ]);
  if (count.rows[0].n >= 20)
    throw domain.conflict('最多保存20个常用筛选', 'at most 20 saved views', 'too_many_views');
  const query = Object.fromEntries(Object.entries(q as object).filter(([, v]) => v));
  const { rows } = await deps.db.query(
    `INSERT INTO saved_views (id, user_id, name, query) VALUES ($1,$2,$3,$4)
       ON CONFLICT (user_id, name) DO UPDATE SET query = EXCLUDED.query RETURNING id, name, query, created_at`,
    [`sv_${randomUUID()}`, who.userId, name, JSON.stringify(query)],
  );
  return rows[0];
}

export async function deleteView(deps: ServiceDeps, who: Principal, id: string) {
  const r = await deps.db.query('DELETE FROM saved_views WHERE id = $1 AND user_id = $2', [id, who.userId]);
  if (!r.rowCount) throw domain.notFound('常用筛选不存在', 'no such saved view');
  return { deleted: true };
}
