/** GET /healthz — ok only when PostgreSQL and Temporal both really answer (services/health.ts). */

import { health } from '../services/health.js';
import express from 'express';
import { serviceDeps } from '../services/deps.js';
import { mount, route, type RouteContext, type RouteDeclaration } from './declare.js';

export const HEALTH_ROUTES: RouteDeclaration[] = [
  route({
    method: 'get',
    path: '/healthz',
    summary: '健康检查 Health of PostgreSQL and Temporal',
    access: 'public',
    ok: 200,
    send: async (_req, res, { deps }) => {
      const { ok, ...body } = await health(deps);
      res.status(ok ? 200 : 503).json(body);
    },
  }),
];

/** The health route, mounted at the root (before the API's session middleware). */
export function healthRoutes(deps: RouteContext['deps']): express.Router {
  return mount(
    express.Router(),
    HEALTH_ROUTES,
    { deps, svc: serviceDeps(deps.config, deps.db, deps.temporal) },
    '',
  );
}
