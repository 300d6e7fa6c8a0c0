/**
 * Request bodies are checked against the OpenAPI document's schemas: generated
 * from the endpoint table, every endpoint with required body fields answers an
 * empty body with 422 naming them (Chinese first), and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../server/http/openapi.js';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';

let app: TestApp;
const as: Record<string, ApiClient> = {};
const PERSONA: Record<string, string> = {
  admin: 'admin',
  security_admin: 'secadmin',
  auditor: 'auditor',
  county_rural_bureau: 'bureau',
  village_cadre: 'cadre.zhushan',
};
beforeAll(async () => {
  app = await createTestApp();
  for (const u of new Set(Object.values(PERSONA))) as[u] = await app.as(u);
});
afterAll(async () => {
  await app?.close();
});

const withRequired = ENDPOINTS.filter(
  (e) =>
    e.method === 'post' &&
    Array.isArray((e.body as { required?: string[] } | undefined)?.required) &&
    e.path !== '/api/auth/login',
);
const rowCount = async () =>
  (
    await app.tdb.db.query(
      `SELECT (SELECT count(*) FROM cases) + (SELECT count(*) FROM task_actions) + (SELECT count(*) FROM objections) + (SELECT count(*) FROM parameters) + (SELECT count(*) FROM users) AS n`,
    )
  ).rows[0].n;

describe('request bodies are validated from the OpenAPI schemas', () => {
  it('covers the endpoints with required body fields', () => {
    expect(withRequired.length).toBeGreaterThanOrEqual(12);
  });

  it.each(withRequired.map((e) => [e.path, e] as const))(
    'POST %s with an empty body → 422 naming the required fields',
    async (_p, e) => {
      const access = e.access;
      const client =
        access === 'public'
          ? app.anonymous()
          : access === 'staff'
            ? as['cadre.zhushan']
            : as[PERSONA[access.roles.find((r) => PERSONA[r])!]];
      const before = await rowCount();
      const r = await client.post(e.path.replace(/\{\w+\}/g, 'none'), {});
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      const required = (e.body as { required: string[] }).required;
      for (const field of required) {
        expect(r.body.errors).toContainEqual({
          path: field,
          message: `缺少必填项“${field}”`,
          message_en: `${field} is required`,
        });
      }
      expect(await rowCount()).toBe(before);
    },
  );

  it('names wrong types, lengths and choices by field', async () => {
    const cadre = as['cadre.zhushan'];
    const r = await cadre.post('/api/cases', { process: 5, org: 'v-zhushan', requestId: 'x' });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([{ path: 'process', message: '应为文本', message_en: 'must be string' }]);
    const long = await app
      .anonymous()
      .post('/api/public/notices/none/objections', { content: '异'.repeat(2001) });
    expect(long.body.errors).toEqual([
      { path: 'content', message: '不能超过 2000 个字符', message_en: 'must be at most 2000 characters' },
    ]);
    const position = await cadre.post('/api/tasks/none/add-signer', { to: 'x', position: 'middle' });
    expect(position.body.errors).toEqual([
      { path: 'position', message: '只能是 before、after 之一', message_en: 'must be one of before, after' },
    ]);
  });

  it('still tells an unauthorised caller 401 or 403 before anything about the body', async () => {
    expect((await app.anonymous().post('/api/cases', {})).status).toBe(401);
    expect((await as['secadmin'].post('/api/admin/parameters', {})).status).toBe(403);
    expect((await as['cadre.zhushan'].post('/api/admin/users', {})).status).toBe(403);
  });
});
