/**
 * The launcher leaves no orphans: after `kill -9` of the app, its PostgreSQL and Temporal dev server stop
 * by themselves (watchdog); and when even the watchdogs were killed, the next start finds the servers by
 * their pid files, stops them, says so, and comes up healthy without manual cleanup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../server/config.js';
import { alive } from '../../server/launcher/orphans.js';

const dataDir = join(ROOT, '.data', `orphans-${process.pid}`);
const base = 21000 + (process.pid % 2000) * 4;
const ports = { app: base, pg: base + 1, temporal: base + 2, ui: base + 3 };
const started: ChildProcess[] = [];

interface Launch {
  child: ChildProcess;
  output: () => string;
}

/** `npm start`'s main, as its own node process (the process `kill -9` hits), with its own folder and ports. */
function launch(): Launch {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    ZX_DEMO: '0',
    ZX_DATA_DIR: dataDir,
    PORT: String(ports.app),
    ZX_PG_PORT: String(ports.pg),
    ZX_TEMPORAL_PORT: String(ports.temporal),
    ZX_TEMPORAL_UI_PORT: String(ports.ui),
    ZX_TASK_QUEUE: `orphans-${process.pid}`,
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  return { child, output: () => out };
}

async function healthy(l: Launch, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (l.child.exitCode !== null) throw new Error(`the app exited with ${l.child.exitCode}:\n${l.output()}`);
    try {
      const r = await fetch(`http://127.0.0.1:${ports.app}/healthz`);
      if (r.status === 200 && (await r.json()).status === 'ok') return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`not healthy within ${timeoutMs} ms:\n${l.output()}`);
}

const pidIn = (file: string) => Number(readFileSync(file, 'utf8').split('\n')[0]);
const serverPids = () => ({
  pg: pidIn(join(dataDir, 'postgres', 'postmaster.pid')),
  temporal: pidIn(join(dataDir, 'temporal.pid')),
});

async function gone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  return !alive(pid);
}

async function killHard(l: Launch) {
  l.child.kill('SIGKILL');
  await new Promise((r) =>
    l.child.exitCode !== null || l.child.signalCode !== null ? r(null) : l.child.once('exit', r),
  );
}

/** the watchdog shell loops of the app with this pid */
function watchdogsOf(appPid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
        return argv.includes('zx-watchdog') && argv.includes(String(appPid));
      } catch {
        return false;
      }
    })
    .map(Number);
}

afterAll(async () => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 3000));
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the launcher leaves no orphans', () => {
  it('stops PostgreSQL and Temporal when the app is killed with kill -9, and starts again without cleanup', async () => {
    rmSync(dataDir, { recursive: true, force: true });
    const first = launch();
    await healthy(first);
    const pids = serverPids();
    expect(alive(pids.pg) && alive(pids.temporal)).toBe(true);
    await killHard(first);
    expect(await gone(pids.temporal, 30_000), 'Temporal stopped with the app').toBe(true);
    expect(await gone(pids.pg, 30_000), 'PostgreSQL stopped with the app').toBe(true);

    const second = launch();
    await healthy(second);
    expect(second.output()).not.toMatch(/Cannot read properties/);
    await killHard(second);
    await gone(serverPids().pg, 30_000);
  }, 600_000);

  it('finds the servers a killed start left running (even its watchdogs killed), stops them, says so, and is healthy', async () => {
    const first = launch();
    await healthy(first);
    const pids = serverPids();
    for (const w of watchdogsOf(first.child.pid!)) process.kill(w, 'SIGKILL');
    await killHard(first);
    await new Promise((r) => setTimeout(r, 1500));
    expect(alive(pids.pg) && alive(pids.temporal), 'the servers were left running').toBe(true);

    const next = launch();
    await healthy(next);
    expect(next.output()).toMatch(/PostgreSQL was left running by an earlier start/);
    expect(next.output()).toMatch(/Temporal dev server was left running by an earlier start/);
    expect(alive(pids.pg) || alive(pids.temporal)).toBe(false);
    expect(next.output()).not.toMatch(/Cannot read properties/);

    // a normal stop takes everything down and gives the folder back
    const now = serverPids();
    next.child.kill('SIGTERM');
    await new Promise((r) => (next.child.exitCode !== null ? r(null) : next.child.once('exit', r)));
    expect(await gone(now.pg, 30_000)).toBe(true);
    expect(await gone(now.temporal, 30_000)).toBe(true);
    expect(existsSync(join(dataDir, 'launcher.pid'))).toBe(false);
  }, 600_000);
});
