/** Saved inbox views: per person, replaced by name, only inbox filters, and nobody else's to delete. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('saved inbox views', () => {
  it('saves, replaces by name, lists only mine, and deletes', async () => {
    const cadre = await app.as('cadre.zhushan');
    const other = await app.as('cadre.heping');
    const first = await cadre.post('/api/views', {
      name: '本村超期',
      query: { view: 'todo', due: 'overdue', org: 'v-zhushan' },
    });
    expect(first.status).toBe(201);
    const replaced = await cadre.post('/api/views', {
      name: '本村超期',
      query: { view: 'todo', due: 'today' },
    });
    expect(replaced.body).toMatchObject({ id: first.body.id, query: { view: 'todo', due: 'today' } });
    expect((await cadre.get('/api/views')).body.items.map((v: { name: string }) => v.name)).toEqual([
      '本村超期',
    ]);
    expect((await other.get('/api/views')).body.items).toEqual([]);
    expect((await other.post(`/api/views/${first.body.id}/delete`, {})).status).toBe(404);
    expect((await cadre.post(`/api/views/${first.body.id}/delete`, {})).status).toBe(200);
    expect((await cadre.get('/api/views')).body.items).toEqual([]);
  });

  it('refuses a view with other keys or an empty name, and writes nothing', async () => {
    const cadre = await app.as('cadre.zhushan');
    const noName = await cadre.post('/api/views', { name: '', query: { due: 'overdue' } });
    expect(noName.status).toBe(422);
    expect(noName.body.errors.map((e: { path: string }) => e.path)).toEqual(['name']);
    const badQuery = await cadre.post('/api/views', { name: '坏的', query: { sql: 'DROP TABLE tasks' } });
    expect(badQuery.status).toBe(422);
    expect(badQuery.body.errors).toEqual([
      {
        path: 'query',
        message: '筛选条件只能包含 view、process、org、due、step',
        message_en: expect.any(String),
      },
    ]);
    expect((await app.tdb.db.query('SELECT count(*)::int AS n FROM saved_views')).rows[0].n).toBe(0);
  });
});
