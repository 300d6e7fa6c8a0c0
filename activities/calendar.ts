/**
 * 节假日安排 the working-day calendar as the engine reads it: the latest published national arrangement of
 * each year, with the overlays of the regions above a case's node added, and the close time of a
 * working-day window computed over them (workflows/calendar.ts does the maths). The case keeps the result:
 * publishing a changed year later never moves a window that is already open.
 *
 * `loadCalendar` is the one reader of `holiday_calendars`; the admin service (server/services/calendar.ts)
 * uses it too.
 */
import type pg from 'pg';
import { closeLabel, cstYear, workingDaysClose, type CalendarYearDays } from '../workflows/calendar.js';
import type { CalendarBasis, CalendarCloseArgs, CalendarCloseResult } from '../workflows/contract.js';

export interface LoadedCalendar {
  years: Record<number, CalendarYearDays>;
  basis: CalendarBasis[];
}

/** Latest national version of each year in [from, to], plus the latest overlay of each node on `orgPath`. */
export async function loadCalendar(
  db: pg.Pool | pg.ClientBase,
  from: number,
  to: number,
  orgPath: string[],
): Promise<LoadedCalendar> {
  const { rows } = await db.query<{
    scope: string;
    year: number;
    version: number;
    holidays: string[];
    workdays: string[];
  }>(
    `SELECT DISTINCT ON (scope, year) scope, year, version, holidays, workdays
       FROM holiday_calendars
      WHERE year BETWEEN $1 AND $2 AND (scope = 'national' OR scope = ANY($3::text[]))
      ORDER BY scope, year, version DESC`,
    [from, to, orgPath],
  );
  const years: Record<number, CalendarYearDays> = {};
  const basis: CalendarBasis[] = [];
  // the national year first: a region's overlay adds to it, and never makes a year exist on its own
  for (const r of rows.filter((x) => x.scope === 'national')) {
    years[r.year] = { year: r.year, holidays: [...r.holidays], workdays: [...r.workdays] };
    basis.push({ scope: r.scope, year: r.year, version: r.version });
  }
  for (const r of rows.filter((x) => x.scope !== 'national')) {
    const y = years[r.year];
    if (!y) continue;
    y.holidays.push(...r.holidays);
    y.workdays.push(...r.workdays);
    basis.push({ scope: r.scope, year: r.year, version: r.version });
  }
  return { years, basis };
}

/** "按2027年节假日安排（第1版）计算" — the basis as the timeline and the case page say it. */
export function basisLabel(basis: CalendarBasis[]): string {
  const parts = basis.map(
    (b) => `${b.year}年${b.scope === 'national' ? '' : '本地区'}节假日安排（第${b.version}版）`,
  );
  return `按${parts.join('、')}计算`;
}

export function missingYearNote(year: number): string {
  return `${year}年节假日安排尚未录入，公示截止时间待定（管理员发布后自动继续） / the ${year} holiday arrangement is not published yet: the close time is pending`;
}

export async function calendarClose(
  db: pg.Pool,
  { opensAt, days, orgPath }: CalendarCloseArgs,
): Promise<CalendarCloseResult> {
  const first = cstYear(opensAt);
  // a working-day span reaches at most a couple of years ahead; load a generous range in one query
  const span = Math.ceil(days / 200) + 1;
  const loaded = await loadCalendar(db, first, first + span, orgPath);
  const r = workingDaysClose(loaded.years, opensAt, days);
  if ('missingYear' in r)
    return { ok: false, missingYear: r.missingYear, note: missingYearNote(r.missingYear) };
  const basis = loaded.basis.filter((b) => r.years.includes(b.year));
  return {
    ok: true,
    closesAt: r.closesAt,
    basis,
    note: `${basisLabel(basis)}，截止 ${closeLabel(r.closesAt)}`,
  };
}

export function calendarActivities(db: pg.Pool) {
  return {
    calendarClose: (args: CalendarCloseArgs) => calendarClose(db, args),
  };
}
