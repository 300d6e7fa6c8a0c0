/**
 * 路由声明 each route is declared once: method, path, summary, who may call it, its body/query schema, and
 * its handler. `mount` registers the Express route (with its body check); `openapi.ts` builds the OpenAPI
 * document and the authorisation matrix from the same declarations (plus the legacy table, which keeps only
 * /metrics). A handler parses, calls one service function, and answers.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { ServiceDeps } from '../services/deps.js';
import { hasRole, type Principal } from '../services/principal.js';
import { checkBody } from './body-validation.js';
import { problems } from './problem.js';
import { requireUser } from './session.js';

export type Access =
  | 'public'
  /** any signed-in staff member; data is filtered to their region */
  | 'staff'
  /** roles listed, at any node */
  | { roles: string[] };

export interface Endpoint {
  /** `put`: only a resumable upload's chunk (raw bytes at an offset) */
  method: 'get' | 'post' | 'put';
  /** the full path, OpenAPI style (`/api/tasks/{id}`) */
  path: string;
  summary: string;
  access: Access;
  /** request body schema (JSON Schema 2020-12) */
  body?: Record<string, unknown>;
  query?: Record<string, { type: string; enum?: string[]; description?: string }>;
  /** a file sent as the body, with these media types (instead of a JSON body) */
  upload?: string[];
  /** the status of a successful answer (a handler may choose another, e.g. 200 for a repeated create) */
  ok: number;
}

/** What a handler may use: the application's parts and the service layer's. */
export interface RouteContext {
  deps: { config: Config; db: pg.Pool; temporal: Client; log: Logger };
  svc: ServiceDeps;
}

export interface RouteDeclaration extends Endpoint {
  /** middleware between the body check and the handler (a raw-body parser, a rate limit) */
  before?: (ctx: RouteContext) => RequestHandler[];
  /** the answer: what it returns is the JSON body, sent with `ok` unless the handler chose a status */
  handler?: (req: Request, res: Response, ctx: RouteContext) => Promise<unknown>;
  /** or a handler that writes the response itself (a file, a stream) */
  send?: (req: Request, res: Response, ctx: RouteContext) => Promise<void>;
}

/** Declare one route (identity, for type checking and readability). */
export const route = (d: RouteDeclaration): RouteDeclaration => d;

/** The signed-in caller, who must hold one of `roles` (401 when not signed in, 403 without the role). */
export function requireRole(req: Request, roles: readonly string[]): Principal {
  const who = requireUser(req);
  if (!hasRole(who, roles)) throw problems.forbidden();
  return who;
}

/**
 * Declare a route for the roles of its `access` (checked before the handler, which gets the caller);
 * `ok` defaults to 200. The access the OpenAPI document shows is then the one that is enforced.
 */
export function roleRoute(
  d: Omit<RouteDeclaration, 'access' | 'ok' | 'handler' | 'send'> & {
    access: { roles: string[] };
    ok?: number;
    handler: (req: Request, who: Principal, ctx: RouteContext) => Promise<unknown>;
  },
): RouteDeclaration {
  const { handler, access, ok = 200, ...rest } = d;
  return {
    ...rest,
    access,
    ok,
    handler: (req, _res, ctx) => handler(req, requireRole(req, access.roles), ctx),
  };
}

/** The declaration's OpenAPI facts (without its handler). */
export function endpointOf(d: RouteDeclaration): Endpoint {
  const { before: _b, handler: _h, send: _s, ...endpoint } = d;
  return endpoint;
}

/** `/api/tasks/{id}` under `/api` → the Express path `/tasks/:id`. */
export function expressPath(path: string, prefix: string): string {
  if (!path.startsWith(prefix)) throw new Error(`${path} is not under ${prefix}`);
  return path.slice(prefix.length).replace(/\{(\w+)\}/g, ':$1') || '/';
}

/** The request body as an object (an absent body is `{}`); anything else is a 400. */
export const bodyOf = (req: Request) => {
  if (req.body === undefined) return {};
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    throw problems.badRequest('请求体必须是 JSON 对象', 'the body must be a JSON object');
  }
  return req.body as Record<string, any>;
};

/** Register the declared routes on `router` (mounted at `prefix`), in order. */
export function mount(
  router: express.Router,
  routes: readonly RouteDeclaration[],
  ctx: RouteContext,
  prefix = '/api',
): express.Router {
  for (const d of routes) {
    const chain: RequestHandler[] = [];
    if (d.body) chain.push(checkBody(d));
    chain.push(...(d.before?.(ctx) ?? []));
    if (d.send) {
      const send = d.send;
      chain.push((req: Request, res: Response, next: NextFunction) => {
        send(req, res, ctx).catch(next);
      });
    } else if (d.handler) {
      const handler = d.handler;
      chain.push((req: Request, res: Response, next: NextFunction) => {
        res.status(d.ok);
        handler(req, res, ctx).then((body) => {
          if (!res.headersSent) res.json(body ?? {});
        }, next);
      });
    } else {
      throw new Error(`${d.method.toUpperCase()} ${d.path} has no handler`);
    }
    router[d.method](expressPath(d.path, prefix), ...chain);
  }
  return router;
}
