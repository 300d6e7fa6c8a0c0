/**
 * Scenario harness: the Hunan pack and demo county in a fresh database, a
 * time-skipping Temporal server, a real worker, and the service layer the
 * API uses — so a scenario test acts exactly as the API would.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTimeSkipping } from './time-skipping.js';
import { randomUUID } from 'node:crypto';
import { readPackFolder } from '../../server/services/packs.js';
import { loadDemoCounty } from '../../server/services/bootstrap.js';
import { importValidatedPack } from '../../server/services/process-publish.js';
import { loadPrincipal, type Principal } from '../../server/services/principal.js';
import type { ServiceDeps } from '../../server/services/deps.js';
import * as tasks from '../../server/services/tasks.js';
import * as cases from '../../server/services/cases.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { quietRuntime } from './engine.js';
import { evidenceFor } from './field.js';

export interface PackHarness {
  env: TestWorkflowEnvironment;
  tdb: TestDatabase;
  svc: ServiceDeps;
  who(username: string): Promise<Principal>;
  start(
    username: string,
    req: Omit<cases.StartCaseRequest, 'requestId'> & { requestId?: string },
  ): Promise<string>;
  /** the open tasks of a case, waiting until at least n exist */
  open(caseId: string, n?: number): Promise<{ id: string; step_id: string; assignee_user: string | null }[]>;
  act(
    username: string,
    taskId: string,
    action: string,
    extra?: {
      data?: Record<string, unknown>;
      comment?: string;
      returnTo?: string;
      evidence?: Record<string, unknown>;
    },
  ): Promise<unknown>;
  /**
   * 入户核实 each verifier submits 附件2 with their own 入户核实记录 (photos with place, both signatures), in
   * order; the step needs two (seed 000_… 2298)
   */
  verify(usernames: string[], taskId: string, data: Record<string, unknown>): Promise<void>;
  /** 会商研判 (line 2304): every county industry department gives its opinion on the identification's comparison */
  consult(caseId: string): Promise<string[]>;
  status(caseId: string): Promise<string>;
  waitStatus(caseId: string): Promise<string>;
  close(): Promise<void>;
}

export async function createPackHarness(): Promise<PackHarness> {
  quietRuntime();
  const tdb = await createTestDatabase();
  const bundle = readPackFolder('hunan');
  await importValidatedPack(tdb.db, bundle);
  await loadDemoCounty(tdb.db, 'zhenxing');
  const { env, taskQueue, stop } = await startTimeSkipping(tdb.db, 'pack');
  const svc: ServiceDeps = { db: tdb.db, temporal: env.client, taskQueue, daySeconds: 86400 };
  const principals = new Map<string, Principal>();
  const who = async (username: string) => {
    if (!principals.has(username)) principals.set(username, (await loadPrincipal(tdb.db, username))!);
    return principals.get(username)!;
  };
  const h: PackHarness = {
    env,
    tdb,
    svc,
    who,
    async start(username, req) {
      const r = await cases.startCase(svc, await who(username), { requestId: randomUUID(), ...req });
      return r.case.id;
    },
    async open(caseId, n = 1) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const { rows } = await tdb.db.query(
          `SELECT id, step_id, assignee_user FROM tasks WHERE case_id = $1 AND status = 'open' ORDER BY created_at, id`,
          [caseId],
        );
        if (rows.length >= n) return rows;
        if (Date.now() > deadline)
          throw new Error(`case ${caseId}: expected ${n} open tasks, found ${rows.map((r) => r.step_id)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async act(username, taskId, action, extra = {}) {
      return tasks.completeTask(svc, await who(username), taskId, {
        requestId: randomUUID(),
        action,
        ...extra,
      });
    },
    async verify(usernames, taskId, data) {
      for (const u of usernames)
        await h.act(u, taskId, 'submit', { data, evidence: await evidenceFor(tdb.db, u) });
    },
    async consult(caseId) {
      const signed: string[] = [];
      for (;;) {
        const open = (await h.open(caseId)).filter((t) => t.step_id === 'department_consult');
        if (!open.length) break;
        const t = open[0];
        const p = await who(t.assignee_user!);
        await h.act(t.assignee_user!, t.id, 'approve', {
          data: { opinion: `${p.name}：部门数据无异议`, signer: p.name, signDate: '2026-12-06' },
        });
        signed.push(t.assignee_user!);
      }
      return signed;
    },
    async status(caseId) {
      return (await tdb.db.query('SELECT status FROM cases WHERE id = $1', [caseId])).rows[0]?.status;
    },
    async waitStatus(caseId) {
      await env.client.workflow.getHandle(caseId).result();
      return h.status(caseId);
    },
    async close() {
      await stop();
      await tdb.drop();
    },
  };
  return h;
}
