/** A fresh database per test file, migrated, dropped afterwards. */
import { inject } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { appLoginUrl, appRole, createPool, migrate, type Db } from '../../server/db.js';

export interface TestDatabase {
  url: string;
  /** the application's login (zhenxing_app), when the database could set it up */
  appUrl?: string;
  /** acts as the application role, like the API and the worker */
  db: Db;
  /** the owning user, for what only an administrator of the database can do */
  owner(): Db;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `zx_t_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  // the application's own login, as in `npm start` (the owner only migrates)
  const appUrl = await appLoginUrl(url.toString());
  const db = createPool(appUrl ?? url.toString(), 8, {
    role: appUrl ? undefined : await appRole(url.toString()),
  });
  let owner: Db | undefined;
  return {
    url: url.toString(),
    appUrl,
    db,
    owner: () => (owner ??= createPool(url.toString(), 2)),
    async drop() {
      await db.end();
      await owner?.end();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
