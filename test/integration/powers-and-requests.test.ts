/**
 * Issue 16, findings 4–7, 14, 17 against the real servers: separation of powers as a rule of the data
 * model, the login lockout counted atomically, unknown users as slow as known ones, request ids bound to
 * their request, an atomic case start that survives its worker dying, and /metrics and /api/orgs closed.
 */
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../../server/config.js';
import { installMetrics } from '../../server/http/metrics.js';
import * as cases from '../../server/services/cases.js';
import { loadPrincipal } from '../../server/services/principal.js';
import { connectClient } from '../../server/temporal/connect.js';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { application, setDemoStatus } from '../support/demo.js';
import { spawnWorker } from '../support/worker-spawn.js';

let app: TestApp;
let sec: ApiClient;
let cadre: ApiClient;
const workers: ChildProcess[] = [];
beforeAll(async () => {
  app = await createTestApp();
  // these demo households are monitored; the scenarios here identify them
  await setDemoStatus(app.tdb.db, 'none', 'HH-0002', 'HH-0003', 'HH-0004');
  sec = await app.as('secadmin');
  cadre = await app.as('cadre.zhushan');
});
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await app?.close();
});

const q = async (sql: string, params: unknown[] = []) => (await app.tdb.db.query(sql, params)).rows;
const count = async (sql: string, params: unknown[] = []) => Number((await q(sql, params))[0].n);
const login = (username: string, password: string) =>
  fetch(`${app.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

describe('separation of powers', () => {
  it('a security administrator cannot create an account holding security_admin, auditor, admin and a case role: 422, nothing written', async () => {
    const users = await count('SELECT count(*) AS n FROM users');
    const audit = await count('SELECT count(*) AS n FROM audit_events');
    const r = await sec.post('/api/admin/users', {
      username: 'shadow',
      name: '影子管理员',
      password: 'long-enough-password',
      roles: [
        { role: 'security_admin', org: 'hn-hy-hn' },
        { role: 'auditor', org: 'hn-hy-hn' },
        { role: 'admin', org: 'hn-hy-hn' },
        { role: 'village_cadre', org: 'v-zhushan' },
      ],
    });
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'roles.0.role',
          message: expect.stringMatching(/^安全管理员只能由服务器安装命令授予/),
        }),
        expect.objectContaining({
          path: 'roles.1.role',
          message: expect.stringMatching(/^审计员只能由服务器安装命令授予/),
        }),
        expect.objectContaining({
          path: 'roles',
          message: expect.stringMatching(/^三权分立/),
          message_en: expect.stringMatching(/^separation of powers/),
        }),
      ]),
    );
    // even the one role online accounts may grant among the three is never combined with a case role
    const adminAndCadre = await sec.post('/api/admin/users', {
      username: 'shadow2',
      name: '影子',
      password: 'long-enough-password',
      roles: [
        { role: 'admin', org: 'hn-hy-hn' },
        { role: 'village_cadre', org: 'v-zhushan' },
      ],
    });
    expect(adminAndCadre.status).toBe(422);
    expect(adminAndCadre.body.errors).toEqual([
      expect.objectContaining({
        path: 'roles',
        message: expect.stringMatching(/^三权分立：系统管理员不能与“village_cadre”/),
      }),
    ]);
    expect(await count('SELECT count(*) AS n FROM users')).toBe(users);
    expect(await count('SELECT count(*) AS n FROM audit_events')).toBe(audit);
    expect(await count(`SELECT count(*) AS n FROM users WHERE username LIKE 'shadow%'`)).toBe(0);
  });

  it('no online account grants security_admin or auditor, or changes the roles of one who holds them', async () => {
    const before = await q('SELECT user_id, role, org_id FROM user_roles ORDER BY 1, 2, 3');
    const grant = await sec.post('/api/admin/users/contact.heping/roles', {
      roles: [{ role: 'auditor', org: 'hn-hy-hn' }],
    });
    expect(grant.status).toBe(422);
    expect(grant.body.errors[0]).toMatchObject({
      path: 'roles.0.role',
      message: expect.stringMatching(/只能由服务器安装命令授予/),
    });
    const demote = await sec.post('/api/admin/users/auditor/roles', {
      roles: [{ role: 'village_cadre', org: 'v-zhushan' }],
    });
    expect(demote.status).toBe(403);
    const mixAdmin = await sec.post('/api/admin/users/admin/roles', {
      roles: [
        { role: 'admin', org: 'hn-hy-hn' },
        { role: 'county_finance', org: 'hn-hy-hn' },
      ],
    });
    expect(mixAdmin.status).toBe(422);
    expect(await q('SELECT user_id, role, org_id FROM user_roles ORDER BY 1, 2, 3')).toEqual(before);
  });

  it('the database refuses the combination even by a direct insert', async () => {
    await expect(
      q(`INSERT INTO user_roles (user_id, role, org_id) VALUES ('secadmin', 'village_cadre', 'v-zhushan')`),
    ).rejects.toThrow(/separation of powers/);
    await expect(
      q(`INSERT INTO user_roles (user_id, role, org_id) VALUES ('cadre.zhushan', 'auditor', 'hn-hy-hn')`),
    ).rejects.toThrow(/separation of powers/);
    await q(
      `INSERT INTO users (id, username, display_name, password_hash) VALUES ('raw1', 'raw1', 'raw', 'x')`,
    );
    // two rows of one statement see each other
    await expect(
      q(
        `INSERT INTO user_roles (user_id, role, org_id) VALUES ('raw1', 'admin', 'hn-hy-hn'), ('raw1', 'security_admin', 'hn-hy-hn')`,
      ),
    ).rejects.toThrow(/separation of powers/);
    expect(await q(`SELECT role FROM user_roles WHERE user_id = 'raw1'`)).toEqual([]);
    // an account with two case roles cannot turn one of them into a separated role
    await q(
      `INSERT INTO user_roles (user_id, role, org_id) VALUES ('raw1', 'village_cadre', 'v-zhushan'), ('raw1', 'monitor_contact', 'v-zhushan')`,
    );
    await expect(
      q(
        `UPDATE user_roles SET role = 'auditor', org_id = 'hn-hy-hn' WHERE user_id = 'raw1' AND role = 'monitor_contact'`,
      ),
    ).rejects.toThrow(/separation of powers/);
    await q(`DELETE FROM user_roles WHERE user_id = 'raw1'`);
    // the same separated role at two nodes is allowed
    await q(
      `INSERT INTO user_roles (user_id, role, org_id) VALUES ('raw1', 'admin', 'hn-hy-hn'), ('raw1', 'admin', 'v-zhushan')`,
    );
  });

  it('the installation command grants security_admin and auditor, and refuses an account that works cases', async () => {
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/users.ts'), ...args], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: app.tdb.url, ZX_USER_PASSWORD: 'install-time-password' },
      });
    const ok = await run(['grant-auditor', 'auditor2']);
    expect(ok.stdout).toMatch(/auditor2: auditor granted \(account created\)/);
    expect(await q(`SELECT role FROM user_roles WHERE user_id = 'auditor2'`)).toEqual([{ role: 'auditor' }]);
    const a2 = await app.as('auditor2', 'install-time-password');
    expect((await a2.get('/api/admin/audit')).status).toBe(200);
    await expect(run(['grant-security-admin', 'cadre.zhushan'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/separation of powers: cadre.zhushan holds village_cadre/),
    });
    expect(await q(`SELECT role FROM user_roles WHERE user_id = 'cadre.zhushan'`)).toEqual([
      { role: 'village_cadre' },
    ]);
    expect(
      await q(
        `SELECT actor_id, action FROM audit_events WHERE target = 'auditor2' AND action = 'user.grant'`,
      ),
    ).toEqual([{ actor_id: 'system:install', action: 'user.grant' }]);
  });
});

describe('login', () => {
  it('thirty parallel wrong passwords: at most five are checked before the account locks', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => login('cadre.huaqiao', 'wrong-password').then((r) => r.status)),
    );
    const checked = answers.filter((s) => s === 401).length;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(5);
    expect(answers.filter((s) => s === 429).length).toBe(30 - checked);
    expect(
      await count(
        `SELECT count(*) AS n FROM audit_events WHERE action = 'auth.login-failed' AND target = 'cadre.huaqiao'`,
      ),
    ).toBe(checked);
    // locked: even the right password is not checked now
    expect((await login('cadre.huaqiao', 'zhenxing')).status).toBe(429);
  });

  it('an unknown user takes as long to refuse as a known one (argon2 runs for both)', async () => {
    const time = async (username: string) => {
      const t0 = performance.now();
      const r = await login(username, 'wrong-password');
      expect(r.status).toBe(401);
      return performance.now() - t0;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    await time('nobody-at-all'); // the dummy hash is made once per process
    for (let i = 0; i < 11; i++) {
      await q(`UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = 'cadre.xinhe'`);
      known.push(await time('cadre.xinhe'));
      unknown.push(await time(`nobody-${i}`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = median(unknown) / median(known);
    console.log(
      `login refusal median: known ${median(known).toFixed(1)} ms, unknown ${median(unknown).toFixed(1)} ms, ratio ${ratio.toFixed(2)}`,
    );
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe('request ids bind to their request', () => {
  it('a requestId reused with another household: 409 idempotency_key_reused, no second case, the second household stays free', async () => {
    const first = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0001' },
      requestId: 'reuse-1',
      data: application('HH-0001'),
    });
    expect(first.status).toBe(201);
    const casesBefore = await count('SELECT count(*) AS n FROM cases');
    const other = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0002' },
      requestId: 'reuse-1',
      data: application('HH-0002'),
    });
    expect(other.status).toBe(409);
    expect(other.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(other.body).toMatchObject({
      code: 'idempotency_key_reused',
      errors: [expect.objectContaining({ path: 'requestId' })],
    });
    expect(await count('SELECT count(*) AS n FROM cases')).toBe(casesBefore);
    expect(
      (await q(`SELECT active_case_id FROM households WHERE id = 'HH-0002'`))[0].active_case_id,
    ).toBeNull();
    // the same request again: the first answer, nothing new
    const again = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0001' },
      requestId: 'reuse-1',
      data: application('HH-0001'),
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    // the second household's own case starts normally
    const own = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0002' },
      requestId: 'reuse-2',
      data: application('HH-0002'),
    });
    expect(own.status).toBe(201);
    expect((await q(`SELECT active_case_id FROM households WHERE id = 'HH-0002'`))[0].active_case_id).toBe(
      own.body.id,
    );
  });

  it('a task action repeated with another body is refused; with the same body it gets the first answer and acts once', async () => {
    const started = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0003' },
      requestId: 'task-reuse',
      data: application('HH-0003'),
    });
    const [task] = await q(`SELECT id FROM tasks WHERE case_id = $1 AND status = 'open'`, [started.body.id]);
    const v1 = await app.as('verifier1.yunji');
    const body = { requestId: 'verify-once', action: 'reject', comment: '经核实家庭收入较高' };
    const a = await v1.post(`/api/tasks/${task.id}/complete`, body);
    expect(a.status).toBe(200);
    const changed = await v1.post(`/api/tasks/${task.id}/complete`, { ...body, comment: '另一个意见' });
    expect(changed.status).toBe(409);
    expect(changed.body.code).toBe('idempotency_key_reused');
    const same = await v1.post(`/api/tasks/${task.id}/complete`, { ...body });
    expect(same.status).toBe(200);
    expect(same.body).toEqual(a.body);
    expect(await count('SELECT count(*) AS n FROM task_actions WHERE task_id = $1', [task.id])).toBe(1);
  });

  it('a case start retried after the worker died mid-start ends with the case and its application', async () => {
    // this test's own worker, in its own process, on its own queue, with the key the worker process uses
    const taskQueue = `start-crash-${randomUUID()}`;
    const keys = [{ id: 'test', key: Buffer.alloc(32, 3) }];
    const { client, connection } = await connectClient({
      address: inject('temporalAddress'),
      namespace: 'default',
      codecKeys: keys,
    });
    const svc = { ...app.svc, temporal: client, taskQueue };
    const env = {
      DATABASE_URL: app.tdb.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TASK_QUEUE: taskQueue,
    };
    try {
      let worker = await spawnWorker(env, workers);
      const who = (await loadPrincipal(app.tdb.db, 'cadre.heping'))!;
      const req = {
        process: 'identification',
        org: 'v-heping',
        subject: { id: 'HH-0004' },
        requestId: 'start-cut',
        data: application('HH-0004'),
      };
      const caseId = cases.caseIdFor(who.userId, req.requestId);
      const firstTry = cases.startCase(svc, who, req).catch((e: Error) => e);
      // the moment Temporal has the case, the worker dies
      for (let i = 0; ; i++) {
        const running = await client.workflow
          .getHandle(caseId)
          .describe()
          .then(
            () => true,
            () => false,
          );
        if (running) break;
        if (i > 400) throw new Error('the case never started');
        await new Promise((r) => setTimeout(r, 25));
      }
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      worker = await spawnWorker(env, workers);
      const retry = await cases.startCase(svc, who, req);
      expect(retry.case.id).toBe(caseId);
      const first = await firstTry;
      if (!(first instanceof Error)) expect(first.case.id).toBe(caseId);
      const [row] = await q('SELECT data, current_steps FROM cases WHERE id = $1', [caseId]);
      expect(row.data.application).toMatchObject({
        name: application('HH-0004').name,
        statement: application('HH-0004').statement,
      });
      expect(
        await q(
          `SELECT t.step_id, a.action FROM task_actions a JOIN tasks t ON t.id = a.task_id WHERE t.case_id = $1`,
          [caseId],
        ),
      ).toEqual([{ step_id: 'apply', action: 'submit' }]);
      expect(
        await count(
          `SELECT count(*) AS n FROM tasks WHERE case_id = $1 AND status = 'open' AND step_id <> 'apply'`,
          [caseId],
        ),
      ).toBe(1);
      worker.kill('SIGKILL');
    } finally {
      await connection.close();
    }
  });
});

describe('closed endpoints', () => {
  it('/api/orgs needs a session; the public board keeps its own list', async () => {
    expect((await app.anonymous().get('/api/orgs')).status).toBe(401);
    expect((await cadre.get('/api/orgs')).status).toBe(200);
    const pub = await app.anonymous().get('/api/public/orgs');
    expect(pub.status).toBe(200);
    expect(pub.body.items.length).toBeGreaterThan(0);
  });

  it('/metrics needs the bearer token when one is set, and is refused in production without one', async () => {
    const serve = async (config: { env: 'production' | 'development'; metricsToken?: string }) => {
      const e = express();
      installMetrics(e, config);
      const server = await new Promise<import('node:http').Server>((resolve) => {
        const s = e.listen(0, '127.0.0.1', () => resolve(s));
      });
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
      return { url, close: () => new Promise((r) => server.close(r)) };
    };
    const withToken = await serve({ env: 'development', metricsToken: 's3cret-token' });
    expect((await fetch(withToken.url)).status).toBe(401);
    expect((await fetch(withToken.url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await fetch(withToken.url, { headers: { authorization: 'Bearer s3cret-token' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/zhenxing_http_request_duration_seconds/);
    await withToken.close();
    const prodWithout = await serve({ env: 'production' });
    const refused = await fetch(prodWithout.url);
    expect(refused.status).toBe(403);
    expect((await refused.json()).code).toBe('metrics_disabled');
    await prodWithout.close();
    // the app under test (NODE_ENV=test, no token) keeps it open for local scraping
    expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
  });
});
