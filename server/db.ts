/** Database access: one pool per process, migrations, transactions. */
import { runner } from 'node-pg-migrate';
import { createHmac } from 'node:crypto';
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

/**
 * 应用登录 the connection the API and the worker use: the login role zhenxing_app itself (not superuser;
 * no UPDATE/DELETE on the audit log; cannot `SET session_replication_role` or `RESET ROLE` back to an owner).
 * The owner (DATABASE_URL or the embedded default) only runs migrations and sets this login up. Its password
 * is derived from the owner's credentials, so every process of one installation agrees without another
 * secret, and the owner sets it idempotently. Undefined where the owner may not manage roles (a managed
 * database): the caller then falls back to acting as APP_ROLE through `SET ROLE` (createPool's `role`).
 */
export async function appLoginUrl(ownerUrl: string): Promise<string | undefined> {
  const owner = new URL(ownerUrl);
  const password = createHmac(
    'sha256',
    `${decodeURIComponent(owner.username)}:${decodeURIComponent(owner.password)}`,
  )
    .update(`${APP_ROLE} login`)
    .digest('base64url');
  const app = new URL(ownerUrl);
  app.username = APP_ROLE;
  app.password = password;
  const url = app.toString();
  if (await canLogIn(url)) return url;
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [APP_ROLE]);
    if (!rows[0]) return undefined;
    await client.query(
      `ALTER ROLE ${APP_ROLE} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(password)}`,
    );
  } catch (err) {
    // another process (a second worker, a parallel test) set it up at the same moment: its login works too
    if (!/concurrently/.test((err as Error).message) && !(await canLogIn(url))) return undefined;
  } finally {
    await client.end().catch(() => {});
  }
  return (await canLogIn(url)) ? url : undefined;
}

async function canLogIn(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query('SELECT rolsuper FROM pg_roles WHERE rolname = session_user');
    return rows[0]?.rolsuper === false;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
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

/** One transaction: BEGIN, the work, COMMIT — or ROLLBACK and rethrow (lives in `store/`, shared with the activities). */
export { inTransaction } from '../store/transaction.js';
