import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditChain } from '../../store/audit.js';
import { inTransaction } from '../../server/db.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
  await inTransaction(tdb.db, (tx) =>
    appendAudit(tx, [
      { id: 'a1', actorId: 'cadre1', action: 'case.start', target: 'ZX-1', detail: { b: 2, a: 1 } },
      { id: 'a2', actorId: 'sec1', action: 'task.approve', target: 'ZX-1:task:1' },
      { id: 'a3', actorId: 'auditor', action: 'case.read-unmasked', target: 'ZX-1' },
    ]),
  );
});
afterAll(async () => {
  await tdb?.drop();
});

describe('audit log', () => {
  it('verifies an intact chain', async () => {
    expect(await verifyAuditChain(tdb.db)).toEqual({ ok: true, rows: 3 });
  });

  it('the application role may not UPDATE, DELETE or TRUNCATE it', async () => {
    expect((await tdb.db.query('SELECT current_user AS u')).rows[0].u).toBe('zhenxing_app');
    await expect(tdb.db.query(`UPDATE audit_events SET action = 'x' WHERE id = 'a2'`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(tdb.db.query(`DELETE FROM audit_events WHERE id = 'a2'`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(tdb.db.query(`TRUNCATE audit_events`)).rejects.toThrow(/permission denied/);
    expect((await tdb.db.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n).toBe(3);
  });

  it('and the trigger refuses them even to the owning user', async () => {
    const owner = tdb.owner();
    await expect(owner.query(`UPDATE audit_events SET action = 'x' WHERE id = 'a2'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(owner.query(`DELETE FROM audit_events WHERE id = 'a2'`)).rejects.toThrow(/append-only/);
    await expect(owner.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    expect((await owner.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n).toBe(3);
  });

  it('skips an entry whose id was already written (a retried writer adds nothing)', async () => {
    await inTransaction(tdb.db, (tx) =>
      appendAudit(tx, [{ id: 'a2', actorId: 'sec1', action: 'task.approve' }]),
    );
    expect((await tdb.db.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n).toBe(3);
  });

  it('chains a large batch in order, once per id, across its statements', async () => {
    const batch = Array.from({ length: 2500 }, (_, i) => ({
      id: `big-${i}`,
      actorId: 'importer',
      action: 'household.import',
      target: `HH-${i}`,
      detail: { row: i },
    }));
    // an id twice in the batch and one written before are each kept once
    await inTransaction(tdb.db, (tx) => appendAudit(tx, [...batch, batch[7], { id: 'a1', action: 'again' }]));
    expect(await verifyAuditChain(tdb.db)).toEqual({ ok: true, rows: 2503 });
    const order = await tdb.db.query(`SELECT id FROM audit_events WHERE id LIKE 'big-%' ORDER BY seq`);
    expect(order.rows.map((r) => r.id)).toEqual(batch.map((b) => b.id));
  });

  it('keeps one linear chain when many writers append at once', async () => {
    // each writer takes the lock and reads the head in one round trip; the head must be the one the previous
    // holder committed, or two rows would name the same predecessor and verification would break
    await Promise.all(
      Array.from({ length: 12 }, (_, w) =>
        inTransaction(tdb.db, async (tx) => {
          await appendAudit(tx, [
            { id: `w${w}-1`, actorId: `writer${w}`, action: 'case.start', target: `ZX-W${w}` },
            { id: `w${w}-2`, actorId: `writer${w}`, action: 'task.approve', target: `ZX-W${w}` },
          ]);
          // hold the lock a moment, so the others queue behind it
          await tx.query('SELECT pg_sleep(0.01)');
        }),
      ),
    );
    expect(await verifyAuditChain(tdb.db)).toEqual({ ok: true, rows: 2503 + 24 });
    const prevs = await tdb.db.query(
      'SELECT count(DISTINCT prev_hash)::int AS n, count(*)::int AS all FROM audit_events',
    );
    expect(prevs.rows[0].n).toBe(prevs.rows[0].all);
  });

  it('breaks verification at the row that was altered behind the application’s back', async () => {
    // a database superuser disabling the guard and editing history is exactly what the chain exposes
    const owner = tdb.owner();
    await owner.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update');
    await owner.query(`UPDATE audit_events SET actor_id = 'someone-else' WHERE id = 'a2'`);
    await owner.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update');
    const r = await verifyAuditChain(tdb.db);
    expect(r.ok).toBe(false);
    const seq = (await tdb.db.query(`SELECT seq FROM audit_events WHERE id = 'a2'`)).rows[0].seq;
    expect(r.brokenAt).toBe(seq);
  });
});
