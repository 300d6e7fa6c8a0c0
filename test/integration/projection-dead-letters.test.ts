/**
 * The projection can never poison a case: the real read-model activity on a real database sets aside an
 * event PostgreSQL refuses for good (projection_dead_letters) and applies the rest of its batch; a
 * transient failure still fails the activity so Temporal retries it. Administrators list dead letters
 * and replay one after a fix, over the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { readModelActivities } from '../../activities/projection.js';
import { isDataError } from '../../store/read-model.js';
import { caseOrg } from '../../server/services/directory.js';
import type { ProjectionEvent } from '../../workflows/contract.js';
import { createTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
const AT = Date.parse('2026-11-24T08:00:00Z');

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const count = async (table: string, where = 'true', params: unknown[] = []) =>
  (await app.tdb.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params)).rows[0]
    .n as number;

async function started(_caseId: string): Promise<ProjectionEvent> {
  const org = (await caseOrg(app.tdb.db, 'v-zhushan'))!;
  return {
    seq: 1,
    at: AT,
    kind: 'case.started',
    processKey: 'identification',
    processVersion: 1,
    title: '测试',
    org,
    subject: { kind: 'other', name: '测试' },
    initiatorId: 'cadre.zhushan',
    data: {},
  };
}
const notify = (seq: number, message: string): ProjectionEvent => ({
  seq,
  at: AT,
  kind: 'notify',
  role: 'village_cadre',
  orgId: 'v-zhushan',
  message,
  notifyKind: 'info',
});

describe('the read-model activity', () => {
  it('applies a batch once: a retried batch, or one that overlaps it, adds no row', async () => {
    const caseId = 'idem-batch';
    const { project } = readModelActivities(app.tdb.db);
    const audit = (seq: number): ProjectionEvent => ({
      seq,
      at: AT,
      kind: 'audit',
      action: 'case.start',
      actorId: 'cadre.zhushan',
      target: caseId,
    });
    const first = [await started(caseId), notify(2, '一'), audit(3)];
    await project({ caseId, events: first });
    await project({ caseId, events: first });
    // a later batch that repeats the last event of the first (a flush retried after more events came)
    await project({ caseId, events: [audit(3), notify(4, '二'), audit(5)] });
    expect(await count('case_events', 'case_id = $1', [caseId])).toBe(5);
    expect(await count('notifications', 'case_id = $1', [caseId])).toBe(2);
    expect(await count('audit_events', "detail->>'caseId' = $1", [caseId])).toBe(2);
    const seqs = await app.tdb.db.query('SELECT seq FROM case_events WHERE case_id = $1 ORDER BY seq', [
      caseId,
    ]);
    expect(seqs.rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5]);
    expect(
      (await app.tdb.db.query('SELECT last_seq FROM cases WHERE id = $1', [caseId])).rows[0].last_seq,
    ).toBe(5);
  });

  it('writes a task nobody holds for its administrators instead, and a retried batch answers the same', async () => {
    const caseId = 'or-else';
    const { project } = readModelActivities(app.tdb.db);
    const task = (seq: number, role: string) => ({
      seq,
      at: AT,
      kind: 'task.created' as const,
      stepId: 'check',
      task: {
        id: `${caseId}:task:${seq}`,
        stepId: 'check',
        stepTitle: '核对',
        role,
        orgId: 'v-zhushan',
        actions: [],
        fieldPermissions: {},
        minSigners: 2,
        createdAt: AT,
        dueAt: AT + 86_400_000,
        orElse: { role: 'admin', orgId: 't-zhushan' },
      },
    });
    const batch: ProjectionEvent[] = [
      await started(caseId),
      task(2, 'nobody_holds_this'),
      task(3, 'village_cadre'),
      { seq: 4, at: AT, kind: 'case.steps', current: [{ id: 'check', title: '核对' }] },
    ];
    const unheld = [`${caseId}:task:2`];
    expect(await project({ caseId, events: batch })).toEqual({ unheld });
    expect(await project({ caseId, events: batch })).toEqual({ unheld });
    const rows = await app.tdb.db.query(
      'SELECT id, role, org_id, min_signers, due_at FROM tasks WHERE case_id = $1 ORDER BY id',
      [caseId],
    );
    expect(rows.rows.map((r) => [r.role, r.org_id, r.min_signers, r.due_at === null])).toEqual([
      ['admin', 't-zhushan', 1, true],
      ['village_cadre', 'v-zhushan', 2, false],
    ]);
    // the case's current steps came with its sequence number, in the same statement
    const c = (await app.tdb.db.query('SELECT current_steps, last_seq FROM cases WHERE id = $1', [caseId]))
      .rows[0];
    expect([c.current_steps, c.last_seq]).toEqual([[{ id: 'check', title: '核对' }], 4]);
  });

  it('writes a signature that completes its task together with the close, once however often it is retried', async () => {
    const caseId = 'sign-close';
    const { project } = readModelActivities(app.tdb.db);
    const taskId = `${caseId}:task:2`;
    const signed = (seq: number, actorId: string, final: boolean): ProjectionEvent => ({
      seq,
      at: AT + seq,
      kind: 'task.signed',
      taskId,
      stepId: 'check',
      actorId,
      actorName: actorId,
      action: 'approve',
      comment: `意见${seq}`,
      final,
    });
    const audit = (seq: number, actorId: string): ProjectionEvent => ({
      seq,
      at: AT + seq,
      kind: 'audit',
      action: 'task.approve',
      actorId,
      target: taskId,
    });
    await project({
      caseId,
      events: [
        await started(caseId),
        {
          seq: 2,
          at: AT,
          kind: 'task.created',
          stepId: 'check',
          task: {
            id: taskId,
            stepId: 'check',
            stepTitle: '核对',
            role: 'village_cadre',
            orgId: 'v-zhushan',
            actions: [],
            fieldPermissions: {},
            minSigners: 2,
            createdAt: AT,
          },
        },
      ],
    });
    const task = async () =>
      (
        await app.tdb.db.query(
          'SELECT status, completed_by, outcome_action, signers FROM tasks WHERE id = $1',
          [taskId],
        )
      ).rows[0];
    // 会签: the first of two signatures leaves the task open
    await project({ caseId, events: [signed(3, 'cadre.a', false), audit(4, 'cadre.a')] });
    expect(await task()).toMatchObject({ status: 'open', completed_by: null });
    // the second completes it: signature, audit entry and close in one batch, sent twice (a retried flush)
    const last: ProjectionEvent[] = [
      signed(5, 'cadre.b', true),
      audit(6, 'cadre.b'),
      {
        seq: 7,
        at: AT + 7,
        kind: 'task.closed',
        taskId,
        status: 'completed',
        action: 'approve',
        by: 'cadre.b',
      },
    ];
    await project({ caseId, events: last });
    await project({ caseId, events: last });
    const done = await task();
    expect([done.status, done.completed_by, done.outcome_action]).toEqual([
      'completed',
      'cadre.b',
      'approve',
    ]);
    expect(done.signers.map((x: { userId: string; comment: string }) => [x.userId, x.comment])).toEqual([
      ['cadre.a', '意见3'],
      ['cadre.b', '意见5'],
    ]);
    expect(await count('task_actions', 'task_id = $1', [taskId])).toBe(2);
    expect(await count('audit_events', "detail->>'caseId' = $1 AND action = 'task.approve'", [caseId])).toBe(
      2,
    );
    // a task already closed (cancelled) is not reopened by a late signature's close
    await app.tdb.db.query(`UPDATE tasks SET status = 'cancelled', outcome_action = NULL WHERE id = $1`, [
      taskId,
    ]);
    await project({
      caseId,
      events: [
        signed(8, 'cadre.c', true),
        {
          seq: 9,
          at: AT + 9,
          kind: 'task.closed',
          taskId,
          status: 'completed',
          action: 'approve',
          by: 'cadre.c',
        },
      ],
    });
    expect(await task()).toMatchObject({ status: 'cancelled', outcome_action: null });
  });

  it('sets aside an event PostgreSQL refuses and applies the rest of its batch', async () => {
    const caseId = 'dl-direct';
    const { project } = readModelActivities(app.tdb.db);
    const events: ProjectionEvent[] = [
      await started(caseId),
      notify(2, '请核实 430422199001011234\u0000'),
      { seq: 3, at: AT, kind: 'case.steps', current: [{ id: 'apply', title: '申请' }] },
      { seq: 4, at: AT, kind: 'audit', action: 'case.test', target: caseId, detail: {} },
    ];
    await project({ caseId, events });
    const dead = (
      await app.tdb.db.query(
        'SELECT seq, kind, sqlstate, error, event FROM projection_dead_letters WHERE case_id = $1',
        [caseId],
      )
    ).rows;
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ seq: 2, kind: 'notify' });
    expect(['22021', '22P05']).toContain(dead[0].sqlstate);
    expect(JSON.parse(dead[0].event)).toEqual(events[1]);
    const row = (await app.tdb.db.query('SELECT current_steps, last_seq FROM cases WHERE id = $1', [caseId]))
      .rows[0];
    expect(row).toEqual({ current_steps: [{ id: 'apply', title: '申请' }], last_seq: 4 });
    expect(await count('case_events', 'case_id = $1', [caseId])).toBe(3);
    expect(await count('audit_events', 'id = $1', [`${caseId}/4`])).toBe(1);

    // a retried activity (the worker died after the commit) changes nothing and duplicates nothing
    await project({ caseId, events });
    expect(await count('projection_dead_letters', 'case_id = $1', [caseId])).toBe(1);
    expect(await count('case_events', 'case_id = $1', [caseId])).toBe(3);
    expect(await count('audit_events', 'id = $1', [`${caseId}/4`])).toBe(1);
  });

  it('still fails on a transient error (no database), so Temporal retries it, and sets nothing aside', async () => {
    const down = new pg.Pool({
      connectionString: 'postgres://nobody@127.0.0.1:1/none',
      connectionTimeoutMillis: 2000,
    });
    const caseId = 'dl-transient';
    const err = await readModelActivities(down)
      .project({ caseId, events: [await started(caseId)] })
      .catch((e) => e);
    await down.end();
    expect(err).toBeInstanceOf(Error);
    expect(isDataError(err)).toBe(false);
    expect(await count('projection_dead_letters', 'case_id = $1', [caseId])).toBe(0);
  });
});

describe('administrators and dead letters', () => {
  it('lists dead letters masked, replays one after the fix, and refuses a replay that still fails', async () => {
    const caseId = 'dl-admin';
    const owner = app.tdb.owner();
    // a rule the read model breaks (a "bug"), then its fix
    await owner.query(
      `ALTER TABLE notifications ADD CONSTRAINT edge_test_blocked CHECK (message <> 'blocked')`,
    );
    const { project } = readModelActivities(app.tdb.db);
    await project({
      caseId,
      events: [await started(caseId), notify(2, 'blocked'), notify(3, '身份证 430422199001011234\u0000')],
    });

    const admin = await app.as('admin');
    const list = await admin.get('/api/admin/projection-dead-letters?open=1');
    expect(list.status).toBe(200);
    const mine = list.body.items.filter((d: { caseId: string }) => d.caseId === caseId);
    expect(mine.map((d: { seq: number }) => d.seq).sort()).toEqual([2, 3]);
    const blocked = mine.find((d: { seq: number }) => d.seq === 2);
    const nul = mine.find((d: { seq: number }) => d.seq === 3);
    expect(blocked).toMatchObject({ kind: 'notify', sqlstate: '23514', replayedAt: null });
    expect(nul.event.message).toBe('身份证 430422********1234\u0000');

    const still = await admin.post(`/api/admin/projection-dead-letters/${blocked.id}/replay`, {});
    expect(still.status).toBe(409);
    expect(still.body.code).toBe('replay_refused');
    expect(await count('notifications', 'case_id = $1', [caseId])).toBe(0);

    await owner.query('ALTER TABLE notifications DROP CONSTRAINT edge_test_blocked');
    const replayed = await admin.post(`/api/admin/projection-dead-letters/${blocked.id}/replay`, {});
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ id: blocked.id, caseId, seq: 2 });
    expect(
      (await app.tdb.db.query('SELECT message FROM notifications WHERE case_id = $1', [caseId])).rows,
    ).toEqual([{ message: 'blocked' }]);
    expect(await count('audit_events', `action = 'projection.replayed' AND target = $1`, [caseId])).toBe(1);
    expect((await admin.post(`/api/admin/projection-dead-letters/${blocked.id}/replay`, {})).body.code).toBe(
      'already_replayed',
    );

    // a NUL is never altered to make it fit: its replay is refused and it stays listed
    expect((await admin.post(`/api/admin/projection-dead-letters/${nul.id}/replay`, {})).status).toBe(409);
    const open = await admin.get('/api/admin/projection-dead-letters?open=1');
    expect(
      open.body.items
        .filter((d: { caseId: string }) => d.caseId === caseId)
        .map((d: { seq: number }) => d.seq),
    ).toEqual([3]);
    expect((await admin.post('/api/admin/projection-dead-letters/999999/replay', {})).status).toBe(404);
  });

  it('is for administrators only', async () => {
    for (const u of ['cadre.zhushan', 'secadmin', 'auditor']) {
      const who = await app.as(u);
      expect((await who.get('/api/admin/projection-dead-letters')).status).toBe(403);
      expect((await who.post('/api/admin/projection-dead-letters/1/replay', {})).status).toBe(403);
    }
    expect((await app.anonymous().get('/api/admin/projection-dead-letters')).status).toBe(401);
  });
});
