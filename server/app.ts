/** The Express application: middleware, routes, errors. Built from explicit dependencies (no globals). */
import type { Client } from '@temporalio/client';
import express from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { ROOT, type Config } from './config.js';
import { errorHandler, problems } from './http/problem.js';
import { edgeBody, edgeTransport, jsonBody, safeRequestId } from './http/edge.js';
import { healthRoutes } from './http/health.js';
import { installMetrics } from './http/metrics.js';
import { apiRoutes } from './http/routes.js';
import type { Logger } from './log.js';

export interface AppDeps {
  config: Config;
  db: pg.Pool;
  temporal: Client;
  log: Logger;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'img-src': ["'self'", 'data:', 'blob:'],
          'style-src': ["'self'", "'unsafe-inline'"],
          // ajv compiles each form's JSON Schema to a function in the browser (the same validator as the
          // server); that needs 'unsafe-eval'. Scripts still load only from this origin.
          'script-src': ["'self'", "'unsafe-eval'"],
        },
      },
      hsts: deps.config.env === 'production',
    }),
  );
  app.use((req, res, next) => {
    const id = safeRequestId(req.headers['x-request-id']) ?? randomUUID();
    (req as { id?: string }).id = id;
    res.setHeader('x-request-id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      deps.log.info(
        {
          reqId: id,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  });
  // the one edge, before anything reads the request: path, query, cookie and encoding first (the JSON body's
  // bytes and strings under /api below)
  app.use(edgeTransport());
  installMetrics(app, deps.config);
  app.use(healthRoutes(deps));
  app.use('/api', jsonBody('2mb'), edgeBody());
  app.use('/api', apiRoutes(deps));
  app.use('/api', (_req, _res, next) => next(problems.notFound('接口不存在', 'no such endpoint')));

  const web = join(ROOT, 'web', 'dist');
  if (existsSync(web)) {
    app.use(express.static(web, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!api\/|healthz).*/, (_req, res) => res.sendFile(join(web, 'index.html')));
  }
  app.use(errorHandler(deps.log));
  return app;
}
