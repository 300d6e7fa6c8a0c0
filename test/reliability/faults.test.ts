/**
 * Reliability drills on real processes: a worker SIGKILLed during activities
 * again and again (Q1), the Temporal server restarted under load (Q2),
 * PostgreSQL stopped and restarted under load (Q3), and a backup and restore
 * of both stores (Q10). Each drill prints its figures; the full counts run with
 * RELIABILITY_SCALE=full. (Q7, notice windows, is in notice-windows.test.ts.)
 */
import { Client, Connection } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { spawnWorker } from '../support/worker-spawn.js';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
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
import { recordDrill } from './results.js';

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

// Temporal keeps its state in a file under dataDir, so a restart (Q2) and a restore (Q10) find it again
const temporalPort = 17400 + (process.pid % 500);
const startTemporal = () =>
  startTemporalDevServer({
    port: temporalPort,
    dataDir: join(dataDir, 'temporal'),
    logFile: join(dataDir, 'temporal.log'),
  });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const startWorker = () =>
  spawnWorker({ DATABASE_URL: pg.url, TEMPORAL_ADDRESS: temporal.address, TASK_QUEUE: taskQueue }, workers);

beforeAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  pg = await startEmbeddedPostgres({ dataDir, port: pgPort, persistent: true });
  temporal = await startTemporal();
  await migrate(pg.url);
  db = createPool(pg.url, 10);
  await seedOrgFixture(db);
  connection = await Connection.connect({ address: temporal.address });
  client = new Client({
    connection,
    dataConverter: dataConverter([{ id: 'test', key: Buffer.alloc(32, 3) }]),
  });
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
  {
    id: 'apply',
    type: 'task',
    title: t('申请'),
    assignee: { role: 'village_cadre', level: 'village' },
    actions: [submit('stamp')],
  },
  {
    id: 'stamp',
    type: 'activity',
    title: t('慢步骤'),
    activity: 'slowStamp',
    input: { ms: 1500 },
    timeoutSeconds: 4,
    retry: { initialIntervalSeconds: 1 },
    next: 'review',
  },
  {
    id: 'review',
    type: 'task',
    title: t('审核'),
    assignee: { role: 'township_reviewer', level: 'township' },
    actions: [{ id: 'approve', kind: 'approve', label: t('同意'), next: 'done' }],
  },
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
    const input: CaseInput = {
      caseId,
      definition: chain,
      forms: {},
      params: {},
      org,
      subject: { kind: 'household', name: 'x' },
      title: tag,
      initiator: { userId: 'cadre1', name: 'x' },
      data: {},
      daySeconds: 86400,
    };
    await client.workflow.start('caseWorkflow', { taskQueue, workflowId: caseId, args: [input] });
    ids.push(caseId);
  }
  return ids;
}

async function act(caseId: string, step: string, user: string) {
  const id = await until(
    async () =>
      (
        await db.query(`SELECT id FROM tasks WHERE case_id = $1 AND step_id = $2 AND status = 'open'`, [
          caseId,
          step,
        ])
      ).rows[0]?.id,
  );
  await client.workflow.getHandle(caseId).executeUpdate(completeTaskUpdate, {
    args: [
      {
        requestId: `${caseId}-${step}`,
        taskId: id,
        actor: { userId: user, name: user },
        action: step === 'apply' ? 'submit' : 'approve',
      },
    ],
    updateId: `${caseId}-${step}`,
  });
}

/** act until the engine acknowledges: the same requestId every time, so a retry never acts twice */
async function actRetrying(caseId: string, step: string, user: string): Promise<number> {
  let retries = 0;
  for (;;) {
    try {
      await act(caseId, step, user);
      return retries;
    } catch (err) {
      const why = String((err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message);
      if (/已处理|already processed/.test(why)) return retries; // acknowledged before the fault, answered again now
      retries++;
      await pause(250);
    }
  }
}

async function resultRetrying(caseId: string): Promise<void> {
  for (;;) {
    try {
      await client.workflow.getHandle(caseId).result();
      return;
    } catch {
      await pause(250);
    }
  }
}

/** how many actions each case recorded at each step (a lost action shows as 0, a doubled one as 2) */
async function actionsPerStep(prefix: string) {
  const { rows } = await db.query(
    `SELECT t.step_id, count(a.id)::int AS n FROM tasks t LEFT JOIN task_actions a ON a.task_id = t.id
      WHERE t.case_id LIKE $1 GROUP BY t.case_id, t.step_id`,
    [`${prefix}-%`],
  );
  return rows as { step_id: string; n: number }[];
}

async function duplicates() {
  const q = async (sql: string) => (await db.query(sql)).rows[0].n as number;
  return {
    tasks: await q(
      `SELECT count(*)::int AS n FROM (SELECT case_id, step_id FROM tasks GROUP BY 1, 2 HAVING count(*) > 1) x`,
    ),
    events: await q(
      `SELECT count(*)::int AS n FROM (SELECT case_id, seq FROM case_events GROUP BY 1, 2 HAVING count(*) > 1) x`,
    ),
    audit: await q(
      `SELECT count(*)::int AS n FROM (SELECT detail->>'caseId', action, target FROM audit_events WHERE action LIKE 'task.%' GROUP BY 1, 2, 3 HAVING count(*) > 1) x`,
    ),
    stamps: await q(
      `SELECT count(*)::int AS n FROM (SELECT id FROM notifications WHERE kind = 'stamp' GROUP BY 1 HAVING count(*) > 1) x`,
    ),
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
    const stuck = (
      await db.query(`SELECT count(*)::int AS n FROM cases WHERE id LIKE 'q1-%' AND status <> 'approved'`)
    ).rows[0].n;
    const attempts = (
      await db.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'attempt' AND id LIKE 'q1-%'`)
    ).rows[0].n;
    const dup = await duplicates();
    const q1Seconds = (Date.now() - started) / 1000;
    recordDrill(
      'Q1',
      `${KILLS} kills, ${CASES} cases, ${attempts} activity attempts (${attempts - CASES} retried after kills), ${stuck} stuck, duplicates ${JSON.stringify(dup)}, ${q1Seconds.toFixed(1)} s`,
      {
        kills: KILLS,
        cases: CASES,
        activityAttempts: attempts,
        stuck,
        duplicateRows: dup.tasks + dup.events + dup.audit + dup.stamps,
        seconds: q1Seconds,
      },
    );
    expect(stuck).toBe(0);
    expect(dup).toEqual({ tasks: 0, events: 0, audit: 0, stamps: 0 });
  });

  it('Q2: restart the Temporal server under load — no lost action, recovery time', async () => {
    if (!workers.some((w) => w.exitCode === null)) await startWorker();
    const ids = await startCases(CASES, 'q2');
    // the first actions are sent while the server goes down: each is retried with its requestId until acknowledged
    const acked: number[] = [];
    const acting = Promise.all(
      ids.map((id, i) =>
        pause(i * 150).then(async () => {
          const r = await actRetrying(id, 'apply', 'cadre1');
          acked.push(Date.now());
          return r;
        }),
      ),
    );
    await pause(600);
    const down = Date.now();
    await temporal.stop();
    await pause(3000);
    temporal = await startTemporal();
    const up = Date.now();
    const retries = (await acting).reduce((a, b) => a + b, 0);
    const recovered = Date.now();
    const inFlight = acked.filter((t) => t > down).length;
    await Promise.all(ids.map((id) => actRetrying(id, 'review', 'sec1')));
    await Promise.all(ids.map((id) => resultRetrying(id)));
    const approved = (
      await db.query(`SELECT count(*)::int AS n FROM cases WHERE id LIKE 'q2-%' AND status = 'approved'`)
    ).rows[0].n;
    const perStep = await actionsPerStep('q2');
    const dup = await duplicates();
    recordDrill(
      'Q2',
      `Temporal down ${((up - down) / 1000).toFixed(1)} s (restart included); ${CASES} cases, ${inFlight} of their first actions sent or pending while it was away ` +
        `(${retries} retried by the caller, the rest held by the client's own retries); ` +
        `all in-flight actions acknowledged ${((recovered - up) / 1000).toFixed(1)} s after it was back; ${approved}/${CASES} approved; ` +
        `actions recorded per task: ${[...new Set(perStep.map((r) => r.n))].join(',')} (1 = none lost, none doubled); duplicates ${JSON.stringify(dup)}`,
      {
        downSeconds: (up - down) / 1000,
        cases: CASES,
        actionsDuringOutage: inFlight,
        recoverySeconds: (recovered - up) / 1000,
        approved,
        lostActions: perStep.filter((r) => r.n === 0).length,
        doubledActions: perStep.filter((r) => r.n > 1).length,
        duplicateRows: dup.tasks + dup.events + dup.audit + dup.stamps,
      },
    );
    expect(approved).toBe(CASES);
    expect(perStep).toHaveLength(CASES * 2);
    expect(perStep.every((r) => r.n === 1)).toBe(true);
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
    const approved = (
      await db.query(`SELECT count(*)::int AS n FROM cases WHERE id LIKE 'q3-%' AND status = 'approved'`)
    ).rows[0].n;
    const dup = await duplicates();
    recordDrill(
      'Q3',
      `PostgreSQL down ${((back - down) / 1000).toFixed(1)} s; ${approved}/${CASES} cases approved in the read model ${((caughtUp - back) / 1000).toFixed(1)} s after restart; duplicates ${JSON.stringify(dup)}`,
      {
        downSeconds: (back - down) / 1000,
        cases: CASES,
        approved,
        catchUpSeconds: (caughtUp - back) / 1000,
        duplicateRows: dup.tasks + dup.events + dup.audit + dup.stamps,
      },
    );
    expect(approved).toBe(CASES);
    expect(dup).toEqual({ tasks: 0, events: 0, audit: 0, stamps: 0 });
  });

  it('Q10: back up PostgreSQL and Temporal’s database, lose both, restore — the cases go on', async () => {
    if (!workers.some((w) => w.exitCode === null)) await startWorker();
    const ids = await startCases(CASES, 'q10');
    await Promise.all(ids.map((id) => actRetrying(id, 'apply', 'cadre1')));
    await Promise.all(
      ids.map((id) =>
        until(
          async () =>
            (await db.query(`SELECT 1 FROM tasks WHERE case_id = $1 AND step_id = 'review'`, [id])).rows[0],
        ),
      ),
    );

    // the backup: a consistent point (worker, Temporal and PostgreSQL stopped), both stores archived
    const backup = join(dataDir, 'backup.tar');
    for (const w of workers) w.kill('SIGKILL');
    await temporal.stop();
    await pg.stop();
    const t0 = Date.now();
    execFileSync('tar', ['-cpf', backup, '-C', dataDir, 'postgres', 'temporal']);
    const backupSeconds = (Date.now() - t0) / 1000;
    const size = statSync(backup).size;
    pg = await startEmbeddedPostgres({ dataDir, port: pgPort, persistent: true });
    temporal = await startTemporal();
    await startWorker();

    // work after the backup, then the disaster: both stores are lost
    const later = await startCases(3, 'q10late');
    await Promise.all(later.map((id) => actRetrying(id, 'apply', 'cadre1')));
    for (const w of workers) w.kill('SIGKILL');
    await temporal.stop();
    await pg.stop();
    rmSync(join(dataDir, 'postgres'), { recursive: true, force: true });
    rmSync(join(dataDir, 'temporal'), { recursive: true, force: true });

    // the restore
    const t1 = Date.now();
    execFileSync('tar', ['-xpf', backup, '-C', dataDir]);
    pg = await startEmbeddedPostgres({ dataDir, port: pgPort, persistent: true });
    temporal = await startTemporal();
    await startWorker();
    const restoreSeconds = (Date.now() - t1) / 1000;

    // the cases from before the backup continue where they were
    await Promise.all(ids.map((id) => actRetrying(id, 'review', 'sec1')));
    await Promise.all(ids.map((id) => resultRetrying(id)));
    const approved = (
      await db.query(`SELECT count(*)::int AS n FROM cases WHERE id LIKE 'q10-%' AND status = 'approved'`)
    ).rows[0].n;
    const lostLater = (await db.query(`SELECT count(*)::int AS n FROM cases WHERE id LIKE 'q10late-%'`))
      .rows[0].n;
    const inTemporal = await Promise.all(
      later.map((id) =>
        client.workflow
          .getHandle(id)
          .describe()
          .then(
            () => 1,
            () => 0,
          ),
      ),
    );
    const dup = await duplicates();
    recordDrill(
      'Q10',
      `cold backup of both stores ${backupSeconds.toFixed(1)} s (${(size / 1e6).toFixed(0)} MB), restore to serving ${restoreSeconds.toFixed(1)} s; ` +
        `${approved}/${CASES} cases from before the backup finished after the restore; cases started after the backup: ${lostLater} in PostgreSQL, ` +
        `${inTemporal.reduce((a, b) => a + b, 0)} in Temporal (both stores agree); duplicates ${JSON.stringify(dup)}`,
      {
        backupSeconds,
        backupMB: Math.round(size / 1e6),
        restoreSeconds,
        cases: CASES,
        finishedAfterRestore: approved,
        duplicateRows: dup.tasks + dup.events + dup.audit + dup.stamps,
      },
    );
    expect(approved).toBe(CASES);
    expect(lostLater).toBe(0);
    expect(inTemporal).toEqual([0, 0, 0]);
    expect(dup).toEqual({ tasks: 0, events: 0, audit: 0, stamps: 0 });
  });
});
