/**
 * The one edge (server/http/edge.ts), against the real server: every string entering is checked once;
 * what PostgreSQL or Temporal could not take is refused with 4xx problem+json naming the field, nothing is
 * stored, and the case goes on accepting actions. Transport faults are 4xx, never 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { evidenceVia } from '../support/field.js';
import { application, collection, peopleOf, villageReview } from '../support/demo.js';

let app: TestApp;
let cadre: ApiClient;
const hid = 'HH-0001';
const p = peopleOf(hid);
let caseId = '';

const count = async (table: string, where = 'true', params: unknown[] = []) =>
  (await app.tdb.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params)).rows[0]
    .n as number;

async function openTask(step: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await app.tdb.db.query(
      `SELECT id FROM tasks WHERE case_id = $1 AND step_id = $2 AND status = 'open'`,
      [caseId, step],
    );
    if (rows[0]) return rows[0].id as string;
    if (Date.now() > deadline) throw new Error(`no open ${step} task`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A raw request: any method, headers and bytes, as a hostile client would send them. */
async function raw(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Blob } = {},
) {
  const res = await fetch(app.url + path, {
    method: init.method ?? 'GET',
    headers: init.headers,
    body: init.body,
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', body };
}

beforeAll(async () => {
  app = await createTestApp();
  cadre = await app.as(p.cadre);
  const c = await cadre.post('/api/cases', {
    process: 'identification',
    org: p.village,
    subject: { id: hid },
    requestId: 'edge',
    data: application(hid),
  });
  expect(c.status).toBe(201);
  caseId = c.body.id;
});
afterAll(async () => {
  await app?.close();
});

describe('a NUL or invalid Unicode in a field', () => {
  it('refuses a form field holding a NUL with 400 naming the field, stores nothing, and the task can still be completed', async () => {
    const verifier = await app.as(p.verifiers[0]);
    const task = await openTask('verify');
    const before = {
      actions: await count('task_actions'),
      events: await count('case_events', 'case_id = $1', [caseId]),
    };
    const data = collection(hid);
    data.members[0].A5 = '张\u0000三';
    const r = await verifier.post(`/api/tasks/${task}/complete`, {
      requestId: 'nul-1',
      action: 'submit',
      data,
    });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.body.errors).toEqual([
      expect.objectContaining({ path: 'body.data.members.0.A5', message: expect.stringMatching(/空字符/) }),
    ]);
    expect(r.body.errors[0].message_en).toMatch(/NUL/);
    expect({
      actions: await count('task_actions'),
      events: await count('case_events', 'case_id = $1', [caseId]),
    }).toEqual(before);

    const ok = await verifier.post(`/api/tasks/${task}/complete`, {
      requestId: 'nul-2',
      action: 'submit',
      data: collection(hid),
      evidence: await evidenceVia(verifier),
    });
    expect(ok.status).toBe(200);
  });

  it('refuses an unpaired surrogate in a field name, naming it', async () => {
    const r = await raw(`/api/public/notices/none/objections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"content":"x","\\ud800":"y"}',
    });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ path: 'body.?', message: expect.stringMatching(/字段名/) });
  });

  it('refuses an objection holding a NUL with 400 naming the field; the notice still takes objections and the case still acts', async () => {
    const second = await app.as(p.verifiers[1]);
    await second.post(`/api/tasks/${await openTask('verify')}/complete`, {
      requestId: 'v2',
      action: 'submit',
      data: collection(hid),
      evidence: await evidenceVia(second),
    });
    const review = villageReview('逐户评议，符合纳入条件');
    // the village branch secretary signs the village review
    const vr = await (
      await app.as(peopleOf('HH-0001').secretary)
    ).post(`/api/tasks/${await openTask('village_review')}/complete`, {
      requestId: 'vr',
      action: 'approve',
      data: review,
    });
    expect(vr.status).toBe(200);
    const notice = await (async () => {
      for (let i = 0; i < 400; i++) {
        const { rows } = await app.tdb.db.query('SELECT id FROM notices WHERE case_id = $1', [caseId]);
        if (rows[0]) return rows[0].id as string;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('no notice');
    })();
    const anon = app.anonymous();
    const bad = await anon.post(`/api/public/notices/${notice}/objections`, {
      content: '该户有\u0000小轿车',
      contact: '138\u00001234',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.content', 'body.contact']);
    expect(await count('objections', 'case_id = $1', [caseId])).toBe(0);
    expect(await count('projection_dead_letters')).toBe(0);

    const good = await anon.post(`/api/public/notices/${notice}/objections`, { content: '该户有小轿车' });
    expect(good.status).toBe(201);
    // the case still answers staff: its view and its objection are there
    const view = await cadre.get(`/api/cases/${caseId}`);
    expect(view.status).toBe(200);
    expect(await count('objections', 'case_id = $1', [caseId])).toBe(1);
  });
});

describe('malformed transport is 4xx, never 5xx', () => {
  it.each([
    ['bad percent-encoding in a route parameter', '/api/tasks/%E0%A4%A', 400, 'path'],
    ['undecodable percent-encoding in the path', '/api/cases/%ZZ', 400, 'path'],
    ['invalid UTF-8 in the path', '/api/public/objections/%C3%28', 400, 'path'],
    ['a NUL in a route parameter', '/api/public/objections/R%00X', 400, 'path'],
    ['a NUL in the query', '/api/public/notices?org=v-zhushan%00', 400, 'query.org'],
    ['bad percent-encoding in the query', '/api/public/notices?org=%E0%A4%A', 400, 'query.org'],
    ['an unpaired surrogate in the query', '/api/public/notices?org=%ED%A0%80', 400, 'query.org'],
    ['limit=-1', '/api/cases?limit=-1', 400, 'query.limit'],
    ['limit=0', '/api/tasks?limit=0', 400, 'query.limit'],
    ['a non-numeric limit', '/api/public/notices?org=v-zhushan&limit=abc', 400, 'query.limit'],
    ['an absurd limit', '/api/cases?limit=99999999999999', 400, 'query.limit'],
    ['a limit given twice', '/api/cases?limit=5&limit=6', 400, 'query.limit'],
    ['a negative offset', '/api/cases?offset=-5', 400, 'query.offset'],
    ['a non-numeric version', '/api/forms/application?version=1e9', 400, 'query.version'],
  ])('%s: GET %s → %i naming %s', async (_what, path, status, field) => {
    const r = await raw(path);
    expect(r.status).toBe(status);
    expect(r.type).toMatch(/application\/problem\+json/);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it.each([
    ['a session cookie with bad percent-encoding', 'zx_session=%E0%A4%A', 400],
    ['a session cookie holding a NUL', 'zx_session=abc%00def', 400],
    ['a cookie header of garbage', ';;; =; ==;zx_session', 401],
    ['a malformed cookie we do not read', 'other=%E0%A4%A; zx_session=nope', 401],
    ['an unknown session', 'zx_session=nope', 401],
  ])('%s (Cookie: %s) → %i', async (_what, cookie, status) => {
    const r = await raw('/api/me', { headers: { cookie } });
    expect(r.status).toBe(status);
    expect(r.type).toMatch(/application\/problem\+json/);
  });

  it('refuses JSON nested 100,000 deep with 400, and the server stays up', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const r = await raw('/api/public/notices/none/objections', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: deep,
    });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({
      path: 'body',
      message_en: expect.stringMatching(/deeper than 32/),
    });
    const objects = `{"content":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
    expect(
      (
        await raw('/api/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: objects,
        })
      ).status,
    ).toBe(400);
    // brackets inside strings are text, not nesting
    const inString = await raw('/api/public/notices/none/objections', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: '['.repeat(1000) }),
    });
    expect(inString.status).toBe(404);
    expect((await raw('/healthz')).status).toBe(200);
  });

  it('refuses a body that claims gzip but is plain with 415', async () => {
    const r = await raw('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: JSON.stringify({ username: 'admin', password: 'x' }),
    });
    expect(r.status).toBe(415);
    expect(r.body.errors[0].path).toBe('header.content-encoding');
    expect((await raw('/api/me', { headers: { 'content-encoding': 'br' } })).status).toBe(415);
  });

  it('refuses JSON that is not UTF-8, or not valid UTF-8', async () => {
    const latin = await raw('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-16' },
      body: '{"username":"a","password":"b"}',
    });
    expect(latin.status).toBe(415);
    const invalid = await raw('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob([
        Buffer.from('{"username":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('","password":"b"}'),
      ]),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0]).toMatchObject({ path: 'body', message_en: 'the body is not valid UTF-8' });
  });

  it('keeps a request id it can log safely, and makes its own for anything else', async () => {
    const ok = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(ok.headers.get('x-request-id')).toBe('abc-123');
    const odd = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'a b <script>'.repeat(30) } });
    expect(odd.status).toBe(200);
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
