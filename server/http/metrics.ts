/**
 * GET /metrics (Prometheus): process metrics and request durations by route and status. With
 * ZX_METRICS_TOKEN set, only `Authorization: Bearer <token>` may read it; in production it must be set
 * (unset there, /metrics is refused); in development and test it is open when unset.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import client from 'prom-client';
import type { Config } from '../config.js';
import { Problem, sendProblem } from './problem.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Why this request may not read the metrics, or undefined when it may. */
function refusal(
  config: Pick<Config, 'env' | 'metricsToken'>,
  authorization: string | undefined,
): Problem | undefined {
  if (!config.metricsToken) {
    return config.env === 'production'
      ? new Problem(
          403,
          'metrics_disabled',
          '未配置监控令牌（ZX_METRICS_TOKEN），监控指标已关闭',
          'set ZX_METRICS_TOKEN to expose /metrics',
        )
      : undefined;
  }
  const given = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
  if (timingSafeEqual(digest(given), digest(config.metricsToken))) return undefined;
  return new Problem(401, 'unauthenticated', '需要监控令牌', 'send Authorization: Bearer <ZX_METRICS_TOKEN>');
}

export function installMetrics(app: Express, config: Pick<Config, 'env' | 'metricsToken'>): void {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const duration = new client.Histogram({
    name: 'zhenxing_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = duration.startTimer({ method: req.method });
    res.on('finish', () => {
      // the route pattern, never the concrete path (ids would explode the label set)
      const route =
        (req.route?.path as string | undefined) ??
        (res.statusCode === 404 ? 'unmatched' : req.baseUrl || 'other');
      end({
        route: `${req.baseUrl}${typeof route === 'string' && route.startsWith('/') ? route : ''}` || route,
        status: String(res.statusCode),
      });
    });
    next();
  });
  app.get('/metrics', async (req, res) => {
    const refused = refusal(config, req.headers.authorization);
    if (refused) {
      if (refused.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return sendProblem(res, refused, req.originalUrl);
    }
    res.type(registry.contentType).send(await registry.metrics());
  });
}
