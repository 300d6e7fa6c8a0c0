/**
 * 配置管理 what the administration pages read and the few writes no other service owns: the stored
 * versions of processes, forms and code lists, a path-by-path comparison of two versions, a definition
 * checked without publishing, parameters (a schedule derived from one moves with it) and the auditor's
 * log. Publishing lives in process-publish.ts / form-check.ts / variants.ts, packs in packs.ts, users in
 * users.ts, schedules in schedules.ts.
 */
import type pg from 'pg';
import type { FormVersionRow, Items, ParameterRow, VersionRow } from '../../shared/api-types.js';
import { validateDefinition } from '../definitions/validate.js';
import { domain } from '../errors.js';
import { loadDefinitionRegistry } from './definition-registry.js';
import type { ServiceDeps } from './deps.js';
import { changedPaths } from './packs.js';
import { currentSchedules, scheduleParams, syncPackSchedules } from './schedules.js';
import { setParameter } from './variants.js';

/** 流程版本 every version of every process (title, status, who published it). */
export async function listProcessVersions(db: pg.Pool): Promise<Items<VersionRow>> {
  const { rows } = await db.query(
    `SELECT key, version, status, definition->'title' AS title, created_at, created_by FROM process_versions ORDER BY key, version`,
  );
  return { items: rows };
}

/** One process version with its definition. */
export async function processVersion(db: pg.Pool, key: string, version: number) {
  const { rows } = await db.query(
    'SELECT key, version, status, definition FROM process_versions WHERE key = $1 AND version = $2',
    [key, version],
  );
  if (!rows[0]) throw domain.notFound('流程版本不存在', 'no such process version');
  return rows[0];
}

/** 表单版本 every version of every form. */
export async function listFormVersions(db: pg.Pool): Promise<Items<VersionRow>> {
  const { rows } = await db.query(
    `SELECT key, version, status, document->'title' AS title, created_at FROM form_versions ORDER BY key, version`,
  );
  return { items: rows };
}

/** One form version as stored. */
export async function formVersion(db: pg.Pool, key: string, version: number): Promise<FormVersionRow> {
  const { rows } = await db.query(
    'SELECT key, version, status, document FROM form_versions WHERE key = $1 AND version = $2',
    [key, version],
  );
  if (!rows[0]) throw domain.notFound('表单版本不存在', 'no such form version');
  return rows[0];
}

const VERSIONED = {
  processes: 'SELECT definition AS doc FROM process_versions WHERE key = $1 AND version = $2',
  forms: 'SELECT document AS doc FROM form_versions WHERE key = $1 AND version = $2',
} as const;

/** 版本对比 what changed between two versions of a process or a form, path by path (steps and fields by id). */
export async function versionDiff(
  db: pg.Pool,
  kind: keyof typeof VERSIONED,
  key: string,
  versions: { from: unknown; to: unknown },
) {
  const v = async (name: 'from' | 'to') => {
    const n = Number(versions[name]);
    if (!Number.isInteger(n) || n < 1)
      throw domain.invalid([
        { path: name, message: '版本号须为正整数', message_en: 'versions are positive integers' },
      ]);
    const { rows } = await db.query(VERSIONED[kind], [key, n]);
    if (!rows[0]) throw domain.notFound(`第 ${n} 版不存在`, `no version ${n}`);
    const { version: _v, ...rest } = rows[0].doc;
    return rest;
  };
  const [a, b] = [await v('from'), await v('to')];
  return { key, from: Number(versions.from), to: Number(versions.to), paths: changedPaths(a, b) };
}

/** 校验流程 a definition checked against the registry without publishing it. */
export async function checkProcessDefinition(db: pg.Pool, def: Record<string, any>) {
  const result = validateDefinition({ version: 1, ...def }, await loadDefinitionRegistry(db));
  return result.ok ? { ok: true, errors: [] } : { ok: false, errors: result.errors };
}

/** 政策参数 every parameter with its yearly history. */
export async function listParameters(db: pg.Pool): Promise<Items<ParameterRow>> {
  const { rows } = await db.query(
    'SELECT key, year, value, title, source, created_by, created_at FROM parameters ORDER BY key, year',
  );
  return { items: rows };
}

/** 设置年度参数 a schedule derived from the parameter (assessment interval, sweeps per year, plan deadline) moves with it. */
export async function setParameterAndSchedules(svc: ServiceDeps, actorId: string, body: Record<string, any>) {
  const set = await setParameter(svc.db, actorId, body);
  if ((await currentSchedules(svc.db)).some((e) => scheduleParams(e).includes(set.key)))
    await syncPackSchedules(svc);
  return set;
}

/** 代码表 the newest version of each code list. */
export async function listCodeLists(db: pg.Pool) {
  const { rows } = await db.query(
    'SELECT DISTINCT ON (key) key, version, document FROM code_lists ORDER BY key, version DESC',
  );
  return { items: rows };
}

const AUDIT_PAGE = 100;

/** 审计日志 newest first, a page of 100 before `before`, by action prefix and actor. */
export async function auditLog(
  db: pg.Pool,
  filter: { before: number | null; action?: string | null; actor?: string | null },
) {
  const { rows } = await db.query(
    `SELECT seq, at, actor_id, action, target, detail FROM audit_events WHERE ($1::bigint IS NULL OR seq < $1)
         AND ($2::text IS NULL OR action LIKE $2 || '%') AND ($3::text IS NULL OR actor_id = $3)
       ORDER BY seq DESC LIMIT ${AUDIT_PAGE}`,
    [filter.before, filter.action || null, filter.actor || null],
  );
  return { items: rows, nextBefore: rows.length === AUDIT_PAGE ? rows.at(-1).seq : null };
}
