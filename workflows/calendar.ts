/**
 * 公示期计算 notice-window and SLA date maths, deterministic and pure (it runs inside the workflow sandbox:
 * no Date.now, only explicit timestamps).
 *
 * - calendar days: the window closes exactly `days` × 24 h after it opened;
 * - working days (China Standard Time, UTC+8): the opening day is not counted; count `days` working days
 *   after it — public holidays skipped, make-up working days (调休上班) counted — and close at 24:00 CST at
 *   the end of the last one.
 *
 * 节假日安排 The holidays are data an administrator maintains (PostgreSQL, `holiday_calendars`, versioned per
 * year; regions may add their own days). A case never reads them from a global: when a working-day window
 * or SLA opens, an activity loads the years it needs and `workingDaysClose` computes the close time, which
 * the case keeps. A missing year is reported as such (`missing`), never guessed.
 *
 * `noticeCloseTime` below is the first version's function over the `chinese-days` package data. It is kept
 * only for replaying histories recorded before the calendar became data (`patched('calendar-activity')`);
 * new windows never use it.
 */
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;

/** One year of the official arrangement (plus any regional overlay): days off and make-up working days. */
export interface CalendarYearDays {
  year: number;
  /** YYYY-MM-DD of days off that would otherwise be working days (and holidays on weekends, harmlessly) */
  holidays: string[];
  /** YYYY-MM-DD of weekend days that are working days (调休上班) */
  workdays: string[];
}

export type WorkingDaysResult = { closesAt: number; years: number[] } | { missingYear: number };

/** YYYY-MM-DD of a CST calendar day number (days since the epoch in CST). */
function ymd(cstDay: number): string {
  return new Date(cstDay * DAY_MS).toISOString().slice(0, 10);
}

/** The CST calendar year an instant falls in. */
export function cstYear(ms: number): number {
  return new Date(ms + CST_OFFSET_MS).getUTCFullYear();
}

/** The CST date (YYYY-MM-DD) an instant falls on. */
export function cstDate(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10);
}

export function isWeekend(dateYmd: string): boolean {
  const weekday = new Date(`${dateYmd}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** N calendar days: exactly N × 24 h after opening. */
export function calendarDaysClose(opensAtMs: number, days: number): number {
  checkDays(days);
  return opensAtMs + days * DAY_MS;
}

/**
 * N working days after the opening day, by the given years' arrangements; the first year that is needed
 * and absent is returned as `missingYear` (the caller waits for an administrator to publish it).
 */
export function workingDaysClose(
  years: Record<number, CalendarYearDays>,
  opensAtMs: number,
  days: number,
): WorkingDaysResult {
  checkDays(days);
  const sets = new Map<number, { holidays: Set<string>; workdays: Set<string> }>();
  const used = new Set<number>();
  let cstDay = Math.floor((opensAtMs + CST_OFFSET_MS) / DAY_MS);
  let counted = 0;
  while (counted < days) {
    cstDay += 1;
    const date = ymd(cstDay);
    const year = Number(date.slice(0, 4));
    let set = sets.get(year);
    if (!set) {
      const y = years[year];
      if (!y) return { missingYear: year };
      set = { holidays: new Set(y.holidays), workdays: new Set(y.workdays) };
      sets.set(year, set);
    }
    used.add(year);
    const working = set.workdays.has(date) || (!set.holidays.has(date) && !isWeekend(date));
    if (working) counted += 1;
  }
  // 24:00 CST at the end of the last working day, back in UTC epoch ms
  return { closesAt: (cstDay + 1) * DAY_MS - CST_OFFSET_MS, years: [...used].sort() };
}

/** "2027-01-07 24:00" — how a close time reads on a notice (CST, the end of the day as 24:00). */
export function closeLabel(closesAtMs: number): string {
  const endOfDay = (closesAtMs + CST_OFFSET_MS) % DAY_MS === 0;
  if (endOfDay) return `${cstDate(closesAtMs - 1)} 24:00`;
  return new Date(closesAtMs + CST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

function checkDays(days: number): void {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`notice days must be a positive integer, got ${days}`);
}

// ---- the first version, over the package's data: replay of histories recorded before the calendar was data ----

let sets: { holidays: Set<string>; workdays: Set<string>; years: Set<number> } | undefined;
function packageSets() {
  if (!sets) {
    const holidays = new Set(Object.keys((data as { holidays: Record<string, string> }).holidays));
    const workdays = new Set(Object.keys((data as { workdays: Record<string, string> }).workdays));
    sets = { holidays, workdays, years: new Set([...holidays].map((d) => Number(d.slice(0, 4)))) };
  }
  return sets;
}

/** 节假日数据缺失 (first version) the package has no official holiday schedule for a year. */
export class CalendarYearMissingError extends Error {
  constructor(readonly year: number) {
    super(
      `${year}年法定节假日安排尚未收录，无法按工作日计算公示期 / ` +
        `no official holiday schedule for ${year}: working-day windows cannot be computed`,
    );
    this.name = 'CalendarYearMissingError';
  }
}

/** First version: close time over the package's data (throws for a year it lacks). Replay only. */
export function noticeCloseTime(opensAtMs: number, days: number, calendar: 'calendar' | 'working'): number {
  if (calendar === 'calendar') return calendarDaysClose(opensAtMs, days);
  checkDays(days);
  const { years, workdays, holidays } = packageSets();
  let cstDay = Math.floor((opensAtMs + CST_OFFSET_MS) / DAY_MS);
  let counted = 0;
  while (counted < days) {
    cstDay += 1;
    const date = ymd(cstDay);
    if (!years.has(Number(date.slice(0, 4)))) throw new CalendarYearMissingError(Number(date.slice(0, 4)));
    if (workdays.has(date) || (!holidays.has(date) && !isWeekend(date))) counted += 1;
  }
  return (cstDay + 1) * DAY_MS - CST_OFFSET_MS;
}
