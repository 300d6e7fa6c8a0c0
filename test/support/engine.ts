/**
 * Engine harness: a real Temporal server (time-skipping, or the dev server),
 * a real worker with the real activities, a fresh PostgreSQL database, and
 * small helpers to start cases and act on tasks the way the service layer does.
 */
import { workflowType, type WorkflowOf } from '../../server/temporal/workflow-types.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CODEC_KEYS, startTimeSkipping } from './time-skipping.js';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { caseOrg } from '../../server/services/directory.js';
import { completeTaskUpdate, caseStateQuery, type Actor, type CaseInput } from '../../workflows/contract.js';
import type { ProcessDefinition } from '../../workflows/definition.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { seedOrgFixture, PEOPLE } from './org-fixture.js';

export { CODEC_KEYS };

export interface Harness {
  env: TestWorkflowEnvironment;
  tdb: TestDatabase;
  taskQueue: string;
  start(def: ProcessDefinition, opts?: Partial<CaseInput> & { orgId?: string }): Promise<string>;
  act(
    caseId: string,
    taskId: string,
    username: string,
    action: string,
    extra?: { data?: Record<string, unknown>; comment?: string; returnTo?: string; requestId?: string },
  ): Promise<unknown>;
  openTasks(caseId: string): Promise<
    {
      id: string;
      step_id: string;
      role: string | null;
      org_id: string | null;
      assignee_user: string | null;
      min_signers: number;
    }[]
  >;
  caseRow(caseId: string): Promise<Record<string, any>>;
  state(caseId: string): Promise<Awaited<ReturnType<typeof queryState>>>;
  /** wait until the read model shows what the predicate wants (projection is asynchronous for timers) */
  until<T>(fn: () => Promise<T | undefined | false>, what: string): Promise<T>;
  close(): Promise<void>;
}

async function queryState(env: TestWorkflowEnvironment, caseId: string) {
  return env.client.workflow.getHandle(caseId).query(caseStateQuery);
}

/** A refused update carries its reason in the cause; surface it as the error message. */
export function explainUpdateFailure(err: unknown): never {
  const cause = (err as { cause?: { message?: string } }).cause;
  throw cause?.message ? new Error(cause.message) : err;
}

export function actor(username: string): Actor {
  const p = PEOPLE.find((x) => x.username === username);
  return { userId: username, name: p?.name ?? username };
}

let runtimeInstalled = false;
/** Worker logs at ERROR only, unless ZX_TEST_LOG=1 (debugging a failing test). */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger(process.env.ZX_TEST_LOG ? 'INFO' : 'ERROR') });
}

export async function createHarness(opts: { startAt?: string } = {}): Promise<Harness> {
  quietRuntime();
  const tdb = await createTestDatabase();
  await seedOrgFixture(tdb.db);
  const { env, taskQueue, stop } = await startTimeSkipping(tdb.db, 'tq', { startAt: opts.startAt });

  const h: Harness = {
    env,
    tdb,
    taskQueue,
    async start(def, opts = {}) {
      const caseId = opts.caseId ?? `case-${randomUUID()}`;
      const org = (await caseOrg(tdb.db, opts.orgId ?? 'hn-v1'))!;
      const input: CaseInput = {
        caseId,
        definition: def,
        forms: {},
        params: { villageNoticeDays: 7, minVerifiers: 2, eliminationMinIncome: 5000, ...(opts.params ?? {}) },
        org,
        subject: { kind: 'household', name: '测试户' },
        title: opts.title ?? '测试案件',
        initiator: actor('cadre1'),
        data: opts.data ?? {},
        daySeconds: opts.daySeconds ?? 86400,
        historyLimit: opts.historyLimit,
      };
      await env.client.workflow.start<WorkflowOf<'caseWorkflow'>>(workflowType('caseWorkflow'), {
        taskQueue,
        workflowId: caseId,
        args: [input],
      });
      return caseId;
    },
    async act(caseId, taskId, username, action, extra = {}) {
      return env.client.workflow
        .getHandle(caseId)
        .executeUpdate(completeTaskUpdate, {
          args: [
            { requestId: extra.requestId ?? randomUUID(), taskId, actor: actor(username), action, ...extra },
          ],
          updateId: extra.requestId,
        })
        .catch(explainUpdateFailure);
    },
    async openTasks(caseId) {
      const { rows } = await tdb.db.query(
        `SELECT id, step_id, role, org_id, assignee_user, min_signers FROM tasks WHERE case_id = $1 AND status = 'open' ORDER BY created_at, id`,
        [caseId],
      );
      return rows;
    },
    async caseRow(caseId) {
      const { rows } = await tdb.db.query('SELECT * FROM cases WHERE id = $1', [caseId]);
      return rows[0];
    },
    state: (caseId) => queryState(env, caseId),
    async until(fn, what) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const v = await fn();
        if (v) return v as never;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await stop();
      await tdb.drop();
    },
  };
  return h;
}
