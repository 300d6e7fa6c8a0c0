/** Notifications keep a read state per person, even when sent to a role that several people hold. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  await app.tdb.db.query(
    `INSERT INTO notifications (id, user_id, role, org_id, kind, message) VALUES
       ('n-role', NULL, 'village_cadre', 'v-zhushan', 'warning', '部门数据预警：请入户核查'),
       ('n-user', 'cadre.zhushan', NULL, NULL, 'activity', '您有一条催办'),
       ('n-other', NULL, 'village_cadre', 'v-heping', 'warning', '和平村的通知')`,
  );
});
afterAll(async () => {
  await app?.close();
});

describe('notification read state', () => {
  it('marks read per person; a role notice read by one cadre stays unread for the other; read-all clears mine only', async () => {
    const cadre = await app.as('cadre.zhushan');
    const secretary = await app.as('secretary.zhushan');
    const first = await cadre.get('/api/notifications');
    expect(first.body.unread).toBe(2);
    expect(first.body.items.map((n: { id: string; read: boolean }) => [n.id, n.read]).sort()).toEqual([
      ['n-role', false],
      ['n-user', false],
    ]);

    expect((await cadre.post('/api/notifications/n-role/read')).status).toBe(200);
    expect((await cadre.post('/api/notifications/n-role/read')).status).toBe(200); // again: harmless
    expect((await cadre.get('/api/notifications')).body.unread).toBe(1);
    expect((await secretary.get('/api/notifications')).body).toMatchObject({
      unread: 1,
      items: [{ id: 'n-role', read: false }],
    });

    // not mine: another village's notice, or an unknown id
    expect((await cadre.post('/api/notifications/n-other/read')).status).toBe(404);
    expect((await cadre.post('/api/notifications/nope/read')).status).toBe(404);

    expect((await cadre.post('/api/notifications/read-all')).body).toEqual({ marked: 1 });
    expect((await cadre.get('/api/notifications')).body.unread).toBe(0);
    expect((await secretary.get('/api/notifications')).body.unread).toBe(1);
  });
});
