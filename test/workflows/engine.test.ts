import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, explainUpdateFailure, type Harness } from '../support/engine.js';
import { fileObjectionUpdate } from '../../workflows/contract.js';
import { identification } from './fixtures.js';

const DAY = 86_400_000;
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

async function toNotice(caseId: string) {
  const [apply] = await h.openTasks(caseId);
  await h.act(caseId, apply.id, 'cadre1', 'submit', { data: {} });
  const [verify] = await h.openTasks(caseId);
  await h.act(caseId, verify.id, 'ver1', 'submit');
  await h.act(caseId, verify.id, 'ver2', 'submit');
}

describe('identification chain on the time-skipping server', () => {
  it('puts the first task in the village cadre inbox as soon as the case starts', async () => {
    const caseId = await h.start(identification);
    const tasks = await h.until(async () => {
      const t = await h.openTasks(caseId);
      return t.length ? t : undefined;
    }, 'first task');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ step_id: 'apply', role: 'village_cadre', org_id: 'hn-v1' });
  });

  it('needs two different verifiers: the same person cannot sign twice', async () => {
    const caseId = await h.start(identification);
    await h.until(async () => (await h.openTasks(caseId)).length, 'apply task');
    const [apply] = await h.openTasks(caseId);
    await h.act(caseId, apply.id, 'cadre1', 'submit');
    const [verify] = await h.openTasks(caseId);
    expect(verify).toMatchObject({ step_id: 'verify', min_signers: 2 });
    await h.act(caseId, verify.id, 'ver1', 'submit');
    await expect(h.act(caseId, verify.id, 'ver1', 'submit')).rejects.toThrow(/另一人会签/);
    expect((await h.openTasks(caseId)).map((t) => t.step_id)).toEqual(['verify']);
    await h.act(caseId, verify.id, 'ver2', 'submit');
    const row = await h.caseRow(caseId);
    expect(row.current_steps.map((s: { id: string }) => s.id)).toEqual(['notice']);
  });

  it('keeps the notice open for the full seven days even if no one objects', async () => {
    const caseId = await h.start(identification);
    await h.until(async () => (await h.openTasks(caseId)).length, 'apply task');
    await toNotice(caseId);
    const notice = (await h.tdb.db.query('SELECT * FROM notices WHERE case_id = $1', [caseId])).rows[0];
    expect(notice.closes_at.getTime() - notice.opens_at.getTime()).toBe(7 * DAY);
    await h.env.sleep(7 * DAY - 60_000);
    expect((await h.state(caseId)).current).toEqual(['notice']);
    await h.env.sleep(120_000);
    const tasks = await h.until(async () => {
      const t = await h.openTasks(caseId);
      return t.length ? t : undefined;
    }, 'township tasks');
    // 会签: both township leaders get their own task
    expect(tasks.map((t) => [t.step_id, t.assignee_user]).sort()).toEqual([
      ['township', 'head1'],
      ['township', 'sec1'],
    ]);
    const closed = (await h.tdb.db.query('SELECT closed_at FROM notices WHERE case_id = $1', [caseId]))
      .rows[0];
    expect(closed.closed_at.getTime()).toBeGreaterThanOrEqual(notice.closes_at.getTime());
  });

  it('opens an investigation when an objection is filed in the last minute of the window', async () => {
    const caseId = await h.start(identification);
    await h.until(async () => (await h.openTasks(caseId)).length, 'apply task');
    await toNotice(caseId);
    await h.env.sleep(7 * DAY - 60_000);
    await h.env.client.workflow.getHandle(caseId).executeUpdate(fileObjectionUpdate, {
      args: [{ requestId: 'obj-1', receipt: 'R-LAST-MINUTE', content: '该户有小轿车' }],
    });
    await h.env.sleep(120_000);
    const [investigate] = await h.until(async () => {
      const t = await h.openTasks(caseId);
      return t.length ? t : undefined;
    }, 'investigation task');
    expect(investigate.step_id).toBe('investigate');
    const objection = (
      await h.tdb.db.query('SELECT status FROM objections WHERE receipt = $1', ['R-LAST-MINUTE'])
    ).rows[0];
    expect(objection.status).toBe('investigating');
    await h.act(caseId, investigate.id, 'cadre1', 'upheld');
    expect((await h.caseRow(caseId)).status).toBe('rejected');
  });

  it('refuses an objection after the window has closed', async () => {
    const caseId = await h.start(identification);
    await h.until(async () => (await h.openTasks(caseId)).length, 'apply task');
    await toNotice(caseId);
    await h.env.sleep(7 * DAY + 1000);
    await expect(
      h.env.client.workflow
        .getHandle(caseId)
        .executeUpdate(fileObjectionUpdate, {
          args: [{ requestId: 'obj-late', receipt: 'R-LATE', content: '太晚了' }],
        })
        .catch(explainUpdateFailure),
    ).rejects.toThrow(/公示期已结束/);
  });

  it('returns a case from township review to verification, and the verifiers act again', async () => {
    const caseId = await h.start(identification);
    await h.until(async () => (await h.openTasks(caseId)).length, 'apply task');
    await toNotice(caseId);
    await h.env.sleep(7 * DAY + 1000);
    const tasks = await h.until(async () => {
      const t = await h.openTasks(caseId);
      return t.length === 2 ? t : undefined;
    }, 'township tasks');
    const sec = tasks.find((t) => t.assignee_user === 'sec1')!;
    await expect(h.act(caseId, sec.id, 'sec1', 'return', { returnTo: 'verify' })).rejects.toThrow(
      /必须填写意见/,
    );
    await h.act(caseId, sec.id, 'sec1', 'return', { returnTo: 'verify', comment: '收入数据需复核' });
    const open = await h.openTasks(caseId);
    expect(open.map((t) => t.step_id)).toEqual(['verify']);
    const timeline = (
      await h.tdb.db.query(`SELECT comment FROM task_actions WHERE case_id = $1 AND action = 'return'`, [
        caseId,
      ])
    ).rows;
    expect(timeline[0].comment).toBe('收入数据需复核');
  });

  it('acts once when the same request is sent twice, and refuses an action on a finished task', async () => {
    const caseId = await h.start(identification);
    await h.until(async () => (await h.openTasks(caseId)).length, 'apply task');
    const [apply] = await h.openTasks(caseId);
    await h.act(caseId, apply.id, 'cadre1', 'submit', { requestId: 'same-request' });
    await h.act(caseId, apply.id, 'cadre1', 'submit', { requestId: 'same-request' });
    const actions = (
      await h.tdb.db.query('SELECT count(*)::int AS n FROM task_actions WHERE task_id = $1', [apply.id])
    ).rows[0];
    expect(actions.n).toBe(1);
    await expect(h.act(caseId, apply.id, 'cadre1', 'submit')).rejects.toThrow(/任务已办结/);
  });
});
