/**
 * The bench's peer (issue 22): Flowable embedded (bench/peers/flowable, a small Maven project) walking P1's case
 * shape against a fresh database in the bench's own PostgreSQL (our embedded binaries). This module builds it when
 * needed, starts the JVM once (so it stays warm between the alternating runs, as our worker does) and drives it
 * over stdin/stdout, one JSON answer a line. A machine without Java or Maven gets `{ skipped }`, never an error.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { ROOT } from '../../server/config.js';

export const PEER_DIR = join(ROOT, 'bench', 'peers', 'flowable');
export const PEER_DATABASE = 'flowable_peer';

export interface PeerRun {
  cases: number;
  seconds: number;
  rate: number;
  retries: number;
  /** cases that threw (not counted in `cases`) */
  failed: number;
}

export interface FlowablePeer {
  pid: number;
  /** the peer's database, for the per-case counts */
  url: string;
  /** lanes walk cases until `seconds` have passed; cases completed ÷ wall seconds, as run.ts counts P1 */
  run(seconds: number, lanes: number): Promise<PeerRun>;
  /** exactly `n` cases over `lanes` lanes */
  cases(n: number, lanes: number): Promise<PeerRun>;
  stop(): Promise<void>;
}

function has(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Compile the peer (offline first, from the local Maven repository; online once when that fails). */
export function buildFlowablePeer(): { classpath: string } | { skipped: string } {
  if (!has('java', ['-version']) || !has('mvn', ['-v']))
    return { skipped: 'skipped: Java/Maven not found (the Flowable peer needs java ≥ 17 and mvn on PATH)' };
  const built = join(PEER_DIR, 'target', 'classes', 'zx', 'peer', 'FlowablePeer.class');
  const cpFile = join(PEER_DIR, 'target', 'classpath.txt');
  const sources = Math.max(newest(join(PEER_DIR, 'src')), statSync(join(PEER_DIR, 'pom.xml')).mtimeMs);
  if (!existsSync(built) || !existsSync(cpFile) || statSync(built).mtimeMs < sources) {
    const goals = [
      '-B',
      '-q',
      'compile',
      'dependency:build-classpath',
      '-Dmdep.outputFile=target/classpath.txt',
    ];
    console.log('building the Flowable peer (mvn)…');
    let r = spawnSync('mvn', ['-o', ...goals], { cwd: PEER_DIR, encoding: 'utf8' });
    if (r.status !== 0) r = spawnSync('mvn', goals, { cwd: PEER_DIR, encoding: 'utf8' });
    if (r.status !== 0) {
      const said = `${r.stdout}${r.stderr}`.trim().split('\n').filter(Boolean).slice(-3).join(' / ');
      return { skipped: `skipped: the Flowable peer did not build (mvn): ${said}` };
    }
  }
  return { classpath: `${join(PEER_DIR, 'target', 'classes')}:${readFileSync(cpFile, 'utf8').trim()}` };
}

/** A fresh database `flowable_peer` in the server of `pgUrl` (dropped first if an earlier run left it). */
async function freshDatabase(pgUrl: string): Promise<string> {
  const admin = new URL(pgUrl);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${PEER_DATABASE} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${PEER_DATABASE}`);
  } finally {
    await c.end();
  }
  const url = new URL(pgUrl);
  url.pathname = `/${PEER_DATABASE}`;
  return url.toString();
}

export async function startFlowablePeer(pgUrl: string): Promise<FlowablePeer | { skipped: string }> {
  const build = buildFlowablePeer();
  if ('skipped' in build) return build;
  const url = await freshDatabase(pgUrl);
  const u = new URL(url);
  const jdbc = `jdbc:postgresql://${u.hostname}:${u.port}${u.pathname}`;
  const child: ChildProcess = spawn(
    'java',
    [
      '-cp',
      build.classpath,
      'zx.peer.FlowablePeer',
      jdbc,
      decodeURIComponent(u.username),
      decodeURIComponent(u.password),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const orphaned = () => child.kill('SIGKILL');
  process.on('exit', orphaned);
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  let exited: number | null = null;
  const failAll = () => {
    for (const w of waiting.splice(0)) w(JSON.stringify({ error: `the Flowable peer exited (${exited})` }));
  };
  child.on('exit', (code) => {
    exited = code ?? -1;
    process.off('exit', orphaned);
    failAll();
  });
  lines.on('line', (line) => {
    if (line.startsWith('{')) waiting.shift()?.(line);
    else console.log(`[flowable] ${line}`);
  });
  const answer = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      if (exited !== null) return reject(new Error(`the Flowable peer exited (${exited})`));
      waiting.push((line) => {
        const v = JSON.parse(line) as Record<string, unknown>;
        if (v.error) reject(new Error(String(v.error)));
        else resolve(v);
      });
    });
  await answer(); // {"ready":true}: schema created, process deployed
  const send = async (cmd: string) => {
    const reply = answer();
    child.stdin!.write(`${cmd}\n`);
    return (await reply) as unknown as PeerRun;
  };
  return {
    pid: child.pid!,
    url,
    run: (seconds, lanes) => send(`run ${seconds} ${lanes}`),
    cases: (n, lanes) => send(`cases ${n} ${lanes}`),
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.stdin!.end('quit\n');
      }),
  };
}
