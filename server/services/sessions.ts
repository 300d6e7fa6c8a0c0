/**
 * 会话 server-side sessions in PostgreSQL: a random id (the cookie), a CSRF token per session, idle and
 * absolute timeouts. The HTTP side (cookies, the CSRF header) is `http/session.ts`.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

/** A new session for a user who has just proved who they are. */
export async function createSession(db: pg.Pool, userId: string, absoluteMs: number) {
  const id = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  await db.query('INSERT INTO sessions (id, user_id, csrf_token, expires_at) VALUES ($1,$2,$3,$4)', [
    id,
    userId,
    csrf,
    new Date(Date.now() + absoluteMs),
  ]);
  return { id, csrf };
}

export async function endSession(db: pg.Pool, id: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id = $1', [id]);
}

/** The live session `id` names (seen now), or undefined when it expired or was idle longer than `idleMs`. */
export async function touchSession(
  db: pg.Pool,
  id: string,
  idleMs: number,
): Promise<{ userId: string; csrf: string } | undefined> {
  const { rows } = await db.query(
    `UPDATE sessions SET last_seen_at = now() WHERE id = $1 AND expires_at > now() AND last_seen_at > now() - $2::interval
           RETURNING user_id, csrf_token`,
    [id, `${idleMs / 1000} seconds`],
  );
  return rows[0] ? { userId: rows[0].user_id, csrf: rows[0].csrf_token } : undefined;
}
