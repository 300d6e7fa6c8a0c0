/**
 * A worker killed (SIGKILL) while an activity runs, then restarted: the case
 * finishes, and the read model has no duplicate task, timeline or audit row.
 * Real Temporal dev server, real PostgreSQL, real processes.
 */
import { Client, Connection } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { spawnWorker } from '../support/worker-spawn.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it, inject } from 'vitest';
import { caseOrg } from '../../server/services/directory.js';
import { completeTaskUpdate, type CaseInput } from '../../workflows/contract.js';
import { dataConverter } from '../../server/temporal/connect.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { seedOrgFixture } from '../support/org-fixture.js';
import { def, submit } from '../workflows/fixtures.js';

let tdb: TestDatabase;
let client: Client;
let connection: Connection;
const taskQueue = `crash-${randomUUID()}`;
const workers: ChildProcess[] = [];

const startWorker = () =>
  spawnWorker(
    { DATABASE_URL: tdb.url, TEMPORAL_ADDRESS: inject('temporalAddress'), TASK_QUEUE: taskQueue },
    workers,
  );

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedOrgFixture(tdb.db);
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({
    connection,
    dataConverter: dataConverter([{ id: 'test', key: Buffer.alloc(32, 3) }]),
  });
});
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await connection?.close();
  await tdb?.drop();
});

const t = (zh: string) => ({ zh, en: zh });
const crashy = def('crashy', [
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
    input: { ms: 3000 },
    timeoutSeconds: 6,
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

async function until<T>(fn: () => Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('finishes the case with no duplicate rows after the worker is killed mid-activity and restarted', async () => {
  let worker = await startWorker();
  const caseId = `crash-${randomUUID()}`;
  const input: CaseInput = {
    caseId,
    definition: crashy,
    forms: {},
    params: {},
    org: (await caseOrg(tdb.db, 'hn-v1'))!,
    subject: { kind: 'household', name: '测试户' },
    title: '崩溃测试',
    initiator: { userId: 'cadre1', name: '李村干' },
    data: {},
    daySeconds: 86400,
  };
  await client.workflow.start('caseWorkflow', { taskQueue, workflowId: caseId, args: [input] });
  const apply = await until(
    async () =>
      (await tdb.db.query(`SELECT id FROM tasks WHERE case_id = $1 AND status = 'open'`, [caseId])).rows[0]
        ?.id,
    'apply task',
  );
  await client.workflow.getHandle(caseId).executeUpdate(completeTaskUpdate, {
    args: [{ requestId: 'r1', taskId: apply, actor: { userId: 'cadre1', name: '李村干' }, action: 'submit' }],
  });
  // the slow activity has started: kill the worker in the middle of it
  await until(
    async () =>
      (
        await tdb.db.query(`SELECT 1 FROM notifications WHERE kind = 'attempt' AND id LIKE $1`, [
          `${caseId}:%`,
        ])
      ).rowCount
        ? true
        : undefined,
    'activity start',
  );
  worker.kill('SIGKILL');
  await new Promise((r) => worker.once('exit', r));
  worker = await startWorker();
  const review = await until(
    async () =>
      (
        await tdb.db.query(
          `SELECT id FROM tasks WHERE case_id = $1 AND step_id = 'review' AND status = 'open'`,
          [caseId],
        )
      ).rows[0]?.id,
    'review task after restart',
  );
  await client.workflow.getHandle(caseId).executeUpdate(completeTaskUpdate, {
    args: [{ requestId: 'r2', taskId: review, actor: { userId: 'sec1', name: '刘书记' }, action: 'approve' }],
  });
  await client.workflow.getHandle(caseId).result();

  const q = async (sql: string) => (await tdb.db.query(sql, [caseId])).rows;
  expect((await q(`SELECT status FROM cases WHERE id = $1`))[0].status).toBe('approved');
  const attempts = await q(
    `SELECT id, created_at, kind FROM notifications WHERE kind = 'attempt' AND id LIKE $1 || ':%'`,
  );
  expect(
    attempts.map((a) => a.id.split(':').pop()),
    JSON.stringify((await tdb.db.query(`SELECT id, created_at, kind, message FROM notifications`)).rows),
  ).toContain('2'); // the activity really ran again after the kill
  expect(await q(`SELECT id FROM notifications WHERE kind = 'stamp' AND id LIKE $1 || ':%'`)).toHaveLength(1);
  const tasksPerStep = await q(
    `SELECT step_id, count(*)::int AS n FROM tasks WHERE case_id = $1 GROUP BY step_id ORDER BY step_id`,
  );
  expect(tasksPerStep).toEqual([
    { step_id: 'apply', n: 1 },
    { step_id: 'review', n: 1 },
  ]);
  const dupEvents = await q(
    `SELECT seq FROM case_events WHERE case_id = $1 GROUP BY seq HAVING count(*) > 1`,
  );
  expect(dupEvents).toEqual([]);
  const audits = await q(
    `SELECT action, count(*)::int AS n FROM audit_events WHERE detail->>'caseId' = $1 GROUP BY action HAVING count(*) > 1`,
  );
  expect(audits).toEqual([]);
});
