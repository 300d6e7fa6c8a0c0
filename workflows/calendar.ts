/**
 * 公示期计算 notice-window date maths, deterministic and pure (it runs inside
 * the workflow sandbox: no Date.now, only explicit timestamps).
 *
 * - calendar days: the window closes exactly `days` × 24 h after it opened;
 * - working days (China Standard Time, UTC+8): the opening day is not counted;
 *   count `days` working days after it — public holidays skipped, make-up
 *   working days (调休) counted — and close at 24:00 CST at the end of the last one.
 *
 * Holidays come from the `chinese-days` package's data (State Council notices;
 * it covers 2004 to the newest published year). A year missing from the data
 * is an explicit error, never a silent guess.
 */
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;

/**
 * The day sets, built on first use: every workflow run evaluates this module afresh in its sandbox, and
 * most cases never count working days.
 */
let sets: { holidays: Set<string>; workdays: Set<string>; years: Set<number> } | undefined;
function calendarSets() {
  if (!sets) {
    const holidays = new Set(Object.keys((data as { holidays: Record<string, string> }).holidays));
    const workdays = new Set(Object.keys((data as { workdays: Record<string, string> }).workdays));
    sets = { holidays, workdays, years: new Set([...holidays].map((d) => Number(d.slice(0, 4)))) };
  }
  return sets;
}

/** The first and last year with an official holiday schedule. */
export function calendarYears(): { first: number; last: number } {
  const { years } = calendarSets();
  return { first: Math.min(...years), last: Math.max(...years) };
}

/** 节假日数据缺失 the calendar has no official holiday schedule for a year. */
export class CalendarYearMissingError extends Error {
  constructor(readonly year: number) {
    super(
      `${year}年法定节假日安排尚未收录，无法按工作日计算公示期 / ` +
        `no official holiday schedule for ${year}: working-day windows cannot be computed`,
    );
    this.name = 'CalendarYearMissingError';
  }
}

/** YYYY-MM-DD of a CST calendar day number (days since the epoch in CST). */
function ymd(cstDay: number): string {
  return new Date(cstDay * DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(dateYmd: string): boolean {
  const year = Number(dateYmd.slice(0, 4));
  const { years, workdays, holidays } = calendarSets();
  if (!years.has(year)) throw new CalendarYearMissingError(year);
  if (workdays.has(dateYmd)) return true;
  if (holidays.has(dateYmd)) return false;
  const weekday = new Date(`${dateYmd}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

export function noticeCloseTime(opensAtMs: number, days: number, calendar: 'calendar' | 'working'): number {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`notice days must be a positive integer, got ${days}`);
  if (calendar === 'calendar') return opensAtMs + days * DAY_MS;
  let cstDay = Math.floor((opensAtMs + CST_OFFSET_MS) / DAY_MS);
  let counted = 0;
  while (counted < days) {
    cstDay += 1;
    if (isWorkingDay(ymd(cstDay))) counted += 1;
  }
  // 24:00 CST at the end of the last working day, back in UTC epoch ms
  return (cstDay + 1) * DAY_MS - CST_OFFSET_MS;
}
