/**
 * Q7 notice windows across holidays, objections in the last second. The
 * time-skipping server starts (through libfaketime) on 2026-09-24 10:00 China
 * time, so the windows span the 2026 Mid-Autumn festival, the National Day
 * week and the make-up working Saturday of 10 October. The expected close of
 * every window comes from a hand-written table of those days, not from the
 * engine's calendar code. Each window must close exactly once and never early;
 * an objection one second before the close is taken, one second after is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createHarness, type Harness } from '../support/engine.js';
import { def, workingDayNotice } from '../workflows/fixtures.js';
import { fileObjectionUpdate } from '../../workflows/contract.js';
import { recordDrill } from './results.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CST = 8 * HOUR;
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ startAt: '2026-09-24 02:00:00' });
});
afterAll(async () => {
  await h?.close();
});

// the official 2026 arrangement around the window (国务院办公厅 2026 年部分节假日安排)
const OFF = new Set(['2026-09-25', ...['01', '02', '03', '04', '05', '06', '07'].map((d) => `2026-10-${d}`)]);
const MAKEUP = new Set(['2026-10-10']);
const ymd = (cstDay: number) => new Date(cstDay * DAY).toISOString().slice(0, 10);
function isWork(day: string) {
  if (MAKEUP.has(day)) return true;
  if (OFF.has(day)) return false;
  const wd = new Date(`${day}T00:00:00Z`).getUTCDay();
  return wd !== 0 && wd !== 6;
}
/** the oracle: N working days counted from the day after opening, closing at 24:00 China time */
function expectedClose(opensAt: number, days: number, calendar: 'working' | 'calendar') {
  if (calendar === 'calendar') return opensAt + days * DAY;
  let day = Math.floor((opensAt + CST) / DAY);
  for (let n = 0; n < days;) if (isWork(ymd(++day))) n++;
  return (day + 1) * DAY - CST;
}

const t = (zh: string) => ({ zh, en: zh });
const calendarNotice = def('calendar-notice-7', [
  {
    id: 'notice',
    type: 'notice',
    title: t('村级公示'),
    level: 'village',
    days: 7,
    calendar: 'calendar',
    next: 'approved',
    onObjection: 'investigate',
  },
  {
    id: 'investigate',
    type: 'task',
    title: t('异议核查'),
    assignee: { role: 'village_cadre', level: 'village' },
    actions: [{ id: 'unfounded', kind: 'custom', label: t('异议不成立'), next: 'approved' }],
  },
  { id: 'approved', type: 'end', title: t('通过'), outcome: 'approved' },
]);

const serverNow = async () => {
  const r = await h.env.connection.testService!.getCurrentTime({});
  return Number(r.time!.seconds) * 1000 + Math.floor((r.time!.nanos ?? 0) / 1e6);
};
const sleepUntil = async (at: number) => {
  const d = at - (await serverNow());
  if (d > 0) await h.env.sleep(d);
};

interface Window {
  caseId: string;
  kind: 'working' | 'calendar';
  days: number;
  noticeId: string;
  opensAt: number;
  closesAt: number;
  objection: 'last-second' | 'late' | 'none';
  accepted?: boolean;
  refusal?: string;
}

describe('Q7 notice windows across holidays', () => {
  it('every window closes once, never early, on the official calendar; last-second objections are taken, late ones refused', async () => {
    const windows: Window[] = [];
    const start = await serverNow();
    const wall = Date.now();
    // ten opening moments, 12 hours apart (24 Sep 10:00 → 28 Sep 22:00 China time), one working-day and one calendar window each
    for (let k = 0; k < 10; k++) {
      await sleepUntil(start + k * 12 * HOUR);
      for (const [kind, definition, days] of [
        ['working', workingDayNotice(5), 5],
        ['calendar', calendarNotice, 7],
      ] as const) {
        const caseId = await h.start(definition, { caseId: `q7-${kind}-${k}-${randomUUID().slice(0, 6)}` });
        const n = await h.until(
          async () =>
            (await h.tdb.db.query('SELECT id, opens_at, closes_at FROM notices WHERE case_id = $1', [caseId]))
              .rows[0],
          'notice row',
        );
        windows.push({
          caseId,
          kind,
          days,
          noticeId: n.id,
          opensAt: n.opens_at.getTime(),
          closesAt: n.closes_at.getTime(),
          objection: (['last-second', 'late', 'none'] as const)[(k + (kind === 'calendar' ? 1 : 0)) % 3],
        });
      }
    }
    // the objections, in time order: one second before the close, or one second after
    const events = windows
      .filter((w) => w.objection !== 'none')
      .map((w) => ({ at: w.closesAt + (w.objection === 'last-second' ? -1000 : 1000), w }))
      .sort((a, b) => a.at - b.at);
    for (const { at, w } of events) {
      await sleepUntil(at);
      const receipt = `Q7-${randomUUID().slice(0, 8)}`;
      try {
        await h.env.client.workflow.getHandle(w.caseId).executeUpdate(fileObjectionUpdate, {
          args: [{ requestId: receipt, receipt, noticeId: w.noticeId, content: '公示对象家庭有小汽车' }],
          updateId: `objection:${receipt}`,
        });
        w.accepted = true;
      } catch (err) {
        w.accepted = false;
        w.refusal = String((err as { cause?: { message?: string } }).cause?.message ?? err);
      }
    }
    await sleepUntil(Math.max(...windows.map((w) => w.closesAt)) + DAY);

    // every case has moved past its notice: approved, or waiting at the investigation
    const rows = await h.until(async () => {
      const { rows } = await h.tdb.db.query(
        `SELECT c.id, c.status,
                (SELECT count(*)::int FROM case_events e WHERE e.case_id = c.id AND e.kind = 'notice.closed') AS closed_events,
                (SELECT min(e.at) FROM case_events e WHERE e.case_id = c.id AND e.kind = 'notice.closed') AS closed_at,
                (SELECT min(t.created_at) FROM tasks t WHERE t.case_id = c.id AND t.step_id = 'investigate') AS investigation_at
           FROM cases c WHERE c.id LIKE 'q7-%'`,
      );
      const settled = rows.filter((r) => r.status === 'approved' || r.investigation_at);
      return settled.length === windows.length ? rows : undefined;
    }, 'every case past its notice');
    const byId = new Map(rows.map((r) => [r.id, r]));

    let early = 0;
    let maxLate = 0;
    const acrossHolidays = windows.filter(
      (w) => w.kind === 'working' && w.closesAt - w.opensAt > 5 * DAY,
    ).length;
    for (const w of windows) {
      const r = byId.get(w.caseId)!;
      expect(w.closesAt, `${w.caseId} opened ${new Date(w.opensAt + CST).toISOString()}`).toBe(
        expectedClose(w.opensAt, w.days, w.kind),
      );
      expect(r.closed_events, `${w.caseId} closed events`).toBe(1);
      const closedAt = r.closed_at.getTime();
      if (closedAt < w.closesAt) early++;
      maxLate = Math.max(maxLate, closedAt - w.closesAt);
      if (w.objection === 'last-second') {
        expect(w.accepted, `${w.caseId}: ${w.refusal}`).toBe(true);
        // the objection does not cut the window short: the investigation starts when it closes
        expect(r.investigation_at.getTime()).toBeGreaterThanOrEqual(w.closesAt);
      } else {
        expect(r.status).toBe('approved');
        expect(r.investigation_at).toBeNull();
      }
      if (w.objection === 'late') expect(w.accepted).toBe(false);
    }
    expect(early).toBe(0);
    const n = (o: Window['objection']) => windows.filter((w) => w.objection === o);
    recordDrill(
      'Q7',
      `${windows.length} windows (${windows.filter((w) => w.kind === 'working').length} working-day, ${acrossHolidays} of them stretched by the Mid-Autumn/National Day holidays; ` +
        `${windows.filter((w) => w.kind === 'calendar').length} calendar-day), each closed exactly once, 0 early, latest close ${maxLate} ms after its deadline; ` +
        `last-second objections taken ${n('last-second').filter((w) => w.accepted).length}/${n('last-second').length}, ` +
        `late objections refused ${n('late').filter((w) => w.accepted === false).length}/${n('late').length}; ` +
        `${((Date.now() - wall) / 1000).toFixed(1)} s wall for ${((Math.max(...windows.map((w) => w.closesAt)) + DAY - start) / DAY).toFixed(0)} policy days`,
      {
        windows: windows.length,
        acrossHolidays,
        early,
        latestCloseMs: maxLate,
        lastSecondTaken: n('last-second').filter((w) => w.accepted).length,
        lastSecondSent: n('last-second').length,
        lateRefused: n('late').filter((w) => w.accepted === false).length,
        lateSent: n('late').length,
      },
    );
    expect(acrossHolidays).toBeGreaterThan(0);
  });
});
