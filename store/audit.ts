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

/** Append entries inside the caller's transaction; an entry whose id exists is skipped (idempotent). */
export async function appendAudit(tx: pg.ClientBase, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
  const last = await tx.query<{ hash: string }>('SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1');
  let prev = last.rows[0]?.hash ?? GENESIS;
  for (const e of entries) {
    const exists = await tx.query('SELECT 1 FROM audit_events WHERE id = $1', [e.id]);
    if (exists.rowCount) continue;
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
    await tx.query(
      'INSERT INTO audit_events (id, at, actor_id, action, target, detail, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)',
      [row.id, at, row.actorId, row.action, row.target, JSON.stringify(row.detail), prev, hash],
    );
    prev = hash;
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
