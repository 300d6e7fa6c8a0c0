/** S2 标注风险消除: the hard rules refuse with a citation; the full path needs the township AND the completed notice. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPackHarness, type PackHarness } from '../support/pack-harness.js';
import { collection, peopleOf, setDemoStatus, villageReview } from '../support/demo.js';
import { getTask } from '../../server/services/tasks.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../server/config.js';

const DAY = 86_400_000;
let h: PackHarness;
beforeAll(async () => {
  h = await createPackHarness();
  // elimination applies to monitored households: HH-0005 is taken as monitored here
  await setDemoStatus(h.tdb.db, 'monitored', 'HH-0005', 'HH-0001', 'HH-0013');
});
afterAll(async () => {
  await h?.close();
});

const block = (signer: string) => ({ opinion: '同意', signer, date: '2026-12-01' });
const assessment = {
  verification: { opinion: '风险已稳定消除', date: '2026-12-01' },
  householdConfirmation: { signer: '户主', date: '2026-12-01' },
};
const review = villageReview('评议通过', '2026-12-02');
/** 附件4 as the verifiers fill it on site (household size, phone, contact and their own names are prefilled) */
const form4 = {
  headName: '户主',
  householdSize: 4,
  phone: '0734-8123456',
  risks: ['05'],
  measures: [{ category: '02', detail: '安排外出务工，落实外出务工补贴' }],
  effects: '家庭年人均纯收入稳定在8000元以上',
  contactName: '周联系',
  contactUnitPost: '云集街道 党政办干部',
  householdSignature: { signer: '户主', date: '2026-12-01' },
};
const users: { username: string; name: string }[] = JSON.parse(
  readFileSync(join(ROOT, 'forms/packs/hunan/demo/users.json'), 'utf8'),
);
const nameOf = (username: string) => users.find((u) => u.username === username)!.name;
type Collected = ReturnType<typeof collection>;

async function propose(hid: string, data: Collected) {
  const p = peopleOf(hid);
  const caseId = await h.start(p.cadre, {
    process: 'elimination',
    org: p.village,
    subject: { id: hid },
    data,
  });
  return { caseId, p };
}

/** 入户核实: both verifiers confirm (or correct) the 附件2 figures on site */
async function verify(caseId: string, p: ReturnType<typeof peopleOf>, data: Collected) {
  const [task] = await h.open(caseId);
  expect(task.step_id).toBe('verify');
  await h.act(p.verifiers[0], task.id, 'submit', { data });
  await h.act(p.verifiers[1], task.id, 'submit', { data });
}

/** after the rules pass: the team's 附件5 assessment, then the village review opens the 7-day notice */
async function assessAndReview(caseId: string, p: ReturnType<typeof peopleOf>) {
  const [measures] = await h.open(caseId);
  expect(measures.step_id).toBe('record_measures');
  await h.act(p.verifiers[1], measures.id, 'submit', { data: form4 });
  const [assess] = await h.open(caseId);
  expect(assess.step_id).toBe('assess');
  await h.act(p.verifiers[0], assess.id, 'submit', { data: assessment });
  const [vr] = await h.open(caseId);
  expect(vr.step_id).toBe('village_review');
  await h.act(p.secretary, vr.id, 'approve', { data: review });
}

async function endStep(caseId: string) {
  return (
    await h.tdb.db.query(`SELECT step_id FROM case_events WHERE case_id = $1 AND kind = 'case.ended'`, [
      caseId,
    ])
  ).rows[0]?.step_id;
}

describe('S2 risk elimination', () => {
  it('refuses a household below 5,000 yuan per person on the verified figures, citing the rule', async () => {
    // 2 members: (6000 + 2000 − 500) ÷ 2 = 3,750 yuan per person
    const low = collection('HH-0002', { A28: 6000, A29: 2000, A30: 0, A31: 0, A32: 500, A35: 0, A36: 0 });
    const { caseId, p } = await propose('HH-0002', low);
    await verify(caseId, p, low);
    expect(await h.waitStatus(caseId)).toBe('refused');
    const row = (await h.tdb.db.query('SELECT data FROM cases WHERE id = $1', [caseId])).rows[0];
    expect(row.data.income.A34).toBe(3750);
    expect(await endStep(caseId)).toBe('refused_low_income');
  });

  it('tests the seed’s 年人均纯收入 (A34), not A38: A34 below 5,000 is refused even when A38 is above it, citing line 2312', async () => {
    // 3 members: A33 = 12,000 → A34 = 4,000; insurance payouts lift A38 to (12,000 + 6,000) ÷ 3 = 6,000
    const doc = collection('HH-0001', { A28: 12000, A29: 0, A30: 0, A31: 0, A32: 0, A35: 6000, A36: 0 });
    const { caseId, p } = await propose('HH-0001', doc);
    await verify(caseId, p, doc);
    expect(await h.waitStatus(caseId)).toBe('refused');
    const data = (await h.tdb.db.query('SELECT data FROM cases WHERE id = $1', [caseId])).rows[0].data;
    expect(data.income.A34).toBeLessThan(5000);
    expect(data.income.A38).toBeGreaterThanOrEqual(5000);
    const end = await endStep(caseId);
    expect(end).toBe('refused_low_income');
    const def = (
      await h.tdb.db.query(
        `SELECT definition FROM process_versions WHERE key = 'elimination' ORDER BY version DESC LIMIT 1`,
      )
    ).rows[0].definition;
    expect(def.steps.find((s: { id: string }) => s.id === end).source.lines).toBe('2312');
  });

  it('refuses a household with no labour capacity even when its income is high enough', async () => {
    const doc = collection('HH-0003', { A28: 0, A31: 24000, A32: 0, A36: 0 });
    doc.members = doc.members.map((m) => ({ ...m, A14: '04' }));
    const { caseId, p } = await propose('HH-0003', doc);
    await verify(caseId, p, doc);
    expect(await h.waitStatus(caseId)).toBe('refused');
    expect(await endStep(caseId)).toBe('refused_no_labour');
  });

  it('runs the income rule again after the township returns the case to verification with changed income', async () => {
    const hid = 'HH-0013';
    const { caseId, p } = await propose(hid, collection(hid, { A28: 60000 }));
    await verify(caseId, p, collection(hid, { A28: 60000 }));
    await assessAndReview(caseId, p);
    await h.env.sleep(7 * DAY + 1000);
    const [first] = await h.open(caseId, 2);
    await h.act(first.assignee_user!, first.id, 'return', { returnTo: 'verify', comment: '工资收入需复核' });
    // the verifiers find the wages were far lower: the rule runs again on the corrected figures
    await verify(caseId, p, collection(hid, { A28: 1000, A29: 0, A30: 0, A31: 0, A32: 0, A35: 0, A36: 0 }));
    expect(await h.waitStatus(caseId)).toBe('refused');
    expect(await endStep(caseId)).toBe('refused_low_income');
    // the first pass had gone on to the assessment; the second, on the corrected figures, stopped at the rule
    expect(
      (
        await h.tdb.db.query(
          `SELECT count(*)::int AS n FROM tasks WHERE case_id = $1 AND step_id = 'verify'`,
          [caseId],
        )
      ).rows[0].n,
    ).toBe(2);
    expect(
      (await h.tdb.db.query('SELECT data FROM cases WHERE id = $1', [caseId])).rows[0].data.income.A34,
    ).toBe(250);
  });

  it('marks risk eliminated after verification, review, a full 7-day notice, both township leaders and the county', async () => {
    const hid = 'HH-0005';
    const { caseId, p } = await propose(hid, collection(hid, { A28: 60000 }));
    await verify(caseId, p, collection(hid, { A28: 60000 }));
    await assessAndReview(caseId, p);
    // the county cannot act before the notice has run its course
    await h.env.sleep(7 * DAY - 60_000);
    expect(
      (
        await h.tdb.db.query(
          `SELECT count(*)::int AS n FROM tasks WHERE case_id = $1 AND step_id = 'county_approval'`,
          [caseId],
        )
      ).rows[0].n,
    ).toBe(0);
    await h.env.sleep(120_000);
    const township = await h.open(caseId, 2);
    await h.act(township[0].assignee_user!, township[0].id, 'approve', {
      data: { opinion: '同意', signer: 'x', signDate: '2026-12-10' },
    });
    expect(
      (
        await h.tdb.db.query(
          `SELECT count(*)::int AS n FROM tasks WHERE case_id = $1 AND step_id = 'county_approval'`,
          [caseId],
        )
      ).rows[0].n,
    ).toBe(0);
    await h.act(township[1].assignee_user!, township[1].id, 'approve', {
      data: { opinion: '同意', signer: 'y', signDate: '2026-12-10' },
    });
    // 附件4 was posted in the village with the verifiers' own names as its 核实人员签字
    const measures = (await h.tdb.db.query('SELECT data FROM cases WHERE id = $1', [caseId])).rows[0].data[
      'assistance-measures'
    ];
    expect(measures).toMatchObject({
      verifierSignature: { signer: p.verifiers.map(nameOf).join('、') },
      effects: form4.effects,
    });
    const posted = (
      await h.tdb.db.query(`SELECT content FROM notices WHERE case_id = $1 AND step_id = 'village_notice'`, [
        caseId,
      ])
    ).rows[0].content;
    expect(posted['assistance-measures.effects']).toBe(form4.effects);
    const [county] = await h.open(caseId);
    expect(county.step_id).toBe('county_approval');
    // 附件5 reuses what the verification, the village review and the township already signed
    const shown = await getTask(h.svc, await h.who('bureau'), county.id);
    expect(shown.initialData).toMatchObject({
      verification: {
        opinion: '风险已稳定消除',
        signer: p.verifiers.map(nameOf).join('、'),
        date: '2026-12-01',
      },
      householdConfirmation: { signer: '户主', date: '2026-12-01' },
      villageReview: { opinion: '村级民主评议：评议通过', signer: nameOf(p.secretary), date: '2026-12-02' },
      townshipReview: {
        opinion: '同意',
        signer: nameOf(p.township_reviewers[0]),
        signer2: nameOf(p.township_reviewers[1]),
        date: '2026-12-10',
      },
    });
    // 会商研判 (line 2326): the county compared the verified members with the department data; every hit
    // is listed on 附件5 and needs its decision before the county can mark the risk eliminated
    const hits = (
      await h.tdb.db.query(
        `SELECT r.id_number, r.department, r.kind FROM department_records r
          WHERE r.id_number = ANY($1) ORDER BY r.department, r.kind, r.id_number`,
        [collection(hid).members.map((m) => m.A7)],
      )
    ).rows;
    expect(hits.length).toBeGreaterThan(0);
    const prefilled = (shown.initialData as { hitDecisions: Record<string, unknown>[] }).hitDecisions;
    expect(prefilled.map((x) => [x.idNumber, x.department, x.kind])).toEqual(
      hits.map((r) => [r.id_number, r.department, r.kind]),
    );
    const approval = {
      countyApproval: { ...block('周局长'), sealed: true },
      method: '1',
      eliminationDate: '2026-12-12',
    };
    await expect(
      h.act('bureau', county.id, 'approve', {
        data: { ...approval, hitDecisions: prefilled.slice(1).map((x) => ({ ...x, decision: 'confirmed' })) },
      }),
    ).rejects.toMatchObject({
      status: 422,
      errors: [
        expect.objectContaining({ path: 'hitDecisions', message: expect.stringContaining('会商研判') }),
      ],
    });
    await h.act('bureau', county.id, 'approve', {
      data: { ...approval, hitDecisions: prefilled.map((x) => ({ ...x, decision: 'not_relevant' })) },
    });
    expect(await h.waitStatus(caseId)).toBe('approved');
    expect(
      (await h.tdb.db.query('SELECT monitoring_status FROM households WHERE id = $1', [hid])).rows[0]
        .monitoring_status,
    ).toBe('eliminated');
    const filed = (
      await h.tdb.db.query(
        `SELECT data FROM documents WHERE case_id = $1 AND form_key = 'elimination-assessment'`,
        [caseId],
      )
    ).rows[0].data;
    expect(filed.hitDecisions).toHaveLength(hits.length);
  });

  it('compares again when the county returns the case to the township: a department record that arrived meanwhile is listed on the resubmission', async () => {
    const hid = 'HH-0006';
    await setDemoStatus(h.tdb.db, 'monitored', hid);
    const { caseId, p } = await propose(hid, collection(hid, { A28: 60000 }));
    await verify(caseId, p, collection(hid, { A28: 60000 }));
    await assessAndReview(caseId, p);
    await h.env.sleep(7 * DAY + 1000);
    const township = async () => {
      for (const t of await h.open(caseId, 2))
        await h.act(t.assignee_user!, t.id, 'approve', {
          data: { opinion: '同意', signer: nameOf(t.assignee_user!), signDate: '2026-12-10' },
        });
    };
    await township();
    const [first] = await h.open(caseId);
    expect(first.step_id).toBe('county_approval');
    const before = (
      (await getTask(h.svc, await h.who('bureau'), first.id)).initialData as {
        hitDecisions: { idNumber: string; kind: string }[];
      }
    ).hitDecisions;
    const member = collection(hid).members.at(-1)!.A7;
    expect(before.filter((x) => x.idNumber === member && x.kind === 'accident')).toEqual([]);
    // the emergency department reports an accident of a member after the first comparison
    await h.tdb.db.query(
      `INSERT INTO department_records (id, department, kind, id_number, name, amount, period, detail)
       VALUES ('t-return-accident', 'emergency', 'accident', $1, NULL, 30000, '2026-12', '{}')`,
      [member],
    );
    await h.act('bureau', first.id, 'return', {
      returnTo: 'township_review',
      comment: '请乡镇复核意外事故情况',
    });
    // the township signs again; on the resubmission the county compares the members again
    await township();
    const [second] = await h.open(caseId);
    expect(second.step_id).toBe('county_approval');
    expect(second.id).not.toBe(first.id);
    const after = (
      (await getTask(h.svc, await h.who('bureau'), second.id)).initialData as {
        hitDecisions: { idNumber: string; kind: string; department: string }[];
      }
    ).hitDecisions;
    expect(after).toHaveLength(before.length + 1);
    expect(after).toContainEqual(
      expect.objectContaining({ idNumber: member, department: 'emergency', kind: 'accident' }),
    );
    expect(
      (
        await h.tdb.db.query(
          `SELECT count(*)::int AS n FROM tasks WHERE case_id = $1 AND step_id = 'township_review'`,
          [caseId],
        )
      ).rows[0].n,
    ).toBe(4);
  });

  it('sends a household on 低保 to special scrutiny; 附件5’s township section still holds the township’s opinions', async () => {
    const hid = 'HH-0004';
    const doc = collection(hid, { A28: 60000 });
    doc.members[0] = { ...doc.members[0], A20: '01' };
    const { caseId, p } = await propose(hid, doc);
    await verify(caseId, p, doc);
    await assessAndReview(caseId, p);
    await h.env.sleep(7 * DAY + 1000);
    for (const t of await h.open(caseId, 2)) {
      await h.act(t.assignee_user!, t.id, 'approve', {
        data: {
          opinion: `乡镇意见：${nameOf(t.assignee_user!)}`,
          signer: nameOf(t.assignee_user!),
          signDate: '2026-12-10',
        },
      });
    }
    const [next] = await h.open(caseId);
    expect(next.step_id).toBe('special_scrutiny');
    await h.act('bureau', next.id, 'approve', {
      data: { opinion: '县级重点审查：低保户收入来源稳定', signer: '周局长', signDate: '2026-12-11' },
    });
    const [county] = await h.open(caseId);
    expect(county.step_id).toBe('county_approval');
    const [sec, head] = p.township_reviewers;
    const township = {
      opinion: `乡镇意见：${nameOf(sec)}`,
      signer: nameOf(sec),
      opinion2: `乡镇意见：${nameOf(head)}`,
      signer2: nameOf(head),
      date: '2026-12-10',
    };
    const shown = await getTask(h.svc, await h.who('bureau'), county.id);
    expect(shown.initialData).toMatchObject({ townshipReview: township });
    const hits = (shown.initialData as { hitDecisions: Record<string, unknown>[] }).hitDecisions;
    await h.act('bureau', county.id, 'approve', {
      data: {
        countyApproval: { ...block('周局长'), sealed: true },
        method: '1',
        eliminationDate: '2026-12-12',
        hitDecisions: hits.map((x) => ({ ...x, decision: 'confirmed' })),
      },
    });
    expect(await h.waitStatus(caseId)).toBe('approved');
    const doc5 = (
      await h.tdb.db.query(
        `SELECT data FROM documents WHERE case_id = $1 AND form_key = 'elimination-assessment'`,
        [caseId],
      )
    ).rows[0].data;
    expect(doc5.townshipReview).toEqual(township);
    expect(JSON.stringify(doc5.townshipReview)).not.toContain('县级重点审查');
  });
});
