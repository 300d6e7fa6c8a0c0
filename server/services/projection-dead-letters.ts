/**
 * 投影死信 projection events the read model refused for good (activities/read-model.ts): administrators list
 * them and replay one after a fix (a schema change, a corrected code list …). A replay applies the event
 * exactly as the workflow sent it; nothing is altered on the way.
 */
import { applyProjectionEvent, isDataError } from '../../activities/read-model.js';
import type { ProjectionEvent } from '../../workflows/contract.js';
import { appendAudit } from '../audit/chain.js';
import { inTransaction, type Db } from '../db.js';
import { DomainError, domain } from '../errors.js';
import { maskValue } from './masking.js';
import type { Principal } from './principal.js';

export async function listDeadLetters(db: Db, q: { open: boolean; limit: number }) {
  const { rows } = await db.query(
    `SELECT id, case_id, seq, kind, event, error, sqlstate, at, replayed_at, replayed_by FROM projection_dead_letters
     WHERE ($1::boolean IS FALSE OR replayed_at IS NULL) ORDER BY id DESC LIMIT $2`,
    [q.open, q.limit],
  );
  return {
    items: rows.map((r) => ({
      id: Number(r.id),
      caseId: r.case_id,
      seq: r.seq,
      kind: r.kind,
      // an administrator reads the event to find the cause; personal data in it stays masked
      event: maskValue(JSON.parse(r.event)),
      error: r.error,
      sqlstate: r.sqlstate,
      at: r.at,
      replayedAt: r.replayed_at,
      replayedBy: r.replayed_by,
    })),
  };
}

export async function replayDeadLetter(db: Db, who: Principal, rawId: string) {
  if (!/^\d{1,15}$/.test(rawId)) throw domain.notFound('死信不存在', 'no such dead letter');
  const id = Number(rawId);
  const outcome = await inTransaction(db, async (tx) => {
    const { rows } = await tx.query(
      'SELECT case_id, seq, event, replayed_at FROM projection_dead_letters WHERE id = $1 FOR UPDATE',
      [id],
    );
    const dl = rows[0];
    if (!dl) throw domain.notFound('死信不存在', 'no such dead letter');
    if (dl.replayed_at)
      throw domain.conflict('该事件已重放', 'this event was already replayed', 'already_replayed');
    await tx.query('SAVEPOINT replay');
    try {
      await applyProjectionEvent(tx, dl.case_id, JSON.parse(dl.event) as ProjectionEvent);
      await tx.query('RELEASE SAVEPOINT replay');
    } catch (err) {
      if (!isDataError(err)) throw err;
      await tx.query('ROLLBACK TO SAVEPOINT replay');
      const e = err as { code: string; message: string };
      await tx.query('UPDATE projection_dead_letters SET error = $2, sqlstate = $3 WHERE id = $1', [
        id,
        e.message,
        e.code,
      ]);
      return { ok: false as const, error: e.message };
    }
    const replayed = await tx.query(
      'UPDATE projection_dead_letters SET replayed_at = now(), replayed_by = $2 WHERE id = $1 RETURNING replayed_at',
      [id, who.userId],
    );
    await appendAudit(tx, [
      {
        id: `projection-replay:${id}`,
        actorId: who.userId,
        action: 'projection.replayed',
        target: dl.case_id,
        detail: { deadLetter: id, seq: dl.seq },
      },
    ]);
    return {
      ok: true as const,
      caseId: dl.case_id as string,
      seq: dl.seq as number,
      replayedAt: replayed.rows[0].replayed_at,
    };
  });
  if (!outcome.ok) {
    throw new DomainError(
      'conflict',
      'replay_refused',
      `数据库仍拒绝该事件：${outcome.error}`,
      `PostgreSQL still refuses the event: ${outcome.error}`,
    );
  }
  return { id, ...outcome };
}
