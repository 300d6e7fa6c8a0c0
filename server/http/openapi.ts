/**
 * The API contract: an OpenAPI 3.1 document generated from the route declarations (`declare.ts`; each
 * route file exports its list) and the legacy table below (only /metrics, served outside /api). The same
 * endpoints drive the authorization matrix test (test/integration/authz-matrix.test.ts): who may call what,
 * where.
 */
import { ADMIN_ROUTES } from './admin-routes.js';
import { ATTACHMENT_ROUTES } from './attachment-routes.js';
import { CALENDAR_ROUTES } from './calendar-routes.js';
import { CASE_ACTION_ROUTES, SESSION_ROUTES, TASK_ROUTES } from './case-routes.js';
import { endpointOf, route, type Endpoint, type RouteDeclaration } from './declare.js';
import { DEPARTMENT_ROUTES } from './department-routes.js';
import { FIELD_ROUTES } from './field-routes.js';
import { FORM_ROUTES } from './forms-routes.js';
import { HEALTH_ROUTES } from './health.js';
import { HOUSEHOLD_ROUTES } from './household-routes.js';
import { PUBLIC_ROUTES } from './public-routes.js';
import { READ_ROUTES } from './read-routes.js';
import { REGISTER_ROUTES } from './register-routes.js';

export type { Access, Endpoint } from './declare.js';

/**
 * 旧表 endpoints not declared with `route()`: /metrics (metrics.ts, for the scraper). A route added the old
 * way needs its entry here.
 */
export const LEGACY_ENDPOINTS: Endpoint[] = [
  { method: 'get', path: '/metrics', summary: '监控指标 Prometheus metrics', access: 'public', ok: 200 },
];

let document: Record<string, unknown> | undefined;
/** The document itself and its browsable page (served before the session middleware). */
export const DOCUMENT_ROUTES: RouteDeclaration[] = [
  route({
    method: 'get',
    path: '/api/openapi.json',
    summary: '接口文档 This document',
    access: 'public',
    ok: 200,
    handler: async () => (document ??= openApiDocument()),
  }),
  route({
    method: 'get',
    path: '/api/docs',
    summary: '接口文档页面 The endpoints as a web page',
    access: 'public',
    ok: 200,
    send: async (_req, res) => void res.type('html').send(docsPage()),
  }),
];

/** Every declared route, in the order `routes.ts` mounts them (the order decides which of two paths matches). */
export const DECLARED_ROUTES: readonly RouteDeclaration[] = [
  ...HEALTH_ROUTES,
  ...DOCUMENT_ROUTES,
  ...SESSION_ROUTES,
  ...TASK_ROUTES,
  ...CASE_ACTION_ROUTES,
  ...PUBLIC_ROUTES,
  ...REGISTER_ROUTES,
  ...HOUSEHOLD_ROUTES,
  ...READ_ROUTES,
  ...FORM_ROUTES,
  ...DEPARTMENT_ROUTES,
  ...ATTACHMENT_ROUTES,
  ...FIELD_ROUTES,
  ...CALENDAR_ROUTES,
  ...ADMIN_ROUTES,
];

/** All endpoints: the declared routes and the legacy table. */
export const ENDPOINTS: Endpoint[] = [...DECLARED_ROUTES.map(endpointOf), ...LEGACY_ENDPOINTS];

const problem = {
  description: 'application/problem+json',
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        required: ['status', 'code', 'title', 'errors'],
        properties: {
          status: { type: 'integer' },
          code: { type: 'string' },
          title: { type: 'string', description: '中文' },
          title_en: { type: 'string' },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                path: { type: 'string' },
                message: { type: 'string' },
                message_en: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
};

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of ENDPOINTS) {
    const params = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    for (const [name, schema] of Object.entries(e.query ?? {}))
      params.push({ name, in: 'query', required: false, schema: schema as never });
    const responses: Record<string, unknown> = {
      [String(e.ok)]: { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
    };
    // 415: any endpoint refuses a compressed body (the edge); upload endpoints also refuse other media types
    for (const s of ['400', '401', '403', '404', '409', '413', '415', '422', '429']) responses[s] = problem;
    paths[e.path] ??= {};
    paths[e.path][e.method] = {
      summary: e.summary,
      security: e.access === 'public' ? [] : [{ session: [] }],
      'x-access': e.access,
      parameters: params,
      ...(e.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: e.body } } } }
        : {}),
      ...(e.upload
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                e.upload.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }]),
              ),
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '振兴 Zhenxing API',
      version: '1.0.0',
      description: '巩固拓展脱贫攻坚成果流程平台接口。写操作需要会话 Cookie 与 x-csrf-token 请求头。',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'zx_session' } } },
    paths,
  };
}

/** A browsable page listing the endpoints (no external scripts: the machine may have no internet). */
export function docsPage(): string {
  const rows = ENDPOINTS.map((e) => {
    const who =
      e.access === 'public'
        ? '公开'
        : e.access === 'staff'
          ? '登录用户（按地区）'
          : e.access.roles.join(', ');
    return `<tr><td><code>${e.method.toUpperCase()}</code></td><td><code>${e.path}</code></td><td>${e.summary}</td><td>${who}</td></tr>`;
  }).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>振兴 API</title>
<style>body{font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif;margin:2rem;color:#1f1f1f}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #eee;padding:.4rem .6rem;text-align:left;font-size:14px}code{color:#0958d9}</style></head>
<body><h1>振兴 Zhenxing API</h1><p>机器可读文档：<a href="/api/openapi.json">/api/openapi.json</a>（OpenAPI 3.1）。错误统一为 application/problem+json。</p>
<table><thead><tr><th>方法</th><th>路径</th><th>说明</th><th>权限</th></tr></thead><tbody>${rows}</tbody></table></body></html>`;
}
