/**
 * Issue #19, the paths the seeds promise besides the five S1 steps: 重新核定 of the legacy
 * 脱贫不稳定户/边缘易致贫户 (seeds/000… lines 2294, 2296) and the member who dies during
 * identification (附件2 注3, line 2464). On the time-skipping server, through the service layer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPackHarness, type PackHarness } from '../support/pack-harness.js';
import {
  application,
  collection,
  identificationApproval,
  peopleOf,
  setDemoStatus,
  signedOpinion,
  villageReview,
} from '../support/demo.js';
import { getTask } from '../../server/services/tasks.js';
import { getHousehold } from '../../server/services/households.js';

const DAY = 86_400_000;
let h: PackHarness;
beforeAll(async () => {
  h = await createPackHarness();
  // HH-0002 and HH-0005 come from the old system as 边缘易致贫户 / 脱贫不稳定户; HH-0001 and HH-0003 are not monitored
  await setDemoStatus(h.tdb.db, 'monitored', 'HH-0002', 'HH-0005');
  await h.tdb.db.query(`UPDATE households SET monitoring_type = '1' WHERE id = 'HH-0005'`);
  await setDemoStatus(h.tdb.db, 'none', 'HH-0001', 'HH-0003');
});
afterAll(async () => {
  await h?.close();
});

const review = villageReview('逐户评议，符合条件');
const opinion = (signer: string) => signedOpinion(signer);
const approval = identificationApproval('同意');

const status = async (hid: string) =>
  (await h.tdb.db.query('SELECT monitoring_status, monitoring_type FROM households WHERE id = $1', [hid]))
    .rows[0];

/** verification → village review → 7-day notice → both township leaders → the county decides every hit and approves */
async function walk(caseId: string, hid: string, doc: ReturnType<typeof collection>, monitoringType: string) {
  const p = peopleOf(hid);
  const [verify] = await h.open(caseId);
  expect(verify.step_id).toBe('verify');
  await h.verify(p.verifiers, verify.id, doc);
  const [vr] = await h.open(caseId);
  await h.act(p.secretary, vr.id, 'approve', { data: review });
  await h.env.sleep(7 * DAY + 1000);
  for (const t of await h.open(caseId, 2))
    await h.act(t.assignee_user!, t.id, 'approve', { data: opinion(t.assignee_user!) });
  // 会商研判 (line 2304): the county's industry departments give their opinions first
  await h.consult(caseId);
  const [county] = await h.open(caseId);
  expect(county.step_id).toBe('county_approval');
  const shown = await getTask(h.svc, await h.who('bureau'), county.id);
  const hitDecisions = (
    (shown.initialData as { hitDecisions?: Record<string, unknown>[] }).hitDecisions ?? []
  ).map((x) => ({ ...x, decision: 'confirmed' }));
  await h.act('bureau', county.id, 'approve', { data: { ...approval, monitoringType, hitDecisions } });
  return h.waitStatus(caseId);
}

describe('重新核定 the legacy 脱贫不稳定户 and 边缘易致贫户 (lines 2294, 2296)', () => {
  it('is a procedure of the pack for monitored households only, citing the lines', async () => {
    const def = (
      await h.tdb.db.query(
        `SELECT definition FROM process_versions WHERE key = 'legacy-recheck' ORDER BY version DESC LIMIT 1`,
      )
    ).rows[0].definition;
    expect(def.subjectStatuses).toEqual(['monitored']);
    expect(def.steps[0]).toMatchObject({ id: 'apply', form: { key: 'application' } });
    expect(def.steps[0].source.lines).toBe('2294-2296');
    const p = peopleOf('HH-0003');
    await expect(
      h.start(p.cadre, {
        process: 'legacy-recheck',
        org: p.village,
        subject: { id: 'HH-0003' },
        data: application('HH-0003'),
      }),
    ).rejects.toMatchObject({ status: 409, code: 'household_status' });
  });

  it('a legacy household that meets the conditions is marked again, with the type the county decides and its 附件2 on file', async () => {
    const hid = 'HH-0005';
    const p = peopleOf(hid);
    // 重新标注的也须填写附件1 (line 2296): the re-check starts with the application and its authorisation
    const caseId = await h.start(p.cadre, {
      process: 'legacy-recheck',
      org: p.village,
      subject: { id: hid },
      data: application(hid),
    });
    expect(await walk(caseId, hid, collection(hid), '2')).toBe('approved');
    expect(await status(hid)).toEqual({ monitoring_status: 'monitored', monitoring_type: '2' });
    const page = await getHousehold(h.svc, await h.who(p.cadre), hid);
    expect(page.collections).toEqual([expect.objectContaining({ stage: 'identification', case_id: caseId })]);
  });

  it('a legacy household the verifiers find not eligible is no longer monitored', async () => {
    const hid = 'HH-0002';
    const p = peopleOf(hid);
    const caseId = await h.start(p.cadre, {
      process: 'legacy-recheck',
      org: p.village,
      subject: { id: hid },
      data: application(hid),
    });
    const [verify] = await h.open(caseId);
    await h.act(p.verifiers[0], verify.id, 'reject', { comment: '家庭收入稳定，无返贫致贫风险' });
    expect(await h.waitStatus(caseId)).toBe('rejected');
    expect((await status(hid)).monitoring_status).toBe('none');
    const ended = (
      await h.tdb.db.query(`SELECT step_id FROM case_events WHERE case_id = $1 AND kind = 'case.ended'`, [
        caseId,
      ])
    ).rows[0].step_id;
    expect(ended).toBe('not_confirmed');
  });
});

describe('a member who dies during identification (附件2 注3, line 2464)', () => {
  it('the verifiers mark the member deceased; approval writes the death into the registry, the others stay', async () => {
    const hid = 'HH-0001';
    const p = peopleOf(hid);
    const caseId = await h.start(p.cadre, {
      process: 'identification',
      org: p.village,
      subject: { id: hid },
      data: application(hid),
    });
    const doc = collection(hid);
    expect(doc.members.length).toBeGreaterThan(1);
    const dead = doc.members[doc.members.length - 1];
    doc.members[doc.members.length - 1] = { ...dead, deceased: true } as (typeof doc.members)[number];
    expect(await walk(caseId, hid, doc, '3')).toBe('approved');

    const rows = (
      await h.tdb.db.query(
        'SELECT id_number, active, left_reason FROM household_members WHERE household_id = $1',
        [hid],
      )
    ).rows;
    expect(rows.find((r) => r.id_number === dead.A7)).toMatchObject({ active: false, left_reason: 'death' });
    for (const m of doc.members.slice(0, -1))
      expect(rows.find((r) => r.id_number === m.A7)).toMatchObject({ active: true, left_reason: null });
    const page = await getHousehold(h.svc, await h.who(p.cadre), hid);
    expect(page.history.find((x) => x.kind === 'member.removed')).toMatchObject({
      member_name: dead.A5,
      case_id: caseId,
      detail: { leftReason: 'death' },
    });
    // the household's current members no longer list the deceased; the filed 附件2 still does
    const { members } = (await h.tdb.db.query('SELECT members FROM households WHERE id = $1', [hid])).rows[0];
    expect(members.map((m: { idNumber: string }) => m.idNumber)).not.toContain(dead.A7);
    const filed = (await h.tdb.db.query('SELECT data FROM cases WHERE id = $1', [caseId])).rows[0].data
      .collection.members;
    expect(filed.find((m: { A7: string }) => m.A7 === dead.A7)).toMatchObject({ deceased: true });
  });
});

describe('the income threshold beside the task (lines 2272, 2855–2856)', () => {
  it('verifiers see the year’s threshold and the income period; reviewers also see A34/A38 and whether A38 is below it', async () => {
    const hid = 'HH-0003';
    const p = peopleOf(hid);
    const caseId = await h.start(p.cadre, {
      process: 'identification',
      org: p.village,
      subject: { id: hid },
      data: application(hid),
    });
    const [verify] = await h.open(caseId);
    const period = (await h.tdb.db.query('SELECT data FROM cases WHERE id = $1', [caseId])).rows[0].data
      .incomePeriod;
    const atVerify = await getTask(h.svc, await h.who(p.verifiers[0]), verify.id);
    expect(atVerify.incomeHint).toEqual({
      threshold: 6500,
      year: Number(period.to.slice(0, 4)),
      period,
    });
    // one member, 4,000 yuan net: below the line — a hint, the case goes on to the review
    const low = collection(hid, { A28: 4000, A29: 0, A30: 0, A31: 0, A32: 0, A35: 0, A36: 0 });
    await h.verify(p.verifiers, verify.id, low);
    const [vr] = await h.open(caseId);
    expect(vr.step_id).toBe('village_review');
    const atReview = await getTask(h.svc, await h.who(p.secretary), vr.id);
    expect(atReview.incomeHint).toMatchObject({
      threshold: 6500,
      A34: 4000,
      A38: 4000,
      belowThreshold: true,
    });
    // procedures that compute no income show no hint
    const plan = await h.start('bureau', { process: 'project-annual-plan', org: 'hn-hy-hn' });
    const [draft] = await h.open(plan);
    expect((await getTask(h.svc, await h.who('bureau'), draft.id)).incomeHint).toBeUndefined();
  });
});
