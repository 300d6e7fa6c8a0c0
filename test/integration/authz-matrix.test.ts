/**
 * Authorisation matrix, generated from the endpoint table that also produces
 * the OpenAPI document: every endpoint × persona → allowed or refused, plus
 * the region dimension (own village; its parent township, for which the
 * village is a child node; the county; a sibling village; another township's
 * village; another county) for the endpoints that reach one case, task or household.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, type Endpoint } from '../../server/http/openapi.js';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { application } from '../support/demo.js';
import { upsertOrgs, upsertUser } from '../../server/services/directory.js';

let app: TestApp;
const who: Record<string, ApiClient> = {};
const PERSONAS: Record<string, string[]> = {
  'cadre.zhushan': ['village_cadre'],
  'cadre.huaqiao': ['village_cadre'],
  'cadre.heping': ['village_cadre'],
  'sec.yunji': ['township_reviewer'],
  bureau: ['county_rural_bureau'],
  admin: ['admin'],
  secadmin: ['security_admin'],
  auditor: ['auditor'],
};
let caseId = '';
let taskId = '';

beforeAll(async () => {
  app = await createTestApp();
  // a second county under the same city, with its own rural bureau
  await upsertOrgs(app.tdb.db, [{ id: 'hn-hy-qd', parent: 'hn-hy', level: 'county', name: '祁东县' }]);
  await upsertUser(app.tdb.db, {
    username: 'bureau.qidong',
    name: '祁东县乡村振兴局',
    password: 'zhenxing',
    roles: [{ role: 'county_rural_bureau', org: 'hn-hy-qd' }],
  });
  PERSONAS['bureau.qidong'] = ['county_rural_bureau'];
  for (const u of Object.keys(PERSONAS)) who[u] = await app.as(u);
  const c = await who['cadre.zhushan'].post('/api/cases', {
    process: 'identification',
    org: 'v-zhushan',
    subject: { id: 'HH-0001' },
    requestId: 'matrix',
    data: application('HH-0001'),
  });
  caseId = c.body.id;
  taskId = (await app.tdb.db.query(`SELECT id FROM tasks WHERE case_id = $1 AND status = 'open'`, [caseId]))
    .rows[0].id;
});
afterAll(async () => {
  await app?.close();
});

function concrete(e: Endpoint): string {
  return e.path
    .replace(
      '{id}',
      e.path.startsWith('/api/tasks')
        ? taskId
        : e.path.startsWith('/api/cases')
          ? caseId
          : e.path.startsWith('/api/households')
            ? 'HH-0001'
            : e.path.includes('/packs/')
              ? 'hunan'
              : 'none',
    )
    .replace('{key}', e.path.includes('processes') ? 'identification' : 'application')
    .replace('{version}', '1')
    .replace('{form}', 'application')
    .replace('{receipt}', 'none');
}

// session endpoints and the never-ending event stream are tested in api.test.ts
const SKIP = new Set(['/api/auth/login', '/api/auth/logout', '/api/events']);
const rows = ENDPOINTS.filter((e) => !SKIP.has(e.path));

describe('authorisation matrix', () => {
  it('covers every endpoint of the table', () => {
    expect(rows.length).toBeGreaterThan(50);
  });

  it.each(rows.map((e) => [`${e.method.toUpperCase()} ${e.path}`, e] as const))('%s', async (_name, e) => {
    const path = concrete(e);
    const call = (c: ApiClient) =>
      e.method === 'get'
        ? c.get(path)
        : e.method === 'put'
          ? c.put(path, Buffer.from('x'))
          : c.post(path, {});
    const anon = await call(app.anonymous());
    if (e.access === 'public') {
      expect([401, 403], `anonymous ${path}`).not.toContain(anon.status);
    } else {
      expect(anon.status, `anonymous ${path}`).toBe(401);
    }
    for (const [u, roles] of Object.entries(PERSONAS)) {
      const r = await call(who[u]);
      expect(r.status, `${u} ${path}: ${JSON.stringify(r.body).slice(0, 200)}`).toBeLessThan(500);
      if (typeof e.access === 'object') {
        const allowed = e.access.roles.some((x) => roles.includes(x));
        if (allowed) expect([401, 403], `${u} ${path}`).not.toContain(r.status);
        else expect(r.status, `${u} ${path}`).toBe(403);
      } else {
        expect(r.status, `${u} ${path}`).not.toBe(401);
      }
    }
  });
});

describe('region', () => {
  it.each([
    ['cadre.zhushan', 'own village', 200],
    ['sec.yunji', 'the village’s township', 200],
    ['bureau', 'the county', 200],
    ['cadre.heping', 'a sibling village of the same township', 404],
    ['cadre.huaqiao', 'another township’s village', 404],
    ['bureau.qidong', 'another county', 404],
    ['secadmin', 'a security administrator', 404],
  ])('GET a case as %s (%s) → %i', async (u, _what, status) => {
    expect((await who[u].get(`/api/cases/${caseId}`)).status).toBe(status);
  });

  it.each([
    ['cadre.heping', 404],
    ['cadre.huaqiao', 404],
    ['bureau.qidong', 404],
    ['bureau', 403],
    ['sec.yunji', 403],
  ])('completing the verification task as %s → %i, and nothing changes', async (u, status) => {
    const before = (await app.tdb.db.query('SELECT count(*)::int AS n FROM task_actions')).rows[0].n;
    const r = await who[u].post(`/api/tasks/${taskId}/complete`, {
      requestId: `m-${u}`,
      action: 'submit',
      data: {},
    });
    expect(r.status).toBe(status);
    expect((await app.tdb.db.query('SELECT count(*)::int AS n FROM task_actions')).rows[0].n).toBe(before);
  });

  it('lists only households of one’s own region', async () => {
    const own = await who['cadre.zhushan'].get('/api/households');
    expect(own.body.items.every((h: { org_id: string }) => h.org_id === 'v-zhushan')).toBe(true);
    const township = await who['sec.yunji'].get('/api/households');
    expect(new Set(township.body.items.map((h: { org_id: string }) => h.org_id))).toEqual(
      new Set(['v-zhushan', 'v-heping']),
    );
    expect((await who['cadre.huaqiao'].get('/api/households/HH-0001')).status).toBe(404);
    expect((await who['bureau.qidong'].get('/api/households')).body.items).toEqual([]);
    expect((await who['bureau.qidong'].get('/api/households/HH-0001')).status).toBe(404);
  });
});
