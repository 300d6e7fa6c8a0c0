/**
 * 定时任务 S5 follow-ups as Temporal Schedules: the quarterly assistance-effect
 * assessment of every monitored household, the twice-yearly sweep of every
 * village, the monthly department-data comparison of every county and the
 * twice-yearly review of households monitored for over two years.
 *
 * A pack declares them (`pack.json` → `schedules`: process, calendar, which
 * targets); `syncSchedules` makes one Temporal Schedule per entry. Each firing
 * starts a `scheduledRoundWorkflow`, whose activity calls `runRound` here: it
 * lists the targets in PostgreSQL and starts one case per target through the
 * same `startCase` the API uses. A round is idempotent (request id = round id +
 * target), so a retried activity never starts a case twice.
 */
import {
  MONTHS,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type CalendarSpec,
} from '@temporalio/client';
import type pg from 'pg';
import type { ScheduleView } from '../../shared/api-types.js';
import type { Text } from '../../workflows/definition.js';
import type { RoundInput, RoundReport } from '../../workflows/contract.js';
import { caseIdFor, SCHEDULER, startCase } from './cases.js';
import type { ServiceDeps } from './deps.js';
import { workflowType, type WorkflowOf } from '../temporal/workflow-types.js';
import { paramsForYear } from './catalog.js';
import { installedPacks } from './packs.js';
import { appendAudit } from '../../store/audit.js';
import { inTransaction } from '../db.js';
import { domain } from '../errors.js';

export const TARGET_KINDS = [
  'monitored-households',
  'long-monitored-households',
  'villages',
  'counties',
] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const TARGET_TITLES: Record<TargetKind, Text> = {
  'monitored-households': { zh: '每个监测户', en: 'every monitored household' },
  'long-monitored-households': {
    zh: '纳入监测超过规定年限的监测户',
    en: 'households monitored longer than the threshold',
  },
  villages: { zh: '每个村', en: 'every village' },
  counties: { zh: '每个县', en: 'every county' },
};

export interface ScheduleEntry {
  id: string;
  process: string;
  title: Text;
  /** months 1–12, days of the month, hours (Asia/Shanghai); absent = every */
  calendar: { month?: number[]; dayOfMonth?: number[]; hour?: number[] };
  targets: TargetKind;
  /** 由参数推导 months (or the day) taken from policy parameters, so a new yearly value moves the schedule */
  derive?: ScheduleDerivation;
  /** parameters the targets are chosen by, e.g. { years: { param: 'longMonitoredYears' } } */
  targetParams?: Record<string, { param: string }>;
  source?: { file: string; lines: string; note?: string };
}

export interface ScheduleDerivation {
  /** every N months from month `from` (assessmentIntervalMonths = 3 from January → 1, 4, 7, 10) */
  everyMonths?: { param: string };
  /** N times a year from month `from`, evenly spaced (sweepsPerYear = 2 from March → 3, 9) */
  timesPerYear?: { param: string };
  from?: number;
  /** a "MM-DD" date parameter and how many days before it to fire (planDeadline 11-30, 30 days → 31 October) */
  before?: { param: string; days: number };
}

/** The parameters a schedule reads (its derivation and its targets). */
export function scheduleParams(e: ScheduleEntry): string[] {
  const d = e.derive ?? {};
  return [
    d.everyMonths?.param,
    d.timesPerYear?.param,
    d.before?.param,
    ...Object.values(e.targetParams ?? {}).map((x) => x.param),
  ].filter((x): x is string => typeof x === 'string');
}

/**
 * The calendar a schedule fires on this year: its own fields, with the months (or month and day) its
 * derivation takes from the parameters. Pure: the parameters are passed in.
 */
export function resolveCalendar(
  e: ScheduleEntry,
  params: Record<string, unknown>,
): ScheduleEntry['calendar'] {
  const d = e.derive;
  if (!d) return e.calendar;
  const num = (name: string) => {
    const v = Number(params[name]);
    if (!Number.isInteger(v) || v < 1 || v > 12)
      throw new Error(
        `schedule ${e.id}: parameter ${name} must be a whole number 1–12, is ${String(params[name])}`,
      );
    return v;
  };
  const from = d.from ?? 1;
  const monthsEvery = (step: number) =>
    Array.from({ length: 12 }, (_, i) => ((from - 1 + i * step) % 12) + 1)
      .slice(0, Math.ceil(12 / step))
      .sort((a, b) => a - b);
  if (d.everyMonths) return { ...e.calendar, month: monthsEvery(num(d.everyMonths.param)) };
  if (d.timesPerYear)
    return { ...e.calendar, month: monthsEvery(Math.floor(12 / num(d.timesPerYear.param))) };
  if (d.before) {
    const m = String(params[d.before.param] ?? '').match(/^(\d{1,2})-(\d{1,2})$/);
    if (!m) throw new Error(`schedule ${e.id}: parameter ${d.before.param} must be a date MM-DD`);
    // a day of a non-leap year: the result is the same date every year
    const at = new Date(Date.UTC(2021, Number(m[1]) - 1, Number(m[2])) - d.before.days * 86_400_000);
    return { ...e.calendar, month: [at.getUTCMonth() + 1], dayOfMonth: [at.getUTCDate()] };
  }
  return e.calendar;
}

/** Every schedule's calendar for the current year's parameters. */
async function resolvedEntries(
  db: pg.Pool,
  entries: ScheduleEntry[],
  now = new Date(),
): Promise<ScheduleEntry[]> {
  if (!entries.some((e) => e.derive)) return entries;
  const params = await paramsForYear(db, now.getFullYear());
  return entries.map((e) => ({ ...e, calendar: resolveCalendar(e, params) }));
}

export const TIMEZONE = 'Asia/Shanghai';
export const ROUND_WORKFLOW = workflowType('scheduledRoundWorkflow');

/** What is wrong with a pack's schedules (empty when nothing is). */
export function scheduleProblems(entries: unknown, processKeys: string[]): string[] {
  if (entries === undefined) return [];
  if (!Array.isArray(entries)) return ['schedules: must be a list'];
  const out: string[] = [];
  const seen = new Set<string>();
  entries.forEach((e: any, i) => {
    const at = `schedules[${i}]${e?.id ? ` (${e.id})` : ''}`;
    if (!e || typeof e.id !== 'string' || !/^[a-z0-9-]+$/.test(e.id))
      out.push(`${at}: id must be lower-case letters, digits and dashes`);
    else if (seen.has(e.id)) out.push(`${at}: duplicate id`);
    else seen.add(e.id);
    if (!processKeys.includes(e?.process)) out.push(`${at}: unknown process ${e?.process}`);
    if (!TARGET_KINDS.includes(e?.targets))
      out.push(`${at}: targets must be one of ${TARGET_KINDS.join(', ')}`);
    const c = e?.calendar;
    const ints = (v: unknown, lo: number, hi: number) =>
      v === undefined ||
      (Array.isArray(v) && v.length > 0 && v.every((n) => Number.isInteger(n) && n >= lo && n <= hi));
    if (!c || typeof c !== 'object') out.push(`${at}: calendar is required`);
    else {
      if (!ints(c.month, 1, 12)) out.push(`${at}: calendar.month must list months 1–12`);
      if (!ints(c.dayOfMonth, 1, 31)) out.push(`${at}: calendar.dayOfMonth must list days 1–31`);
      if (!ints(c.hour, 0, 23)) out.push(`${at}: calendar.hour must list hours 0–23`);
    }
    if (!e?.title?.zh) out.push(`${at}: title.zh is required`);
    const d = e?.derive;
    if (d !== undefined) {
      const ref = (x: unknown) =>
        x === undefined ||
        (typeof x === 'object' && x !== null && typeof (x as { param?: unknown }).param === 'string');
      if (
        typeof d !== 'object' ||
        !ref(d.everyMonths) ||
        !ref(d.timesPerYear) ||
        !ref(d.before) ||
        [d.everyMonths, d.timesPerYear, d.before].filter(Boolean).length !== 1
      ) {
        out.push(`${at}: derive names exactly one of everyMonths, timesPerYear, before, each as { param }`);
      } else if (
        d.before &&
        !(Number.isInteger(d.before.days) && d.before.days >= 0 && d.before.days <= 180)
      ) {
        out.push(`${at}: derive.before.days must be 0–180`);
      }
    }
  });
  return out;
}

/** Schedules are named per task queue, so test runs and deployments sharing a Temporal namespace never collide. */
export function temporalScheduleId(taskQueue: string, id: string): string {
  return `zx:${taskQueue}:${id}`;
}

function calendarSpec(c: ScheduleEntry['calendar']): CalendarSpec {
  return {
    ...(c.month ? { month: c.month.map((m) => MONTHS[m - 1]) } : {}),
    ...(c.dayOfMonth ? { dayOfMonth: c.dayOfMonth } : {}),
    hour: c.hour ?? [0],
    minute: 0,
    second: 0,
    comment: 'zhenxing pack schedule',
  };
}

function scheduleOptions(deps: ServiceDeps, e: ScheduleEntry) {
  const args: Parameters<WorkflowOf<'scheduledRoundWorkflow'>> = [
    { scheduleId: e.id, process: e.process, targets: e.targets },
  ];
  return {
    spec: { calendars: [calendarSpec(e.calendar)], timezone: TIMEZONE },
    action: {
      type: 'startWorkflow' as const,
      workflowType: ROUND_WORKFLOW,
      taskQueue: deps.taskQueue,
      workflowId: `round:${e.id}`,
      args,
    },
    // a round still running when the next one is due: skip the new one (the open cases are still being worked)
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  };
}

/** Create or update one Temporal Schedule per entry; delete the ones the pack no longer has. */
export async function syncSchedules(
  deps: ServiceDeps,
  entries: ScheduleEntry[],
): Promise<{ created: string[]; updated: string[]; deleted: string[] }> {
  const report = { created: [] as string[], updated: [] as string[], deleted: [] as string[] };
  const client = deps.temporal.schedule;
  for (const e of await resolvedEntries(deps.db, entries, deps.now?.())) {
    const scheduleId = temporalScheduleId(deps.taskQueue, e.id);
    const opts = scheduleOptions(deps, e);
    try {
      await client.create({ scheduleId, ...opts, memo: { title: e.title.zh } });
      report.created.push(e.id);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.getHandle(scheduleId).update((prev) => ({
        ...prev,
        spec: opts.spec,
        action: opts.action,
        policies: { ...prev.policies, ...opts.policies },
      }));
      report.updated.push(e.id);
    }
  }
  const prefix = temporalScheduleId(deps.taskQueue, '');
  const keep = new Set(entries.map((e) => temporalScheduleId(deps.taskQueue, e.id)));
  for await (const s of client.list()) {
    if (s.scheduleId.startsWith(prefix) && !keep.has(s.scheduleId)) {
      await client
        .getHandle(s.scheduleId)
        .delete()
        .catch((err) => {
          if (!(err instanceof ScheduleNotFoundError)) throw err;
        });
      report.deleted.push(s.scheduleId.slice(prefix.length));
    }
  }
  return report;
}

/** The schedules of the current pack, with when each fires next and what its last rounds did. */
export async function listSchedules(deps: ServiceDeps, entries: ScheduleEntry[]): Promise<ScheduleView[]> {
  const out: ScheduleView[] = [];
  for (const e of await resolvedEntries(deps.db, entries, deps.now?.())) {
    let nextRuns: string[] = [];
    let paused = false;
    let registered = true;
    try {
      const d = await deps.temporal.schedule.getHandle(temporalScheduleId(deps.taskQueue, e.id)).describe();
      nextRuns = d.info.nextActionTimes.slice(0, 4).map((t) => t.toISOString());
      paused = d.state.paused;
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      registered = false;
    }
    const rounds = await deps.db.query(
      `SELECT id, started_at, finished_at, targets, started, skipped FROM schedule_rounds WHERE schedule_id = $1 ORDER BY started_at DESC LIMIT 5`,
      [e.id],
    );
    out.push({
      id: e.id,
      process: e.process,
      title: e.title,
      calendar: e.calendar,
      targets: e.targets,
      targetsTitle: TARGET_TITLES[e.targets],
      timezone: TIMEZONE,
      source: e.source,
      registered,
      paused,
      nextRuns,
      rounds: rounds.rows.map((r) => ({
        id: r.id,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        targets: r.targets,
        started: r.started,
        skipped: r.skipped.length,
      })),
    });
  }
  return out;
}

/** 立即执行 an administrator runs one of the current schedules now; the run is audited. */
export async function runScheduleNow(deps: ServiceDeps, actorId: string, id: string) {
  if (!(await currentSchedules(deps.db)).some((e) => e.id === id))
    throw domain.notFound('定时任务不存在', 'no such schedule');
  await triggerSchedule(deps, id);
  await inTransaction(deps.db, (tx) =>
    appendAudit(tx, [
      { id: `schedule:${id}:${Date.now()}`, actorId, action: 'schedule.run', target: id, detail: {} },
    ]),
  );
  return { accepted: true };
}

/** Run a schedule now (an administrator's 立即执行): the schedule starts a round at once. */
export async function triggerSchedule(deps: ServiceDeps, id: string): Promise<void> {
  await deps.temporal.schedule
    .getHandle(temporalScheduleId(deps.taskQueue, id))
    .trigger(ScheduleOverlapPolicy.ALLOW_ALL);
}

interface Target {
  org: string;
  householdId?: string;
}

async function listTargets(
  db: pg.Pool,
  kind: TargetKind,
  now: Date,
  entry?: ScheduleEntry,
): Promise<Target[]> {
  // a household's village: the village-level node on its path
  const householdTargets = async (extra: string, args: unknown[]) =>
    (
      await db.query(
        `SELECT h.id, (SELECT o.id FROM org_nodes o WHERE o.id = ANY (h.org_path) AND o.level = 'village' LIMIT 1) AS village
           FROM households h WHERE h.monitoring_status = 'monitored' ${extra} ORDER BY h.id`,
        args,
      )
    ).rows
      .filter((r) => r.village)
      .map((r) => ({ org: r.village, householdId: r.id }));
  switch (kind) {
    case 'monitored-households':
      return householdTargets('', []);
    case 'long-monitored-households': {
      const years = Number(
        (await paramsForYear(db, now.getFullYear()))[
          entry?.targetParams?.years?.param ?? 'longMonitoredYears'
        ] ?? 2,
      );
      return householdTargets(`AND h.monitored_since <= ($1::date - make_interval(years => $2))`, [
        now.toISOString().slice(0, 10),
        years,
      ]);
    }
    case 'villages':
    case 'counties': {
      const level = kind === 'villages' ? 'village' : 'county';
      return (await db.query('SELECT id FROM org_nodes WHERE level = $1 ORDER BY id', [level])).rows.map(
        (r) => ({ org: r.id }),
      );
    }
  }
}

/**
 * One round: start a case per target. A target whose case of this process from
 * an earlier round is still open is skipped (its people are still on it); a
 * target the service refuses is skipped with the reason. Safe to rerun.
 */
export async function runRound(
  deps: ServiceDeps,
  input: RoundInput & { roundId: string },
  onProgress?: (done: number) => void,
): Promise<RoundReport> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  await db.query(
    `INSERT INTO schedule_rounds (id, schedule_id, process_key) VALUES ($1,$2,$3) ON CONFLICT (id) DO NOTHING`,
    [input.roundId, input.scheduleId, input.process],
  );
  const entry = (await currentSchedules(db)).find((e) => e.id === input.scheduleId);
  const targets = await listTargets(db, input.targets as TargetKind, now, entry);
  const open = await db.query(
    `SELECT COALESCE(subject_id, org_id) AS target, id FROM cases WHERE process_key = $1 AND status = 'running'`,
    [input.process],
  );
  const busy = new Map(open.rows.map((r) => [r.target as string, r.id as string]));
  const started: string[] = [];
  const skipped: RoundReport['skipped'] = [];
  let done = 0;
  const work = targets.map((t) => async () => {
    const key = t.householdId ?? t.org;
    const requestId = `${input.roundId}:${key}`;
    const existing = busy.get(key);
    try {
      // a case this round already started (the activity is being retried) is no reason to skip: startCase answers with it
      if (existing && existing !== caseIdFor(SCHEDULER.userId, requestId)) {
        skipped.push({
          target: key,
          reason: `上一轮案件 ${existing} 尚未办结`,
          reason_en: `case ${existing} from an earlier round is still open`,
        });
        return;
      }
      const r = await startCase(
        deps,
        SCHEDULER,
        {
          process: input.process,
          org: t.org,
          subject: t.householdId ? { id: t.householdId } : undefined,
          requestId,
        },
        { system: true },
      );
      started.push(r.case.id);
    } catch (err) {
      const p = err as {
        title?: string;
        detail?: string;
        errors?: { message: string; message_en: string }[];
        status?: number;
      };
      if (!p.status || p.status >= 500) throw err; // the engine or the database is down: let the activity retry
      const first = p.errors?.[0];
      skipped.push({
        target: key,
        reason: first?.message ?? p.title ?? String(err),
        reason_en: first?.message_en ?? p.detail ?? String(err),
      });
    } finally {
      onProgress?.(++done);
    }
  });
  await pool(work, 8);
  await db.query(
    `UPDATE schedule_rounds SET finished_at = now(), targets = $2, started = $3, skipped = $4 WHERE id = $1`,
    [input.roundId, targets.length, started.length, JSON.stringify(skipped)],
  );
  return {
    roundId: input.roundId,
    scheduleId: input.scheduleId,
    targets: targets.length,
    started: started.sort(),
    skipped,
  };
}

async function pool(jobs: (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, jobs.length) }, async () => {
      while (next < jobs.length) await jobs[next++]!();
    }),
  );
}

/** The schedules a pack declares (empty for a pack without any). */
export function packSchedules(manifest: Record<string, any> | undefined): ScheduleEntry[] {
  return Array.isArray(manifest?.schedules) ? (manifest!.schedules as ScheduleEntry[]) : [];
}

/** The schedules of every installed pack (each pack's own; importing one never drops another's). */
export async function currentSchedules(db: pg.Pool): Promise<ScheduleEntry[]> {
  return (await installedPacks(db)).flatMap((p) => packSchedules(p.manifest));
}

/** Make Temporal's schedules match the current pack (at start and after every pack import). */
export async function syncPackSchedules(deps: ServiceDeps) {
  return syncSchedules(deps, await currentSchedules(deps.db));
}
