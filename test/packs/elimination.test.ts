/** S2 标注风险消除: the hard rules refuse with a citation; the full path needs the township AND the completed notice. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPackHarness, type PackHarness } from '../support/pack-harness.js';
import { collection, peopleOf, setDemoStatus } from '../support/demo.js';
import { getTask } from '../../server/services/tasks.js';

const DAY = 86_400_000;
let h: PackHarness;
beforeAll(async () => {
  h = await createPackHarness();
  // elimination applies to monitored households: HH-0005 is taken as monitored here
  await setDemoStatus(h.tdb.db, 'monitored', 'HH-0005');
});
afterAll(async () => {
  await h?.close();
});

const block = (signer: string, two = false) => ({ opinion: '同意', signer, ...(two ? { signer2: '张镇长' } : {}), date: '2026-12-01' });
const assessment = { verification: block('王核实'), householdConfirmation: { signer: '户主', date: '2026-12-01' } };
const review = { meetingDate: '2026-12-02', attendees: [{ name: '甲', role: '驻村干部' }, { name: '乙', role: '村两委' }, { name: '丙', role: '党员代表' }], votesFor: 3, votesAgainst: 0, votesAbstain: 0, result: 'passed', minutes: '评议通过' };

async function propose(hid: string, data: Record<string, unknown>) {
  const p = peopleOf(hid);
  const caseId = await h.start(p.cadre, { process: 'elimination', org: p.village, subject: { id: hid }, data });
  return { caseId, p };
}

describe('S2 risk elimination', () => {
  it('refuses a household below 5,000 yuan per person, citing the rule', async () => {
    // 2 members: (6000 + 2000 − 500) ÷ 2 = 3,750 yuan per person
    const { caseId } = await propose('HH-0002', collection('HH-0002', { A28: 6000, A29: 2000, A30: 0, A31: 0, A32: 500, A35: 0, A36: 0 }));
    expect(await h.waitStatus(caseId)).toBe('refused');
    const row = (await h.tdb.db.query('SELECT data, current_steps FROM cases WHERE id = $1', [caseId])).rows[0];
    expect(row.data.income.A38).toBe(3750);
    const end = (await h.tdb.db.query(`SELECT payload FROM case_events WHERE case_id = $1 AND kind = 'case.ended'`, [caseId])).rows[0];
    expect(end.payload.outcome).toBe('refused');
    const ended = (await h.tdb.db.query(`SELECT step_id FROM case_events WHERE case_id = $1 AND kind = 'case.ended'`, [caseId])).rows[0];
    expect(ended.step_id).toBe('refused_low_income');
  });

  it('refuses a household with no labour capacity even when its income is high enough', async () => {
    const doc = collection('HH-0003', { A28: 0, A31: 24000, A32: 0, A36: 0 });
    doc.members = doc.members.map((m) => ({ ...m, A14: '04' }));
    const { caseId } = await propose('HH-0003', doc);
    expect(await h.waitStatus(caseId)).toBe('refused');
    const ended = (await h.tdb.db.query(`SELECT step_id FROM case_events WHERE case_id = $1 AND kind = 'case.ended'`, [caseId])).rows[0];
    expect(ended.step_id).toBe('refused_no_labour');
  });

  it('marks risk eliminated after verification, review, a full 7-day notice, both township leaders and the county', async () => {
    const hid = 'HH-0005';
    const { caseId, p } = await propose(hid, collection(hid, { A28: 60000 }));
    const [verify] = await h.open(caseId);
    expect(verify.step_id).toBe('verify');
    await h.act(p.verifiers[0], verify.id, 'submit', { data: assessment });
    await h.act(p.verifiers[1], verify.id, 'submit', { data: assessment });
    const [vr] = await h.open(caseId);
    await h.act(p.cadre, vr.id, 'approve', { data: review });
    // the county cannot act before the notice has run its course
    await h.env.sleep(7 * DAY - 60_000);
    expect((await h.tdb.db.query(`SELECT count(*)::int AS n FROM tasks WHERE case_id = $1 AND step_id = 'county_approval'`, [caseId])).rows[0].n).toBe(0);
    await h.env.sleep(120_000);
    const township = await h.open(caseId, 2);
    await h.act(township[0].assignee_user!, township[0].id, 'approve', { data: { opinion: '同意', signer: 'x', signDate: '2026-12-10' } });
    expect((await h.tdb.db.query(`SELECT count(*)::int AS n FROM tasks WHERE case_id = $1 AND step_id = 'county_approval'`, [caseId])).rows[0].n).toBe(0);
    await h.act(township[1].assignee_user!, township[1].id, 'approve', { data: { opinion: '同意', signer: 'y', signDate: '2026-12-10' } });
    const [county] = await h.open(caseId);
    expect(county.step_id).toBe('county_approval');
    // 附件5 reuses what the verification, the village review and the township already signed
    const shown = await getTask(h.svc, await h.who('bureau'), county.id);
    expect(shown.initialData).toMatchObject({
      verification: { opinion: '同意', signer: '王核实', date: '2026-12-01' },
      householdConfirmation: { signer: '户主', date: '2026-12-01' },
      villageReview: { opinion: '村级民主评议：评议通过', date: '2026-12-02' },
      townshipReview: { opinion: '同意', date: '2026-12-10' },
    });
    await h.act('bureau', county.id, 'approve', { data: { ...assessment, countyApproval: block('周局长'), method: '1', eliminationDate: '2026-12-12' } });
    expect(await h.waitStatus(caseId)).toBe('approved');
    expect((await h.tdb.db.query('SELECT monitoring_status FROM households WHERE id = $1', [hid])).rows[0].monitoring_status).toBe('eliminated');
  });

  it('sends a household on 低保 to special scrutiny before county approval', async () => {
    const hid = 'HH-0004';
    const doc = collection(hid, { A28: 60000 });
    doc.members[0] = { ...doc.members[0], A20: '01' };
    const { caseId, p } = await propose(hid, doc);
    const [verify] = await h.open(caseId);
    await h.act(p.verifiers[0], verify.id, 'submit', { data: assessment });
    await h.act(p.verifiers[1], verify.id, 'submit', { data: assessment });
    const [vr] = await h.open(caseId);
    await h.act(p.cadre, vr.id, 'approve', { data: review });
    await h.env.sleep(7 * DAY + 1000);
    for (const t of await h.open(caseId, 2)) await h.act(t.assignee_user!, t.id, 'approve', { data: { opinion: '同意', signer: 'x', signDate: '2026-12-10' } });
    const [next] = await h.open(caseId);
    expect(next.step_id).toBe('special_scrutiny');
  });
});
