/**
 * 会话 server-side sessions in PostgreSQL: an httpOnly SameSite cookie holds
 * a random id; idle (2 h) and absolute (12 h) timeouts; a CSRF token per
 * session that cookie-authenticated writes must echo in `x-csrf-token`.
 */
import type { NextFunction, Request, Response } from 'express';
import type pg from 'pg';
import { loadPrincipal, type Principal } from '../services/principal.js';
import { authenticate } from '../services/credentials.js';
import { createSession, endSession, touchSession } from '../services/sessions.js';
import { Problem, problems } from './problem.js';
import { readCookie, SESSION_COOKIE } from './edge.js';

export const COOKIE = SESSION_COOKIE;
const IDLE_MS = 2 * 3600_000;
const ABSOLUTE_MS = 12 * 3600_000;

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
    csrf?: string;
  }
}

export async function login(
  db: pg.Pool,
  username: unknown,
  password: unknown,
  secure: boolean,
  res: Response,
  ip: string,
) {
  const errors = [];
  if (typeof username !== 'string' || !username)
    errors.push({ path: 'username', message: '请输入用户名', message_en: 'username is required' });
  if (typeof password !== 'string' || !password)
    errors.push({ path: 'password', message: '请输入密码', message_en: 'password is required' });
  if (errors.length) throw problems.invalid(errors);
  const userId = await authenticate(db, username as string, password as string, ip);
  const { id, csrf } = await createSession(db, userId, ABSOLUTE_MS);
  res.cookie(COOKIE, id, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: ABSOLUTE_MS });
  return { csrfToken: csrf, principal: await loadPrincipal(db, userId) };
}

export async function logout(db: pg.Pool, req: Request, res: Response) {
  const id = readCookie(req, COOKIE);
  if (id) await endSession(db, id);
  res.clearCookie(COOKIE, { path: '/' });
}

/** Attach req.principal when the cookie names a live session; enforce CSRF on writes. */
export function sessionMiddleware(db: pg.Pool) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const id = readCookie(req, COOKIE);
      if (id) {
        const session = await touchSession(db, id, IDLE_MS);
        if (session) {
          req.principal = await loadPrincipal(db, session.userId);
          req.csrf = session.csrf;
        }
      }
      const write = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
      if (write && req.principal && req.headers['x-csrf-token'] !== req.csrf) {
        return next(new Problem(403, 'csrf', '页面已过期，请刷新后重试', 'missing or wrong CSRF token'));
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function requireUser(req: Request): Principal {
  if (!req.principal) throw problems.unauthenticated();
  return req.principal;
}

/** A small per-process token bucket for login attempts per IP (the lockout in the database is the real guard). */
// generous per address: a whole township office may sit behind one NAT address; the per-account lockout is the real guard
export function loginRateLimit(perMinute = 120) {
  const hits = new Map<string, { n: number; reset: number }>();
  return (req: Request, _res: Response, next: NextFunction) => {
    const key = req.ip ?? 'unknown';
    const now = Date.now();
    const h = hits.get(key);
    if (!h || h.reset < now) hits.set(key, { n: 1, reset: now + 60_000 });
    else if (++h.n > perMinute) return next(problems.tooMany());
    if (hits.size > 10_000) hits.clear();
    next();
  };
}
