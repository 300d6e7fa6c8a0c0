import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/engine.js';
import { workingDaysClose } from '../../workflows/calendar.js';
import { loadCalendar } from '../../activities/calendar.js';
import { workingDayNotice } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const notice = (caseId: string) =>
  h.until(
    async () => (await h.tdb.db.query('SELECT * FROM notices WHERE case_id = $1', [caseId])).rows[0],
    'notice row',
  );

describe('working-day notices on the time-skipping server', () => {
  it('keeps a 10-working-day township notice open until the end of the tenth working day (holidays skipped)', async () => {
    const c = await h.start(workingDayNotice(10));
    const n = await notice(c);
    const opens = n.opens_at.getTime();
    const loaded = await loadCalendar(
      h.tdb.db,
      new Date(opens).getUTCFullYear(),
      new Date(opens).getUTCFullYear() + 1,
      n.org_path,
    );
    const r = workingDaysClose(loaded.years, opens, 10);
    if (!('closesAt' in r)) throw new Error(`the seeded calendar lacks ${r.missingYear}`);
    const expected = r.closesAt;
    expect(n.closes_at.getTime()).toBe(expected);
    // at least two weekends lie inside ten working days
    expect(expected - n.opens_at.getTime()).toBeGreaterThanOrEqual(12 * 86_400_000);
    await h.env.sleep(expected - n.opens_at.getTime() - 60_000);
    expect((await h.caseRow(c)).status).toBe('running');
    await h.env.sleep(120_000);
    await h.env.client.workflow.getHandle(c).result();
    expect((await h.caseRow(c)).status).toBe('approved');
  });
});
