/** Temporal client and worker wiring: one data converter (with the codec) for both. */
import { Client, Connection } from '@temporalio/client';
import {
  NativeConnection,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { join } from 'node:path';
import type pg from 'pg';
import { ROOT } from '../config.js';
import { createActivities } from '../../activities/index.js';
import { AesGcmCodec } from './codec.js';
import type { ServiceDeps } from '../services/deps.js';
import { runRound } from '../services/schedules.js';

export const WORKFLOWS_PATH = join(ROOT, 'workflows', 'index.ts');

export function dataConverter(keys: { id: string; key: Buffer }[]) {
  return { payloadCodecs: [new AesGcmCodec(keys)] };
}

export async function connectClient(opts: {
  address: string;
  namespace: string;
  codecKeys: { id: string; key: Buffer }[];
}) {
  const connection = await Connection.connect({ address: opts.address });
  const client = new Client({
    connection,
    namespace: opts.namespace,
    dataConverter: dataConverter(opts.codecKeys),
  });
  return { client, connection };
}

/**
 * How the workflow code is bundled (every bundle: the worker's, the drills', the bench's).
 *
 * `preloadModules`: the worker runs every workflow in one reused V8 context, and each workflow evaluates its
 * own copy of every module it imports. A module listed here is evaluated once per context and shared, frozen,
 * by all workflows — only pure data may be: the holiday calendar (37 KB of JSON, parsed at every case start
 * before; ≈ 40 % of a case start's module evaluation in the CPU profile of 2026-12-03).
 */
export const BUNDLE_OPTIONS = {
  logger: quietLoggerOf(),
  preloadModules: ['chinese-days/dist/chinese-days.json'],
};

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundle the workflow code once per process (webpack + swc take a few seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ ...BUNDLE_OPTIONS, workflowsPath: WORKFLOWS_PATH });
  return bundle;
}

function quietLoggerOf() {
  return {
    log: () => {},
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (m: string) => console.error(m),
  };
}

export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: pg.Pool;
  codecKeys: { id: string; key: Buffer }[];
  /** lets the worker run schedule rounds (they start cases through the service layer) */
  services?: ServiceDeps;
  maxConcurrentActivityTaskExecutions?: number;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: workerActivities(opts.db, opts.services),
    dataConverter: dataConverter(opts.codecKeys),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 50,
    maxCachedWorkflows: 2000,
  });
}

/**
 * Every activity a case worker registers; with `services` the worker also runs schedule rounds, which
 * start cases through the service layer (handed to the activities room so it never imports the server).
 */
export function workerActivities(db: pg.Pool, services?: ServiceDeps) {
  return createActivities(db, services && ((input, onProgress) => runRound(services, input, onProgress)));
}

export { NativeConnection };
