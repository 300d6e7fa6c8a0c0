/** Database access: one pool per process, migrations, transactions. */
import { runner } from 'node-pg-migrate';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT } from './config.js';

// numeric → number (amounts in yuan stay well inside double precision); bigint counts → number
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(20, (v) => Number(v));

export type Db = pg.Pool;
export type Tx = pg.PoolClient;

/** The database role the API and the worker act as (created by migration 0008): no UPDATE/DELETE on the audit log. */
export const APP_ROLE = 'zhenxing_app';

/** APP_ROLE when the connecting user may act as it (the migration could create it), else undefined. */
export async function appRole(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AND pg_has_role(current_user, $1, 'MEMBER') AS ok`,
      [APP_ROLE],
    );
    return rows[0]?.ok ? APP_ROLE : undefined;
  } finally {
    await client.end();
  }
}

/** A pool; with `role`, every connection acts as that role from its first statement. */
export function createPool(url: string, max = 10, opts: { role?: string } = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30_000,
    ...(opts.role ? { options: `-c role=${opts.role}` } : {}),
  });
  // an idle client that errors (server restart) must not crash the process
  pool.on('error', () => {});
  return pool;
}

export class DatabaseUnreachableError extends Error {}

/** Connect once to prove the server is there; a one-line error naming the variable otherwise. */
export async function checkDatabase(url: string, variable = 'DATABASE_URL'): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const safe = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    throw new DatabaseUnreachableError(`${variable}: cannot connect to ${safe}: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Apply pending migrations (idempotent; node-pg-migrate takes an advisory lock). */
export async function migrate(url: string): Promise<void> {
  await runner({
    databaseUrl: url,
    dir: join(ROOT, 'server', 'migrations'),
    direction: 'up',
    migrationsTable: 'pgmigrations',
    count: Infinity,
    log: () => {},
    verbose: false,
  });
}

export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
