/** GET /healthz — ok only when PostgreSQL and Temporal both really answer. */
import type { Client } from '@temporalio/client';
import type { Router } from 'express';
import express from 'express';
import type pg from 'pg';

export function healthRoutes(deps: { db: pg.Pool; temporal: Client }): Router {
  const r = express.Router();
  r.get('/healthz', async (_req, res) => {
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
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', temporal, postgres });
  });
  return r;
}
