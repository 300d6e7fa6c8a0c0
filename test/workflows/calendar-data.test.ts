/**
 * The working-day calendar as data, on the time-skipping server: a window or SLA that needs a year nobody
 * has published waits (no failed workflow task, no repair task), and goes on by itself when an
 * administrator publishes the year; a published change moves only windows opened after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { createHarness, type Harness } from '../support/engine.js';
import { workingDayNotice, workingDaySla } from './fixtures.js';
import { publishCalendarYear } from '../../server/services/calendar.js';
import { loadCalendar } from '../../activities/calendar.js';
import { closeLabel, cstYear, workingDaysClose } from '../../workflows/calendar.js';
import type { CalendarRange } from '../../server/services/calendar-input.js';
import { dataConverter, workflowBundle } from '../../server/temporal/connect.js';
import { CODEC_KEYS } from '../support/time-skipping.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const DAY = 86_400_000;
const CST = 8 * 3_600_000;
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const notice = (caseId: string) =>
  h.until(
    async () => (await h.tdb.db.query('SELECT * FROM notices WHERE case_id = $1', [caseId])).rows[0],
    'notice row',
  );
const waits = async (caseId: string) =>
  (await h.tdb.db.query('SELECT * FROM calendar_waits WHERE case_id = $1', [caseId])).rows;
const failedWorkflowTasks = async (caseId: string) => {
  const history = await h.env.client.workflow.getHandle(caseId).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes).length;
};

/**
 * The next 28 December 10:00 CST on the test server's clock that lies in the future, so the test means the
 * same thing whenever it runs: the year after it has never been published in a fresh database.
 */
async function nextDec28(): Promise<{ at: number; year: number }> {
  const now = await h.env.currentTimeMs();
  let year = cstYear(now);
  let at = Date.parse(`${year}-12-28T10:00:00+08:00`);
  if (at < now + DAY) at = Date.parse(`${++year}-12-28T10:00:00+08:00`);
  return { at, year };
}

/** A test arrangement for `year`: New Year's Day off, and the first weekend day after it a make-up working day. */
function testArrangement(year: number): CalendarRange[] {
  let d = Date.parse(`${year}-01-02T00:00:00Z`);
  while (![0, 6].includes(new Date(d).getUTCDay())) d += DAY;
  return [
    { name: '元旦', kind: 'holiday', from: `${year}-01-01`, to: `${year}-01-01` },
    { name: '元旦调休上班', kind: 'workday', from: ymd(d), to: ymd(d) },
  ];
}

/** The current year must be there for a window opening on 28 December (it is seeded up to 2026). */
async function ensureYear(year: number) {
  const { rowCount } = await h.tdb.db.query(
    `SELECT 1 FROM holiday_calendars WHERE scope = 'national' AND year = $1`,
    [year],
  );
  if (!rowCount)
    await publishCalendarYear({ db: h.tdb.db }, 'admin', year, { ranges: testArrangement(year) });
}

describe('a working-day window that needs a year nobody has published', () => {
  it('waits with its close time pending, then closes at the instant the published arrangement gives (make-up day counted)', async () => {
    const { at, year } = await nextDec28();
    await ensureYear(year);
    await h.env.sleep(at - (await h.env.currentTimeMs()));
    const c = await h.start(workingDayNotice(5));

    const pending = await notice(c);
    expect(pending.closes_at).toBeNull();
    expect(pending.calendar_note).toMatch(new RegExp(`${year + 1}年节假日安排尚未录入，公示截止时间待定`));
    const [wait] = await h.until(async () => {
      const w = await waits(c);
      return w.length ? w : undefined;
    }, 'calendar wait row');
    expect(wait).toMatchObject({ year: year + 1, purpose: 'notice' });
    // administrators are told, by the case, at the county
    const told = await h.tdb.db.query(
      `SELECT message FROM notifications WHERE case_id = $1 AND kind = 'calendar-missing' AND role = 'admin'`,
      [c],
    );
    expect(told.rows[0].message).toMatch(/节假日安排尚未录入/);
    // no repair task, no failed workflow task: the case is simply waiting
    expect(await h.openTasks(c)).toEqual([]);
    expect(await failedWorkflowTasks(c)).toBe(0);

    const arrangement = testArrangement(year + 1);
    const published = await publishCalendarYear({ db: h.tdb.db, temporal: h.env.client }, 'admin', year + 1, {
      ranges: arrangement,
    });
    expect(published).toMatchObject({ year: year + 1, version: 1, woken: 1 });

    const loaded = await loadCalendar(h.tdb.db, year, year + 1, pending.org_path);
    const expected = workingDaysClose(loaded.years, pending.opens_at.getTime(), 5);
    if (!('closesAt' in expected)) throw new Error('arrangement incomplete');
    // the make-up working day made a difference: without it the window would close a day later or more
    const withoutMakeUp = workingDaysClose(
      { ...loaded.years, [year + 1]: { ...loaded.years[year + 1], workdays: [] } },
      pending.opens_at.getTime(),
      5,
    );
    expect('closesAt' in withoutMakeUp && withoutMakeUp.closesAt).toBeGreaterThan(expected.closesAt);
    // 24:00 CST, a whole day boundary
    expect((expected.closesAt + CST) % DAY).toBe(0);

    const scheduled = await h.until(async () => {
      const n = (await h.tdb.db.query('SELECT * FROM notices WHERE case_id = $1', [c])).rows[0];
      return n.closes_at ? n : undefined;
    }, 'close time after publishing');
    expect(scheduled.closes_at.getTime()).toBe(expected.closesAt);
    // the case page says which versions the close time came from
    expect(scheduled.calendar_note).toContain(`${year + 1}年节假日安排（第1版）`);
    expect(scheduled.calendar_note).toContain(`截止 ${closeLabel(expected.closesAt)}`);
    expect(await waits(c)).toEqual([]);

    await h.env.sleep(expected.closesAt - (await h.env.currentTimeMs()) - 60_000);
    expect((await h.caseRow(c)).status).toBe('running');
    await h.env.sleep(120_000);
    // (waiting for the row, not the result: awaiting a result lets the test server skip time far ahead)
    await h.until(async () => (await h.caseRow(c)).status === 'approved', 'the case to end approved');
    expect(await failedWorkflowTasks(c)).toBe(0);
  });

  it('keeps a task open while its working-day SLA waits for the year, starts the SLA once published, and replays', async () => {
    // the next 28 December: five working days reach into a year nobody has published
    const { at, year } = await nextDec28();
    await ensureYear(year);
    await h.env.sleep(at - (await h.env.currentTimeMs()));
    const c = await h.start(workingDaySla(5));
    const [task] = await h.until(async () => {
      const tasks = await h.openTasks(c);
      return tasks.length ? tasks : undefined;
    }, 'the task');
    const [w] = await h.until(async () => {
      const rows = await waits(c);
      return rows.length ? rows : undefined;
    }, 'calendar wait row');
    expect(w).toMatchObject({ purpose: 'sla', year: year + 1 });
    expect(w.message).toMatch(/节假日安排尚未录入/);
    expect(
      (await h.tdb.db.query('SELECT due_at FROM tasks WHERE id = $1', [task.id])).rows[0].due_at,
    ).toBeNull();
    expect(await failedWorkflowTasks(c)).toBe(0);

    // days pass without the year: still no failure, the SLA keeps waiting (it polls the calendar now and then)
    await h.env.sleep(3 * DAY);
    expect((await h.caseRow(c)).status).toBe('running');
    expect(await waits(c)).toHaveLength(1);
    expect(await failedWorkflowTasks(c)).toBe(0);

    const published = await publishCalendarYear({ db: h.tdb.db, temporal: h.env.client }, 'admin', year + 1, {
      ranges: testArrangement(year + 1),
    });
    expect(published.woken).toBe(1);
    const due = await h.until(
      async () => (await h.tdb.db.query('SELECT due_at FROM tasks WHERE id = $1', [task.id])).rows[0].due_at,
      'due time',
    );
    expect(due.getTime()).toBeGreaterThan(await h.env.currentTimeMs());
    await h.env.sleep(due.getTime() - (await h.env.currentTimeMs()) + 60_000);
    const escalated = await h.until(async () => {
      const open = await h.openTasks(c);
      return open.find((x) => x.role === 'township_reviewer');
    }, 'escalation task');
    expect(escalated).toBeTruthy();
    await h.act(c, escalated.id, 'sec1', 'approve');
    await h.until(async () => (await h.caseRow(c)).status === 'approved', 'the case to end approved');
    expect(await failedWorkflowTasks(c)).toBe(0);

    // the recorded history replays against the workflow code
    const history = await h.env.client.workflow.getHandle(c).fetchHistory();
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: dataConverter(CODEC_KEYS) },
      history,
      c,
    );
  });
});

describe('publishing a changed year', () => {
  it('moves only windows opened after it: an open window keeps the close time it was given', async () => {
    const now = await h.env.currentTimeMs();
    const year = cstYear(now);
    await ensureYear(year);
    await ensureYear(year + 1);
    const first = await h.start(workingDayNotice(10));
    const a = await notice(first);
    expect(a.closes_at, a.calendar_note).not.toBeNull();
    // the county adds two days off inside the window (a typhoon, say): a new version of the year
    const current = (
      await h.tdb.db.query(
        `SELECT ranges FROM holiday_calendars WHERE scope='national' AND year=$1 ORDER BY version DESC LIMIT 1`,
        [year],
      )
    ).rows[0].ranges as CalendarRange[];
    let d = a.opens_at.getTime() + CST + DAY;
    const added: string[] = [];
    while (added.length < 2) {
      const day = ymd(d);
      const dow = new Date(d).getUTCDay();
      if (
        dow !== 0 &&
        dow !== 6 &&
        Number(day.slice(0, 4)) === year &&
        !current.some((r) => r.kind === 'holiday' && r.from <= day && day <= r.to)
      )
        added.push(day);
      d += DAY;
    }
    const v = await publishCalendarYear({ db: h.tdb.db, temporal: h.env.client }, 'admin', year, {
      ranges: [
        ...current,
        ...added.map((x) => ({ name: '台风停工', kind: 'holiday' as const, from: x, to: x })),
      ],
      note: '台风停工两天',
    });
    expect(v.diff.addedHolidays).toEqual(added);
    const second = await h.start(workingDayNotice(10));
    const b = await notice(second);
    // the first window did not move
    expect((await notice(first)).closes_at.getTime()).toBe(a.closes_at.getTime());
    // the second counts the two new days off
    const loaded = await loadCalendar(h.tdb.db, year, year + 1, b.org_path);
    const expected = workingDaysClose(loaded.years, b.opens_at.getTime(), 10);
    expect('closesAt' in expected && expected.closesAt).toBe(b.closes_at.getTime());
    expect(b.closes_at.getTime()).toBeGreaterThan(a.closes_at.getTime());
    expect(b.calendar_note).toContain(`${year}年节假日安排（第${v.version}版）`);
    expect(a.calendar_note).toContain(`${year}年节假日安排（第${v.version - 1}版）`);
  });
});
