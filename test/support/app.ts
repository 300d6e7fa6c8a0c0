/**
 * A real app for API tests: the Express server on a random port, a worker on
 * its own task queue against the shared Temporal dev server, and a fresh
 * database with the Hunan pack (and optionally the demo county) loaded.
 */
import { Worker } from '@temporalio/worker';
import { NativeConnection } from '@temporalio/worker';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig, type PublicLimits } from '../../server/config.js';
import { createApp } from '../../server/app.js';
import { createLogger } from '../../server/log.js';
import {
  connectClient,
  dataConverter,
  workflowBundle,
  workerActivities,
} from '../../server/temporal/connect.js';
import { readPackFolder } from '../../server/services/packs.js';
import { loadDemoCounty } from '../../server/services/bootstrap.js';
import { importValidatedPack } from '../../server/services/process-publish.js';
import { serviceDeps, type ServiceDeps } from '../../server/services/deps.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { quietRuntime } from './engine.js';

export interface TestApp {
  url: string;
  tdb: TestDatabase;
  svc: ServiceDeps;
  logs: string[];
  as(username: string, password?: string): Promise<ApiClient>;
  anonymous(): ApiClient;
  close(): Promise<void>;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiClient {
  get<T = any>(path: string): Promise<ApiResponse<T>>;
  post<T = any>(
    path: string,
    body?: unknown,
    opts?: { raw?: string; contentType?: string },
  ): Promise<ApiResponse<T>>;
  /** the session cookie (for a raw fetch of a file) */
  cookie?: string;
  /** raw bytes with extra headers (a resumable upload's chunk) */
  put<T = any>(path: string, bytes: Uint8Array, headers?: Record<string, string>): Promise<ApiResponse<T>>;
}

export async function createTestApp(
  opts: { demo?: boolean; daySeconds?: number; publicLimits?: Partial<PublicLimits> } = {},
): Promise<TestApp> {
  quietRuntime();
  const tdb = await createTestDatabase();
  const bundle = readPackFolder('hunan');
  await importValidatedPack(tdb.db, bundle);
  if (opts.demo !== false) await loadDemoCounty(tdb.db, 'zhenxing');
  const taskQueue = `api-${randomUUID()}`;
  const config = {
    ...loadConfig({
      NODE_ENV: 'test',
      ZX_TASK_QUEUE: taskQueue,
      ZX_DAY_SECONDS: String(opts.daySeconds ?? 86400),
    }),
    temporalAddress: inject('temporalAddress'),
  };
  config.publicLimits = { ...config.publicLimits, ...opts.publicLimits };
  const { client, connection } = await connectClient({
    address: config.temporalAddress!,
    namespace: 'default',
    codecKeys: config.codecKeys,
  });
  const native = await NativeConnection.connect({ address: config.temporalAddress! });
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: workerActivities(tdb.db, serviceDeps(config, tdb.db, client)),
    dataConverter: dataConverter(config.codecKeys),
  });
  const running = worker.run();
  const logs: string[] = [];
  // collect every log line the app writes, to check it never contains personal data
  const appLog = createLogger('info', { write: (line: string) => void logs.push(line) });
  const app = createApp({ config, db: tdb.db, temporal: client, log: appLog });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;

  const make = (cookie?: string, csrf?: string): ApiClient => ({
    cookie,
    async get(path) {
      const res = await fetch(url + path, { headers: cookie ? { cookie } : {} });
      return { status: res.status, body: await parse(res), headers: res.headers };
    },
    async post(path, body, o = {}) {
      const headers: Record<string, string> = { 'content-type': o.contentType ?? 'application/json' };
      if (cookie) headers.cookie = cookie;
      if (csrf) headers['x-csrf-token'] = csrf;
      const res = await fetch(url + path, {
        method: 'POST',
        headers,
        body: o.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      return { status: res.status, body: await parse(res), headers: res.headers };
    },
    async put(path, bytes, extra = {}) {
      const headers: Record<string, string> = {
        'content-type': 'application/offset+octet-stream',
        ...extra,
      };
      if (cookie) headers.cookie = cookie;
      if (csrf) headers['x-csrf-token'] = csrf;
      const res = await fetch(url + path, {
        method: 'PUT',
        headers,
        body: new Blob([new Uint8Array(bytes)]),
      });
      return { status: res.status, body: await parse(res), headers: res.headers };
    },
  });

  return {
    url,
    tdb,
    svc: serviceDeps(config, tdb.db, client),
    logs,
    anonymous: () => make(),
    async as(username, password = 'zhenxing') {
      const res = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
      const { csrfToken } = await res.json();
      return make(cookie, csrfToken);
    },
    async close() {
      await new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      });
      worker.shutdown();
      await running;
      await native.close();
      await connection.close();
      await tdb.drop();
    },
  };
}

async function parse(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
