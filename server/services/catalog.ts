/**
 * 配置目录 published process definitions, form versions, code lists and
 * yearly parameters, read from PostgreSQL. Published versions are immutable;
 * a case snapshots what it needs when it starts.
 */
import type pg from 'pg';
import type { ProcessDefinition } from '../../workflows/definition.js';
import { cachedLatestProcess, cachedProcessVersion } from './definitions.js';

export async function latestProcess(
  db: pg.Pool | pg.ClientBase,
  key: string,
): Promise<ProcessDefinition | undefined> {
  return cachedLatestProcess(db, key);
}

/** A published process version (immutable: read once per key@version, `definitions.ts`). */
export async function processVersion(
  db: pg.Pool | pg.ClientBase,
  key: string,
  version: number,
): Promise<ProcessDefinition | undefined> {
  return cachedProcessVersion(db, key, version);
}

/** key → latest published version of every form. */
export async function pinnedForms(db: pg.Pool | pg.ClientBase): Promise<Record<string, number>> {
  const { rows } = await db.query(
    `SELECT key, max(version)::int AS version FROM form_versions WHERE status = 'published' GROUP BY key`,
  );
  return Object.fromEntries(rows.map((r) => [r.key, r.version]));
}

/** 代码表 the latest version of each named code list (what staff pages show a stored code by). */
export async function latestCodeLists(
  db: pg.Pool | pg.ClientBase,
  keys: string[],
): Promise<{ key: string; title: unknown; items: unknown[] }[]> {
  const { rows } = await db.query(
    'SELECT DISTINCT ON (key) key, document FROM code_lists WHERE key = ANY($1) ORDER BY key, version DESC',
    [keys],
  );
  return rows.map((r) => ({ key: r.key, title: r.document.title, items: r.document.items }));
}

/** Parameters in force for a year: for each key, the value of the latest year ≤ `year`. */
export async function paramsForYear(
  db: pg.Pool | pg.ClientBase,
  year: number,
): Promise<Record<string, number | string | boolean>> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (key) key, value FROM parameters WHERE year <= $1 ORDER BY key, year DESC`,
    [year],
  );
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/**
 * 可办流程 the latest published version of every process offered to a user: a process of a pack installed
 * for a subtree only to users with a role inside that subtree.
 */
export async function offeredProcesses(db: pg.Pool | pg.ClientBase, who: { roles: { orgPath: string[] }[] }) {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (pv.key) pv.key, pv.version, pv.definition->'title' AS title, pv.definition->'subject' AS subject,
            pv.definition->'starters' AS starters, i.scope_org
       FROM process_versions pv
       LEFT JOIN pack_installs i ON i.id = (SELECT max(pack_id) FROM process_versions x WHERE x.key = pv.key)
      WHERE pv.status = 'published' ORDER BY pv.key, pv.version DESC`,
  );
  return rows
    .filter((r) => !r.scope_org || who.roles.some((x) => x.orgPath.includes(r.scope_org)))
    .map(({ scope_org: _s, ...r }) => r);
}
