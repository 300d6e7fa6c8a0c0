/**
 * 幂等键 a client's requestId is bound to the request it first came with: a fingerprint of the route and
 * the body without the requestId (canonical JSON, so key order does not matter). The same id with the
 * same request gets the first answer; with another request it is refused (409 idempotency_key_reused)
 * before anything happens — it never answers for, or acts as, the first request.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { canonical } from '../canonical.js';
import { DomainError } from '../errors.js';

export function fingerprint(route: string, body: Record<string, unknown>): string {
  const { requestId: _id, ...rest } = body;
  return createHash('sha256')
    .update(canonical({ route, body: rest }))
    .digest('hex');
}

export interface RequestKey {
  /** true when this call recorded the key (the first time the id was seen) */
  first: boolean;
  /** the answer stored for the first request, once it finished */
  response?: unknown;
}

/**
 * Record `requestId` for `route` + `body`, or find it recorded for the same request. Runs in the caller's
 * transaction when given one, so a request refused later in that transaction leaves no key behind.
 */
export async function claimRequestKey(
  db: pg.Pool | pg.ClientBase,
  userId: string,
  requestId: string,
  route: string,
  body: Record<string, unknown>,
): Promise<RequestKey> {
  const fp = fingerprint(route, body);
  const inserted = await db.query(
    `INSERT INTO request_keys (user_id, request_id, fingerprint, route) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING RETURNING 1`,
    [userId, requestId, fp, route],
  );
  if (inserted.rowCount) return { first: true };
  return (await findRequestKey(db, userId, requestId, route, body))!;
}

/** The key as recorded, without recording it: undefined when new; 409 when it was used for another request. */
export async function findRequestKey(
  db: pg.Pool | pg.ClientBase,
  userId: string,
  requestId: string,
  route: string,
  body: Record<string, unknown>,
): Promise<RequestKey | undefined> {
  const { rows } = await db.query(
    'SELECT fingerprint, response FROM request_keys WHERE user_id = $1 AND request_id = $2',
    [userId, requestId],
  );
  if (!rows[0]) return undefined;
  if (rows[0].fingerprint !== fingerprint(route, body)) {
    throw new DomainError(
      'conflict',
      'idempotency_key_reused',
      '该请求编号已用于另一项不同的请求，请刷新后重试',
      'this requestId was already used for a different request',
      [
        {
          path: 'requestId',
          message: '请求编号已用于另一项请求',
          message_en: 'requestId already used for a different request',
        },
      ],
    );
  }
  return { first: false, response: rows[0].response ?? undefined };
}

/**
 * Run `action` once per requestId: a repeat of the same request gets the stored answer, another request
 * under the same id is refused. A request that fails keeps its key (a repeat fails the same way).
 */
export async function once<T>(
  db: pg.Pool,
  key: { userId: string; requestId: string; route: string; body: Record<string, unknown> },
  action: () => Promise<T>,
): Promise<T> {
  const k = await claimRequestKey(db, key.userId, key.requestId, key.route, key.body);
  if (k.response !== undefined) return k.response as T;
  const result = await action();
  await storeResponse(db, key.userId, key.requestId, result);
  return result;
}

/** Keep the answer of a finished request, for a repeat of it. */
export async function storeResponse(
  db: pg.Pool | pg.ClientBase,
  userId: string,
  requestId: string,
  response: unknown,
): Promise<void> {
  await db.query('UPDATE request_keys SET response = $3 WHERE user_id = $1 AND request_id = $2', [
    userId,
    requestId,
    JSON.stringify(response),
  ]);
}
