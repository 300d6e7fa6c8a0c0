/**
 * The application's database login is not a superuser: the API and the worker log in as zhenxing_app, which
 * cannot switch the audit trigger off (session_replication_role), rewrite the audit log, or become the owner.
 * The owner only migrates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { appLoginUrl } from '../../server/db.js';
import { appendAudit } from '../../store/audit.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let tdb: TestDatabase;
let app: pg.Client;
beforeAll(async () => {
  tdb = await createTestDatabase();
  const url = await appLoginUrl(tdb.url);
  expect(url, 'the owner sets up the application login').toBeDefined();
  // the same login the test app's pool (and npm start) uses
  expect(tdb.appUrl).toBe(url);
  app = new pg.Client({ connectionString: url });
  await app.connect();
  const tx = await tdb.db.connect();
  await appendAudit(tx, [{ id: 'login-test', actorId: 'x', action: 'case.read-unmasked', target: 'ZX-1' }]);
  tx.release();
});
afterAll(async () => {
  await app?.end();
  await tdb?.drop();
});

describe('the application database login', () => {
  it('is zhenxing_app itself, not a superuser, and cannot become another role', async () => {
    const { rows } =
      await app.query(`SELECT session_user AS s, current_user AS c, r.rolsuper, r.rolbypassrls, r.rolcreaterole
      FROM pg_roles r WHERE r.rolname = session_user`);
    expect(rows[0]).toEqual({
      s: 'zhenxing_app',
      c: 'zhenxing_app',
      rolsuper: false,
      rolbypassrls: false,
      rolcreaterole: false,
    });
    await app.query('RESET ROLE');
    expect((await app.query('SELECT current_user AS c')).rows[0].c).toBe('zhenxing_app');
    const owner = new URL(tdb.url).username;
    await expect(app.query(`SET ROLE ${owner}`)).rejects.toThrow(/permission denied/);
  });

  it('cannot switch the audit trigger off with session_replication_role', async () => {
    await expect(app.query(`SET session_replication_role = replica`)).rejects.toThrow(/permission denied/);
    expect((await app.query('SHOW session_replication_role')).rows[0].session_replication_role).toBe(
      'origin',
    );
  });

  it('cannot update, delete or truncate the audit log, but appends to it', async () => {
    await expect(app.query(`UPDATE audit_events SET action = 'x' WHERE id = 'login-test'`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(app.query(`DELETE FROM audit_events WHERE id = 'login-test'`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(app.query(`TRUNCATE audit_events`)).rejects.toThrow(/permission denied/);
    expect((await app.query(`SELECT action FROM audit_events WHERE id = 'login-test'`)).rows).toEqual([
      { action: 'case.read-unmasked' },
    ]);
  });

  it('cannot touch the migrations table', async () => {
    await expect(app.query('SELECT * FROM pgmigrations')).rejects.toThrow(/permission denied/);
  });
});
