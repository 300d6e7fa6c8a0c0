import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/engine.js';
import { noticeCloseTime } from '../../workflows/calendar.js';
import { workingDayNotice } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const notice = (caseId: string) =>
  h.until(async () => (await h.tdb.db.query('SELECT * FROM notices WHERE case_id = $1', [caseId])).rows[0], 'notice row');

describe('working-day notices on the time-skipping server', () => {
  it('keeps a 10-working-day township notice open until the end of the tenth working day (holidays skipped)', async () => {
    const c = await h.start(workingDayNotice(10));
    const n = await notice(c);
    const expected = noticeCloseTime(n.opens_at.getTime(), 10, 'working');
    expect(n.closes_at.getTime()).toBe(expected);
    // at least two weekends lie inside ten working days
    expect(expected - n.opens_at.getTime()).toBeGreaterThanOrEqual(12 * 86_400_000);
    await h.env.sleep(expected - n.opens_at.getTime() - 60_000);
    expect((await h.caseRow(c)).status).toBe('running');
    await h.env.sleep(120_000);
    await h.env.client.workflow.getHandle(c).result();
    expect((await h.caseRow(c)).status).toBe('approved');
  });

  it('refuses to guess when the holiday calendar lacks a year: an administrator gets a repair task', async () => {
    // 600 working days reach past the last year the official schedule covers
    const c = await h.start(workingDayNotice(600));
    const [repair] = await h.until(async () => {
      const t = await h.openTasks(c);
      return t.length ? t : undefined;
    }, 'repair task');
    expect(repair).toMatchObject({ step_id: 'notice', role: 'admin' });
    const audit = (await h.tdb.db.query(`SELECT detail FROM audit_events WHERE action = 'notice.calendar-missing' AND detail->>'caseId' = $1`, [c])).rows[0];
    expect(audit.detail.message).toMatch(/法定节假日安排尚未收录/);
    expect((await h.tdb.db.query('SELECT count(*)::int AS n FROM notices WHERE case_id = $1', [c])).rows[0].n).toBe(0);
  });
});
