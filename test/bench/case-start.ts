/**
 * `npm run bench:case-start`: how long a village cadre waits after 提交 on a new identification — the
 * latency of `POST /api/cases` until the answer names the case and its first open task — through the real
 * HTTP app, the real worker and real Temporal + PostgreSQL, one start at a time after a warm-up.
 *
 * It uses only seams that exist in earlier releases too (the app, the pack loader, the demo county), so the
 * same file can be copied into an older checkout to compare before/after in one run window:
 *   git worktree add /tmp/before <commit> && cp test/bench/case-start.ts /tmp/before/test/bench/
 * Prints p50/p90/p99, what one start costs — SQL statements (API and worker, counted at the pg client), and
 * the workflow tasks, activity tasks, local activities and history events until the Update completed —
 * and writes bench/case-start.json. `npm run bench` runs it as figure P9.
 */
import { Worker, NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { ROOT, loadConfig } from '../../server/config.js';
import { createPool, migrate } from '../../server/db.js';
import { startEmbeddedPostgres } from '../../server/launcher/postgres.js';
import { startTemporalDevServer } from '../../server/launcher/temporal.js';
import { createApp } from '../../server/app.js';
import { createLogger } from '../../server/log.js';
import * as connect from '../../server/temporal/connect.js';
import { readPackFolder } from '../../server/services/packs.js';
import { loadDemoCounty } from '../../server/services/bootstrap.js';
import { importValidatedPack } from '../../server/services/process-publish.js';
import { serviceDeps } from '../../server/services/deps.js';
import { application } from '../support/demo.js';
import pg from 'pg';

// every statement of this process (the API and the worker share it) while the measured starts run
const statements = { counting: false, n: 0 };
const clientQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (statements.counting) statements.n++;
  return clientQuery.apply(this, args);
} as typeof pg.Client.prototype.query;

const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const SAMPLES = Number(process.env.BENCH_STARTS ?? 60);

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dataDir = join(ROOT, '.data', 'bench-case-start');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const offset = Number(process.env.BENCH_PORT_OFFSET ?? 0);
  const pg = await startEmbeddedPostgres({ dataDir, port: 54392 + offset, persistent: false });
  const temporal = await startTemporalDevServer({
    port: 17292 + offset,
    logFile: join(dataDir, 'temporal.log'),
  });
  await migrate(pg.url);
  const db = createPool(pg.url, 20);
  await importValidatedPack(db, readPackFolder('hunan'));
  await loadDemoCounty(db, 'zhenxing');
  // households that may open an identification: copies of HH-0001 with no monitoring status
  await db.query(
    `INSERT INTO households (id, org_id, org_path, head_name, head_id_number, members, monitoring_status)
     SELECT 'HH-B' || g, org_id, org_path, head_name, head_id_number, members, 'none'
       FROM households, generate_series(1, $1) g WHERE id = 'HH-0001'`,
    [WARMUP + SAMPLES],
  );
  const config = {
    ...loadConfig({ NODE_ENV: 'test', ZX_TASK_QUEUE: 'bench-case-start', ZX_DAY_SECONDS: '86400' }),
    temporalAddress: temporal.address,
  };
  const { client, connection } = await connect.connectClient({
    address: temporal.address,
    namespace: 'default',
    codecKeys: config.codecKeys,
  });
  const deps = serviceDeps(config, db, client);
  // the worker's activities: `workerActivities` since the schedule rounds were handed in, `createActivities` before
  const seams = connect as unknown as Record<string, unknown>;
  const activities =
    typeof seams.workerActivities === 'function'
      ? (seams.workerActivities as (d: typeof db, s: typeof deps) => object)(db, deps)
      : (
          (await import('../../activities/index.js')) as unknown as {
            createActivities: (d: typeof db, s: typeof deps) => object;
          }
        ).createActivities(db, deps);
  const native = await NativeConnection.connect({ address: temporal.address });
  const worker = await Worker.create({
    connection: native,
    taskQueue: config.taskQueue,
    workflowBundle: await connect.workflowBundle(),
    activities,
    dataConverter: connect.dataConverter(config.codecKeys),
  });
  const running = worker.run();
  const app = createApp({ config, db, temporal: client, log: createLogger('error', { write() {} }) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'cadre.zhushan', password: 'zhenxing' }),
    });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const samples: number[] = [];
    for (let i = 1; i <= WARMUP + SAMPLES; i++) {
      if (i === WARMUP + 1) statements.counting = true;
      const t0 = performance.now();
      const res = await fetch(`${url}/api/cases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({
          process: 'identification',
          org: 'v-zhushan',
          subject: { id: `HH-B${i}` },
          requestId: `bench-start-${i}`,
          data: application('HH-0001'),
        }),
      });
      const body = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 201) throw new Error(`start ${i}: ${res.status} ${body}`);
      if (i > WARMUP) samples.push(ms);
    }
    statements.counting = false;
    // the history of the last start, up to the Update's completion: what the engine did for it
    const me = await db.query(`SELECT id FROM users WHERE username = 'cadre.zhushan'`);
    const { caseIdFor } = await import('../../server/services/cases.js');
    const events = (
      await client.workflow
        .getHandle(caseIdFor(me.rows[0].id, `bench-start-${WARMUP + SAMPLES}`))
        .fetchHistory()
    ).events!;
    const upTo = events.slice(
      0,
      events.findIndex((e) => e.workflowExecutionUpdateCompletedEventAttributes) + 1,
    );
    const perStart = {
      sqlStatements: Math.round((statements.n / SAMPLES) * 10) / 10,
      historyEvents: upTo.length,
      workflowTasks: upTo.filter((e) => e.workflowTaskCompletedEventAttributes).length,
      activityTasks: upTo.filter((e) => e.activityTaskScheduledEventAttributes).length,
      localActivities: upTo.filter(
        (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
      ).length,
    };
    samples.sort((a, b) => a - b);
    const pct = (p: number) =>
      Math.round(samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]! * 10) / 10;
    const result = {
      figure: 'case start: POST /api/cases until the answer (case and first task), sequential',
      samples: samples.length,
      p50: pct(50),
      p90: pct(90),
      p99: pct(99),
      perStart,
      loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
      at: new Date().toISOString(),
    };
    console.log(JSON.stringify(result));
    mkdirSync(join(ROOT, 'bench'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'case-start.json'), JSON.stringify(result, null, 2) + '\n');
  } finally {
    await new Promise((r) => {
      server.close(r);
      server.closeAllConnections();
    });
    worker.shutdown();
    await running;
    await native.close();
    await connection.close();
    await db.end();
    await temporal.stop();
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
