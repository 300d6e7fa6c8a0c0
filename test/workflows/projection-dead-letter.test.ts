/**
 * The projection can never poison a case: an event PostgreSQL refuses for good (here an objection whose
 * text holds a NUL, sent straight to the workflow as if it had slipped past the API's edge) goes to
 * projection_dead_letters, and the case keeps running on the time-skipping server to its end.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/engine.js';
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

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([
    p,
    new Promise<never>((_, rej) =>
      setTimeout(() => rej(new Error(`${what}: no answer within ${ms} ms`)), ms),
    ),
  ]);

it('sends an objection PostgreSQL refuses to the dead letter, and the case still runs to its end', async () => {
  const caseId = await h.start(identification);
  const [apply] = await h.until(async () => {
    const t = await h.openTasks(caseId);
    return t.length ? t : undefined;
  }, 'apply task');
  await h.act(caseId, apply.id, 'cadre1', 'submit', { data: {} });
  const [verify] = await h.openTasks(caseId);
  await h.act(caseId, verify.id, 'ver1', 'submit');
  await h.act(caseId, verify.id, 'ver2', 'submit');

  // before the dead letter, this Update never answered and every later action on the case hung
  await within(
    h.env.client.workflow.getHandle(caseId).executeUpdate(fileObjectionUpdate, {
      args: [{ requestId: 'obj-nul', receipt: 'R-NUL', content: '该户有\u0000小轿车' }],
    }),
    30_000,
    'objection',
  );
  const dead = await h.until(async () => {
    const { rows } = await h.tdb.db.query(
      'SELECT seq, kind, event, error, sqlstate, replayed_at FROM projection_dead_letters WHERE case_id = $1',
      [caseId],
    );
    return rows.length ? rows : undefined;
  }, 'dead letter');
  expect(dead).toHaveLength(1);
  expect(dead[0]).toMatchObject({ kind: 'objection.filed', sqlstate: '22021', replayed_at: null });
  expect(dead[0].error).toMatch(/0x00/);
  // kept exactly as the workflow sent it
  expect(JSON.parse(dead[0].event)).toMatchObject({
    kind: 'objection.filed',
    receipt: 'R-NUL',
    content: '该户有\u0000小轿车',
  });
  expect(
    (await h.tdb.db.query('SELECT count(*)::int AS n FROM objections WHERE case_id = $1', [caseId])).rows[0]
      .n,
  ).toBe(0);

  // the notice still closes on time and the objection still routes the case to its investigation
  await h.env.sleep(7 * DAY + 120_000);
  const [investigate] = await h.until(async () => {
    const t = await h.openTasks(caseId);
    return t.length ? t : undefined;
  }, 'investigation task');
  expect(investigate.step_id).toBe('investigate');
  await within(h.act(caseId, investigate.id, 'cadre1', 'unfounded'), 30_000, 'investigation');
  const township = await h.until(async () => {
    const t = await h.openTasks(caseId);
    return t.length === 2 ? t : undefined;
  }, 'township tasks');
  for (const t of township) await h.act(caseId, t.id, t.assignee_user ?? 'tr1', 'approve');
  await h.env.client.workflow.getHandle(caseId).result();
  expect((await h.caseRow(caseId)).status).toBe('approved');
  // only the events that carry the refused text are set aside (the objection, and case data holding it)
  const all = await h.tdb.db.query(
    'SELECT kind, event FROM projection_dead_letters WHERE case_id = $1 ORDER BY seq',
    [caseId],
  );
  expect(new Set(all.rows.map((r) => r.kind))).toEqual(new Set(['objection.filed', 'case.data']));
  expect(all.rows.every((r) => r.event.includes('\\u0000'))).toBe(true);
});
