/**
 * Fuzzing the real server (real Temporal + PostgreSQL): 10,000 random
 * requests to every endpoint of the contract, with random bodies, types and
 * ids, anonymous or signed in. Never a 5xx; rejected requests write nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { ENDPOINTS } from '../../server/http/openapi.js';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { application } from '../support/demo.js';

let app: TestApp;
let cadre: ApiClient;
let ids: Record<string, string> = {};

const TABLES = ['cases', 'tasks', 'task_actions', 'notices', 'objections', 'users', 'user_roles', 'form_versions', 'process_versions', 'parameters', 'households', 'department_records'];
const counts = async () =>
  Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, (await app.tdb.db.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n] as const)));

beforeAll(async () => {
  app = await createTestApp();
  cadre = await app.as('cadre.zhushan');
  const c = await cadre.post('/api/cases', { process: 'identification', org: 'v-zhushan', subject: { id: 'HH-0001' }, requestId: 'fuzz', data: application('HH-0001') });
  ids = { case: c.body.id, task: (await app.tdb.db.query(`SELECT id FROM tasks WHERE case_id = $1 AND status = 'open'`, [c.body.id])).rows[0].id };
});
afterAll(async () => {
  await app?.close();
});

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('', '430422199001011234', '13812345678', '../../etc/passwd', "' OR 1=1 --", '<script>alert(1)</script>', 'x'.repeat(5000), '\u0000', '💥'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('requestId', 'action', 'data', 'comment', 'returnTo', 'to', 'content', 'process', 'org', 'subject', 'key', 'year', 'value', 'items', 'username', 'password', 'definition', 'document', 'manifest', 'cursor', 'view'), tie('value'), { maxKeys: 6 }),
  ),
})).value;

it('answers 10,000 random requests without a server error, and rejected requests change nothing', async () => {
  // logout would end the shared session; the event stream never ends (tested in api.test.ts)
  const endpoints = ENDPOINTS.filter((e) => e.path !== '/api/auth/logout' && e.path !== '/api/events');
  const request = fc.record({
    e: fc.constantFrom(...endpoints),
    id: fc.oneof(fc.constantFrom(ids.case, ids.task, 'HH-0001', 'application', 'identification', 'hunan', '1', 'none'), fc.string({ maxLength: 20 })),
    body: json,
    raw: fc.option(fc.constantFrom('{', '[1,2', 'null', '"str"', '{"a":}', 'not json'), { nil: undefined }),
    signedIn: fc.boolean(),
    query: fc.option(fc.dictionary(fc.constantFrom('view', 'cursor', 'limit', 'org', 'process', 'due', 'status', 'from', 'to', 'q', 'version'), fc.string({ maxLength: 12 })), { nil: undefined }),
  });
  const samples = fc.sample(request, { numRuns: 10_000, seed: 20261124 });
  const before = await counts();
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let succeededWrites = 0;
  const anon = app.anonymous();
  let next = 0;
  const lane = async () => {
    while (next < samples.length) {
      const s = samples[next++];
      const path = s.e.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(s.id)) + (s.query ? `?${new URLSearchParams(s.query)}` : '');
      const client = s.signedIn ? cadre : anon;
      const r = s.e.method === 'get' ? await client.get(path) : await client.post(path, s.body, s.raw ? { raw: s.raw } : {});
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.status >= 500) failures.push(`${s.e.method} ${path} → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      if (s.e.method === 'post' && r.status < 300 && !['/api/auth/login', '/api/tasks/{id}/draft', '/api/tasks/{id}/claim'].includes(s.e.path)) succeededWrites++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  console.log('fuzz statuses', Object.fromEntries([...statuses].sort()));
  expect(failures.slice(0, 10)).toEqual([]);
  expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(10_000);
  if (succeededWrites === 0) expect(await counts()).toEqual(before);
}, 600_000);
