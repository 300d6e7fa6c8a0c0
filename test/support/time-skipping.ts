/** Temporal's time-skipping test server (from .tools/) with a real worker on its own task queue over a test database. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../server/config.js';
import type pg from 'pg';
import { findTestServerBinary } from '../../server/launcher/temporal.js';
import { dataConverter, workflowBundle, workerActivities } from '../../server/temporal/connect.js';

/** A script that runs the test server under `faketime` starting at `startAt` (scripts/ensure-faketime.mjs installs it). */
function fakeTimeWrapper(startAt: string): string {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(startAt))
    throw new Error(`startAt must look like 2026-09-24 02:00:00, got ${startAt}`);
  const dir = join(ROOT, '.tools', 'faketime');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `test-server-${startAt.replace(/\D/g, '')}.sh`);
  // preload libfaketime directly (not through the `faketime` wrapper, which forks): the server keeps its pid, so teardown stops it
  const lib = [
    '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
    '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
  ].find((p) => existsSync(p));
  if (!lib)
    throw new Error(
      'libfaketime is missing: run `node scripts/ensure-faketime.mjs` (apt-get install faketime)',
    );
  writeFileSync(
    path,
    `#!/bin/sh\nTZ=UTC FAKETIME="@${startAt}" LD_PRELOAD="${lib}" exec "${findTestServerBinary()}" "$@"\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

export const CODEC_KEYS = [{ id: 'test', key: Buffer.alloc(32, 3) }];

/**
 * `startAt` (UTC, "2026-09-24 02:00:00") starts the server's clock at that moment through libfaketime,
 * so a drill can walk real holiday periods of the official calendar (the test server only moves forward).
 */
export async function startTimeSkipping(
  db: pg.Pool,
  queuePrefix: string,
  opts: { daySeconds?: number; startAt?: string } = {},
) {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: {
      executable: {
        type: 'existing-path',
        path: opts.startAt ? fakeTimeWrapper(opts.startAt) : findTestServerBinary(),
      },
    },
    client: { dataConverter: dataConverter(CODEC_KEYS) },
  });
  const taskQueue = `${queuePrefix}-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    // schedule rounds start cases through the service layer, on this same server and queue
    activities: workerActivities(db, {
      db,
      temporal: env.client,
      taskQueue,
      daySeconds: opts.daySeconds ?? 86400,
    }),
    dataConverter: dataConverter(CODEC_KEYS),
  });
  const running = worker.run();
  return {
    env,
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}
