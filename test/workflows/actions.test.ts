import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createHarness, actor, explainUpdateFailure, type Harness } from '../support/engine.js';
import {
  addSignerUpdate,
  claimTaskUpdate,
  delegateTaskUpdate,
  transferTaskUpdate,
  urgeUpdate,
  ccUpdate,
} from '../../workflows/contract.js';
import { def, approve } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const t = (zh: string) => ({ zh, en: zh });
const review = def('review', [
  {
    id: 'review',
    type: 'task',
    title: t('乡镇审核'),
    assignee: { role: 'township_reviewer', level: 'township' },
    actions: [approve('approved')],
  },
  { id: 'approved', type: 'end', title: t('通过'), outcome: 'approved' },
]);

const open = (caseId: string, n = 1) =>
  h.until(async () => {
    const x = await h.openTasks(caseId);
    return x.length >= n ? x : undefined;
  }, `${n} open tasks`);
const send = <A>(caseId: string, update: any, arg: A) =>
  h.env.client.workflow
    .getHandle(caseId)
    .executeUpdate(update, { args: [arg] })
    .catch(explainUpdateFailure);

describe('human actions on a task', () => {
  it('claims a group task so the other reviewer can no longer act on it', async () => {
    const c = await h.start(review);
    const [task] = await open(c);
    expect(task.assignee_user).toBeNull();
    await send(c, claimTaskUpdate, { requestId: randomUUID(), taskId: task.id, actor: actor('sec1') });
    expect((await h.openTasks(c))[0].assignee_user).toBe('sec1');
    await expect(
      send(c, claimTaskUpdate, { requestId: randomUUID(), taskId: task.id, actor: actor('head1') }),
    ).rejects.toThrow(/已被他人认领/);
    await expect(h.act(c, task.id, 'head1', 'approve')).rejects.toThrow(/指派给他人/);
    await h.act(c, task.id, 'sec1', 'approve');
    expect((await h.caseRow(c)).status).toBe('approved');
  });

  it('transfers a task for good (转办)', async () => {
    const c = await h.start(review);
    const [task] = await open(c);
    await send(c, transferTaskUpdate, {
      requestId: randomUUID(),
      taskId: task.id,
      actor: actor('sec1'),
      to: actor('head1'),
    });
    expect((await h.openTasks(c))[0].assignee_user).toBe('head1');
    await expect(h.act(c, task.id, 'sec1', 'approve')).rejects.toThrow(/指派给他人/);
    await h.act(c, task.id, 'head1', 'approve');
    expect((await h.caseRow(c)).status).toBe('approved');
  });

  it('brings a delegated task back to the delegator after the delegate answers (委派)', async () => {
    const c = await h.start(review);
    const [task] = await open(c);
    await send(c, delegateTaskUpdate, {
      requestId: randomUUID(),
      taskId: task.id,
      actor: actor('sec1'),
      to: actor('ver1'),
    });
    expect((await h.openTasks(c))[0].assignee_user).toBe('ver1');
    await h.act(c, task.id, 'ver1', 'approve', { comment: '核实无误' });
    const [back] = await h.openTasks(c);
    expect(back.assignee_user).toBe('sec1');
    expect((await h.caseRow(c)).status).toBe('running');
    await h.act(c, task.id, 'sec1', 'approve');
    expect((await h.caseRow(c)).status).toBe('approved');
  });

  it('asks an added signer after the current one before the step is done (加签)', async () => {
    const c = await h.start(review);
    const [task] = await open(c);
    await send(c, addSignerUpdate, {
      requestId: randomUUID(),
      taskId: task.id,
      actor: actor('sec1'),
      to: actor('bureau1'),
      position: 'after',
    });
    await h.act(c, task.id, 'sec1', 'approve');
    const [extra] = await h.openTasks(c);
    expect(extra.assignee_user).toBe('bureau1');
    await h.act(c, extra.id, 'bureau1', 'approve');
    expect((await h.caseRow(c)).status).toBe('approved');
  });

  it('records urging and copies as notifications', async () => {
    const c = await h.start(review);
    await open(c);
    await send(c, urgeUpdate, { requestId: randomUUID(), actor: actor('cadre1') });
    await send(c, ccUpdate, { requestId: randomUUID(), actor: actor('cadre1'), userIds: ['bureau1'] });
    const kinds = (
      await h.tdb.db.query('SELECT kind FROM notifications WHERE case_id = $1 ORDER BY kind', [c])
    ).rows.map((r) => r.kind);
    expect(kinds).toEqual(['cc', 'urge']);
    expect((await h.tdb.db.query('SELECT user_id FROM case_ccs WHERE case_id = $1', [c])).rows).toEqual([
      { user_id: 'bureau1' },
    ]);
  });
});

describe('more task rules', () => {
  it('asks a signer added before the current one first (前加签)', async () => {
    const c = await h.start(review);
    const [task] = await open(c);
    await send(c, addSignerUpdate, {
      requestId: randomUUID(),
      taskId: task.id,
      actor: actor('sec1'),
      to: actor('bureau1'),
      position: 'before',
    });
    await expect(h.act(c, task.id, 'sec1', 'approve')).rejects.toThrow(/前加签人员尚未办理/);
    const added = (await h.openTasks(c)).find((t) => t.assignee_user === 'bureau1')!;
    await h.act(c, added.id, 'bureau1', 'approve');
    await h.act(c, task.id, 'sec1', 'approve');
    expect((await h.caseRow(c)).status).toBe('approved');
  });

  it('acts automatically when the SLA passes and the step says so', async () => {
    const auto = def('auto', [
      {
        id: 'review',
        type: 'task',
        title: t('审核'),
        assignee: { role: 'township_reviewer', level: 'township' },
        sla: { days: 5, autoAction: 'approve' },
        actions: [approve('approved')],
      },
      { id: 'approved', type: 'end', title: t('通过'), outcome: 'approved' },
    ]);
    const c = await h.start(auto);
    await open(c);
    await h.env.sleep(5 * 86_400_000 + 1000);
    await h.env.client.workflow.getHandle(c).result();
    const acted = (await h.tdb.db.query('SELECT actor_id, comment FROM task_actions WHERE case_id = $1', [c]))
      .rows;
    expect(acted).toEqual([{ actor_id: 'system', comment: '超时自动处理' }]);
  });

  it('sends a task whose role nobody holds to the administrator one level up', async () => {
    const nobody = def('nobody', [
      {
        id: 'review',
        type: 'task',
        title: t('审核'),
        assignee: { role: 'monitor_contact', level: 'village' },
        actions: [approve('approved')],
      },
      { id: 'approved', type: 'end', title: t('通过'), outcome: 'approved' },
    ]);
    const c = await h.start(nobody);
    const [task] = await open(c);
    expect(task).toMatchObject({ role: 'admin', org_id: 'hn-t1' });
  });
});
