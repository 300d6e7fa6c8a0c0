/** 事务 one transaction on a pooled connection: BEGIN, the work, COMMIT — or ROLLBACK and rethrow. */
import type pg from 'pg';

export async function inTransaction<T>(db: pg.Pool, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
