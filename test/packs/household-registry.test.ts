/**
 * 一份附件2贯穿始终 the registry is where procedures start and where their results go: a
 * household registered by the village cadre is identified, the verifiers' 附件2 opens with
 * its registered members, approval writes the monitoring type, the contact and the verified
 * members back, and the next quarterly assessment opens prefilled from the approved 附件2.
 * On the time-skipping server, through the service layer the API uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPackHarness, type PackHarness } from '../support/pack-harness.js';
import { application, peopleOf } from '../support/demo.js';
import { getTask } from '../../server/services/tasks.js';
import { createHousehold, getHousehold } from '../../server/services/households.js';
import { idCheckDigit } from '../../forms/formats.js';

const DAY = 86_400_000;
let h: PackHarness;
beforeAll(async () => {
  h = await createPackHarness();
});
afterAll(async () => {
  await h?.close();
});

const makeId = (birth: string, seq: number) => {
  const first = `430422${birth}${String(seq).padStart(3, '0')}`;
  return first + idCheckDigit(first);
};
const people = [
  { name: '曾国富', idNumber: makeId('19720404', 511), relation: '01', health: '01', labour: '01' },
  { name: '邓桂香', idNumber: makeId('19740808', 522), relation: '02', health: '02', labour: '01' },
  { name: '曾小龙', idNumber: makeId('20080909', 533), relation: '03', health: '01', labour: '04' },
];
/** what the verifiers add to each member on site */
const onSite = {
  A9: '01',
  A10: '06',
  A11: '03',
  A12: '00',
  A15: '01',
  A16: 6,
  A17: '01',
  A18: '01',
  A19: '01',
  A20: '02',
  A21: '02',
  A22: '02',
};
const review = {
  meetingDate: '2026-11-25',
  attendees: [
    { name: '甲', role: '驻村干部' },
    { name: '乙', role: '村两委' },
    { name: '丙', role: '党员代表' },
  ],
  votesFor: 3,
  votesAgainst: 0,
  votesAbstain: 0,
  result: 'passed',
  minutes: '符合纳入条件',
};
const opinion = (signer: string) => ({ opinion: '同意', signer, signDate: '2026-12-05' });

describe('one 附件2 across the household’s life', () => {
  it('registers a household of three, identifies it from its registered members, writes the result back, and prefills the next assessment', async () => {
    const p = peopleOf('HH-0001'); // 竹山村 and its people
    const cadre = await h.who(p.cadre);
    const { id: hid } = await createHousehold(h.svc, cadre, {
      org: p.village,
      members: people,
      reason: '新增突发严重困难户',
    });

    const caseId = await h.start(p.cadre, {
      process: 'identification',
      org: p.village,
      subject: { id: hid },
      data: {
        ...application('HH-0001'),
        name: people[0].name,
        idNumber: people[0].idNumber,
        householdSize: 3,
      },
    });
    const [verify] = await h.open(caseId);
    expect(verify.step_id).toBe('verify');
    const shown = await getTask(h.svc, await h.who(p.verifiers[0]), verify.id);
    const opened = shown.initialData as { members: Record<string, unknown>[] };
    // the verifier's 附件2 opens with the registered members, as 附件2 rows
    expect(opened.members).toEqual(
      people.map((m) => ({ A5: m.name, A7: m.idNumber, A8: m.relation, A13: m.health, A14: m.labour })),
    );

    // on site the verifiers complete each member and find a newborn not yet registered
    const baby = {
      A5: '曾小宝',
      A7: makeId('20260101', 544),
      A8: '03',
      A13: '01',
      A14: '04',
      ...onSite,
      A16: 0,
    };
    const collected = {
      A1: false,
      A3: '2',
      A4: false,
      members: [...opened.members.map((m) => ({ ...m, ...onSite })), baby],
      A23: '02',
      A24: '02',
      A25: '02',
      A27: ['06'],
      A28: 9000,
      A29: 2000,
      A30: 0,
      A31: 600,
      A32: 400,
      A35: 0,
      A36: 8000,
      A55: { name: '罗帮扶', phone: '13907341234' },
    };
    for (const v of p.verifiers) await h.act(v, verify.id, 'submit', { data: collected });
    const [vr] = await h.open(caseId);
    await h.act(p.secretary, vr.id, 'approve', { data: review }); // the village branch secretary signs the review
    await h.env.sleep(7 * DAY + 1000);
    for (const t of await h.open(caseId, 2))
      await h.act(t.assignee_user!, t.id, 'approve', { data: opinion(t.assignee_user!) });
    const [county] = await h.open(caseId);
    const hits =
      (
        (await getTask(h.svc, await h.who('bureau'), county.id)).initialData as {
          hitDecisions?: Record<string, unknown>[];
        }
      ).hitDecisions ?? [];
    await h.act('bureau', county.id, 'approve', {
      data: {
        verification: { opinion: '情况属实', signer: '王核实', date: '2026-11-26' },
        villageReview: { opinion: '评议通过', signer: '李书记', date: '2026-11-27' },
        townshipReview: { opinion: '同意上报', signer: '刘书记', signer2: '张镇长', date: '2026-12-05' },
        countyApproval: { opinion: '同意纳入', signer: '周局长', date: '2026-12-06', sealed: true },
        // the county decides the type: 突发严重困难户 (3), not what the verifiers proposed (2)
        monitoringType: '3',
        hitDecisions: hits.map((x) => ({ ...x, decision: 'confirmed' })),
      },
    });
    expect(await h.waitStatus(caseId)).toBe('approved');

    // approval wrote the result back to the registry
    const row = (
      await h.tdb.db.query(
        'SELECT monitoring_status, monitoring_type, monitor_contact, members FROM households WHERE id = $1',
        [hid],
      )
    ).rows[0];
    expect(row).toMatchObject({
      monitoring_status: 'monitored',
      monitoring_type: '3',
      monitor_contact: { name: '罗帮扶', phone: '13907341234' },
    });
    expect(row.members.map((m: { name: string }) => m.name)).toEqual([
      '曾国富',
      '邓桂香',
      '曾小龙',
      '曾小宝',
    ]);
    expect(row.members[1]).toMatchObject({ health: '02', A11: '03', A17: '01' });
    const page = await getHousehold(h.svc, cadre, hid);
    expect(page.collections).toEqual([
      expect.objectContaining({ stage: 'identification', case_id: caseId, version: 1 }),
    ]);
    expect(page.history.find((x) => x.kind === 'member.added' && x.case_id === caseId)).toMatchObject({
      member_name: '曾小宝',
    });
    // the household's story: the status change and the case with its documents on one timeline
    expect(page.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'status.changed',
          text: '监测状态：未纳入监测 → 监测中',
          case_id: caseId,
        }),
        expect.objectContaining({
          kind: 'case.ended',
          case_id: caseId,
          documents: expect.arrayContaining([
            expect.objectContaining({ form_key: 'identification-approval' }),
          ]),
        }),
      ]),
    );
    // the write-back is idempotent: writing the same 附件2 again (an activity retry) changes nothing
    const historyBefore = page.history.length;
    const { storeCollection, syncMembers, fromCollectionMember } =
      await import('../../store/household-store.js');
    const data = (await h.tdb.db.query('SELECT data FROM cases WHERE id = $1', [caseId])).rows[0].data
      .collection;
    expect(await storeCollection(h.tdb.db, hid, 'identification', caseId, { ...data, A3: '3' })).toEqual({
      version: 1,
      fresh: false,
    });
    expect(
      await syncMembers(h.tdb.db, hid, data.members.map(fromCollectionMember), {
        actorId: null,
        caseId,
        removeMissing: 'verified_out',
      }),
    ).toEqual({ added: [], changed: [], removed: [] });
    expect((await getHousehold(h.svc, cadre, hid)).history.length).toBe(historyBefore);

    // the next quarterly assessment opens with the approved 附件2
    const assessment = await h.start(p.cadre, {
      process: 'assistance-assessment',
      org: p.village,
      subject: { id: hid },
    });
    const [assess] = await h.open(assessment);
    expect(assess.step_id).toBe('assess');
    const next = (await getTask(h.svc, cadre, assess.id)).initialData as Record<string, any>;
    expect(next).toMatchObject({
      A3: '3',
      A28: 9000,
      A29: 2000,
      A31: 600,
      A32: 400,
      A36: 8000,
      A27: ['06'],
      A55: { name: '罗帮扶' },
    });
    expect(next.members.map((m: { A5: string; A11?: string }) => [m.A5, m.A11])).toEqual([
      ['曾国富', '03'],
      ['邓桂香', '03'],
      ['曾小龙', '03'],
      ['曾小宝', '03'],
    ]);

    // and an identification is no longer for this household
    await expect(
      h.start(p.cadre, { process: 'identification', org: p.village, subject: { id: hid }, data: {} }),
    ).rejects.toMatchObject({ status: 409, code: 'household_status' });
  });
});
