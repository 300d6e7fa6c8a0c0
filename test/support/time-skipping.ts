/** Temporal's time-skipping test server (from .tools/) with a real worker on its own task queue over a test database. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createActivities } from '../../activities/index.js';
import { findTestServerBinary } from '../../server/launcher/temporal.js';
import { dataConverter, workflowBundle } from '../../server/temporal/connect.js';

export const CODEC_KEYS = [{ id: 'test', key: Buffer.alloc(32, 3) }];

export async function startTimeSkipping(db: pg.Pool, queuePrefix: string, opts: { daySeconds?: number } = {}) {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: findTestServerBinary() } },
    client: { dataConverter: dataConverter(CODEC_KEYS) },
  });
  const taskQueue = `${queuePrefix}-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    // schedule rounds start cases through the service layer, on this same server and queue
    activities: createActivities(db, { db, temporal: env.client, taskQueue, daySeconds: opts.daySeconds ?? 86400 }),
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
