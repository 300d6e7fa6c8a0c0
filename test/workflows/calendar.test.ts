import { describe, expect, it } from 'vitest';
import { calendarYears, CalendarYearMissingError, isWorkingDay, noticeCloseTime } from '../../workflows/calendar.js';

const cst = (s: string) => Date.parse(`${s}+08:00`);
const iso = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('notice windows', () => {
  it('closes a 7-calendar-day window exactly 7 × 24 h after it opened', () => {
    expect(noticeCloseTime(cst('2026-03-03T10:00'), 7, 'calendar')).toBe(cst('2026-03-10T10:00'));
  });

  it.each([
    // opened Tue 29 Sep 2026: 30 Sep = 1; 1–7 Oct National Day holiday; 8 Oct = 2, 9 Oct = 3,
    // Sat 10 Oct is a make-up working day = 4; 12–16 Oct = 5–9; 17–18 Oct weekend; Mon 19 Oct = 10
    ['10 working days opened just before National Day 2026', '2026-09-29T10:00', 10, '2026-10-20 00:00'],
    // opened Wed 30 Sep: 8, 9, 10 (make-up), 12–16 = 8 days, 19 = 9, 20 = 10
    ['10 working days opened on the last day before the holiday', '2026-09-30T16:00', 10, '2026-10-21 00:00'],
    // Spring Festival 2026: 15–23 Feb off, Sat 14 Feb and Sat 28 Feb are make-up working days.
    // Opened Fri 13 Feb: 14 = 1, 24 = 2, 25 = 3, 26 = 4, 27 = 5, 28 = 6, 2 Mar = 7
    ['7 working days across the Spring Festival', '2026-02-13T09:00', 7, '2026-03-03 00:00'],
    // an ordinary week: opened Fri 6 Nov 2026: Mon 9 = 1 … Fri 13 = 5
    ['5 working days across a weekend', '2026-11-06T15:00', 5, '2026-11-14 00:00'],
  ])('%s', (_name, opened, days, closes) => {
    expect(iso(noticeCloseTime(cst(opened), days, 'working'))).toBe(closes);
  });

  it('knows make-up working days and holidays', () => {
    expect(isWorkingDay('2026-10-10')).toBe(true); // Saturday, 调休
    expect(isWorkingDay('2026-10-05')).toBe(false); // Monday, National Day
    expect(isWorkingDay('2026-11-07')).toBe(false); // an ordinary Saturday
  });

  it('refuses to guess for a year the official schedule does not cover', () => {
    const missing = calendarYears().last + 1;
    expect(() => isWorkingDay(`${missing}-03-02`)).toThrow(CalendarYearMissingError);
    expect(() => noticeCloseTime(cst(`${calendarYears().last}-12-28T10:00`), 10, 'working')).toThrow(new RegExp(`${missing}年法定节假日安排尚未收录`));
  });
});
