/**
 * Load: 5,000 anonymous objections at one notice from many clients, on the real servers. Nothing
 * answers 5xx (only 201, 200 for the same text again, 429 over a limit); every accepted objection
 * has a receipt and reaches the case when the window closes; staff act on the case during the
 * flood in well under a second (objections are stored in PostgreSQL, not sent as Updates).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestApp, type TestApp } from '../support/app.js';
import { peopleOf, setDemoStatus } from '../support/demo.js';
import { caseInNotice, openTask } from '../support/notice-case.js';

const TOTAL = 5000;
const CONCURRENCY = 32;
let app: TestApp;
beforeAll(async () => {
  // one policy day = 16 s: the 7-day window (about two minutes) outlasts the flood, then closes
  app = await createTestApp({ daySeconds: 16, publicLimits: { perNotice: 2000, overall: 3000 } });
  // these demo households are monitored; the scenarios here identify them
  await setDemoStatus(app.tdb.db, 'none', 'HH-0002', 'HH-0003', 'HH-0004');
}, 120_000);
afterAll(async () => {
  await app?.close();
});

/** 900 ordinary clients file 5 each (every 4th repeats its first text), 25 pushy ones file 20 each. */
function plan(): CrowdRequest[] {
  const out: CrowdRequest[] = [];
  for (let c = 0; c < 900; c++) {
    const address = `10.1.${c >> 8}.${c & 255}`;
    for (let k = 0; k < 5; k++)
      out.push({
        address,
        body: {
          content: k === 4 && c % 4 === 0 ? `异议${c}-0：该户情况不实` : `异议${c}-${k}：该户情况不实`,
        },
      });
  }
  for (let c = 0; c < 25; c++)
    for (let k = 0; k < 20; k++) out.push({ address: `10.2.0.${c}`, body: { content: `反复异议${c}-${k}` } });
  // interleave the clients as a crowd would
  return out.sort((a, b) => hash(a.address + a.body.content) - hash(b.address + b.body.content));
}
interface CrowdRequest {
  address: string;
  body: { content: string };
}
interface CrowdResult {
  ms: number;
  statuses: Record<string, number>;
  accepted: { status: number; receipt: string }[];
  failures: string[];
  badRetryAfter: number;
}

/** The crowd in a child process (test/support/flood-client.mjs), so it does not share the server's event loop. */
function runCrowd(url: string, requests: CrowdRequest[]): Promise<CrowdResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL('../support/flood-client.mjs', import.meta.url))],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`crowd exited with ${code}`)),
    );
    child.stdin.end(JSON.stringify({ url, concurrency: CONCURRENCY, requests }));
  });
}

const hash = (s: string) => [...s].reduce((h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) | 0, 7);

describe('a flood of objections at one notice', () => {
  it('answers only 201/200/429, puts every accepted objection on the case, and staff still act at once', async () => {
    const p = peopleOf('HH-0002');
    const notice = await caseInNotice(app, 'HH-0002');
    const cadre = await app.as(p.cadre);
    // the same staff actions before the flood, for comparison (this machine's own speed)
    const baseline: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      expect((await cadre.post(`/api/cases/${notice.caseId}/urge`, { requestId: `calm-${i}` })).status).toBe(
        200,
      );
      baseline.push(performance.now() - t0);
    }
    const requests = plan();
    expect(requests).toHaveLength(TOTAL);

    // the crowd runs in its own process; staff act on the same case meanwhile: each action must answer in < 1 s
    let crowdDone = false;
    const crowd = runCrowd(`${app.url}/api/public/notices/${notice.noticeId}/objections`, requests).finally(
      () => (crowdDone = true),
    );
    const staff: number[] = [];
    for (let i = 0; i < 8 && !crowdDone; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      if (crowdDone) break;
      const t0 = performance.now();
      const urge = await cadre.post(`/api/cases/${notice.caseId}/urge`, { requestId: `urge-${i}` });
      staff.push(performance.now() - t0);
      expect(urge.status, JSON.stringify(urge.body)).toBe(200);
      const t1 = performance.now();
      const view = await cadre.get(`/api/cases/${notice.caseId}`);
      staff.push(performance.now() - t1);
      expect(view.status).toBe(200);
    }
    const result = await crowd;
    const statuses = new Map(Object.entries(result.statuses).map(([k, v]) => [Number(k), v]));
    const accepted = new Set(result.accepted.map((a) => a.receipt));
    console.log('objection flood', {
      ms: result.ms,
      statuses: result.statuses,
      accepted: accepted.size,
      staffMs: staff.map(Math.round),
      baselineMs: baseline.map(Math.round),
    });

    expect(result.failures).toEqual([]);
    expect([...statuses.keys()].every((s) => [200, 201, 429].includes(s))).toBe(true);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(TOTAL);
    for (const a of result.accepted) expect(a.receipt).toMatch(/^YY\d{8}[0-9A-F]{8}$/);
    expect(statuses.get(201)).toBe(accepted.size);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0); // the same text again: the first receipt
    expect(statuses.get(429) ?? 0).toBeGreaterThan(0); // the pushy clients and the per-notice limit
    expect(result.badRetryAfter).toBe(0);
    expect(Date.now(), 'the flood must end inside the window').toBeLessThan(notice.closesAt.getTime());
    // Before the fix staff actions failed with 500 once 2,000 Updates were used. Now each one answers, in
    // under a second on a calm machine. The crowd, the API, the worker and PostgreSQL share this test's
    // CPU (a shared 2-core machine here), so the bound is a second or five calm answers, whichever is more.
    expect(staff.length).toBeGreaterThanOrEqual(4);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const bound = Math.max(1000, 5 * median(baseline));
    expect(median(staff), `median staff answer (calm: ${Math.round(median(baseline))} ms)`).toBeLessThan(
      bound,
    );
    expect(Math.max(...staff), 'slowest staff answer').toBeLessThan(3 * bound);

    // the board counts them during the window
    const page = await cadre.get(`/api/cases/${notice.caseId}`);
    expect(page.body.notices[0].objection_count).toBe(accepted.size);

    // when the window closes the investigation task opens with every accepted objection
    // (the window closes on its own clock, however fast the flood was sent)
    const inv = await openTask(
      app,
      notice.caseId,
      'investigate',
      Math.max(0, notice.closesAt.getTime() - Date.now()) + 60_000,
    );
    expect(inv.id).toBeTruthy();
    const stored = (
      await app.tdb.db.query('SELECT receipt FROM objections WHERE notice_id = $1', [notice.noticeId])
    ).rows.map((r) => r.receipt);
    expect(new Set(stored)).toEqual(new Set(accepted));
    const data = (await app.tdb.db.query('SELECT data FROM cases WHERE id = $1', [notice.caseId])).rows[0]
      .data;
    const onCase = data.objections.map((o: { receipt: string }) => o.receipt);
    expect(data.objectionTotal ?? onCase.length).toBe(accepted.size);
    if (data.objectionTotal === undefined) expect(new Set(onCase)).toEqual(new Set(accepted));
    else for (const r of onCase) expect(accepted.has(r)).toBe(true);
    const closed = (
      await app.tdb.db.query('SELECT objection_count, closed_at FROM notices WHERE id = $1', [
        notice.noticeId,
      ])
    ).rows[0];
    expect(closed.objection_count).toBe(accepted.size);
    expect(closed.closed_at.getTime()).toBeGreaterThanOrEqual(notice.closesAt.getTime());
  }, 240_000);
});
