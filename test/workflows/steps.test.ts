import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createHarness, actor, explainUpdateFailure, type Harness } from '../support/engine.js';
import { withdrawUpdate } from '../../workflows/contract.js';
import {
  failingActivity,
  identification,
  incomeDecision,
  noApprover,
  parallelAny,
  parallelOpinions,
  sequentialWithSla,
} from './fixtures.js';

const DAY = 86_400_000;
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

describe('parallel', () => {
  it('waits for every county opinion before the leading group decides (join all)', async () => {
    const c = await h.start(parallelOpinions);
    const tasks = await open(c, 2);
    expect(tasks.map((t) => t.step_id).sort()).toEqual(['bureau_opinion', 'finance_opinion']);
    await h.act(c, tasks.find((t) => t.step_id === 'bureau_opinion')!.id, 'bureau1', 'approve');
    expect((await h.openTasks(c)).map((t) => t.step_id)).toEqual(['finance_opinion']);
    await h.act(c, tasks.find((t) => t.step_id === 'finance_opinion')!.id, 'fin1', 'approve');
    const [leading] = await h.openTasks(c);
    expect(leading.step_id).toBe('leading');
  });

  it('lets the first opinion decide and withdraws the other (join any)', async () => {
    const c = await h.start(parallelAny);
    const tasks = await open(c, 2);
    await h.act(c, tasks.find((t) => t.step_id === 'finance_opinion')!.id, 'fin1', 'approve');
    const after = await h.openTasks(c);
    expect(after.map((t) => t.step_id)).toEqual(['leading']);
    const cancelled = (
      await h.tdb.db.query(`SELECT step_id FROM tasks WHERE case_id = $1 AND status = 'cancelled'`, [c])
    ).rows;
    expect(cancelled.map((r) => r.step_id)).toEqual(['bureau_opinion']);
  });
});

describe('task modes and SLA', () => {
  it('asks township leaders one after another in order (依次)', async () => {
    const c = await h.start(sequentialWithSla);
    const [first] = await open(c);
    expect(first.assignee_user).toBe('head1'); // resolved in username order: head1, then sec1
    await expect(h.act(c, first.id, 'sec1', 'approve')).rejects.toThrow(/指派给他人/);
    await h.act(c, first.id, 'head1', 'approve');
    const [second] = await h.openTasks(c);
    expect(second.assignee_user).toBe('sec1');
    await h.act(c, second.id, 'sec1', 'approve');
    expect((await h.caseRow(c)).status).toBe('approved');
  });

  it('escalates once to the county when the SLA passes, and not again', async () => {
    const c = await h.start(sequentialWithSla);
    await open(c);
    await h.env.sleep(3 * DAY - 60_000);
    expect(await h.openTasks(c)).toHaveLength(1);
    await h.env.sleep(120_000);
    const tasks = await open(c, 2);
    expect(tasks.map((t) => t.role).sort()).toEqual(['county_rural_bureau', null]);
    await h.env.sleep(10 * DAY);
    const escalations = (
      await h.tdb.db.query(
        `SELECT count(*)::int AS n FROM notifications WHERE case_id = $1 AND kind = 'escalation'`,
        [c],
      )
    ).rows[0];
    expect(escalations.n).toBe(1);
    expect(await h.openTasks(c)).toHaveLength(2);
  });
});

describe('withdraw', () => {
  it('lets the initiator withdraw before the next step acts, and not after', async () => {
    const c = await h.start(identification);
    const [apply] = await open(c);
    await h.act(c, apply.id, 'cadre1', 'submit');
    const handle = h.env.client.workflow.getHandle(c);
    await expect(
      handle
        .executeUpdate(withdrawUpdate, { args: [{ requestId: randomUUID(), actor: actor('ver1') }] })
        .catch(explainUpdateFailure),
    ).rejects.toThrow(/只有发起人/);
    await handle.executeUpdate(withdrawUpdate, {
      args: [{ requestId: randomUUID(), actor: actor('cadre1'), comment: '信息填错' }],
    });
    expect((await h.caseRow(c)).status).toBe('withdrawn');
    expect(await h.openTasks(c)).toHaveLength(0);

    const d = await h.start(identification);
    await h.act(d, (await open(d))[0].id, 'cadre1', 'submit');
    const [verify] = await open(d);
    await h.act(d, verify.id, 'ver1', 'submit');
    await expect(
      h.env.client.workflow
        .getHandle(d)
        .executeUpdate(withdrawUpdate, { args: [{ requestId: randomUUID(), actor: actor('cadre1') }] })
        .catch(explainUpdateFailure),
    ).rejects.toThrow(/不能撤回/);
  });
});

describe('activities and decisions', () => {
  it('routes on income computed by an activity: below 5,000 yuan per person is refused', async () => {
    const low = await h.start(incomeDecision, { data: { members: 3, A28: 12000 } });
    const high = await h.start(incomeDecision, { data: { members: 2, A28: 16000 } });
    await h.env.client.workflow.getHandle(low).result();
    await h.env.client.workflow.getHandle(high).result();
    expect((await h.caseRow(low)).status).toBe('rejected');
    expect((await h.caseRow(low)).data.income).toMatchObject({ A33: 12000, A38: 4000 });
    expect((await h.caseRow(high)).status).toBe('approved');
  });

  it('opens a repair task for an administrator when an activity fails for good, instead of a stuck case', async () => {
    const c = await h.start(failingActivity);
    const [repair] = await open(c);
    expect(repair).toMatchObject({ step_id: 'income', role: 'admin', org_id: 'hn-k1' });
    const audit = (
      await h.tdb.db.query(
        `SELECT detail FROM audit_events WHERE action = 'activity.failed' AND detail->>'caseId' = $1`,
        [c],
      )
    ).rows;
    expect(audit[0].detail.reason).toMatch(/至少为1/);
    await h.act(c, repair.id, 'admin', 'cancel', { comment: '数据错误，终止' });
    expect((await h.caseRow(c)).status).toBe('cancelled');
  });
});

describe('long-running cases', () => {
  it('continues as new when the history grows, carrying data and finishing on the same definition', async () => {
    const loop = {
      ...sequentialWithSla,
      key: 'loop',
      start: 'review',
      steps: [
        {
          id: 'review',
          type: 'task' as const,
          title: { zh: '审核' },
          assignee: { role: 'township_reviewer', level: 'township' as const },
          actions: [
            {
              id: 'again',
              kind: 'return' as const,
              label: { zh: '退回重审' },
              returnTargets: ['review'],
              commentRequired: true,
            },
            { id: 'approve', kind: 'approve' as const, label: { zh: '同意' }, next: 'approved' },
          ],
        },
        { id: 'approved', type: 'end' as const, title: { zh: '通过' }, outcome: 'approved' as const },
      ],
    };
    const c = await h.start(loop, { data: { note: '保留的数据' }, historyLimit: 40 } as never);
    const handle = h.env.client.workflow.getHandle(c);
    const firstRun = (await handle.describe()).runId;
    for (let i = 0; i < 8; i++) {
      const [task] = await open(c);
      await h.act(c, task.id, 'sec1', 'again', { returnTo: 'review', comment: `第${i + 1}次退回` });
    }
    const [last] = await open(c);
    await h.act(c, last.id, 'head1', 'approve');
    const result = await handle.result();
    expect(result).toEqual({ status: 'approved', outcome: 'approved' });
    expect((await handle.describe()).runId).not.toBe(firstRun);
    expect((await h.caseRow(c)).data.note).toBe('保留的数据');
    // the timeline keeps counting across runs: no sequence number is reused
    const dup = (
      await h.tdb.db.query(
        'SELECT seq FROM case_events WHERE case_id = $1 GROUP BY seq HAVING count(*) > 1',
        [c],
      )
    ).rows;
    expect(dup).toEqual([]);
  });
});

describe('无审批人 nobody holds the role', () => {
  it('gives the task to the administrators one level up, says so in the audit, and the case goes on', async () => {
    const c = await h.start(noApprover);
    await h.act(c, (await open(c))[0].id, 'cadre1', 'submit');
    const [check] = await h.until(async () => {
      const t = await h.openTasks(c);
      return t.length && t[0].step_id === 'check' ? t : undefined;
    }, 'the check task');
    // the task is in the township administrators' inbox at once (the update returned after it was written)
    expect([check.role, check.org_id, check.min_signers]).toEqual(['admin', 'hn-t1', 1]);
    const audit = await h.tdb.db.query(
      `SELECT detail FROM audit_events WHERE action = 'task.no-approver' AND detail->>'caseId' = $1`,
      [c],
    );
    expect(audit.rows.map((r) => [r.detail.role, r.detail.orgId])).toEqual([['verifier', 'hn-v1']]);
    // the case's own state agrees with the inbox
    const state = await h.state(c);
    expect(state.tasks.find((t) => t.id === check.id)).toMatchObject({ role: 'admin', orgId: 'hn-t1' });
    await h.act(c, check.id, 'admin', 'approve');
    await h.env.client.workflow.getHandle(c).result();
    expect((await h.caseRow(c)).status).toBe('approved');
  });

  it('opens the task for the role when somebody holds it (no administrator task, no audit entry)', async () => {
    const c = await h.start(noApprover, { orgId: 'hn-v1' });
    const [apply] = await open(c);
    expect([apply.step_id, apply.role, apply.org_id]).toEqual(['apply', 'village_cadre', 'hn-v1']);
    const audit = await h.tdb.db.query(
      `SELECT 1 FROM audit_events WHERE action = 'task.no-approver' AND detail->>'caseId' = $1`,
      [c],
    );
    expect(audit.rows).toEqual([]);
  });
});
