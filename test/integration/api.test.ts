/**
 * The API on a real Temporal dev server and real PostgreSQL: sessions, CSRF,
 * problem+json errors that change nothing, idempotent starts, one active case
 * per household, stale actions, the public board, and logs without personal data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { application, household, setDemoStatus } from '../support/demo.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  // identification applies to households not yet monitored: these demo households are identified afresh here
  await setDemoStatus(app.tdb.db, 'none', 'HH-0002', 'HH-0003', 'HH-0004', 'HH-0006');
});
afterAll(async () => {
  await app?.close();
});

const counts = async () =>
  (
    await app.tdb.db.query(
      `SELECT (SELECT count(*) FROM cases)::int AS cases, (SELECT count(*) FROM tasks)::int AS tasks, (SELECT count(*) FROM task_actions)::int AS actions`,
    )
  ).rows[0];

describe('health and contract', () => {
  it('reports PostgreSQL and Temporal as ok', async () => {
    const r = await app.anonymous().get('/healthz');
    expect(r).toMatchObject({ status: 200, body: { status: 'ok', temporal: 'ok', postgres: 'ok' } });
  });
  it('serves the OpenAPI 3.1 document', async () => {
    const r = await app.anonymous().get('/api/openapi.json');
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths)).toContain('/api/tasks/{id}/complete');
  });
});

describe('login', () => {
  it('answers a wrong password with 401 in Chinese, and locks the account after five', async () => {
    const anon = app.anonymous();
    for (let i = 0; i < 5; i++) {
      const r = await anon.post('/api/auth/login', { username: 'cadre.heping', password: 'wrong' });
      expect(r.status).toBe(401);
      expect(r.body.title).toBe('用户名或密码错误');
    }
    const locked = await anon.post('/api/auth/login', { username: 'cadre.heping', password: 'zhenxing' });
    expect(locked.status).toBe(429);
    expect(locked.body.title).toMatch(/已锁定/);
    expect(locked.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('refuses a write without the CSRF token', async () => {
    const login = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'cadre.zhushan', password: 'zhenxing' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const r = await fetch(`${app.url}/api/cases`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(r.status).toBe(403);
  });
});

describe('bad input changes nothing', () => {
  it('answers malformed JSON with 400, an oversized body with 413, missing fields with 422 — and writes nothing', async () => {
    const cadre = await app.as('cadre.zhushan');
    const before = await counts();
    expect((await cadre.post('/api/cases', undefined, { raw: '{"process": ' })).status).toBe(400);
    expect(
      (await cadre.post('/api/cases', undefined, { raw: JSON.stringify({ pad: 'x'.repeat(3_000_000) }) }))
        .status,
    ).toBe(413);
    const r = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0001' },
      requestId: 'bad-1',
      data: application('HH-0001', { idNumber: '430422199902301234', pledge: false }),
    });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'idNumber', message: '“身份证号”中的出生日期无效' }),
        expect.objectContaining({ path: 'pledge', message: expect.stringMatching(/请勾选/) }),
      ]),
    );
    expect(await counts()).toEqual(before);
    expect(
      (await app.tdb.db.query(`SELECT active_case_id FROM households WHERE id = 'HH-0001'`)).rows[0]
        .active_case_id,
    ).toBeNull();
  });

  it('answers an unknown endpoint with a 404 problem, not HTML', async () => {
    const r = await app.anonymous().get('/api/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('not_found');
  });
});

describe('cases and tasks', () => {
  it('starts a case once per request id and refuses a second active case for the household', async () => {
    const cadre = await app.as('cadre.zhushan');
    const body = {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0001' },
      requestId: 'start-1',
      data: application('HH-0001'),
    };
    const first = await cadre.post('/api/cases', body);
    expect(first.status).toBe(201);
    expect(first.body.current_steps.map((s: { id: string }) => s.id)).toEqual(['verify']);
    const again = await cadre.post('/api/cases', body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const second = await cadre.post('/api/cases', { ...body, requestId: 'start-2' });
    expect(second.status).toBe(409);
    expect(second.body.title).toContain(first.body.id);
    // the verifiers of the township see the new task at once
    const verifier = await app.as('verifier1.yunji');
    const inbox = await verifier.get('/api/tasks?view=todo');
    expect(inbox.body.items.map((t: { case_id: string }) => t.case_id)).toContain(first.body.id);
  });

  it('keeps cases of other villages out of sight and out of reach', async () => {
    const cadre = await app.as('cadre.zhushan');
    const started = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0002' },
      requestId: 'start-3',
      data: application('HH-0002'),
    });
    const other = await app.as('cadre.huaqiao');
    expect((await other.get(`/api/cases/${started.body.id}`)).status).toBe(404);
    const outsider = await other.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0003' },
      requestId: 'x',
      data: application('HH-0003'),
    });
    expect(outsider.status).toBe(403);
    const task = (
      await app.tdb.db.query(`SELECT id FROM tasks WHERE case_id = $1 AND status = 'open'`, [started.body.id])
    ).rows[0];
    const otherVerifier = await app.as('verifier1.huaqiao');
    const r = await otherVerifier.post(`/api/tasks/${task.id}/complete`, {
      requestId: 'v1',
      action: 'submit',
      data: {},
    });
    expect(r.status).toBe(404);
  });

  it('acts once on a repeated request and answers a stale action with 409', async () => {
    const cadre = await app.as('cadre.zhushan');
    const started = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0003' },
      requestId: 'start-4',
      data: application('HH-0003'),
    });
    const task = (
      await app.tdb.db.query(`SELECT id FROM tasks WHERE case_id = $1 AND status = 'open'`, [started.body.id])
    ).rows[0];
    const v1 = await app.as('verifier1.yunji');
    const reject = { requestId: 'same', action: 'reject', comment: '经核实家庭收入较高' };
    const a = await v1.post(`/api/tasks/${task.id}/complete`, reject);
    expect(a.status).toBe(200);
    expect(a.body.status).toBe('rejected');
    const b = await v1.post(`/api/tasks/${task.id}/complete`, reject);
    expect([200, 409]).toContain(b.status);
    const n = (
      await app.tdb.db.query('SELECT count(*)::int AS n FROM task_actions WHERE task_id = $1', [task.id])
    ).rows[0].n;
    expect(n).toBe(1);
    const stale = await v1.post(`/api/tasks/${task.id}/complete`, {
      requestId: 'other',
      action: 'submit',
      data: {},
    });
    expect(stale.status).toBe(409);
    expect(stale.body.title).toBe('任务已办结');
  });
});

describe('inbox pages', () => {
  it('pages through the inbox with a keyset cursor, newest first, without repeats', async () => {
    const cadre = await app.as('secretary.heping'); // cadre.heping was locked out above
    for (const [i, hid] of ['HH-0004', 'HH-0005'].entries()) {
      const r = await cadre.post('/api/cases', {
        process: 'identification',
        org: 'v-heping',
        subject: { id: hid },
        requestId: `page-${i}`,
        data: application(hid),
      });
      expect(r.status).toBe(201);
    }
    const verifier = await app.as('verifier2.yunji');
    const all = (await verifier.get('/api/tasks?view=todo&limit=100')).body.items.map(
      (t: { task_id: string }) => t.task_id,
    );
    expect(all.length).toBeGreaterThanOrEqual(2);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await verifier.get(
        `/api/tasks?view=todo&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.items).toHaveLength(1);
      seen.push(page.body.items[0].task_id);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect((await verifier.get('/api/tasks?view=todo&cursor=garbage')).status).toBe(422);
  });
});

describe('live inbox', () => {
  it('pushes new inbox counts over server-sent events when a task arrives', async () => {
    const verifier = await app.as('verifier1.huaqiao');
    const login = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'verifier2.huaqiao', password: 'zhenxing' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const abort = new AbortController();
    const res = await fetch(`${app.url}/api/events`, { headers: { cookie }, signal: abort.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const events: { todo: number }[] = [];
    const read = (async () => {
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buf += new TextDecoder().decode(value);
        for (const m of buf.matchAll(/event: inbox\ndata: (.*)\n\n/g)) events.push(JSON.parse(m[1]));
        buf = buf.slice(buf.lastIndexOf('\n\n') + 2);
      }
    })();
    const deadline = Date.now() + 15_000;
    while (events.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(events[0].todo).toBe(0);
    const cadre = await app.as('cadre.huaqiao');
    expect(
      (
        await cadre.post('/api/cases', {
          process: 'identification',
          org: 'v-huaqiao',
          subject: { id: 'HH-0006' },
          requestId: 'sse-1',
          data: application('HH-0006'),
        })
      ).status,
    ).toBe(201);
    while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    abort.abort();
    await read;
    expect(events.at(-1)!.todo).toBe(1);
    void verifier;
  });
});

describe('personal data', () => {
  it('masks ID numbers in household lists and never writes them to the logs', async () => {
    const cadre = await app.as('cadre.zhushan');
    const list = await cadre.get('/api/households');
    const h = household('HH-0001');
    expect(JSON.stringify(list.body)).not.toContain(h.headIdNumber);
    expect(JSON.stringify(list.body)).toContain(
      `${h.headIdNumber.slice(0, 6)}********${h.headIdNumber.slice(-4)}`,
    );
    const logs = app.logs.join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    for (const hh of ['HH-0001', 'HH-0002', 'HH-0003'])
      expect(logs).not.toContain(household(hh).headIdNumber);
    expect(logs).not.toContain('13812345678');
  });
});
