/**
 * Records the histories that test/workflows/replay.test.ts replays: one real run per scenario, on the
 * time-skipping server, with the workflow code of the checkout this file runs in. Run it with the
 * RELEASED code (see workflows/README.md, "Refreshing the recorded histories"):
 *
 *   HISTORIES_LABEL=<release> npm run record:histories
 *
 * Each history lands in test/workflows/histories/<label>/<scenario>.json (or HISTORIES_OUT/<scenario>.json)
 * with the scenario, the commit that recorded it and the history as Temporal's JSON. Payloads are encrypted
 * by the codec with the test key (CODEC_KEYS of test/support/time-skipping.ts), which the replay test uses.
 *
 * The file only uses helpers that have existed since the projection became a local activity (d927458), so
 * the same file can be copied into an older checkout to record that code's histories.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actor, createHarness, type Harness } from '../support/engine.js';
import { createPackHarness, type PackHarness } from '../support/pack-harness.js';
import { application, collection, peopleOf } from '../support/demo.js';
import { fileObjection } from '../../server/services/public-board.js';
import { getTask } from '../../server/services/tasks.js';
import { caseOrg } from '../../server/services/directory.js';
import { moveOrgNode } from '../../server/services/org-tree.js';
import {
  addSignerUpdate,
  ccUpdate,
  claimTaskUpdate,
  delegateTaskUpdate,
  fileObjectionUpdate,
  transferTaskUpdate,
  urgeUpdate,
  withdrawUpdate,
} from '../../workflows/contract.js';
import {
  approve,
  def,
  failingActivity,
  identification,
  incomeDecision,
  noApprover,
  parallelAny,
  parallelOpinions,
  sequentialWithSla,
  workingDayNotice,
} from './fixtures.js';

const DAY = 86_400_000;
const ROOT = join(import.meta.dirname, '..', '..');
const commit = git('rev-parse', 'HEAD');
const label = process.env.HISTORIES_LABEL ?? commit.slice(0, 7);
const outDir = process.env.HISTORIES_OUT ?? join(import.meta.dirname, 'histories', label);

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
}

type Client = Harness['env']['client'];
type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;

/**
 * The history as protobufjs' object form (64-bit numbers and enums as strings, bytes as base64), which
 * `History.fromObject` reads back exactly. Not the SDK's `historyToJSON`: in this install
 * @temporalio/common and @temporalio/proto carry two copies of protobufjs and it fails ("type must be a Type").
 */
function toJson(history: History): unknown {
  const H = temporal.api.history.v1.History;
  return H.toObject(H.fromObject(history), { longs: String, enums: String, bytes: String });
}

/** Every run of the case (continue-as-new makes more than one), oldest first, written as one file each. */
async function save(client: Client, caseId: string, scenario: string, description: string) {
  // the time-skipping server cannot list workflows: walk back from the last run through continuedExecutionRunId
  const histories = [await client.workflow.getHandle(caseId).fetchHistory()];
  for (;;) {
    const prev = histories[0].events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!prev) break;
    histories.unshift(await client.workflow.getHandle(caseId, prev).fetchHistory());
  }
  mkdirSync(outDir, { recursive: true });
  histories.forEach((history, i) => {
    const name = histories.length === 1 ? scenario : `${scenario}.run${i + 1}`;
    const file = {
      scenario: name,
      description,
      recordedWith: { commit, label, at: new Date().toISOString() },
      workflowId: caseId,
      history: toJson(history),
    };
    writeFileSync(join(outDir, `${name}.json`), JSON.stringify(file, null, 1) + '\n');
  });
}

describe('record engine scenarios (fixtures)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  const open = (caseId: string, n = 1) =>
    h.until(async () => {
      const t = await h.openTasks(caseId);
      return t.length >= n ? t : undefined;
    }, `${n} open tasks`);
  const send = (caseId: string, update: any, arg: object) =>
    h.env.client.workflow.getHandle(caseId).executeUpdate(update, { args: [arg] });
  const done = async (caseId: string, status: string) => {
    await h.env.client.workflow.getHandle(caseId).result();
    expect((await h.caseRow(caseId)).status).toBe(status);
  };
  async function toNotice(c: string) {
    await h.act(c, (await open(c))[0].id, 'cadre1', 'submit', {
      data: { name: '王小明', idNumber: '430422199001011234' },
    });
    const [verify] = await open(c);
    await h.act(c, verify.id, 'ver1', 'submit');
    await h.act(c, verify.id, 'ver2', 'submit');
  }

  // first, while the server's clock is still in a year the holiday calendar covers (later scenarios skip weeks)
  // (until 35c2154 this also recorded a notice whose calendar year was missing, ending in a repair task; since
  // the calendar became data such a case waits for the year to be published, which working-days.test.ts covers)
  it('working-day notices: 10 working days', async () => {
    const c = await h.start(workingDayNotice(10));
    await h.until(
      async () => (await h.tdb.db.query('SELECT 1 FROM notices WHERE case_id = $1', [c])).rows[0],
      'notice',
    );
    await h.env.sleep(20 * DAY);
    await done(c, 'approved');
    await save(h.env.client, c, 'working-day-notice', 'notice of 10 working days (holiday calendar)');
  });

  it('identification: 会签 verification, 7-day calendar notice, both township leaders approve', async () => {
    const c = await h.start(identification);
    await toNotice(c);
    await h.env.sleep(7 * DAY + 1000);
    for (const t of await open(c, 2)) await h.act(c, t.id, t.assignee_user!, 'approve');
    await done(c, 'approved');
    await save(
      h.env.client,
      c,
      'identification-approved',
      'task 会签 (min 2 verifiers) → calendar notice → task mode all → end',
    );
  });

  it('identification: objection in the notice window, investigation finds it unfounded', async () => {
    const c = await h.start(identification);
    await toNotice(c);
    await h.env.sleep(7 * DAY - 60_000);
    await send(c, fileObjectionUpdate, { requestId: 'obj-1', receipt: 'R-1', content: '该户有小轿车' });
    await h.env.sleep(120_000);
    const [inv] = await open(c);
    await h.act(c, inv.id, 'cadre1', 'unfounded', { comment: '车辆已报废' });
    for (const t of await open(c, 2)) await h.act(c, t.id, t.assignee_user!, 'approve');
    await done(c, 'approved');
    await save(
      h.env.client,
      c,
      'identification-objection-unfounded',
      'notice with an objection (update) → investigation → unfounded → township',
    );
  });

  it('identification: objection upheld rejects the case', async () => {
    const c = await h.start(identification);
    await toNotice(c);
    await h.env.sleep(DAY);
    await send(c, fileObjectionUpdate, { requestId: 'obj-2', receipt: 'R-2', content: '子女为公职人员' });
    await h.env.sleep(6 * DAY + 1000);
    const [inv] = await open(c);
    await h.act(c, inv.id, 'cadre1', 'upheld');
    await done(c, 'rejected');
    await save(
      h.env.client,
      c,
      'identification-objection-upheld',
      'notice with an objection → investigation → upheld → rejected',
    );
  });

  it('identification: township returns to verification, then approves', async () => {
    const c = await h.start(identification);
    await toNotice(c);
    await h.env.sleep(7 * DAY + 1000);
    const tasks = await open(c, 2);
    const sec = tasks.find((t) => t.assignee_user === 'sec1')!;
    await h.act(c, sec.id, 'sec1', 'return', { returnTo: 'verify', comment: '收入数据需复核' });
    const [verify] = await open(c);
    await h.act(c, verify.id, 'ver1', 'submit');
    await h.act(c, verify.id, 'ver2', 'submit');
    await h.env.sleep(7 * DAY + 1000);
    for (const t of await open(c, 2)) await h.act(c, t.id, t.assignee_user!, 'approve');
    await done(c, 'approved');
    await save(
      h.env.client,
      c,
      'identification-returned',
      'return to an earlier step, the notice opens a second time',
    );
  });

  it('identification: rejected at verification; another withdrawn by the initiator', async () => {
    const b = await h.start(identification);
    await h.act(b, (await open(b))[0].id, 'cadre1', 'submit');
    await h.act(b, (await open(b))[0].id, 'ver1', 'reject', { comment: '不符合条件' });
    await done(b, 'rejected');
    await save(h.env.client, b, 'identification-rejected', 'reject with a comment at a 会签 step');
    const w = await h.start(identification);
    await h.act(w, (await open(w))[0].id, 'cadre1', 'submit');
    await send(w, withdrawUpdate, { requestId: randomUUID(), actor: actor('cadre1'), comment: '信息填错' });
    await done(w, 'withdrawn');
    await save(h.env.client, w, 'identification-withdrawn', 'withdraw update by the initiator');
  });

  it('parallel opinions: join all, and join any', async () => {
    const c = await h.start(parallelOpinions);
    for (const t of await open(c, 2))
      await h.act(c, t.id, t.step_id === 'bureau_opinion' ? 'bureau1' : 'fin1', 'approve');
    const [leading] = await open(c);
    await h.act(c, leading.id, 'lead1', 'approve');
    await done(c, 'approved');
    await save(h.env.client, c, 'parallel-join-all', 'parallel branches, join all, then a task');
    const a = await h.start(parallelAny);
    const tasks = await open(a, 2);
    await h.act(a, tasks.find((t) => t.step_id === 'finance_opinion')!.id, 'fin1', 'approve');
    const [lead] = await open(a);
    expect(lead.step_id).toBe('leading');
    await h.act(a, lead.id, 'lead1', 'reject', { comment: '资金不足' });
    await done(a, 'rejected');
    await save(
      h.env.client,
      a,
      'parallel-join-any',
      'parallel branches, join any withdraws the other branch',
    );
  });

  it('依次 township review, and an SLA that escalates once', async () => {
    const c = await h.start(sequentialWithSla);
    const [first] = await open(c);
    await h.act(c, first.id, 'head1', 'approve');
    const [second] = await open(c);
    await h.act(c, second.id, 'sec1', 'approve');
    await done(c, 'approved');
    await save(
      h.env.client,
      c,
      'sequential-approved',
      'task mode sequential (依次) with an SLA that does not fire',
    );
    const e = await h.start(sequentialWithSla);
    await open(e);
    await h.env.sleep(3 * DAY + 60_000);
    await open(e, 2);
    await h.env.sleep(2 * DAY);
    const [own] = (await h.openTasks(e)).filter((t) => t.assignee_user === 'head1');
    await h.act(e, own.id, 'head1', 'approve');
    const [next] = (await open(e)).filter((t) => t.assignee_user === 'sec1');
    await h.act(e, next.id, 'sec1', 'approve');
    await done(e, 'approved');
    await save(
      h.env.client,
      e,
      'sla-escalated',
      'SLA escalation timer fires (escalation task), then the sequence completes',
    );
  });

  it('SLA auto action', async () => {
    const auto = def('auto', [
      {
        id: 'review',
        type: 'task',
        title: { zh: '审核' },
        assignee: { role: 'township_reviewer', level: 'township' },
        sla: { days: 5, autoAction: 'approve' },
        actions: [approve('approved')],
      },
      { id: 'approved', type: 'end', title: { zh: '通过' }, outcome: 'approved' },
    ]);
    const c = await h.start(auto);
    await open(c);
    await h.env.sleep(5 * DAY + 1000);
    await done(c, 'approved');
    await save(h.env.client, c, 'sla-auto-action', 'SLA timer acts automatically');
  });

  it('activity then decision on income, both ways', async () => {
    const low = await h.start(incomeDecision, { data: { members: 3, A28: 12000 } });
    await done(low, 'rejected');
    await save(
      h.env.client,
      low,
      'income-decision-low',
      'activity computeIncome → decision below 5,000 → rejected',
    );
    const high = await h.start(incomeDecision, { data: { members: 2, A28: 16000 } });
    await done(high, 'approved');
    await save(h.env.client, high, 'income-decision-high', 'activity computeIncome → decision → approved');
  });

  it('no approver: nobody holds the role of a step, the administrators of the township get the task', async () => {
    const c = await h.start(noApprover);
    await h.act(c, (await open(c))[0].id, 'cadre1', 'submit');
    const [check] = await h.until(async () => {
      const t = await h.openTasks(c);
      return t.length && t[0].step_id === 'check' ? t : undefined;
    }, 'the check task');
    expect([check.role, check.org_id]).toEqual(['admin', 'hn-t1']);
    await h.act(c, check.id, 'admin', 'approve');
    await done(c, 'approved');
    await save(h.env.client, c, 'no-approver', 'no holder of the role → task for the administrators above');
  });

  it('org moved mid-case: a village joins another township, and its next steps open there', async () => {
    const c = await h.start(identification, { orgId: 'hn-v3' });
    const [apply] = await open(c);
    // what the move sends (by name and caseOrg, so this file still copies into checkouts without the signal)
    await moveOrgNode(h.tdb.db, 'admin', 'hn-v3', { parentCode: 'hn-t1' });
    await h.env.client.workflow.getHandle(c).signal('orgMoved', (await caseOrg(h.tdb.db, 'hn-v3'))!);
    await h.act(c, apply.id, 'cadre3', 'submit', {
      data: { name: '王小明', idNumber: '430422199001011234' },
    });
    const [verify] = await open(c);
    expect([verify.role, verify.org_id]).toEqual(['verifier', 'hn-t1']);
    await h.act(c, verify.id, 'ver1', 'submit');
    await h.act(c, verify.id, 'ver2', 'submit');
    await h.env.sleep(7 * DAY + 1000);
    for (const t of await open(c, 2)) await h.act(c, t.id, t.assignee_user!, 'approve');
    await done(c, 'approved');
    await moveOrgNode(h.tdb.db, 'admin', 'hn-v3', { parentCode: 'hn-t2' });
    await save(
      h.env.client,
      c,
      'org-moved',
      '花桥村 moves to 云集镇 after its case started; verification there',
    );
  });

  it('repair task after an activity fails for good: cancel, and retry then skip', async () => {
    const c = await h.start(failingActivity);
    const [repair] = await open(c);
    await h.act(c, repair.id, 'admin', 'cancel', { comment: '数据错误，终止' });
    await done(c, 'cancelled');
    await save(h.env.client, c, 'repair-cancel', 'activity fails after retries → repair task → cancel');
    const r = await h.start(failingActivity);
    const [first] = await open(r);
    await h.act(r, first.id, 'admin', 'retry', { comment: '重试' });
    const [again] = await h.until(async () => {
      const t = await h.openTasks(r);
      return t.length && t[0].id !== first.id ? t : undefined;
    }, 'second repair task');
    await h.act(r, again.id, 'admin', 'skip', { comment: '跳过' });
    await h.env.client.workflow.getHandle(r).result();
    await save(h.env.client, r, 'repair-retry-skip', 'repair task → retry (fails again) → skip → decision');
  });

  it('human actions: claim, transfer, delegate, add signer before and after, urge and CC', async () => {
    const review = def('review', [
      {
        id: 'review',
        type: 'task',
        title: { zh: '乡镇审核' },
        assignee: { role: 'township_reviewer', level: 'township' },
        actions: [approve('approved')],
      },
      { id: 'approved', type: 'end', title: { zh: '通过' }, outcome: 'approved' },
    ]);
    const c = await h.start(review);
    const [task] = await open(c);
    await send(c, urgeUpdate, { requestId: randomUUID(), actor: actor('cadre1') });
    await send(c, ccUpdate, { requestId: randomUUID(), actor: actor('cadre1'), userIds: ['bureau1'] });
    await send(c, claimTaskUpdate, { requestId: randomUUID(), taskId: task.id, actor: actor('sec1') });
    await send(c, delegateTaskUpdate, {
      requestId: randomUUID(),
      taskId: task.id,
      actor: actor('sec1'),
      to: actor('ver1'),
    });
    await h.act(c, task.id, 'ver1', 'approve', { comment: '核实无误' });
    await send(c, addSignerUpdate, {
      requestId: randomUUID(),
      taskId: task.id,
      actor: actor('sec1'),
      to: actor('bureau1'),
      position: 'before',
    });
    const added = (await open(c, 2)).find((t) => t.assignee_user === 'bureau1')!;
    await h.act(c, added.id, 'bureau1', 'approve');
    await send(c, addSignerUpdate, {
      requestId: randomUUID(),
      taskId: task.id,
      actor: actor('sec1'),
      to: actor('head1'),
      position: 'after',
    });
    await h.act(c, task.id, 'sec1', 'approve');
    const [after] = await open(c);
    await h.act(c, after.id, 'head1', 'approve');
    await done(c, 'approved');
    await save(h.env.client, c, 'human-actions', 'urge, CC, claim, delegate, 前加签, 后加签');
    const t = await h.start(review);
    const [tt] = await open(t);
    await send(t, transferTaskUpdate, {
      requestId: randomUUID(),
      taskId: tt.id,
      actor: actor('sec1'),
      to: actor('head1'),
    });
    await h.act(t, tt.id, 'head1', 'approve');
    await done(t, 'approved');
    await save(h.env.client, t, 'transfer', 'transfer (转办)');
  });

  it('continue-as-new when the history grows', async () => {
    const loop = def('loop', [
      {
        id: 'review',
        type: 'task',
        title: { zh: '审核' },
        assignee: { role: 'township_reviewer', level: 'township' },
        actions: [
          {
            id: 'again',
            kind: 'return',
            label: { zh: '退回重审' },
            returnTargets: ['review'],
            commentRequired: true,
          },
          { id: 'approve', kind: 'approve', label: { zh: '同意' }, next: 'approved' },
        ],
      },
      { id: 'approved', type: 'end', title: { zh: '通过' }, outcome: 'approved' },
    ]);
    const c = await h.start(loop, { data: { note: '保留的数据' }, historyLimit: 40 } as never);
    for (let i = 0; i < 8; i++) {
      const [task] = await open(c);
      await h.act(c, task.id, 'sec1', 'again', { returnTo: 'review', comment: `第${i + 1}次退回` });
    }
    const [last] = await open(c);
    await h.act(c, last.id, 'head1', 'approve');
    await done(c, 'approved');
    await save(
      h.env.client,
      c,
      'continue-as-new',
      'a returned task loops until the history limit: continue-as-new, then approval',
    );
  });
});

describe('record pack scenarios (S1 identification through the service layer)', () => {
  let h: PackHarness;
  beforeAll(async () => {
    h = await createPackHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
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
    minutes: '逐户评议，符合纳入条件',
  };
  const opinion = (signer: string) => ({ opinion: '同意', signer, signDate: '2026-12-05' });
  const approval = {
    verification: { opinion: '经入户核实情况属实', signer: '王核实', date: '2026-11-26' },
    villageReview: { opinion: '村级评议通过', signer: '李书记', date: '2026-11-27' },
    townshipReview: { opinion: '同意上报', signer: '刘书记', signer2: '张镇长', date: '2026-12-05' },
    countyApproval: { opinion: '同意纳入', signer: '周局长', date: '2026-12-06', sealed: true },
    monitoringType: '2',
  };
  async function toNotice(hid: string) {
    const p = peopleOf(hid);
    const caseId = await h.start(p.cadre, {
      process: 'identification',
      org: p.village,
      subject: { id: hid },
      data: application(hid),
    });
    const [verify] = await h.open(caseId);
    await h.verify(p.verifiers, verify.id, collection(hid));
    const [vr] = await h.open(caseId);
    await h.act(p.secretary, vr.id, 'approve', { data: review });
    return caseId;
  }
  async function townshipAndCounty(caseId: string) {
    for (const t of await h.open(caseId, 2))
      await h.act(t.assignee_user!, t.id, 'approve', { data: opinion(t.assignee_user!) });
    // 会商研判: the county's industry departments give their opinions first (packs since 2026-12-01)
    await h.consult(caseId);
    const [county] = await h.open(caseId);
    const shown = await getTask(h.svc, await h.who('bureau'), county.id);
    const hitDecisions = (
      (shown.initialData as { hitDecisions?: Record<string, unknown>[] }).hitDecisions ?? []
    ).map((x) => ({ ...x, decision: 'confirmed' }));
    await h.act('bureau', county.id, 'approve', { data: { ...approval, hitDecisions } });
    return h.waitStatus(caseId);
  }

  it('S1: identified through every step of the Hunan pack', async () => {
    const c = await toNotice('HH-0001');
    await h.env.sleep(7 * DAY + 1000);
    expect(await townshipAndCounty(c)).toBe('approved');
    await save(
      h.env.client,
      c,
      'pack-s1-approved',
      'Hunan pack identification: activities, department comparison, notice, township 会签, county',
    );
  });

  it('S1: an objection filed on the public board, investigated and found unfounded', async () => {
    const c = await toNotice('HH-0005');
    const notice = (await h.tdb.db.query('SELECT id FROM notices WHERE case_id = $1', [c])).rows[0];
    await fileObjection(h.svc, notice.id, { content: '该户家中有经营性货车', name: '匿名' });
    await h.env.sleep(7 * DAY + 1000);
    const [inv] = await h.open(c);
    await h.act(peopleOf('HH-0005').cadre, inv.id, 'unfounded', {
      comment: '货车已报废',
      data: { findings: '经核实货车已于2025年报废', outcome: 'unfounded', investigators: '李、王' },
    });
    expect(await townshipAndCounty(c)).toBe('approved');
    await save(
      h.env.client,
      c,
      'pack-s1-objection',
      'Hunan pack identification with an objection from the public board → investigation → unfounded',
    );
  });
});
