/**
 * Reliability drills on real processes: a worker SIGKILLed during activities
 * again and again (Q1), PostgreSQL stopped and restarted under load (Q3).
 * Each drill prints its figures; the full counts run with RELIABILITY_SCALE=full.
 */
import { Client, Connection } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { spawnWorker } from '../support/worker-spawn.js';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../server/config.js';
import { createPool, migrate } from '../../server/db.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../../server/launcher/postgres.js';
import { startTemporalDevServer, type RunningTemporal } from '../../server/launcher/temporal.js';
import { dataConverter } from '../../server/temporal/connect.js';
import { caseOrg } from '../../server/services/directory.js';
import { completeTaskUpdate, type CaseInput } from '../../workflows/contract.js';
import { seedOrgFixture } from '../support/org-fixture.js';
import { def, submit } from '../workflows/fixtures.js';

const FULL = process.env.RELIABILITY_SCALE === 'full';
const KILLS = FULL ? 50 : 5;
const CASES = FULL ? 200 : 20;
const dataDir = join(ROOT, '.data', `reliability-${process.pid}`);
const pgPort = 55000 + (process.pid % 1000);
let pg: RunningPostgres;
let temporal: RunningTemporal;
let db: ReturnType<typeof createPool>;
let client: Client;
let connection: Connection;
const taskQueue = `rel-${randomUUID()}`;
const workers: ChildProcess[] = [];

const startWorker = () => spawnWorker({ DATABASE_URL: pg.url, TEMPORAL_ADDRESS: temporal.address, TASK_QUEUE: taskQueue }, workers);

beforeAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  pg = await startEmbeddedPostgres({ dataDir, port: pgPort, persistent: true });
  temporal = await startTemporalDevServer({ port: 17400 + (process.pid % 500), logFile: join(dataDir, 'temporal.log') });
  await migrate(pg.url);
  db = createPool(pg.url, 10);
  await seedOrgFixture(db);
  connection = await Connection.connect({ address: temporal.address });
  client = new Client({ connection, dataConverter: dataConverter([{ id: 'test', key: Buffer.alloc(32, 3) }]) });
});
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await db?.end();
  await connection?.close();
  await temporal?.stop();
  await pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const t = (zh: string) => ({ zh, en: zh });
const chain = def('reliable', [
  { id: 'apply', type: 'task', title: t('申请'), assignee: { role: 'village_cadre', level: 'village' }, actions: [submit('stamp')] },
  { id: 'stamp', type: 'activity', title: t('慢步骤'), activity: 'slowStamp', input: { ms: 1500 }, timeoutSeconds: 4, retry: { initialIntervalSeconds: 1 }, next: 'review' },
  { id: 'review', type: 'task', title: t('审核'), assignee: { role: 'township_reviewer', level: 'township' }, actions: [{ id: 'approve', kind: 'approve', label: t('同意'), next: 'done' }] },
  { id: 'done', type: 'end', title: t('完成'), outcome: 'approved' },
]);

async function until<T>(fn: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startCases(n: number, tag: string): Promise<string[]> {
  const org = (await caseOrg(db, 'hn-v1'))!;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const caseId = `${tag}-${i}-${randomUUID().slice(0, 8)}`;
    const input: CaseInput = { caseId, definition: chain, forms: {}, params: {}, org, subject: { kind: 'household', name: 'x' }, title: tag, initiator: { userId: 'cadre1', name: 'x' }, data: {}, daySeconds: 86400 };
    await client.workflow.start('caseWorkflow', { taskQueue, workflowId: caseId, args: [input] });
    ids.push(caseId);
  }
  return ids;
}

async function act(caseId: string, step: string, user: string) {
  const id = await until(async () => (await db.query(`SELECT id FROM tasks WHERE case_id = $1 AND step_id = $2 AND status = 'open'`, [caseId, step])).rows[0]?.id);
  await client.workflow.getHandle(caseId).executeUpdate(completeTaskUpdate, { args: [{ requestId: `${caseId}-${step}`, taskId: id, actor: { userId: user, name: user }, action: step === 'apply' ? 'submit' : 'approve' }], updateId: `${caseId}-${step}` });
}

async function duplicates() {
  const q = async (sql: string) => (await db.query(sql)).rows[0].n as number;
  return {
    tasks: await q(`SELECT count(*)::int AS n FROM (SELECT case_id, step_id FROM tasks GROUP BY 1, 2 HAVING count(*) > 1) x`),
    events: await q(`SELECT count(*)::int AS n FROM (SELECT case_id, seq FROM case_events GROUP BY 1, 2 HAVING count(*) > 1) x`),
    audit: await q(`SELECT count(*)::int AS n FROM (SELECT detail->>'caseId', action, target FROM audit_events WHERE action LIKE 'task.%' GROUP BY 1, 2, 3 HAVING count(*) > 1) x`),
    stamps: await q(`SELECT count(*)::int AS n FROM (SELECT id FROM notifications WHERE kind = 'stamp' GROUP BY 1 HAVING count(*) > 1) x`),
  };
}

describe('reliability drills', () => {
  it(`Q1: SIGKILL the worker ${KILLS} times during activities — no duplicate rows, no stuck case`, async () => {
    let worker = await startWorker();
    const ids = await startCases(CASES, 'q1');
    await Promise.all(ids.map((id) => act(id, 'apply', 'cadre1')));
    const started = Date.now();
    for (let k = 0; k < KILLS; k++) {
      await new Promise((r) => setTimeout(r, 700));
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      worker = await startWorker();
    }
    await Promise.all(ids.map((id) => act(id, 'review', 'sec1')));
    await Promise.all(ids.map((id) => client.workflow.getHandle(id).result()));
    const stuck = (await db.query(`SELECT count(*)::int AS n FROM cases WHERE id LIKE 'q1-%' AND status <> 'approved'`)).rows[0].n;
    const attempts = (await db.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'attempt' AND id LIKE 'q1-%'`)).rows[0].n;
    const dup = await duplicates();
    console.log(`Q1 figures: ${KILLS} kills, ${CASES} cases, ${attempts} activity attempts (${attempts - CASES} retried after kills), ${stuck} stuck, duplicates ${JSON.stringify(dup)}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(stuck).toBe(0);
    expect(dup).toEqual({ tasks: 0, events: 0, audit: 0, stamps: 0 });
  });

  it('Q3: stop PostgreSQL under load and start it again — no lost writes, the read model catches up', async () => {
    if (!workers.some((w) => w.exitCode === null)) await startWorker();
    const ids = await startCases(CASES, 'q3');
    await Promise.all(ids.map((id) => act(id, 'apply', 'cadre1')));
    const down = Date.now();
    await pg.stop();
    // while the database is down, the cases go on in Temporal; projection activities retry
    await new Promise((r) => setTimeout(r, 5000));
    pg = await startEmbeddedPostgres({ dataDir, port: pgPort, persistent: true });
    const back = Date.now();
    await Promise.all(ids.map((id) => act(id, 'review', 'sec1')));
    await Promise.all(ids.map((id) => client.workflow.getHandle(id).result()));
    const caughtUp = Date.now();
    const approved = (await db.query(`SELECT count(*)::int AS n FROM cases WHERE id LIKE 'q3-%' AND status = 'approved'`)).rows[0].n;
    const dup = await duplicates();
    console.log(`Q3 figures: PostgreSQL down ${((back - down) / 1000).toFixed(1)} s; ${approved}/${CASES} cases approved in the read model ${((caughtUp - back) / 1000).toFixed(1)} s after restart; duplicates ${JSON.stringify(dup)}`);
    expect(approved).toBe(CASES);
    expect(dup).toEqual({ tasks: 0, events: 0, audit: 0, stamps: 0 });
  });
});
