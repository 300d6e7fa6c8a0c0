/**
 * 审计日志 the append-only, hash-chained audit log. Each row's hash covers the
 * previous row's hash, so altering or removing a row breaks verification.
 * Writers serialise on an advisory lock to keep the chain linear.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { canonical } from './canonical.js';

export interface AuditEntry {
  id: string;
  actorId?: string | null;
  action: string;
  target?: string | null;
  detail?: Record<string, unknown>;
  at?: Date;
}

const GENESIS = '0'.repeat(64);
const AUDIT_LOCK = 7_401_001;

function digest(
  prev: string,
  e: {
    id: string;
    at: string;
    actorId: string | null;
    action: string;
    target: string | null;
    detail: unknown;
  },
): string {
  return createHash('sha256')
    .update(canonical([prev, e.id, e.at, e.actorId, e.action, e.target, e.detail]))
    .digest('hex');
}

/**
 * Append entries inside the caller's transaction; an entry whose id exists is skipped (idempotent). The
 * batch costs two statements whatever its size — the lock with the chain's head and which ids exist,
 * then one multi-row INSERT — instead of two per entry, so the lock (held to the commit) waits on fewer round trips.
 */
export async function appendAudit(tx: pg.ClientBase, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  // the lock, then the chain's head and which entries a retried batch already wrote, read under the lock in
  // the same round trip (migration 130: the function's query takes its snapshot after the lock is granted)
  const { rows } = await tx.query<{ head: string | null; seen: string[] }>(
    'SELECT head, seen FROM audit_chain_head($1, $2)',
    [AUDIT_LOCK, entries.map((e) => e.id)],
  );
  let prev = rows[0].head ?? GENESIS;
  const seen = new Set(rows[0].seen);
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (const e of entries) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const at = (e.at ?? new Date()).toISOString();
    const row = {
      id: e.id,
      at,
      actorId: e.actorId ?? null,
      action: e.action,
      target: e.target ?? null,
      detail: e.detail ?? {},
    };
    const hash = digest(prev, row);
    const n = values.push(
      row.id,
      at,
      row.actorId,
      row.action,
      row.target,
      JSON.stringify(row.detail),
      prev,
      hash,
    );
    const k = ((n / 8 - 1) % 1000) * 8; // placeholders restart with each statement
    tuples.push(`(${Array.from({ length: 8 }, (_, i) => `$${k + 1 + i}`).join(',')})`);
    prev = hash;
  }
  // rows in chain order (seq follows the order of the VALUES list), at most 1,000 per statement
  for (let i = 0; i < tuples.length; i += 1000) {
    await tx.query(
      `INSERT INTO audit_events (id, at, actor_id, action, target, detail, prev_hash, hash) VALUES ${tuples
        .slice(i, i + 1000)
        .join(',')}`,
      values.slice(i * 8, (i + 1000) * 8),
    );
  }
}

/** Recompute the chain; returns the first broken sequence number, or null when intact. */
export async function verifyAuditChain(
  db: pg.ClientBase | pg.Pool,
): Promise<{ ok: boolean; rows: number; brokenAt?: number }> {
  const { rows } = await db.query(
    'SELECT seq, id, at, actor_id, action, target, detail, prev_hash, hash FROM audit_events ORDER BY seq',
  );
  let prev = GENESIS;
  for (const r of rows) {
    const expected = digest(prev, {
      id: r.id,
      at: new Date(r.at).toISOString(),
      actorId: r.actor_id,
      action: r.action,
      target: r.target,
      detail: r.detail,
    });
    if (r.prev_hash !== prev || r.hash !== expected)
      return { ok: false, rows: rows.length, brokenAt: Number(r.seq) };
    prev = r.hash;
  }
  return { ok: true, rows: rows.length };
}
