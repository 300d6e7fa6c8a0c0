/**
 * All /api routes, mounted in order. Each route is declared once (`declare.ts`) in its file's list, with
 * its schema and handler (who (session) → what (service) → answer); the admin routes in their own router
 * under /admin. Only /metrics (metrics.ts, outside /api) stays in the legacy table of openapi.ts.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AppDeps } from '../app.js';
import { serviceDeps, type ServiceDeps } from '../services/deps.js';
import * as board from '../services/public-board.js';
import { sessionMiddleware } from './session.js';
import { ADMIN_ROUTES } from './admin-routes.js';
import { READ_ROUTES } from './read-routes.js';
import { DEPARTMENT_ROUTES } from './department-routes.js';
import { ATTACHMENT_ROUTES } from './attachment-routes.js';
import { CALENDAR_ROUTES } from './calendar-routes.js';
import { CASE_ACTION_ROUTES, SESSION_ROUTES, TASK_ROUTES } from './case-routes.js';
import { FIELD_ROUTES } from './field-routes.js';
import { FORM_ROUTES } from './forms-routes.js';
import { HOUSEHOLD_ROUTES } from './household-routes.js';
import { PUBLIC_ROUTES } from './public-routes.js';
import { REGISTER_ROUTES } from './register-routes.js';
import { DOCUMENT_ROUTES } from './openapi.js';
import { bulkhead } from './bulkhead.js';
import { mount, type RouteContext } from './declare.js';

/** 限流 every public-board request, per client address (shared by all API servers through PostgreSQL) */
const publicBoardLimit = (svc: ServiceDeps) => (req: Request, _res: Response, next: NextFunction) => {
  // filing an objection counts against this limit in the same statement as its own limits
  if (req.method === 'POST') return next();
  board.boardRequest(svc, req.ip ?? 'unknown').then(() => next(), next);
};

export function apiRoutes(deps: AppDeps): express.Router {
  const r = express.Router();
  const svc = serviceDeps(deps.config, deps.db, deps.temporal);
  const ctx: RouteContext = { deps, svc };

  mount(r, DOCUMENT_ROUTES, ctx);
  r.use(sessionMiddleware(deps.db));

  mount(r, SESSION_ROUTES, ctx);
  mount(r, TASK_ROUTES, ctx);
  mount(r, CASE_ACTION_ROUTES, ctx);

  // ---- public board (no login) ----
  const limits = deps.config.publicLimits;
  r.use('/public', bulkhead(limits.concurrent, limits.queued), publicBoardLimit(svc));
  mount(r, PUBLIC_ROUTES, ctx);
  mount(r, REGISTER_ROUTES, ctx);

  mount(r, HOUSEHOLD_ROUTES, ctx);
  mount(r, READ_ROUTES, ctx);
  mount(r, FORM_ROUTES, ctx);
  mount(r, DEPARTMENT_ROUTES, ctx);
  mount(r, ATTACHMENT_ROUTES, ctx);
  mount(r, FIELD_ROUTES, ctx);
  mount(r, CALENDAR_ROUTES, ctx);
  r.use('/admin', mount(express.Router(), ADMIN_ROUTES, ctx, '/api/admin'));
  return r;
}
