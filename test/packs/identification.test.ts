/** S1 监测对象识别: one scenario per path, through the service layer, on the time-skipping server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createPackHarness, type PackHarness } from '../support/pack-harness.js';
import { evidenceFor } from '../support/field.js';
import {
  application,
  collection,
  identificationApproval,
  peopleOf,
  setDemoStatus,
  signedOpinion,
  villageReview,
} from '../support/demo.js';
import { fileObjection, listNotices } from '../../server/services/public-board.js';
import { renderDocumentPdf } from '../../server/documents/pdf.js';
import { documentLayout } from '../../forms/document-layout.js';
import { resolvedForm } from '../../server/services/form-check.js';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { getTask } from '../../server/services/tasks.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../server/config.js';

async function pdfText(pdf: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    text += (await page.getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join('');
  }
  return text;
}

const DAY = 86_400_000;
const users: { username: string; name: string }[] = JSON.parse(
  readFileSync(join(ROOT, 'forms/packs/hunan/demo/users.json'), 'utf8'),
);
const nameOf = (username: string) => users.find((u) => u.username === username)!.name;
let h: PackHarness;
beforeAll(async () => {
  h = await createPackHarness();
  // identification applies to households not yet monitored: these demo households are identified afresh here
  await setDemoStatus(
    h.tdb.db,
    'none',
    'HH-0002',
    'HH-0003',
    'HH-0004',
    'HH-0006',
    'HH-0008',
    'HH-0011',
    'HH-0014',
  );
});
afterAll(async () => {
  await h?.close();
});

const review = villageReview('逐户评议，符合纳入条件');
const opinion = (signer: string) => signedOpinion(signer);
const approval = identificationApproval('同意纳入', { monitoringType: '2' });

/** apply (at start) → two verifiers → village review: the case is then in its 7-day notice */
async function startAndVerify(hid: string, channel = 'self') {
  const p = peopleOf(hid);
  const caseId = await h.start(p.cadre, {
    process: 'identification',
    org: p.village,
    subject: { id: hid },
    data: application(hid, { channel }),
  });
  const [verify] = await h.open(caseId);
  await h.verify(p.verifiers, verify.id, collection(hid));
  const [vr] = await h.open(caseId);
  expect(vr.step_id).toBe('village_review');
  return { caseId, vr, p };
}

async function toNotice(hid: string, channel: string) {
  const { caseId, vr, p } = await startAndVerify(hid, channel);
  await h.act(p.secretary, vr.id, 'approve', { data: review });
  return caseId;
}

async function throughTownshipAndCounty(caseId: string) {
  const township = await h.open(caseId, 2);
  for (const t of township)
    await h.act(t.assignee_user!, t.id, 'approve', { data: opinion(t.assignee_user!) });
  // 会商研判 (line 2304): the county's industry departments give their opinions first
  await h.consult(caseId);
  const [county] = await h.open(caseId);
  expect(county.step_id).toBe('county_approval');
  // 会商研判: the county records a decision on every department hit it is shown
  const shown = await getTask(h.svc, await h.who('bureau'), county.id);
  const hitDecisions = (
    (shown.initialData as { hitDecisions?: Record<string, unknown>[] }).hitDecisions ?? []
  ).map((x) => ({ ...x, decision: 'confirmed' }));
  await h.act('bureau', county.id, 'approve', { data: { ...approval, hitDecisions } });
  return h.waitStatus(caseId);
}

describe('S1 identification', () => {
  it.each([
    ['household self-application', 'self', 'HH-0001'],
    ['cadre sweep', 'cadre_sweep', 'HH-0002'],
    ['department data warning', 'department_warning', 'HH-0012'],
  ])('identifies a household found by %s, sets its type and monitor contact', async (_n, channel, hid) => {
    const caseId = await toNotice(hid, channel);
    const notice = (await h.tdb.db.query('SELECT * FROM notices WHERE case_id = $1', [caseId])).rows[0];
    expect(notice.closes_at.getTime() - notice.opens_at.getTime()).toBe(7 * DAY);
    await h.env.sleep(7 * DAY + 1000);
    expect(await throughTownshipAndCounty(caseId)).toBe('approved');
    const hh = (
      await h.tdb.db.query(
        'SELECT monitoring_status, monitoring_type, monitor_contact, active_case_id FROM households WHERE id = $1',
        [hid],
      )
    ).rows[0];
    expect(hh).toMatchObject({
      monitoring_status: 'monitored',
      monitoring_type: '2',
      monitor_contact: { name: '周联系' },
      active_case_id: null,
    });
    const data = (await h.tdb.db.query('SELECT data FROM cases WHERE id = $1', [caseId])).rows[0].data;
    expect(data.application.channel).toBe(channel);
    expect(data.income.A38).toBeGreaterThan(0);
    // the reviewers see whether A38 is below the year's 6,500 yuan line
    expect(data.income).toMatchObject({ threshold: 6500, belowThreshold: data.income.A38 < 6500 });
    expect(Array.isArray(data.departmentHits.hits)).toBe(true);
  });

  it('会商研判: the county sees every department hit prefilled and cannot approve until each has a decision', async () => {
    // HH-0003's head has medical-expense and other records in the demo department data
    const caseId = await toNotice('HH-0003', 'department_warning');
    await h.env.sleep(7 * DAY + 1000);
    for (const t of await h.open(caseId, 2))
      await h.act(t.assignee_user!, t.id, 'approve', { data: opinion(t.assignee_user!) });
    // 会商研判 (line 2304): the county's industry departments give their opinions first
    await h.consult(caseId);
    const [county] = await h.open(caseId);
    const shown = await getTask(h.svc, await h.who('bureau'), county.id);
    const hits = (
      await h.tdb.db.query(
        `SELECT count(*)::int AS n FROM department_records WHERE id_number = '430422194002020063'`,
      )
    ).rows[0].n;
    const prefilled = (
      shown.initialData as {
        hitDecisions: { idNumber: string; department: string; kind: string; decision?: string }[];
      }
    ).hitDecisions;
    expect(prefilled).toHaveLength(hits);
    expect(prefilled[0]).toMatchObject({
      idNumber: '430422194002020063',
      department: expect.any(String),
      kind: expect.any(String),
    });
    expect(prefilled[0].decision).toBeUndefined();
    // 附件3 reuses what earlier steps collected: the village review and the township's signed opinion
    expect(shown.initialData).toMatchObject({
      villageReview: { opinion: '村级民主评议：逐户评议，符合纳入条件', date: '2026-11-25' },
      townshipReview: { date: '2026-12-05' },
    });

    // a row without its decision is a field error; a hit dropped from the list is refused by the step's check
    const partial = prefilled.map((x, i) => (i === 0 ? x : { ...x, decision: 'confirmed' }));
    await expect(
      h.act('bureau', county.id, 'approve', { data: { ...approval, hitDecisions: partial } }),
    ).rejects.toMatchObject({
      status: 422,
      errors: [expect.objectContaining({ path: 'hitDecisions.0.decision', message: '“研判结论”为必填项' })],
    });
    await expect(
      h.act('bureau', county.id, 'approve', { data: { ...approval, hitDecisions: partial.slice(1) } }),
    ).rejects.toMatchObject({
      status: 422,
      errors: [
        {
          path: 'hitDecisions',
          message: '部门比对发现的每条信息都须填写研判结论（会商研判）后才能审定',
          message_en: expect.any(String),
        },
      ],
    });
    expect((await h.open(caseId)).map((t) => t.id)).toEqual([county.id]);
    const decided = prefilled.map((x, i) => ({
      ...x,
      decision: i === 0 ? 'not_relevant' : 'confirmed',
      note: i === 0 ? '报销已由医保全额兜底' : undefined,
    }));
    await h.act('bureau', county.id, 'approve', { data: { ...approval, hitDecisions: decided } });
    expect(await h.waitStatus(caseId)).toBe('approved');
    const stored = (await h.tdb.db.query('SELECT data FROM cases WHERE id = $1', [caseId])).rows[0].data[
      'identification-approval'
    ].hitDecisions;
    expect(stored.map((x: { decision: string }) => x.decision)).toEqual(decided.map((x) => x.decision));
  });

  it('prints the signed 附件3 as a PDF with the household, every opinion, the signers and the dates', async () => {
    const caseId = await toNotice('HH-0010', 'self');
    await h.env.sleep(7 * DAY + 1000);
    expect(await throughTownshipAndCounty(caseId)).toBe('approved');
    const snap = (
      await h.tdb.db.query(
        `SELECT data, form_version FROM documents WHERE case_id = $1 AND form_key = 'identification-approval'`,
        [caseId],
      )
    ).rows[0];
    const c = (await h.tdb.db.query('SELECT subject_name FROM cases WHERE id = $1', [caseId])).rows[0];
    const form = await resolvedForm(h.tdb.db, 'identification-approval', snap.form_version ?? undefined);
    const text = await pdfText(
      await renderDocumentPdf(
        {
          layout: documentLayout('identification-approval', form, snap.data, {
            caseId,
            orgName: '船山村',
            subjectName: c.subject_name,
            signed: true,
          }),
          verifyUrl: `http://localhost/cases/${caseId}`,
        },
        new Map(),
      ),
    );
    // the verification, village and township sections name the people who signed those steps, not what the clerk typed
    const p = peopleOf('HH-0010');
    const signers = [...p.verifiers, p.secretary, ...p.township_reviewers].map(nameOf);
    for (const s of [
      c.subject_name,
      '防止返贫监测对象识别审批表',
      '情况属实',
      '村级民主评议',
      '同意',
      '同意纳入',
      ...signers,
      '周局长',
      '2026-12-05',
      '2026-12-06',
      '边缘易致贫户',
    ]) {
      expect(text, s).toContain(s);
    }
  });

  it('会签 by the township party secretary and the township head: each signs with their own opinion, 附件3 shows both and the earlier signers', async () => {
    const caseId = await toNotice('HH-0011', 'self');
    await h.env.sleep(7 * DAY + 1000);
    const p = peopleOf('HH-0011');
    const [sec, head] = p.township_reviewers;
    const township = await h.open(caseId, 2);
    // one task per post, each in its holder's inbox
    expect(township.map((t) => t.assignee_user).sort()).toEqual([head, sec].sort());
    const secTask = township.find((t) => t.assignee_user === sec)!;
    const headTask = township.find((t) => t.assignee_user === head)!;
    // the secretary's form opens signed in his own name
    expect((await getTask(h.svc, await h.who(sec), secTask.id)).initialData).toMatchObject({
      signer: nameOf(sec),
    });
    await h.act(sec, secTask.id, 'approve', {
      data: { opinion: '同意纳入监测（书记）', signer: nameOf(sec), signDate: '2026-12-04' },
    });
    // the head does not open the form the secretary signed
    const headForm = (await getTask(h.svc, await h.who(head), headTask.id)).initialData as Record<
      string,
      unknown
    >;
    expect(headForm.opinion).toBeUndefined();
    expect(headForm.signer).toBe(nameOf(head));
    await h.act(head, headTask.id, 'approve', {
      data: { opinion: '情况属实，同意（乡镇长）', signer: nameOf(head), signDate: '2026-12-05' },
    });

    const data = (await h.tdb.db.query('SELECT data FROM cases WHERE id = $1', [caseId])).rows[0].data;
    expect(data.signatures.township_review).toEqual([
      expect.objectContaining({
        userId: sec,
        name: nameOf(sec),
        post: 'township_secretary',
        opinion: '同意纳入监测（书记）',
        date: '2026-12-04',
      }),
      expect.objectContaining({
        userId: head,
        name: nameOf(head),
        post: 'township_head',
        opinion: '情况属实，同意（乡镇长）',
        date: '2026-12-05',
      }),
    ]);
    // 会商研判 (line 2304): the county's industry departments give their opinions first
    await h.consult(caseId);
    const [county] = await h.open(caseId);
    const shown = await getTask(h.svc, await h.who('bureau'), county.id);
    const verifierNames = p.verifiers.map(nameOf).join('、');
    const composed = {
      verification: { signer: verifierNames, opinion: expect.stringContaining('情况属实') },
      villageReview: { signer: nameOf(p.secretary), date: '2026-11-25' },
      townshipReview: {
        opinion: '同意纳入监测（书记）',
        signer: nameOf(sec),
        opinion2: '情况属实，同意（乡镇长）',
        signer2: nameOf(head),
      },
    };
    expect(shown.initialData).toMatchObject(composed);
    expect(shown.fieldPermissions).toMatchObject({
      verification: 'readonly',
      villageReview: 'readonly',
      townshipReview: 'readonly',
    });
    // the county clerk types only the county's own section: the others are composed by the server
    const { verification: _v, villageReview: _vr, townshipReview: _t, ...own } = approval;
    const hitDecisions = (
      (shown.initialData as { hitDecisions?: Record<string, unknown>[] }).hitDecisions ?? []
    ).map((x) => ({ ...x, decision: 'confirmed' }));
    await h.act('bureau', county.id, 'approve', { data: { ...own, hitDecisions } });
    expect(await h.waitStatus(caseId)).toBe('approved');
    const doc = (
      await h.tdb.db.query(
        `SELECT data FROM documents WHERE case_id = $1 AND form_key = 'identification-approval'`,
        [caseId],
      )
    ).rows[0].data;
    expect(doc).toMatchObject(composed);
  });

  it('refuses a retyped signature in a section composed from the signers', async () => {
    // HH-0012 became monitored in an earlier scenario: a new identification needs it not monitored
    await setDemoStatus(h.tdb.db, 'none', 'HH-0012');
    const caseId = await toNotice('HH-0012', 'self');
    await h.env.sleep(7 * DAY + 1000);
    const p = peopleOf('HH-0012');
    for (const t of await h.open(caseId, 2))
      await h.act(t.assignee_user!, t.id, 'approve', { data: opinion(nameOf(t.assignee_user!)) });
    // 会商研判 (line 2304): the county's industry departments give their opinions first
    await h.consult(caseId);
    const [county] = await h.open(caseId);
    const hitDecisions =
      (
        (await getTask(h.svc, await h.who('bureau'), county.id)).initialData as {
          hitDecisions?: Record<string, unknown>[];
        }
      ).hitDecisions ?? [];
    await h.act('bureau', county.id, 'approve', {
      data: {
        ...approval,
        townshipReview: { ...approval.townshipReview, signer2: '冒名' },
        hitDecisions: hitDecisions.map((x) => ({ ...x, decision: 'confirmed' })),
      },
    });
    expect(await h.waitStatus(caseId)).toBe('approved');
    const doc = (
      await h.tdb.db.query(
        `SELECT data FROM documents WHERE case_id = $1 AND form_key = 'identification-approval'`,
        [caseId],
      )
    ).rows[0].data;
    expect(doc.townshipReview.signer2).toBe(nameOf(p.township_reviewers[1]));
  });

  it('shows the income threshold as a hint, never a refusal, and records the income period', async () => {
    // HH-0014: an income far above the 6,500 yuan line still goes on to the village review (other risks may qualify)
    const p = peopleOf('HH-0014');
    const caseId = await h.start(p.cadre, {
      process: 'identification',
      org: p.village,
      subject: { id: 'HH-0014' },
      data: application('HH-0014'),
    });
    const [verify] = await h.open(caseId);
    await h.verify(p.verifiers, verify.id, collection('HH-0014', { A28: 60000 }));
    const [vr] = await h.open(caseId);
    expect(vr.step_id).toBe('village_review');
    const data = (await h.tdb.db.query('SELECT data FROM cases WHERE id = $1', [caseId])).rows[0];
    expect(data.data.income).toMatchObject({ threshold: 6500, belowThreshold: false });
    expect(data.data.income.A38).toBeGreaterThan(6500);
    // the 12 months ending the month before the case started (lines 2272, 2855)
    expect(data.data.incomePeriod).toEqual({
      from: expect.stringMatching(/^\d{4}-\d{2}$/),
      to: expect.stringMatching(/^\d{4}-\d{2}$/),
    });
    const [fy, fm] = data.data.incomePeriod.from.split('-').map(Number);
    const [ty, tm] = data.data.incomePeriod.to.split('-').map(Number);
    expect((ty - fy) * 12 + (tm - fm)).toBe(11);
  });

  it('investigates an objection and goes on when it is unfounded', async () => {
    const caseId = await toNotice('HH-0005', 'self');
    const notice = (await h.tdb.db.query('SELECT id FROM notices WHERE case_id = $1', [caseId])).rows[0];
    // the public board shows the notice with code-list names and no ID number
    const board = await listNotices(h.svc, { org: peopleOf('HH-0005').village });
    const shown = board.items.find((n) => n.id === notice.id)!;
    expect(shown.open).toBe(true);
    expect(shown.content['application.riskReasons']).toEqual(['⑥因病']);
    expect(JSON.stringify(board)).not.toMatch(/\d{17}[\dX]/);
    const { receipt } = await fileObjection(h.svc, notice.id, {
      content: '该户家中有经营性货车',
      name: '匿名',
    });
    await h.env.sleep(7 * DAY + 1000);
    const [inv] = await h.open(caseId);
    expect(inv.step_id).toBe('investigate');
    await h.act(peopleOf('HH-0005').cadre, inv.id, 'unfounded', {
      comment: '货车已报废',
      data: { findings: '经核实货车已于2025年报废', outcome: 'unfounded', investigators: '李、王' },
    });
    expect((await h.open(caseId, 2)).map((t) => t.step_id)).toEqual(['township_review', 'township_review']);
    // the objector's receipt shows the outcome once the investigation has decided
    expect(
      (await h.tdb.db.query('SELECT status FROM objections WHERE receipt = $1', [receipt])).rows[0].status,
    ).toBe('unfounded');
  });

  it('rejects the case when the objection is upheld', async () => {
    const caseId = await toNotice('HH-0004', 'self');
    const notice = (await h.tdb.db.query('SELECT id FROM notices WHERE case_id = $1', [caseId])).rows[0];
    await fileObjection(h.svc, notice.id, { content: '该户子女为公职人员' });
    await h.env.sleep(7 * DAY + 1000);
    const [inv] = await h.open(caseId);
    await h.act(peopleOf('HH-0004').cadre, inv.id, 'upheld', {
      comment: '情况属实',
      data: { findings: '子女为财政供养人员', outcome: 'upheld', investigators: '李' },
    });
    expect(await h.waitStatus(caseId)).toBe('rejected');
    expect((await h.tdb.db.query('SELECT outcome FROM cases WHERE id = $1', [caseId])).rows[0].outcome).toBe(
      'rejected',
    );
  });

  it('never posts a case the village review rejects', async () => {
    const { caseId, vr, p } = await startAndVerify('HH-0006');
    await h.act(p.secretary, vr.id, 'reject', {
      comment: '评议未通过',
      data: { ...review, result: 'failed' },
    });
    expect(await h.waitStatus(caseId)).toBe('rejected');
    expect(
      (await h.tdb.db.query('SELECT count(*)::int AS n FROM notices WHERE case_id = $1', [caseId])).rows[0].n,
    ).toBe(0);
  });

  it('returns a case from the township to verification, and it comes back through review', async () => {
    const caseId = await toNotice('HH-0007', 'self');
    await h.env.sleep(7 * DAY + 1000);
    const [sec] = (await h.open(caseId, 2)).filter((t) => t.assignee_user?.startsWith('sec.'));
    await expect(h.act(sec.assignee_user!, sec.id, 'return', { returnTo: 'verify' })).rejects.toMatchObject({
      status: 422,
    });
    await h.act(sec.assignee_user!, sec.id, 'return', { returnTo: 'verify', comment: '收入数据需复核' });
    const [verify] = await h.open(caseId);
    expect(verify.step_id).toBe('verify');
    const comments = (
      await h.tdb.db.query(`SELECT comment FROM task_actions WHERE case_id = $1 AND action = 'return'`, [
        caseId,
      ])
    ).rows;
    expect(comments).toEqual([{ comment: '收入数据需复核' }]);
  });

  it('refuses a verification that one person signs twice', async () => {
    const p = peopleOf('HH-0008');
    const caseId = await h.start(p.cadre, {
      process: 'identification',
      org: p.village,
      subject: { id: 'HH-0008' },
      data: application('HH-0008'),
    });
    const [verify] = await h.open(caseId);
    const evidence = await evidenceFor(h.tdb.db, p.verifiers[0]);
    await h.act(p.verifiers[0], verify.id, 'submit', { data: collection('HH-0008'), evidence });
    await expect(
      h.act(p.verifiers[0], verify.id, 'submit', { data: collection('HH-0008'), evidence }),
    ).rejects.toMatchObject({ status: 409 });
    expect((await h.open(caseId)).map((t) => t.step_id)).toEqual(['verify']);
  });

  it('home verification fills the identification stage of 附件2: later parts hidden, the monitor contact required', async () => {
    const p = peopleOf('HH-0013');
    const caseId = await h.start(p.cadre, {
      process: 'identification',
      org: p.village,
      subject: { id: 'HH-0013' },
      data: application('HH-0013'),
    });
    const [verify] = await h.open(caseId);
    const shown = await getTask(h.svc, await h.who(p.verifiers[0]), verify.id);
    expect(shown.form?.stage).toBe('identification');
    // the form comes with its code lists resolved: the verifier picks 监测对象类型 and 与户主关系 from labelled lists
    const schema = (shown.form?.document as { schema: any }).schema;
    expect(schema.properties.A3.oneOf).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ const: '2', title: expect.stringMatching(/边缘易致贫户/) }),
      ]),
    );
    expect(schema.properties.members.items.properties.A8.oneOf.length).toBeGreaterThan(20);
    expect([
      shown.fieldPermissions.A39,
      shown.fieldPermissions.A52,
      shown.fieldPermissions.A53,
      shown.fieldPermissions.A55,
    ]).toEqual(['hidden', 'hidden', 'hidden', undefined]);
    const { A55: _contact, ...noContact } = collection('HH-0013');
    await expect(
      h.act(p.verifiers[0], verify.id, 'submit', { data: { ...noContact, A53: '1' } }),
    ).rejects.toMatchObject({
      status: 422,
      errors: [expect.objectContaining({ path: 'A55' })],
    });
    expect((await h.open(caseId)).map((t) => t.id)).toEqual([verify.id]);
  });

  it('rejects collected data with a field-level error and keeps the task open', async () => {
    const p = peopleOf('HH-0009');
    const caseId = await h.start(p.cadre, {
      process: 'identification',
      org: p.village,
      subject: { id: 'HH-0009' },
      data: application('HH-0009'),
    });
    const [verify] = await h.open(caseId);
    const bad = collection('HH-0009');
    (bad.members[0] as Record<string, unknown>).A7 = '430422199001011235';
    await expect(h.act(p.verifiers[0], verify.id, 'submit', { data: bad })).rejects.toMatchObject({
      status: 422,
      errors: [
        expect.objectContaining({ path: 'members.0.A7', message: expect.stringMatching(/校验位错误/) }),
      ],
    });
    expect((await h.open(caseId)).map((t) => t.id)).toEqual([verify.id]);
    void randomUUID;
  });
});
