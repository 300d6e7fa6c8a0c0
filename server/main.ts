/**
 * `npm start`: the embedded default. Starts (or connects to) PostgreSQL and
 * Temporal, migrates, loads the demo county when the database is empty,
 * runs the worker and the API + web, and stops everything it started on
 * Ctrl-C / SIGTERM.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { appLoginUrl, appRole, checkDatabase, createPool, DatabaseUnreachableError, migrate } from './db.js';
import { startEmbeddedPostgres, type RunningPostgres } from './launcher/postgres.js';
import { claimDataDir } from './launcher/orphans.js';
import { MissingToolError, startTemporalDevServer, type RunningTemporal } from './launcher/temporal.js';
import { connectClient, createWorker, NativeConnection } from './temporal/connect.js';
import { createApp } from './app.js';
import { createLogger } from './log.js';
import { bootstrapData } from './services/bootstrap.js';
import { serviceDeps } from './services/deps.js';
import { syncPackSchedules } from './services/schedules.js';
import { notifyMissingCalendar } from './services/calendar.js';
import { sweepAbandonedUploads } from './services/uploads.js';
import { deliverOrgSyncs } from './services/org-tree.js';
import { escalateOverdueWarnings } from '../store/household-store.js';

async function main(): Promise<void> {
  const t0 = Date.now();
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    for (const stop of stops.reverse())
      await stop().catch((err) => log.warn({ err: String(err) }, 'stop failed'));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (!config.databaseUrl || !config.temporalAddress) {
    // the embedded servers' data folder is this app's while it runs; a start after a crash stops what the
    // crashed one left running (see launcher/orphans.ts)
    mkdirSync(config.dataDir, { recursive: true });
    const release = claimDataDir(config.dataDir);
    stops.push(async () => release());
  }
  let databaseUrl = config.databaseUrl;
  if (databaseUrl) {
    await checkDatabase(databaseUrl);
  } else {
    const pg: RunningPostgres = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      persistent: true,
    });
    stops.push(pg.stop);
    databaseUrl = pg.url;
  }
  await migrate(databaseUrl);
  // the API and the worker log in as the application role (the owner only migrates): they can append to the
  // audit log, never rewrite it, and cannot switch its trigger off
  const appUrl = await appLoginUrl(databaseUrl);
  const role = appUrl ? undefined : await appRole(databaseUrl);
  if (!appUrl) {
    log.warn(
      role
        ? 'database login zhenxing_app could not be set up: acting as it through SET ROLE on the connecting user'
        : 'database role zhenxing_app is not available: running as the connecting user (the audit trigger still guards the log)',
    );
  }
  const db = createPool(appUrl ?? databaseUrl, 20, { role });
  stops.push(() => db.end());

  let temporalAddress = config.temporalAddress;
  let temporalUi: string | undefined;
  if (!temporalAddress) {
    const temporal: RunningTemporal = await startTemporalDevServer({
      dataDir: config.dataDir,
      port: config.temporalPort,
      uiPort: config.temporalUiPort,
      namespace: config.temporalNamespace,
      logFile: join(config.dataDir, 'temporal.log'),
    });
    stops.push(temporal.stop);
    temporalAddress = temporal.address;
    temporalUi = temporal.uiUrl;
  }
  const { client, connection } = await connectClient({
    address: temporalAddress,
    namespace: config.temporalNamespace,
    codecKeys: config.codecKeys,
  });
  stops.push(() => connection.close());

  await bootstrapData({ db, config, log });
  // the pack's follow-up schedules (S5) as Temporal Schedules: created once, kept in step with the pack
  const synced = await syncPackSchedules(serviceDeps(config, db, client));
  log.info(synced, 'schedules in step with the pack');

  if (config.runWorker) {
    const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
    const worker = await createWorker({
      connection: nativeConnection,
      namespace: config.temporalNamespace,
      taskQueue: config.taskQueue,
      db,
      codecKeys: config.codecKeys,
      services: serviceDeps(config, db, client),
    });
    const running = worker.run();
    stops.push(async () => {
      // the SDK's worker drains by itself on SIGINT/SIGTERM; ask only if it has not begun
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await nativeConnection.close();
    });
  }

  if (config.runApi) {
    const app = createApp({ config, db, temporal: client, log });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(config.port, config.host, () => resolve(s));
    });
    stops.push(
      () =>
        new Promise((resolve) => {
          server.close(() => resolve());
          // open event streams (live inbox) would otherwise keep the server alive
          server.closeAllConnections();
        }),
    );
    // housekeeping, at start and then hourly; a failure is logged and the next hour tries again
    const hourly = (what: string, run: () => Promise<unknown>) => {
      const tick = () =>
        run().catch((err) => log.error({ err: { message: (err as Error).message } }, `${what} failed`));
      void tick();
      const timer = setInterval(tick, 3_600_000);
      timer.unref();
      stops.push(async () => clearInterval(timer));
    };
    // 节假日安排: sixty days before a year ends without the next one, administrators are told (once per year)
    hourly('holiday calendar check', async () => {
      const n = await notifyMissingCalendar(db);
      if (n)
        log.warn({ notified: n }, 'next year of the holiday calendar is missing: administrators notified');
    });
    // 跟踪盯办 department warnings still unchecked past their time are escalated to the township (once each)
    hourly('warning escalation', async () => {
      const r = await escalateOverdueWarnings(db);
      if (r.escalated.length) log.info({ escalated: r.escalated.length }, 'overdue warnings escalated');
    });
    // 区划调整 running cases a node move could not tell at once (Temporal was away) are told now
    hourly('org move delivery', async () => {
      const told = await deliverOrgSyncs(db, client);
      if (told) log.info({ told }, 'running cases told their org after a move');
    });
    // 断点续传 uploads a phone never finished are deleted after UPLOAD_RETENTION_DAYS without a chunk
    hourly('abandoned upload sweep', async () => {
      const r = await sweepAbandonedUploads(db);
      if (r.swept.length) log.info({ swept: r.swept.length }, 'abandoned uploads swept');
    });
    const url = `http://${config.host}:${config.port}`;
    const lines = [
      '',
      `  振兴 Zhenxing is running (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      `  App:          ${url}`,
      `  Public board: ${url}/public`,
      `  Health:       ${url}/healthz`,
      temporalUi ? `  Temporal UI:  ${temporalUi}` : `  Temporal:     ${temporalAddress}`,
      config.demo
        ? `  Demo login:   admin / ${config.demoPassword === 'zhenxing' ? 'zhenxing' : '(ZX_DEMO_PASSWORD)'} — all demo users, see README`
        : '',
      config.daySeconds !== 86400
        ? `  Demo time:    one policy day lasts ${config.daySeconds} s (ZX_DAY_SECONDS)`
        : '',
      '  Stop with Ctrl-C.',
      '',
    ];
    console.log(lines.filter(Boolean).join('\n'));
  }
}

main().catch((err) => {
  if (
    err instanceof ConfigError ||
    err instanceof DatabaseUnreachableError ||
    err instanceof MissingToolError
  ) {
    console.error(`[zhenxing] ${err.message}`);
  } else {
    console.error(`[zhenxing] failed to start: ${(err as Error)?.message ?? err}`);
  }
  process.exit(1);
});
