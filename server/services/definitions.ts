/**
 * 定义缓存 published process definitions, read once per (key, version). A version is immutable once
 * published (a change is a new version), so nothing is ever invalidated; "the latest version" is still
 * asked of PostgreSQL on every call (a new version may have been published by another server), only the
 * definition itself — the large JSON — comes from here. Cached per pool: two databases in one process
 * (tests, the bench) never share an entry. The cached definitions are frozen: a caller that changed one
 * would change it for every later request.
 */
import type pg from 'pg';
import type { ProcessDefinition } from '../../workflows/definition.js';

type Db = pg.Pool | pg.ClientBase;
const caches = new WeakMap<Db, Map<string, Promise<ProcessDefinition | undefined>>>();

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** The definition of key@version, or undefined when there is none (a miss is not remembered). */
export function cachedProcessVersion(
  db: Db,
  key: string,
  version: number,
): Promise<ProcessDefinition | undefined> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const id = `${key}@${version}`;
  let hit = cache.get(id);
  if (!hit) {
    hit = db
      .query('SELECT definition, version FROM process_versions WHERE key = $1 AND version = $2', [
        key,
        version,
      ])
      .then(({ rows }) =>
        rows[0]
          ? deepFreeze({ ...rows[0].definition, version: rows[0].version } as ProcessDefinition)
          : undefined,
      );
    cache.set(id, hit);
    const c = cache;
    // errors and misses are asked again next time
    hit.then(
      (def) => def === undefined && c.delete(id),
      () => c.delete(id),
    );
  }
  return hit;
}

/** The latest published version of a process: its number from PostgreSQL, its definition from the cache. */
export async function cachedLatestProcess(db: Db, key: string): Promise<ProcessDefinition | undefined> {
  const { rows } = await db.query<{ version: number }>(
    `SELECT version FROM process_versions WHERE key = $1 AND status = 'published' ORDER BY version DESC LIMIT 1`,
    [key],
  );
  return rows[0] ? cachedProcessVersion(db, key, rows[0].version) : undefined;
}
