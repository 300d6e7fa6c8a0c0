/** GET /metrics (Prometheus): process metrics and request durations by route and status. */
import type { Express, NextFunction, Request, Response } from 'express';
import client from 'prom-client';

export function installMetrics(app: Express): void {
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
      const route = (req.route?.path as string | undefined) ?? (res.statusCode === 404 ? 'unmatched' : req.baseUrl || 'other');
      end({ route: `${req.baseUrl}${typeof route === 'string' && route.startsWith('/') ? route : ''}` || route, status: String(res.statusCode) });
    });
    next();
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
}
