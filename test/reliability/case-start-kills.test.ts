/**
 * Issue 16, acceptance 4: the app (API and worker in one process, as `npm start` runs it) is killed with
 * SIGKILL at a random moment during a case start, again and again; after each kill it is started again
 * and the client retries the same request (same requestId, same body). Every retried start must end
 * with the case and its application: the application form stored on the case, the first step done
 * exactly once, the next step open, the household held by that case — never a case without its form.
 * Real Temporal dev server, real PostgreSQL, real processes.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { ROOT } from '../../server/config.js';
import { importValidatedPack } from '../../server/services/process-publish.js';
import { loadDemoCounty } from '../../server/services/bootstrap.js';
import { readPackFolder } from '../../server/services/packs.js';
import { BUNDLE_OPTIONS, WORKFLOWS_PATH } from '../../server/temporal/connect.js';
import { caseIdFor } from '../../server/services/cases.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { application } from '../support/demo.js';

const KILLS = Number(process.env.START_KILLS ?? 20);
const dir = join(ROOT, '.data', `start-kills-${process.pid}`);
const port = 31000 + (process.pid % 1000);
const base = `http://127.0.0.1:${port}`;
const taskQueue = `start-kills-${randomUUID()}`;
let tdb: TestDatabase;
let bundlePath: string;
let app: ChildProcess | undefined;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startApp(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/support/app-process.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: tdb.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TASK_QUEUE: taskQueue,
      PORT: String(port),
      WORKFLOW_BUNDLE: bundlePath,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => b.toString().includes('app-ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`app exited early (${code})`)));
  });
}

async function killApp(): Promise<void> {
  const child = app!;
  app = undefined;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

let cookie = '';
let csrf = '';
const post = (path: string, body: unknown) =>
  fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  tdb = await createTestDatabase();
  await importValidatedPack(tdb.db, readPackFolder('hunan'));
  await loadDemoCounty(tdb.db, 'zhenxing');
  // a household for every start: copies of a demo household in the same village
  await tdb.db.query(
    `INSERT INTO households (id, org_id, org_path, head_name, head_id_number, members, monitoring_status)
     SELECT 'HH-K' || g, org_id, org_path, head_name, head_id_number, members, 'none' FROM households, generate_series(0, $1) g WHERE id = 'HH-0001'`,
    [KILLS + 1],
  );
  bundlePath = join(dir, 'workflows.js');
  writeFileSync(
    bundlePath,
    (await bundleWorkflowCode({ ...BUNDLE_OPTIONS, workflowsPath: WORKFLOWS_PATH })).code,
  );
  app = await startApp();
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'cadre.zhushan', password: 'zhenxing' }),
  });
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  csrf = (await res.json()).csrfToken;
});
afterAll(async () => {
  if (app) await killApp();
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const startBody = (i: number | string) => ({
  process: 'identification',
  org: 'v-zhushan',
  subject: { id: `HH-K${i}` },
  requestId: `start-kill-${i}`,
  data: application('HH-0001'),
});

/** the case a start made, with what a person would check: its form, the first step done once, the next step open */
async function caseState(caseId: string) {
  const [c] = (await tdb.db.query('SELECT id, subject_id, data, status FROM cases WHERE id = $1', [caseId]))
    .rows;
  const actions = (
    await tdb.db.query(
      `SELECT t.step_id, a.action FROM task_actions a JOIN tasks t ON t.id = a.task_id WHERE t.case_id = $1`,
      [caseId],
    )
  ).rows;
  const open = (
    await tdb.db.query(`SELECT step_id FROM tasks WHERE case_id = $1 AND status = 'open'`, [caseId])
  ).rows.map((r) => r.step_id);
  const [h] = (await tdb.db.query('SELECT active_case_id FROM households WHERE id = $1', [c?.subject_id]))
    .rows;
  return {
    exists: Boolean(c),
    application: c?.data?.application?.statement,
    actions,
    open,
    householdCase: h?.active_case_id,
  };
}

it(`every case start cut by kill -9 of the app (${KILLS} times) and retried ends with the case and its application`, async () => {
  // how long an uncut start takes (the app warm, as it is for the drill's requests): the kills land anywhere
  // from the request's arrival to just after its answer
  const calibrate = await post('/api/cases', startBody(KILLS));
  expect(calibrate.status, await calibrate.clone().text()).toBe(201);
  const t0 = Date.now();
  expect((await post('/api/cases', startBody(KILLS))).status).toBe(200);
  const warm = Date.now() - t0;
  const t1 = Date.now();
  const second = await post('/api/cases', { ...startBody(KILLS + 1), requestId: 'start-kill-calibrate' });
  expect(second.status).toBe(201);
  const window = Math.max(200, Math.max(warm, Date.now() - t1) * 1.2);
  const userId = 'cadre.zhushan';

  const outcomes: { delay: number; cut: boolean; retries: number; phase: string }[] = [];
  for (let i = 0; i < KILLS; i++) {
    const body = startBody(i);
    const delay = Math.round(Math.random() * window);
    const first = post('/api/cases', body).then(
      (r) => r.status,
      () => 'cut' as const,
    );
    await pause(delay);
    await killApp();
    const answered = await first;
    // where the kill landed: before Temporal had the case, with the case but not its application, or after
    const atKill = await caseState(caseIdFor(userId, body.requestId));
    const phase = !atKill.exists
      ? 'no case yet'
      : atKill.actions.length === 0
        ? 'case without its application yet'
        : 'application in';
    app = await startApp();
    let retries = 0;
    let caseId: string | undefined;
    while (!caseId) {
      const r = await post('/api/cases', body).catch(() => undefined);
      if (r && (r.status === 200 || r.status === 201)) caseId = (await r.json()).id;
      else if (r && r.status < 500)
        throw new Error(`start ${i}: retry answered ${r.status} ${await r.text()}`);
      else {
        retries++;
        if (retries > 240) throw new Error(`start ${i}: no answer after a minute of retries`);
        await pause(250);
      }
    }
    outcomes.push({ delay, cut: answered !== 201, retries, phase });
    const state = await caseState(caseId);
    expect(state, `start ${i} (killed ${delay} ms in, first answer ${answered})`).toEqual({
      exists: true,
      application: application('HH-0001').statement,
      actions: [{ step_id: 'apply', action: 'submit' }],
      open: ['verify'],
      householdCase: caseId,
    });
  }
  // nothing half-started anywhere: every case of the drill has its application and its first step done once
  const { rows } = await tdb.db.query(
    `SELECT c.id, c.data ? 'application' AS has_form, (SELECT count(*)::int FROM task_actions a JOIN tasks t ON t.id = a.task_id WHERE t.case_id = c.id AND t.step_id = 'apply') AS applied
     FROM cases c WHERE c.subject_id LIKE 'HH-K%'`,
  );
  expect(rows.length).toBe(KILLS + 2);
  expect(rows.filter((r) => !r.has_form || r.applied !== 1)).toEqual([]);
  const cut = outcomes.filter((o) => o.cut).length;
  const byPhase = new Map<string, number>();
  for (const o of outcomes) byPhase.set(o.phase, (byPhase.get(o.phase) ?? 0) + 1);
  const phases = [...byPhase].map(([k, n]) => `${n} × ${k}`).join(', ');
  console.log(
    `case-start kills: ${KILLS} kills within ${Math.round(window)} ms of the request, ${cut} cut before the answer, ` +
      `${KILLS - cut} after; at the kill: ${phases}; retries per start max ${Math.max(...outcomes.map((o) => o.retries))}; ` +
      `0 cases without their application after the retry`,
  );
  expect(cut).toBeGreaterThan(0);
});
