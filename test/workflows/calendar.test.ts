import { describe, expect, it } from 'vitest';
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import {
  calendarDaysClose,
  closeLabel,
  noticeCloseTime,
  workingDaysClose,
  type CalendarYearDays,
} from '../../workflows/calendar.js';
import { checkRanges, parseCsv, parseIcs, type CalendarRange } from '../../server/services/calendar-input.js';

const cst = (s: string) => Date.parse(`${s}+08:00`);
const iso = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/** the seeded years, as the calendar table holds them (scripts/calendar-seed.ts) */
const { holidays, workdays } = data as { holidays: Record<string, string>; workdays: Record<string, string> };
const seeded = (year: number): CalendarYearDays => ({
  year,
  holidays: Object.keys(holidays).filter((d) => d.startsWith(`${year}-`)),
  workdays: Object.keys(workdays).filter((d) => d.startsWith(`${year}-`)),
});
const YEARS = { 2025: seeded(2025), 2026: seeded(2026) };

/** A test arrangement for 2027 (as an administrator would enter it; the State Council's may differ). */
export const TEST_2027: CalendarRange[] = [
  { name: '元旦', kind: 'holiday', from: '2027-01-01', to: '2027-01-03' },
  { name: '春节', kind: 'holiday', from: '2027-02-06', to: '2027-02-13' },
  { name: '春节调休上班', kind: 'workday', from: '2027-02-14', to: '2027-02-14' },
  { name: '春节调休上班', kind: 'workday', from: '2027-02-20', to: '2027-02-20' },
];

const close = (years: Record<number, CalendarYearDays>, opened: string, days: number) => {
  const r = workingDaysClose(years, cst(opened), days);
  return 'closesAt' in r ? iso(r.closesAt) : `missing ${r.missingYear}`;
};

describe('notice windows over the published calendar', () => {
  it('closes a 7-calendar-day window exactly 7 × 24 h after it opened', () => {
    expect(calendarDaysClose(cst('2026-03-03T10:00'), 7)).toBe(cst('2026-03-10T10:00'));
  });

  it.each([
    // opened Tue 29 Sep 2026: 30 Sep = 1; 1–7 Oct National Day holiday; 8 Oct = 2, 9 Oct = 3,
    // Sat 10 Oct is a make-up working day = 4; 12–16 Oct = 5–9; 17–18 Oct weekend; Mon 19 Oct = 10
    ['10 working days opened just before National Day 2026', '2026-09-29T10:00', 10, '2026-10-20 00:00'],
    ['10 working days opened on the last day before the holiday', '2026-09-30T16:00', 10, '2026-10-21 00:00'],
    // Spring Festival 2026: 15–23 Feb off, Sat 14 Feb and Sat 28 Feb are make-up working days.
    ['7 working days across the Spring Festival', '2026-02-13T09:00', 7, '2026-03-03 00:00'],
    ['5 working days across a weekend', '2026-11-06T15:00', 5, '2026-11-14 00:00'],
  ])('%s', (_name, opened, days, closes) => {
    expect(close(YEARS, opened, days)).toBe(closes);
    // the first version's package-data function (kept for replay) agrees on every seeded year
    expect(iso(noticeCloseTime(cst(opened), days, 'working'))).toBe(closes);
  });

  it('says which year is missing instead of guessing (a 5-working-day window opened 2026-12-28)', () => {
    expect(close(YEARS, '2026-12-28T10:00', 5)).toBe('missing 2027');
  });

  it('counts 2027 by the arrangement an administrator entered, make-up working days included', () => {
    const y2027 = checkRanges(2027, TEST_2027);
    if (!y2027.ok) throw new Error(JSON.stringify(y2027.errors));
    const years = { ...YEARS, 2027: { year: 2027, ...y2027.days } };
    // opened Mon 28 Dec 2026: 29, 30, 31 Dec = 3; 1–3 Jan off; Mon 4 Jan = 4, Tue 5 Jan = 5 → closes 5 Jan 24:00
    expect(close(years, '2026-12-28T10:00', 5)).toBe('2027-01-06 00:00');
    // opened Fri 5 Feb 2027: 6–13 off; Sun 14 Feb make-up = 1; 15–19 = 2–6; Sat 20 Feb make-up = 7
    expect(close(years, '2027-02-05T10:00', 7)).toBe('2027-02-21 00:00');
    expect(closeLabel(cst('2027-01-06T00:00'))).toBe('2027-01-05 24:00');
  });

  it('adds a region’s own days off on top of the national year', () => {
    const withFestival = {
      ...YEARS,
      2026: { ...YEARS[2026], holidays: [...YEARS[2026].holidays, '2026-11-09', '2026-11-10'] },
    };
    expect(close(YEARS, '2026-11-06T15:00', 5)).toBe('2026-11-14 00:00');
    expect(close(withFestival, '2026-11-06T15:00', 5)).toBe('2026-11-18 00:00');
  });
});

describe('entering a year', () => {
  it('refuses each kind of bad input, naming the entry and the date', () => {
    const bad = checkRanges(2027, [
      { name: '春节', kind: 'holiday', from: '2027-02-06', to: '2027-02-13' },
      { name: '重叠', kind: 'holiday', from: '2027-02-12', to: '2027-02-15' },
      { name: '越界', kind: 'holiday', from: '2028-01-01', to: '2028-01-02' },
      { name: '周一上班', kind: 'workday', from: '2027-02-15', to: '2027-02-15' },
      { name: '', kind: 'holiday', from: '2027-13-01', to: '2027-13-02' },
    ]);
    expect(bad.ok).toBe(false);
    const messages = !bad.ok ? bad.errors.map((e) => e.message) : [];
    expect(messages).toContain('第2条与第1条的放假日期重叠（2027-02-12）');
    expect(messages).toContain('第3条：2028-01-01 不在2027年内');
    expect(messages).toContain('第4条：2027-02-15 是星期一，调休上班日必须是周六或周日');
    expect(messages).toContain('第5条：请填写名称（如 春节）');
    expect(messages).toContain('第5条：开始日期“2027-13-01”不是有效日期');
  });

  it('reads an .ics file: all-day events with exclusive ends, 补班 events as working days, folded lines', () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//test//CN',
      'BEGIN:VEVENT',
      'DTSTART;VALUE=DATE:20270206',
      'DTEND;VALUE=DATE:20270214',
      'SUMMARY:春节',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'DTSTART;VALUE=DATE:20270214',
      'DTEND;VALUE=DATE:20270215',
      'SUMMARY:春节',
      ' 补班',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const { ranges, errors } = parseIcs(ics);
    expect(errors).toEqual([]);
    expect(ranges.map(({ name, kind, from, to }) => ({ name, kind, from, to }))).toEqual([
      { name: '春节', kind: 'holiday', from: '2027-02-06', to: '2027-02-13' },
      { name: '春节补班', kind: 'workday', from: '2027-02-14', to: '2027-02-14' },
    ]);
    expect(parseIcs('hello').errors[0].message).toMatch(/BEGIN:VCALENDAR/);
  });

  it('reads a CSV with a header, naming a bad line', () => {
    const { ranges, errors } = parseCsv(
      '名称,类型,开始,结束\n元旦,放假,2027-01-01,2027-01-03\n春节,休假吧,2027-02-06,2027-02-13\n',
    );
    expect(ranges).toHaveLength(1);
    expect(errors.map((e) => e.message)).toEqual(['第3行：类型“休假吧”应为“放假”或“上班”']);
  });
});
