/**
 * 限流 fixed-window request counters in PostgreSQL, so every API server shares them. One statement
 * counts a request against a chain of buckets, narrowest first (e.g. this address at this notice →
 * this address → this notice → everyone); a wider bucket counts the request only if every narrower
 * one let it through, so one client hammering its own limit does not use up everyone else's.
 */
import { createHmac } from 'node:crypto';
import type pg from 'pg';

export interface Bucket {
  key: string;
  limit: number;
}

export type RateDecision = { ok: true } | { ok: false; bucket: string; retryAfter: number };

let calls = 0;

export async function take(db: pg.Pool, windowSeconds: number, buckets: Bucket[]): Promise<RateDecision> {
  if (!buckets.length) return { ok: true };
  const params: unknown[] = [windowSeconds];
  const ctes = [
    'w AS (SELECT to_timestamp(floor(extract(epoch FROM clock_timestamp()) / $1) * $1) AS start)',
  ];
  buckets.forEach((b, i) => {
    params.push(b.key);
    const key = `$${params.length}`;
    const gate = i === 0 ? '' : `WHERE (SELECT hits FROM b${i - 1}) <= $${params.length + 1}`;
    if (i > 0) params.push(buckets[i - 1].limit);
    ctes.push(
      `b${i} AS (INSERT INTO rate_limits AS r (bucket, window_start, hits) SELECT ${key}, w.start, 1 FROM w ${gate}
        ON CONFLICT (bucket) DO UPDATE SET
          hits = CASE WHEN r.window_start >= excluded.window_start THEN r.hits + 1 ELSE 1 END,
          window_start = GREATEST(r.window_start, excluded.window_start)
        RETURNING hits)`,
    );
  });
  const cols = buckets.map((_, i) => `(SELECT hits FROM b${i}) AS h${i}`);
  const { rows } = await db.query(
    `WITH ${ctes.join(',\n')}
     SELECT extract(epoch FROM (SELECT start FROM w))::float8 AS start, extract(epoch FROM clock_timestamp())::float8 AS now, ${cols.join(', ')}`,
    params,
  );
  if (++calls % 500 === 0) await sweep(db, windowSeconds);
  const row = rows[0];
  for (const [i, b] of buckets.entries()) {
    const hits = row[`h${i}`];
    if (hits === null || hits > b.limit) {
      return {
        ok: false,
        bucket: b.key,
        retryAfter: Math.max(1, Math.ceil(row.start + windowSeconds - row.now)),
      };
    }
  }
  return { ok: true };
}

/** Forget counters of windows long gone (clients that stopped calling). */
async function sweep(db: pg.Pool, windowSeconds: number): Promise<void> {
  await db.query('DELETE FROM rate_limits WHERE window_start < now() - make_interval(secs => $1)', [
    windowSeconds * 2,
  ]);
}

/** A client address as a keyed hash: counters and duplicate checks work without storing the address. */
export function clientHash(address: string, key: Buffer = DEFAULT_KEY): string {
  return createHmac('sha256', key).update(address).digest('hex').slice(0, 32);
}
const DEFAULT_KEY = Buffer.from('zhenxing-client-address');
