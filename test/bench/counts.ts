/**
 * Per-case counts and CPU shares for the bench (issue 22). Counts do not depend on the machine's load, so they
 * can be trusted on a busy machine: workflow tasks, history events, Updates and local activities from Temporal's
 * history; SQL statements (pg_stat_statements), transactions (pg_stat_database) and rows written per table
 * (pg_stat_user_tables) from PostgreSQL. CPU: a V8 profile of this process's main thread plus /proc deltas of
 * this process (all its threads), the Temporal server and PostgreSQL (the postmaster and its backends).
 */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import pg from 'pg';

const EventType = proto.temporal.api.enums.v1.EventType;

/** Statements the bench's load lanes run to find their next task (a person's inbox refresh), kept apart. */
export const POLL_PATTERNS = [
  /^SELECT id FROM tasks WHERE case_id = \$1 AND step_id = \$2/,
  /from ACT_RU_TASK RES/i,
];

export interface PgSnapshot {
  statements: Map<string, number>;
  xacts: number;
  tables: Map<string, { ins: number; upd: number; del: number; hot: number }>;
}

/** pg_stat_statements needs to be preloaded: set it (ALTER SYSTEM) and restart the server before use. */
export async function preloadStatementStats(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
    await c.query(`ALTER SYSTEM SET pg_stat_statements.max = 10000`);
  } finally {
    await c.end();
  }
}

export async function snapshot(url: string): Promise<PgSnapshot> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const db = (await c.query('SELECT current_database() AS d')).rows[0].d as string;
    const s = await c.query(
      `SELECT query, calls::float8 AS calls FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = $1 AND query NOT LIKE '%pg_stat_%'`,
      [db],
    );
    const x = await c.query(
      `SELECT (xact_commit + xact_rollback)::float8 AS n FROM pg_stat_database WHERE datname = $1`,
      [db],
    );
    const t = await c.query(
      `SELECT relname, n_tup_ins::float8 AS ins, n_tup_upd::float8 AS upd, n_tup_del::float8 AS del,
              n_tup_hot_upd::float8 AS hot FROM pg_stat_user_tables`,
    );
    return {
      statements: new Map(s.rows.map((r) => [r.query as string, r.calls as number])),
      // this snapshot's own transactions (3) are not the engine's
      xacts: x.rows[0].n,
      tables: new Map(
        t.rows.map((r) => [r.relname as string, { ins: r.ins, upd: r.upd, del: r.del, hot: r.hot }]),
      ),
    };
  } finally {
    await c.end();
  }
}

/** Backends report their transaction and table counters when idle, at most every 10 s: wait that long. */
export const settle = () => new Promise((r) => setTimeout(r, 11_000));

export interface SqlCounts {
  statements: number;
  /** BEGIN/COMMIT/ROLLBACK sent as statements (pgjdbc's implicit BEGIN is not one) */
  txControl: number;
  polls: number;
  transactions: number;
  rowsWritten: number;
  tables: Record<string, number>;
  /** updates per case by table, and of them HOT (no index entry written: no indexed column changed, room on the page) */
  updates: Record<string, { all: number; hot: number }>;
  top: { calls: number; query: string }[];
}

/** Per-case deltas between two snapshots, less a background rate (statements and transactions per second). */
export function sqlPerCase(
  a: PgSnapshot,
  b: PgSnapshot,
  cases: number,
  background?: { perSecond: SqlCounts; seconds: number },
): SqlCounts {
  let statements = 0;
  let polls = 0;
  let txControl = 0;
  const top: { calls: number; query: string }[] = [];
  for (const [q, calls] of b.statements) {
    const d = calls - (a.statements.get(q) ?? 0);
    if (d <= 0) continue;
    if (POLL_PATTERNS.some((p) => p.test(q))) polls += d;
    else statements += d;
    if (/^(BEGIN|COMMIT|ROLLBACK)\b/i.test(q)) txControl += d;
    top.push({ calls: d, query: q.replace(/\s+/g, ' ').slice(0, 160) });
  }
  top.sort((x, y) => y.calls - x.calls);
  const tables: Record<string, number> = {};
  const updates: Record<string, { all: number; hot: number }> = {};
  let rowsWritten = 0;
  for (const [t, v] of b.tables) {
    const upd = v.upd - (a.tables.get(t)?.upd ?? 0);
    if (upd > 0) updates[t] = { all: upd, hot: v.hot - (a.tables.get(t)?.hot ?? 0) };
    const w =
      v.ins +
      v.upd +
      v.del -
      ((a.tables.get(t)?.ins ?? 0) + (a.tables.get(t)?.upd ?? 0) + (a.tables.get(t)?.del ?? 0));
    if (w > 0) {
      tables[t] = w;
      rowsWritten += w;
    }
  }
  // the snapshot's own three transactions; each poll is one autocommit transaction of its own
  let transactions = b.xacts - a.xacts - 3 - polls;
  const bg = background ? background.seconds : 0;
  if (background) {
    statements -= background.perSecond.statements * bg;
    transactions -= background.perSecond.transactions * bg;
  }
  const per = (n: number) => Math.round((n / cases) * 10) / 10;
  return {
    statements: per(statements),
    txControl: per(txControl),
    polls: per(polls),
    transactions: per(transactions),
    rowsWritten: per(rowsWritten),
    tables: Object.fromEntries(Object.entries(tables).map(([k, v]) => [k, per(v)])),
    updates: Object.fromEntries(
      Object.entries(updates).map(([k, v]) => [k, { all: per(v.all), hot: per(v.hot) }]),
    ),
    top: top.slice(0, 25).map((t) => ({ calls: per(t.calls), query: t.query })),
  };
}

export interface HistoryCounts {
  events: number;
  workflowTasks: number;
  updates: number;
  localActivities: number;
  activities: number;
  timers: number;
  /** activities (not local) by type */
  activityTypes?: Record<string, number>;
}

/** Means per workflow over `ids`, from Temporal's history. */
export async function historyPerCase(client: Client, ids: string[]): Promise<HistoryCounts> {
  const sum: HistoryCounts = {
    events: 0,
    workflowTasks: 0,
    updates: 0,
    localActivities: 0,
    activities: 0,
    timers: 0,
  };
  const types: Record<string, number> = {};
  for (const id of ids) {
    const { events } = await client.workflow.getHandle(id).fetchHistory();
    for (const e of events ?? []) {
      sum.events++;
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) sum.workflowTasks++;
      else if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) sum.updates++;
      else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        sum.activities++;
        const name = e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
        types[name] = (types[name] ?? 0) + 1;
      } else if (e.eventType === EventType.EVENT_TYPE_TIMER_STARTED) sum.timers++;
      else if (
        e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED &&
        e.markerRecordedEventAttributes?.markerName === 'core_local_activity'
      )
        sum.localActivities++;
    }
  }
  const per = (n: number) => Math.round((n / ids.length) * 10) / 10;
  return {
    ...(Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, per(v)])) as unknown as HistoryCounts),
    activityTypes: Object.fromEntries(Object.entries(types).map(([k, v]) => [k, per(v)])),
  };
}

/** CPU seconds (user + system) of a process and, with `children`, of its live children and reaped ones. */
export function cpuOf(pid: number, children = false): number {
  const tick = 100; // USER_HZ on Linux
  const fields = (p: number) => {
    try {
      const s = readFileSync(`/proc/${p}/stat`, 'utf8');
      return s.slice(s.lastIndexOf(')') + 2).split(' ');
    } catch {
      return undefined; // exited meanwhile
    }
  };
  const own = fields(pid);
  if (!own) return 0;
  // fields after the name start at state (field 3): utime 14, stime 15, cutime 16, cstime 17
  let t = Number(own[11]) + Number(own[12]);
  if (children) {
    t += Number(own[13]) + Number(own[14]);
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      const f = fields(Number(d));
      if (f && Number(f[1]) === pid) t += Number(f[11]) + Number(f[12]);
    }
  }
  return t / tick;
}

/** CPU seconds of each thread of `pid` (tid → comm, seconds). */
export function threadCpu(pid: number): Map<number, { comm: string; cpu: number }> {
  const out = new Map<number, { comm: string; cpu: number }>();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out.set(Number(t), {
        comm: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')),
        cpu: (Number(f[11]) + Number(f[12])) / 100,
      });
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/**
 * Where a main-thread sample belongs: by the first caller that is neither native nor Node's own (a socket write
 * belongs to the gRPC or pg client that wrote), else by Node's module, else by the function.
 */
function category(chain: { url: string; functionName: string }[]): string {
  const fn = chain[0].functionName;
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'GC (main thread)';
  if (fn === '(program)' || fn === '(root)') return 'V8/native, unattributed';
  const url =
    chain.find((c) => c.url && !c.url.startsWith('node:'))?.url ?? chain.find((c) => c.url)?.url ?? '';
  if (
    /@temporalio\/(proto|common\/lib\/converter)|protobufjs|\/long\/|server\/temporal\/codec|encryption/.test(
      url,
    )
  )
    return 'codec (protobuf, payload encryption)';
  if (/@grpc\/|@temporalio\/client/.test(url)) return 'gRPC client (load generator → Temporal)';
  if (/@temporalio\/(worker|core-bridge|workflow|common)|\/rxjs\//.test(url))
    return 'worker SDK (activations, core bridge, rxjs)';
  if (/\/(pg|pg-protocol|pg-pool|pg-types)\//.test(url)) return 'pg client';
  if (/\/(activities|server|store|forms|workflows)\//.test(url)) return 'our activities/services';
  if (/test\/bench\//.test(url)) return 'load generator';
  if (/^node:/.test(url)) return 'node runtime (timers, streams, async hooks)';
  return `other`;
}

export interface CpuShare {
  cases: number;
  seconds: number;
  /** CPU ms per case */
  perCase: Record<string, number>;
  mainThread: Record<string, number>;
  threads: { tid: number; comm: string; role: string; ms: number }[];
  profile: string;
}

/**
 * Run `load` (which returns cases completed) while sampling CPU: /proc deltas of each thread of this process, of
 * the Temporal server and of PostgreSQL, and a V8 CPU profile of this process's main thread (written to
 * `profilePath`; open it in Chrome DevTools) that splits the main thread's CPU by its share of busy samples.
 * `workflowThreads`: the threads Worker.create started (Temporal runs workflows in worker_threads).
 */
export async function cpuShare(
  pids: { temporal: number; postmaster: number },
  workflowThreads: Set<number>,
  profilePath: string,
  load: () => Promise<number>,
): Promise<CpuShare> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  const before = {
    threads: threadCpu(process.pid),
    node: cpuOf(process.pid),
    temporal: cpuOf(pids.temporal),
    pg: cpuOf(pids.postmaster, true),
  };
  const t0 = performance.now();
  await session.post('Profiler.start');
  const cases = await load();
  const { profile } = await session.post('Profiler.stop');
  const seconds = (performance.now() - t0) / 1000;
  const after = {
    threads: threadCpu(process.pid),
    node: cpuOf(process.pid),
    temporal: cpuOf(pids.temporal),
    pg: cpuOf(pids.postmaster, true),
  };
  session.disconnect();
  writeFileSync(profilePath, JSON.stringify(profile));
  const ms = (s: number) => Math.round(((s * 1000) / cases) * 10) / 10;
  // threads: main, the workflow threads, and the rest by name
  const threads: CpuShare['threads'] = [];
  const byRole: Record<string, number> = {};
  for (const [tid, t] of after.threads) {
    const d = t.cpu - (before.threads.get(tid)?.cpu ?? 0);
    // Node names its threads `node`; the Rust core names its own (tokio-runtime-w, workflow-processing…)
    const role =
      tid === process.pid
        ? 'main thread'
        : t.comm !== 'node'
          ? 'Temporal core threads (Rust: gRPC, workflow state machines)'
          : workflowThreads.has(tid)
            ? 'workflow thread (the sandbox: workflow code in its VM contexts)'
            : 'other node threads (V8 GC/compiler helpers, libuv)';
    byRole[role] = (byRole[role] ?? 0) + d;
    if (d > 0) threads.push({ tid, comm: t.comm, role, ms: ms(d) });
  }
  // the main thread's CPU split by the share of its busy samples
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hits = new Map<number, number>();
  for (const s of profile.samples ?? []) hits.set(s, (hits.get(s) ?? 0) + 1);
  const samples: Record<string, number> = {};
  for (const [id, n] of hits) {
    const chain = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
      chain.push(byNode.get(at)!.callFrame);
    const c = category(chain);
    samples[c] = (samples[c] ?? 0) + n;
  }
  const busy = Object.entries(samples).reduce((a, [k, v]) => (k === 'idle' ? a : a + v), 0);
  const mainCpu = byRole['main thread'] ?? 0;
  const perCase: Record<string, number> = {};
  for (const [k, v] of Object.entries(samples).sort((a, b) => b[1] - a[1]))
    if (k !== 'idle') perCase[`node main thread: ${k}`] = ms((mainCpu * v) / busy);
  for (const [k, v] of Object.entries(byRole)) if (k !== 'main thread') perCase[`node ${k}`] = ms(v);
  perCase['node process total'] = ms(after.node - before.node);
  perCase['Temporal dev server'] = ms(after.temporal - before.temporal);
  perCase['PostgreSQL (postmaster + backends)'] = ms(after.pg - before.pg);
  perCase['all three'] = ms(
    after.node - before.node + after.temporal - before.temporal + after.pg - before.pg,
  );
  return {
    cases,
    seconds: Math.round(seconds * 10) / 10,
    perCase,
    mainThread: Object.fromEntries(
      Object.entries(samples).map(([k, v]) => [k, Math.round((1000 * v) / busy) / 10]),
    ),
    threads: threads.sort((a, b) => b.ms - a.ms),
    profile: profilePath,
  };
}
