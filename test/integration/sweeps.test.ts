/**
 * 排查台账 a sweep keeps its register (seeds/000… 3051: 全覆盖排查，汇总排查情况，建立排查台账): every
 * household of the village, visited or not; found at risk (→ an identification started from the row,
 * channel 干部走访排查) or not at risk; the visit on the household's page and timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { application } from '../support/demo.js';

let app: TestApp;
let cadre: ApiClient;
beforeAll(async () => {
  app = await createTestApp();
  cadre = await app.as('cadre.heping');
});
afterAll(async () => {
  await app?.close();
});

const row = (items: { id: string }[], hid: string) => items.find((x) => x.id === hid) as any;

describe('the sweep register', () => {
  it('lists every household of the village, records at risk / not at risk, and follows a finding with an identification', async () => {
    const started = await cadre.post('/api/cases', {
      process: 'sweep-campaign',
      org: 'v-heping',
      requestId: 'sweep-1',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const sweep = started.body.id as string;
    expect((await cadre.get('/api/sweeps')).body.items.map((s: { id: string }) => s.id)).toContain(sweep);

    const register = async () => (await cadre.get(`/api/sweeps/${sweep}/register`)).body;
    const before = await register();
    // 和平村's open households, none visited yet
    expect(before.items.map((r: { id: string }) => r.id).sort()).toEqual(['HH-0004', 'HH-0005', 'HH-0013']);
    expect(before.summary).toEqual({ households: 3, visited: 0, at_risk: 0, not_at_risk: 0 });

    // bad input: Chinese and English, nothing written
    const bad = await cadre.post(`/api/sweeps/${sweep}/visits`, { household: 'HH-0005', result: 'at_risk' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([
      expect.objectContaining({ path: 'note', message: '发现风险时请写明风险情况' }),
    ]);
    const elsewhere = await cadre.post(`/api/sweeps/${sweep}/visits`, {
      household: 'HH-0001',
      result: 'not_at_risk',
    });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.errors[0].message).toBe('该农户不在本次排查的村');
    // a cadre of another village may neither see nor write this register
    const other = await app.as('cadre.zhushan');
    expect((await other.get(`/api/sweeps/${sweep}/register`)).status).toBe(404);
    expect(
      (await other.post(`/api/sweeps/${sweep}/visits`, { household: 'HH-0005', result: 'not_at_risk' }))
        .status,
    ).toBe(404);
    expect((await register()).summary.visited).toBe(0);

    const risk = await cadre.post(`/api/sweeps/${sweep}/visits`, {
      household: 'HH-0005',
      result: 'at_risk',
      note: '户主今年患病住院，医疗支出大',
    });
    expect(risk.status, JSON.stringify(risk.body)).toBe(200);
    expect(
      (await cadre.post(`/api/sweeps/${sweep}/visits`, { household: 'HH-0013', result: 'not_at_risk' }))
        .status,
    ).toBe(200);
    // the same answer again changes nothing
    expect(
      (await cadre.post(`/api/sweeps/${sweep}/visits`, { household: 'HH-0013', result: 'not_at_risk' })).body,
    ).toMatchObject({ changed: false });

    let now = await register();
    expect(now.summary).toEqual({ households: 3, visited: 2, at_risk: 1, not_at_risk: 1 });
    expect(row(now.items, 'HH-0005')).toMatchObject({
      result: 'at_risk',
      note: '户主今年患病住院，医疗支出大',
      visited_by: expect.any(String),
      identification_case_id: null,
    });
    expect(row(now.items, 'HH-0004')).toMatchObject({ result: null });

    // from the row: an identification through the sweep channel; the register links to it
    const ident = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-heping',
      subject: { id: 'HH-0005' },
      requestId: 'sweep-ident-1',
      data: { ...application('HH-0005'), channel: 'cadre_sweep' },
    });
    expect(ident.status, JSON.stringify(ident.body)).toBe(201);
    now = await register();
    expect(row(now.items, 'HH-0005')).toMatchObject({ identification_case_id: ident.body.id });
    expect(row(now.items, 'HH-0013')).toMatchObject({ identification_case_id: null });

    // the visit is on the household's page, its timeline and the audit chain
    const page = (await cadre.get('/api/households/HH-0005')).body;
    expect(page.sweeps).toEqual([expect.objectContaining({ sweep_case_id: sweep, result: 'at_risk' })]);
    const kinds = page.timeline.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['sweep.visited', 'case.started']));
    // newest first: the identification started after the visit
    expect(kinds.indexOf('case.started')).toBeLessThan(kinds.indexOf('sweep.visited'));
    const audit = (
      await app.tdb.db.query(
        `SELECT detail->>'result' AS result FROM audit_events WHERE action = 'household.sweep-visited' AND target = 'HH-0005'`,
      )
    ).rows;
    expect(audit).toEqual([{ result: 'at_risk' }]);
  });
});
