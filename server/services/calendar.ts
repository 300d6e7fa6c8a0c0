/**
 * 节假日安排 the working-day calendar administrators keep: one national arrangement per year and regional
 * overlays (a prefecture's own festivals, for its subtree), each published as a new version with who,
 * when, why and what changed (audited). Publishing wakes the cases whose windows or SLAs wait for that year.
 * Windows already open keep the close time they were given (the engine fixes it when a window opens).
 */
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { CalendarStatus } from '../../shared/api-types.js';
import { publishVersioned } from './versioned.js';
import { inTransaction } from '../db.js';
import { domain, type FieldError } from '../errors.js';
import { calendarPublishedSignal } from '../../workflows/contract.js';
import { cstDate, cstYear } from '../../workflows/calendar.js';
import {
  checkRanges,
  diffDays,
  parseCsv,
  parseIcs,
  parseJson,
  type CalendarDays,
  type CalendarRange,
  type CalendarSource,
} from './calendar-input.js';

export const NATIONAL = 'national';
/** how long before the end of a year administrators are told the next one is missing */
export const WARN_DAYS = 60;

export interface CalendarVersion {
  scope: string;
  year: number;
  version: number;
  holidays: string[];
  workdays: string[];
  ranges: CalendarRange[];
  source: string;
  note: string | null;
  published_by: string;
  published_at: Date;
}

/** What an administrator sends: ranges as entered, or a file's text with its kind. */
export interface CalendarInput {
  scope?: string;
  ranges?: CalendarRange[];
  file?: { kind: 'ics' | 'csv' | 'json'; text: string };
  note?: string;
}

/** Every year on record: the national arrangement's latest version, the overlays, and what cases wait for. */
export async function listCalendarYears(db: pg.Pool) {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (c.scope, c.year) c.scope, c.year, c.version, c.source, c.published_by, c.published_at,
            jsonb_array_length(c.holidays) AS holiday_count, jsonb_array_length(c.workdays) AS workday_count,
            o.name AS scope_name
       FROM holiday_calendars c LEFT JOIN org_nodes o ON o.id = c.scope
      ORDER BY c.scope, c.year DESC, c.version DESC`,
  );
  const waits = await db.query(
    `SELECT year, count(*)::int AS n FROM calendar_waits GROUP BY year ORDER BY year`,
  );
  return { items: rows, waiting: waits.rows };
}

/** One year of one scope: its latest version (or none) and the history of versions. */
async function versionsOf(db: pg.Pool, year: number, scope: string): Promise<CalendarVersion[]> {
  const { rows } = await db.query<CalendarVersion>(
    `SELECT scope, year, version, holidays, workdays, ranges, source, note, published_by, published_at
       FROM holiday_calendars WHERE scope = $1 AND year = $2 ORDER BY version DESC`,
    [scope, year],
  );
  return rows;
}

export async function getCalendarYear(db: pg.Pool, year: number, scope = NATIONAL) {
  checkYear(year);
  const rows = await versionsOf(db, year, scope);
  // an overlay is shown over the national year it adds to
  const national = scope === NATIONAL ? undefined : (await versionsOf(db, year, NATIONAL))[0];
  return {
    year,
    scope,
    latest: rows[0] ?? null,
    national: national ?? null,
    versions: rows.map(({ version, source, note, published_by, published_at }) => ({
      version,
      source,
      note,
      published_by,
      published_at,
    })),
  };
}

/** Read what was sent into checked days; every problem is a field error (nothing is stored here). */
export function readCalendarInput(
  year: number,
  input: CalendarInput,
): { ranges: CalendarRange[]; days: CalendarDays; source: CalendarSource } {
  checkYear(year);
  let ranges: CalendarRange[];
  let source: CalendarSource = 'manual';
  const errors: FieldError[] = [];
  if (input.file) {
    const parsed =
      input.file.kind === 'ics'
        ? parseIcs(input.file.text)
        : input.file.kind === 'csv'
          ? parseCsv(input.file.text)
          : parseJson(input.file.text);
    source = input.file.kind;
    ranges = parsed.ranges;
    errors.push(...parsed.errors);
  } else {
    ranges = input.ranges ?? [];
  }
  if (errors.length)
    throw domain.invalid(
      errors,
      '文件中有无法识别的内容，未发布',
      'the file has lines that cannot be read; nothing was published',
    );
  const checked = checkRanges(year, ranges);
  if (!checked.ok)
    throw domain.invalid(
      checked.errors,
      `${year}年节假日安排有误，未发布`,
      `the ${year} arrangement has errors; nothing was published`,
    );
  return {
    ranges: ranges.map(({ name, kind, from, to }) => ({ name: name.trim(), kind, from, to: to || from })),
    days: checked.days,
    source,
  };
}

async function checkScope(db: pg.Pool | pg.ClientBase, scope: string): Promise<void> {
  if (scope === NATIONAL) return;
  const { rowCount } = await db.query('SELECT 1 FROM org_nodes WHERE id = $1', [scope]);
  if (!rowCount)
    throw domain.invalid([
      { path: 'scope', message: `地区“${scope}”不存在`, message_en: `no region ${scope}` },
    ]);
}

/** 预览 what publishing this would change against the latest version (nothing is stored). */
export async function previewCalendarYear(db: pg.Pool, year: number, input: CalendarInput) {
  const scope = input.scope ?? NATIONAL;
  await checkScope(db, scope);
  const read = readCalendarInput(year, input);
  const { latest } = await getCalendarYear(db, year, scope);
  return {
    year,
    scope,
    ...read,
    baseVersion: latest?.version ?? null,
    diff: diffDays(latest ?? undefined, read.days),
  };
}

/**
 * 发布 a new version of a year. Windows and SLAs opened from now on use it; those already open keep
 * their close time. Cases waiting for this year are woken (and poll on their own should a signal be lost).
 */
export async function publishCalendarYear(
  deps: { db: pg.Pool; temporal?: Client },
  actorId: string,
  year: number,
  input: CalendarInput,
): Promise<{
  year: number;
  scope: string;
  version: number;
  diff: ReturnType<typeof diffDays>;
  woken: number;
}> {
  const scope = input.scope ?? NATIONAL;
  await checkScope(deps.db, scope);
  const read = readCalendarInput(year, input);
  const note = input.note?.trim() || null;
  if (note && note.length > 500)
    throw domain.invalid([{ path: 'note', message: '说明不能超过500字', message_en: 'note too long (500)' }]);
  const published = await inTransaction(deps.db, async (tx) => {
    let diff!: ReturnType<typeof diffDays>;
    const { version } = await publishVersioned<CalendarVersion>(tx, {
      table: 'holiday_calendars',
      of: { scope, year },
      row: (version, latest) => {
        diff = diffDays(latest, read.days);
        if (
          latest &&
          !diff.addedHolidays.length &&
          !diff.removedHolidays.length &&
          !diff.addedWorkdays.length &&
          !diff.removedWorkdays.length
        ) {
          throw domain.conflict(
            `与${year}年第${version - 1}版相同，无需发布`,
            `identical to version ${version - 1}: nothing to publish`,
            'unchanged',
          );
        }
        return {
          holidays: JSON.stringify(read.days.holidays),
          workdays: JSON.stringify(read.days.workdays),
          ranges: JSON.stringify(read.ranges),
          source: read.source,
          note,
          published_by: actorId,
        };
      },
      audit: (version) => ({
        id: `holiday-calendar:${scope}:${year}:${version}`,
        actorId,
        action: 'calendar.publish',
        target: `${scope}:${year}`,
        detail: { scope, year, version, source: read.source, note, diff },
      }),
    });
    return { version, diff };
  });
  const woken = deps.temporal ? await wakeWaitingCases(deps.db, deps.temporal, year) : 0;
  return { year, scope, ...published, woken };
}

/** Tell every case waiting for `year` that it is there (a case already ended is skipped). */
export async function wakeWaitingCases(db: pg.Pool, temporal: Client, year: number): Promise<number> {
  const { rows } = await db.query<{ case_id: string }>(
    'SELECT DISTINCT case_id FROM calendar_waits WHERE year = $1',
    [year],
  );
  let woken = 0;
  for (const { case_id } of rows) {
    try {
      await temporal.workflow.getHandle(case_id).signal(calendarPublishedSignal, { year });
      woken++;
    } catch {
      // the case ended meanwhile, or Temporal is briefly away: the case polls the calendar by itself too
    }
  }
  return woken;
}

/**
 * 提醒 whether next year's arrangement is missing close to the year's end (shown as a dashboard banner),
 * and the windows waiting for a year right now.
 */
export async function calendarStatus(db: pg.Pool, now = new Date()): Promise<CalendarStatus> {
  const today = cstDate(now.getTime());
  const year = cstYear(now.getTime());
  const next = year + 1;
  const { rows } = await db.query(
    `SELECT year FROM holiday_calendars WHERE scope = $1 AND year IN ($2, $3) GROUP BY year`,
    [NATIONAL, year, next],
  );
  const have = new Set(rows.map((r) => Number(r.year)));
  const daysLeft = Math.round(
    (Date.parse(`${next}-01-01T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000,
  );
  const waits = await db.query(
    `SELECT year, count(DISTINCT case_id)::int AS cases FROM calendar_waits GROUP BY year ORDER BY year`,
  );
  const missing = [
    ...(have.has(year) ? [] : [year]),
    ...(!have.has(next) && daysLeft <= WARN_DAYS ? [next] : []),
  ];
  return {
    today,
    missing,
    daysLeft,
    waiting: waits.rows,
    message: missing.length
      ? `${missing.join('、')}年节假日安排尚未录入${daysLeft <= WARN_DAYS && missing.includes(next) ? `（距年底还有${daysLeft}天）` : ''}，按工作日计算的公示期和办理期限将无法确定，请在“节假日安排”中录入并发布`
      : null,
  };
}

/**
 * Once per missing year, a notification to every administrator (by role at their node); called hourly
 * by the API and at start. Idempotent across API servers (the notification id is the year's).
 */
export async function notifyMissingCalendar(db: pg.Pool, now = new Date()): Promise<number> {
  const status = await calendarStatus(db, now);
  let sent = 0;
  for (const year of status.missing) {
    const r = await db.query(
      `INSERT INTO notifications (id, user_id, role, org_id, kind, message)
       SELECT 'calendar-missing:' || $1 || ':' || a.org_id, NULL, 'admin', a.org_id, 'calendar-missing', $2
         FROM (SELECT DISTINCT org_id FROM user_roles WHERE role = 'admin') a
       ON CONFLICT (id) DO NOTHING`,
      [
        String(year),
        `${year}年节假日安排尚未录入：请在“节假日安排”中录入并发布，否则按工作日计算的公示期将无法确定`,
      ],
    );
    sent += r.rowCount ?? 0;
  }
  return sent;
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    throw domain.invalid([
      { path: 'year', message: '年份应在2000至2100之间', message_en: 'year must be between 2000 and 2100' },
    ]);
  }
}
