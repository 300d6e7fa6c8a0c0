/** 健康检查 ok only when PostgreSQL and Temporal both really answer (each within 3 s). */
import type { Client } from '@temporalio/client';
import type pg from 'pg';

export async function health(deps: { db: pg.Pool; temporal: Client }) {
  const timeout = <T>(p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), 3000))]);
  const [postgres, temporal] = await Promise.all([
    timeout(deps.db.query('SELECT 1')).then(
      () => 'ok',
      () => 'down',
    ),
    timeout(deps.temporal.connection.workflowService.getSystemInfo({})).then(
      () => 'ok',
      () => 'down',
    ),
  ]);
  const ok = postgres === 'ok' && temporal === 'ok';
  return { ok, status: ok ? 'ok' : 'degraded', temporal, postgres };
}
