/**
 * 登录校验 password check with lockout. Each attempt is counted before its password is checked, in one
 * statement that also locks the account at the fifth failure, so parallel guesses cannot outrun the
 * counter (at most MAX_FAILURES passwords are ever checked per lock period). An unknown user costs the
 * same argon2 work as a known one (a fixed dummy hash is verified), so timing does not tell which
 * usernames exist. Every attempt is audited.
 */
import { verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { appendAudit } from '../audit/chain.js';
import { inTransaction } from '../db.js';
import { DomainError } from '../errors.js';
import { hashPassword } from './directory.js';

export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;

let dummyHash: Promise<string> | undefined;
/** A hash of a random password with the same parameters as real ones; verifying against it always fails. */
const dummy = () => (dummyHash ??= hashPassword(randomBytes(18).toString('base64')));

/** Check a username and password; the user's id when right, a 401 or 429 problem otherwise. */
export async function authenticate(
  db: pg.Pool,
  username: string,
  password: string,
  ip: string,
): Promise<string> {
  // count this attempt now (and lock at the limit); an account already locked is not checked at all
  const { rows } = await db.query(
    `WITH prev AS (SELECT id, failed_logins, locked_until FROM users WHERE username = $1 FOR UPDATE)
     UPDATE users u SET
       failed_logins = CASE WHEN prev.locked_until > now() THEN prev.failed_logins
                            WHEN prev.failed_logins + 1 >= $2 THEN 0 ELSE prev.failed_logins + 1 END,
       locked_until = CASE WHEN prev.locked_until > now() THEN prev.locked_until
                           WHEN prev.failed_logins + 1 >= $2 THEN now() + $3 * interval '1 millisecond' ELSE NULL END
     FROM prev WHERE u.id = prev.id
     RETURNING u.id, u.password_hash, u.disabled, u.locked_until, coalesce(prev.locked_until > now(), false) AS was_locked`,
    [username, MAX_FAILURES, LOCK_MS],
  );
  const u = rows[0] as
    | { id: string; password_hash: string; disabled: boolean; locked_until: Date | null; was_locked: boolean }
    | undefined;
  const audit = (action: string, actorId: string | null) =>
    inTransaction(db, (tx) =>
      appendAudit(tx, [
        { id: `auth:${randomBytes(8).toString('hex')}`, actorId, action, target: username, detail: { ip } },
      ]),
    );
  if (u?.was_locked) {
    const minutes = Math.max(1, Math.ceil((new Date(u.locked_until!).getTime() - Date.now()) / 60_000));
    await audit('auth.login-locked', u.id);
    throw new DomainError(
      'too_many',
      'account_locked',
      `密码错误次数过多，账号已锁定，请${minutes}分钟后再试`,
      `too many failed attempts; try again in ${minutes} min`,
      [],
      {
        retryAfterMinutes: minutes,
      },
    );
  }
  const hash = u?.password_hash ?? (await dummy());
  const right = await verify(hash, password).catch(() => false);
  if (!u || !right || u.disabled) {
    await audit('auth.login-failed', u?.id ?? null);
    throw new DomainError(
      'unauthenticated',
      'bad_credentials',
      '用户名或密码错误',
      'wrong username or password',
      [{ path: 'password', message: '用户名或密码错误', message_en: 'wrong username or password' }],
    );
  }
  await db.query('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [u.id]);
  await audit('auth.login', u.id);
  return u.id;
}
