/**
 * 闭环 a department-data warning is a tracked item: raised by the comparison, followed by an
 * identification (and closed when it ends) or dismissed by the village with a reason — either
 * way it leaves the open list; a rejected identification clears the household's warning status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { evidenceVia } from '../support/field.js';
import { application, collection, peopleOf } from '../support/demo.js';
import { escalateOverdueWarnings, raiseWarning, WARNING_CHECK_DAYS } from '../../store/household-store.js';

let app: TestApp;
let cadre: ApiClient;
beforeAll(async () => {
  app = await createTestApp();
  cadre = await app.as('cadre.heping');
});
afterAll(async () => {
  await app?.close();
});

/** what the comparison's raiseDepartmentWarnings activity stores for a hit */
async function warn(hid: string, caseId: string) {
  await app.tdb.db.query(`UPDATE households SET monitoring_status = 'warning' WHERE id = $1`, [hid]);
  await raiseWarning(app.tdb.db, {
    householdId: hid,
    villageId: 'v-heping',
    kinds: ['medical_insurance/medical_expense'],
    caseId,
  });
}
const open = async () =>
  (await cadre.get('/api/warnings')).body.items.map((w: { household_id: string }) => w.household_id);
const status = async (hid: string) =>
  (await app.tdb.db.query('SELECT monitoring_status FROM households WHERE id = $1', [hid])).rows[0]
    .monitoring_status;

describe('department warnings', () => {
  it('follows a warning through an identification that is rejected: it leaves the open list and the status is cleared with the reason', async () => {
    const hid = 'HH-0005';
    await warn(hid, 'CMP-1');
    expect(await open()).toContain(hid);
    const p = peopleOf(hid);
    const started = await cadre.post('/api/cases', {
      process: 'identification',
      org: p.village,
      subject: { id: hid },
      requestId: 'w-1',
      data: { ...application(hid), channel: 'department_warning' },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(await open()).not.toContain(hid);
    const all = (await cadre.get('/api/warnings?status=all')).body.items.find(
      (w: { household_id: string }) => w.household_id === hid,
    );
    expect(all).toMatchObject({ status: 'started', identification_case_id: started.body.id });

    // verified, then the village review fails: the case ends rejected
    const task = async (step: string) => {
      for (let i = 0; i < 200; i++) {
        const r = await app.tdb.db.query(
          `SELECT id FROM tasks WHERE case_id = $1 AND step_id = $2 AND status = 'open'`,
          [started.body.id, step],
        );
        if (r.rows[0]) return r.rows[0].id as string;
        await new Promise((res) => setTimeout(res, 50));
      }
      throw new Error(`no ${step} task`);
    };
    const verify = await task('verify');
    for (const v of p.verifiers) {
      const c = await app.as(v);
      expect(
        (
          await c.post(`/api/tasks/${verify}/complete`, {
            requestId: `w-${v}`,
            action: 'submit',
            data: collection(hid),
            evidence: await evidenceVia(c),
          })
        ).status,
      ).toBe(200);
    }
    const vr = await task('village_review');
    const rejected = await (
      await app.as('secretary.heping')
    ).post(`/api/tasks/${vr}/complete`, {
      requestId: 'w-vr',
      action: 'reject',
      comment: '评议认为收入稳定，不符合条件',
      data: {
        meetingDate: '2026-11-25',
        attendees: [
          { name: '甲', role: '干部' },
          { name: '乙', role: '两委' },
          { name: '丙', role: '代表' },
        ],
        votesFor: 0,
        votesAgainst: 3,
        votesAbstain: 0,
        result: 'failed',
        minutes: '不符合',
      },
    });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    for (let i = 0; i < 200 && (await status(hid)) === 'warning'; i++)
      await new Promise((res) => setTimeout(res, 50));
    expect(await status(hid)).toBe('none');
    const page = (await cadre.get(`/api/households/${hid}`)).body;
    expect(page.history.find((x: { kind: string }) => x.kind === 'status.cleared')).toMatchObject({
      reason: expect.stringMatching(/识别未通过.*解除预警/),
      case_id: started.body.id,
    });
    const closed = (await cadre.get('/api/warnings?status=all')).body.items.find(
      (w: { household_id: string }) => w.household_id === hid,
    );
    expect(closed).toMatchObject({ status: 'closed', reason: '识别未通过，预警解除' });
  });

  it('lets the village dismiss a warning with a reason after checking on site; the status is cleared', async () => {
    const hid = 'HH-0013';
    await warn(hid, 'CMP-2');
    const [w] = (await cadre.get('/api/warnings')).body.items.filter(
      (x: { household_id: string }) => x.household_id === hid,
    );
    expect((await cadre.post(`/api/warnings/${w.id}/dismiss`, { reason: '' })).status).toBe(422);
    expect(
      (await (await app.as('cadre.zhushan')).post(`/api/warnings/${w.id}/dismiss`, { reason: '越权' }))
        .status,
    ).toBe(404);
    const ok = await cadre.post(`/api/warnings/${w.id}/dismiss`, {
      reason: '入户核查：医疗费用已由大病保险报销，无返贫风险',
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(await open()).not.toContain(hid);
    expect(await status(hid)).toBe('none');
    expect((await cadre.post(`/api/warnings/${w.id}/dismiss`, { reason: '再次' })).status).toBe(409);
    const audit = (
      await app.tdb.db.query(
        `SELECT detail FROM audit_events WHERE action = 'household.warning-dismissed' AND target = $1`,
        [hid],
      )
    ).rows;
    expect(audit).toEqual([
      { detail: { warning: w.id, reason: '入户核查：医疗费用已由大病保险报销，无返贫风险' } },
    ]);
  });

  it('escalates a warning the village has not checked in time to the township, once, and lists it as overdue for its village', async () => {
    const hid = 'HH-0004'; // 和平村, like the warnings above
    const p = peopleOf(hid);
    await app.tdb.db.query(`UPDATE households SET monitoring_status = 'none' WHERE id = $1`, [hid]);
    await warn(hid, 'CMP-3');
    const fresh = 'HH-0013'; // its earlier warning was dismissed above
    await warn(fresh, 'CMP-4');
    // the first warning was handed over a day more than the time to check ago; the second just now
    await app.tdb.db.query(
      `UPDATE department_warnings SET raised_at = now() - make_interval(days => $2) WHERE household_id = $1 AND status = 'open'`,
      [hid, WARNING_CHECK_DAYS + 1],
    );
    const township = await app.as(p.township_reviewers[0]);
    const told = async () =>
      (await township.get('/api/notifications')).body.items.filter((n: { message: string }) =>
        n.message.includes(hid),
      );
    expect(await told()).toEqual([]);

    const first = await escalateOverdueWarnings(app.tdb.db);
    expect(first.escalated).toHaveLength(1);
    const [note] = await told();
    expect(note).toMatchObject({ kind: 'warning.overdue' });
    expect(note.message).toMatch(new RegExp(`超期未核查.*${hid}.*已 ${WARNING_CHECK_DAYS + 1} 天`));
    // the village's own list says which one is overdue; the fresh one is not escalated
    const list = (await cadre.get(`/api/warnings?village=${p.village}`)).body.items;
    expect(list.find((w: { household_id: string }) => w.household_id === hid)).toMatchObject({
      overdue: true,
      escalated_at: expect.any(String),
    });
    expect(list.find((w: { household_id: string }) => w.household_id === fresh)).toMatchObject({
      overdue: false,
      escalated_at: null,
    });
    expect(
      (await cadre.get('/api/warnings?overdue=1')).body.items.map(
        (w: { household_id: string }) => w.household_id,
      ),
    ).toEqual([hid]);
    // another village's cadre does not see this village's warnings
    expect(
      (await (await app.as('cadre.zhushan')).get(`/api/warnings?village=${p.village}`)).body.items,
    ).toEqual([]);

    // running again (the next hour, the next comparison) tells the township nothing new
    expect((await escalateOverdueWarnings(app.tdb.db)).escalated).toEqual([]);
    expect(await told()).toHaveLength(1);

    // the household's page shows the warning and its escalation on the timeline
    const page = (await cadre.get(`/api/households/${hid}`)).body;
    expect(page.timeline.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['warning.raised', 'warning.escalated']),
    );
  });
});
