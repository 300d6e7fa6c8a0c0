/**
 * The security administrator manages users and roles; nobody changes their own;
 * a role must sit at a node of its level; each change is audited and ends the
 * user's sessions, so it takes effect at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';

let app: TestApp;
let sec: ApiClient;
beforeAll(async () => {
  app = await createTestApp();
  sec = await app.as('secadmin');
});
afterAll(async () => {
  await app?.close();
});

const rolesOf = async (id: string) =>
  (
    await app.tdb.db.query('SELECT role, org_id FROM user_roles WHERE user_id = $1 ORDER BY role, org_id', [
      id,
    ])
  ).rows;

describe('users and roles', () => {
  it('moves a cadre to another village: the old session ends, the new inbox scope applies, the change is audited', async () => {
    const cadre = await app.as('cadre.xinhe');
    expect((await cadre.get('/api/me')).status).toBe(200);
    const r = await sec.post('/api/admin/users/cadre.xinhe/roles', {
      roles: [{ role: 'village_cadre', org: 'v-chuanshan' }],
    });
    expect(r.status).toBe(200);
    expect(await rolesOf('cadre.xinhe')).toEqual([{ role: 'village_cadre', org_id: 'v-chuanshan' }]);
    expect((await cadre.get('/api/me')).status).toBe(401);
    const again = await app.as('cadre.xinhe');
    const households = (await again.get('/api/households')).body.items.map(
      (h: { org_id: string }) => h.org_id,
    );
    expect(new Set(households)).toEqual(new Set(['v-chuanshan']));
    const audit = (
      await app.tdb.db.query(
        `SELECT actor_id, detail FROM audit_events WHERE action = 'user.roles' AND target = 'cadre.xinhe'`,
      )
    ).rows;
    expect(audit).toEqual([
      {
        actor_id: 'secadmin',
        detail: expect.objectContaining({
          before: [expect.objectContaining({ role: 'village_cadre', org: 'v-xinhe' })],
          after: [expect.objectContaining({ org: 'v-chuanshan' })],
        }),
      },
    ]);
  });

  it('refuses a role at a node of the wrong level, an unknown role, and changes to one’s own account; nothing changes', async () => {
    const before = await rolesOf('contact.heping');
    const wrongLevel = await sec.post('/api/admin/users/contact.heping/roles', {
      roles: [{ role: 'township_reviewer', org: 'v-heping' }],
    });
    expect(wrongLevel.status).toBe(422);
    expect(wrongLevel.body.errors[0]).toMatchObject({
      path: 'roles.0.org',
      message: expect.stringMatching(/^该角色只能设在/),
    });
    const unknown = await sec.post('/api/admin/users/contact.heping/roles', {
      roles: [{ role: 'emperor', org: 'v-heping' }],
    });
    expect(unknown.body.errors[0]).toMatchObject({ path: 'roles.0.role', message: '角色“emperor”不存在' });
    expect(await rolesOf('contact.heping')).toEqual(before);
    const self = await sec.post('/api/admin/users/secadmin/roles', {
      roles: [{ role: 'admin', org: 'hn-hy-hn' }],
    });
    expect(self.status).toBe(403);
    expect((await sec.post('/api/admin/users/secadmin/status', { disabled: true })).status).toBe(403);
    expect(
      (await sec.post('/api/admin/users/nobody/roles', { roles: [{ role: 'auditor', org: 'hn-hy-hn' }] }))
        .status,
    ).toBe(404);
  });

  it('only the security administrator assigns roles or disables users', async () => {
    for (const u of ['admin', 'auditor', 'bureau']) {
      const c = await app.as(u);
      expect(
        (
          await c.post('/api/admin/users/contact.heping/roles', {
            roles: [{ role: 'admin', org: 'hn-hy-hn' }],
          })
        ).status,
        u,
      ).toBe(403);
      expect((await c.post('/api/admin/users/contact.heping/status', { disabled: true })).status, u).toBe(
        403,
      );
    }
  });

  it('a disabled user is signed out and cannot sign in; enabled again, can', async () => {
    const contact = await app.as('contact.shuangqiao');
    expect((await sec.post('/api/admin/users/contact.shuangqiao/status', { disabled: true })).status).toBe(
      200,
    );
    expect((await contact.get('/api/me')).status).toBe(401);
    await expect(app.as('contact.shuangqiao')).rejects.toThrow(/login contact.shuangqiao: 401/);
    expect((await sec.post('/api/admin/users/contact.shuangqiao/status', { disabled: false })).status).toBe(
      200,
    );
    expect((await (await app.as('contact.shuangqiao')).get('/api/me')).status).toBe(200);
  });
});
