/**
 * Starts the real servers the integration tests share: embedded PostgreSQL
 * (or DATABASE_URL) and a Temporal dev server (or TEMPORAL_ADDRESS). Each test
 * file then makes its own database and task queue, so files run in parallel
 * and leave nothing behind.
 */
import type { TestProject } from 'vitest/node';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../server/config.js';
import { startEmbeddedPostgres } from '../../server/launcher/postgres.js';
import { startTemporalDevServer } from '../../server/launcher/temporal.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    temporalAddress: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = join(ROOT, '.data', `test-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];

  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const pgPort = 20000 + (process.pid % 20000);
    const pg = await startEmbeddedPostgres({ dataDir, port: pgPort, persistent: false });
    stops.push(pg.stop);
    adminUrl = pg.url;
  }
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const temporal = await startTemporalDevServer({
      port: 40000 + (process.pid % 20000),
      logFile: join(dataDir, 'temporal.log'),
    });
    stops.push(temporal.stop);
    temporalAddress = temporal.address;
  }
  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('temporalAddress', temporalAddress);

  return async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  };
}
