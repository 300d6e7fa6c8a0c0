/** All /api routes. Each handler: who (session) → what (service) → answer. */
import express, { type Request, type Response, type NextFunction } from 'express';
import type { AppDeps } from '../app.js';
import { serviceDeps, type ServiceDeps } from '../services/deps.js';
import * as cases from '../services/cases.js';
import * as tasks from '../services/tasks.js';
import * as board from '../services/public-board.js';
import { login, logout, loginRateLimit, requireUser, sessionMiddleware } from './session.js';
import { problems } from './problem.js';
import { formRoutes } from './forms-routes.js';
import { adminRoutes } from './admin-routes.js';
import { readRoutes } from './read-routes.js';
import { departmentRoutes } from './department-routes.js';
import { attachmentRoutes } from './attachment-routes.js';
import { calendarRoutes } from './calendar-routes.js';
import { householdRoutes } from './household-routes.js';
import { docsPage, openApiDocument } from './openapi.js';
import { validateBodies } from './body-validation.js';
import { bulkhead } from './bulkhead.js';

/** 限流 every public-board request, per client address (shared by all API servers through PostgreSQL) */
const publicBoardLimit = (svc: ServiceDeps) => (req: Request, _res: Response, next: NextFunction) => {
  // filing an objection counts against this limit in the same statement as its own limits
  if (req.method === 'POST') return next();
  board.boardRequest(svc, req.ip ?? 'unknown').then(() => next(), next);
};

type Handler = (req: Request, res: Response) => Promise<unknown>;
/** Wrap an async handler: its result is the JSON body; a thrown Problem becomes problem+json. */
export const handle =
  (fn: Handler, status = 200) =>
  (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).then((body) => {
      if (res.headersSent) return;
      // a handler may have chosen its status (201 vs 200); otherwise the route's default
      if (res.statusCode === 200) res.status(status);
      res.json(body ?? {});
    }, next);
  };

const body = (req: Request) => {
  if (req.body === undefined) return {};
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    throw problems.badRequest('请求体必须是 JSON 对象', 'the body must be a JSON object');
  }
  return req.body as Record<string, any>;
};

export function apiRoutes(deps: AppDeps): express.Router {
  const r = express.Router();
  const svc = serviceDeps(deps.config, deps.db, deps.temporal);
  const secure = deps.config.env === 'production';

  const spec = openApiDocument();
  r.get('/openapi.json', (_req, res) => void res.json(spec));
  r.get('/docs', (_req, res) => void res.type('html').send(docsPage()));

  r.use(sessionMiddleware(deps.db));
  // bodies checked against the OpenAPI document's schemas before any handler
  r.use(validateBodies());

  // ---- auth ----
  r.post(
    '/auth/login',
    loginRateLimit(),
    handle(async (req, res) => {
      const b = body(req);
      const { csrfToken, principal } = await login(
        deps.db,
        b.username,
        b.password,
        secure,
        res,
        req.ip ?? '',
      );
      return { csrfToken, user: principal };
    }),
  );
  r.post(
    '/auth/logout',
    handle(async (req, res) => {
      await logout(deps.db, req, res);
      return { ok: true };
    }),
  );
  r.get(
    '/me',
    handle(async (req) => {
      const who = requireUser(req);
      const orgs = await deps.db.query('SELECT id, name, level FROM org_nodes WHERE id = ANY($1)', [
        who.roles.map((x) => x.orgId),
      ]);
      const names = Object.fromEntries(orgs.rows.map((o) => [o.id, o]));
      return {
        user: { id: who.userId, username: who.username, name: who.name },
        roles: who.roles.map((x) => ({
          role: x.role,
          org: names[x.orgId],
          department: x.department || undefined,
        })),
        csrfToken: req.csrf,
      };
    }),
  );

  // ---- tasks ----
  r.get(
    '/tasks',
    handle(async (req) => tasks.listTasks(svc, requireUser(req), req.query as tasks.InboxQuery)),
  );
  r.get(
    '/tasks/counts',
    handle(async (req) => tasks.inboxCounts(svc, requireUser(req))),
  );
  r.post(
    '/tasks/bulk-complete',
    handle(async (req) => tasks.bulkComplete(svc, requireUser(req), body(req))),
  );
  r.get(
    '/tasks/:id',
    handle(async (req) => tasks.getTask(svc, requireUser(req), String(req.params.id))),
  );
  r.post(
    '/tasks/:id/claim',
    handle(async (req) => tasks.claimTask(svc, requireUser(req), String(req.params.id), body(req))),
  );
  r.post(
    '/tasks/:id/complete',
    handle(async (req) => tasks.completeTask(svc, requireUser(req), String(req.params.id), body(req))),
  );
  r.post(
    '/tasks/:id/draft',
    handle(async (req) => tasks.saveDraft(svc, requireUser(req), String(req.params.id), body(req))),
  );
  for (const kind of ['transfer', 'delegate', 'add-signer'] as const) {
    r.post(
      `/tasks/:id/${kind}`,
      handle(async (req) =>
        tasks.reassignTask(svc, requireUser(req), String(req.params.id), kind, body(req)),
      ),
    );
  }

  // ---- cases ----
  r.post(
    '/cases',
    handle(async (req, res) => {
      const result = await cases.startCase(svc, requireUser(req), body(req) as cases.StartCaseRequest);
      res.status(result.created ? 201 : 200);
      return result.case;
    }),
  );
  for (const kind of ['withdraw', 'urge', 'cc', 'cancel'] as const) {
    r.post(
      `/cases/:id/${kind}`,
      handle(async (req) => cases.caseAction(svc, requireUser(req), String(req.params.id), kind, body(req))),
    );
  }

  // ---- public board (no login) ----
  const limits = deps.config.publicLimits;
  r.use('/public', bulkhead(limits.concurrent, limits.queued), publicBoardLimit(svc));
  r.get(
    '/public/orgs',
    handle(async () => {
      const { rows } = await deps.db.query(
        `SELECT id, parent_id, level, name FROM org_nodes WHERE level IN ('county','township','village') ORDER BY path`,
      );
      return { items: rows };
    }),
  );
  r.get(
    '/public/notices',
    handle(async (req) => board.listNotices(svc, req.query as { org?: string })),
  );
  // 公示海报 the notice as a printable A4 poster for the village board, its QR code leads back here
  r.get('/public/notices/:id/poster.pdf', async (req, res, next) => {
    try {
      const pdf = await board.noticePoster(
        svc,
        String(req.params.id),
        `${req.protocol}://${req.get('host')}`,
      );
      res.type('application/pdf').setHeader('content-disposition', 'inline; filename="poster.pdf"').send(pdf);
    } catch (err) {
      next(err);
    }
  });
  r.post(
    '/public/notices/:id/objections',
    handle(async (req, res) => {
      const { created, ...filed } = await board.fileObjection(svc, String(req.params.id), body(req), {
        address: req.ip ?? 'unknown',
      });
      // the same text again from the same client: the first receipt, nothing new stored
      res.status(created ? 201 : 200);
      return filed;
    }),
  );
  r.get(
    '/public/objections/:receipt',
    handle(async (req) => board.objectionStatus(svc, String(req.params.receipt))),
  );

  r.use(householdRoutes(svc));
  r.use(readRoutes(deps, svc));
  r.use(formRoutes(deps));
  r.use(departmentRoutes(deps));
  r.use(attachmentRoutes(deps));
  r.use(calendarRoutes(svc));
  r.use('/admin', adminRoutes(deps, svc));
  return r;
}
