/**
 * The API contract: an OpenAPI 3.1 document generated from the route declarations (`declare.ts`; each
 * route file exports its list) and, until admin-routes.ts (lane "provinces") is converted, the legacy table
 * below. The same endpoints drive the authorization matrix
 * test (test/integration/authz-matrix.test.ts): who may call what, where.
 */
import { ATTACHMENT_ROUTES } from './attachment-routes.js';
import { CALENDAR_ROUTES } from './calendar-routes.js';
import { CASE_ACTION_ROUTES, SESSION_ROUTES, TASK_ROUTES } from './case-routes.js';
import { endpointOf, route, type Endpoint, type RouteDeclaration } from './declare.js';
import { DEPARTMENT_ROUTES } from './department-routes.js';
import { FORM_ROUTES } from './forms-routes.js';
import { HEALTH_ROUTES } from './health.js';
import { HOUSEHOLD_ROUTES } from './household-routes.js';
import { PUBLIC_ROUTES } from './public-routes.js';
import { READ_ROUTES } from './read-routes.js';
import { REGISTER_ROUTES } from './register-routes.js';
import { ADMIN, AUDITOR, SECURITY } from './schemas.js';

export type { Access, Endpoint } from './declare.js';

/**
 * 旧表 endpoints of the route files not yet declared with `route()` (admin-routes.ts)
 * and of /metrics (metrics.ts). A route added the old way needs its entry here; test/unit/layering.test.ts
 * checks that every path those files register is listed.
 */
export const LEGACY_ENDPOINTS: Endpoint[] = [
  {
    method: 'get',
    path: '/api/admin/processes',
    summary: '流程版本 Process versions',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/processes',
    summary: '新建流程 Create a process',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
  },
  {
    method: 'post',
    path: '/api/admin/processes/{key}/copy',
    summary: '复制流程 Copy a process under a new key (references rewritten)',
    access: ADMIN,
    ok: 201,
    body: {
      type: 'object',
      required: ['key'],
      properties: {
        key: { type: 'string', maxLength: 64 },
        title: { type: 'object' },
        forms: { type: 'object', additionalProperties: { type: 'string', maxLength: 64 } },
        pack: { type: 'string', maxLength: 40 },
        draft: { type: 'boolean' },
      },
    },
  },
  {
    method: 'post',
    path: '/api/admin/processes/validate',
    summary: '校验流程 Validate a definition',
    access: ADMIN,
    ok: 200,
    body: { type: 'object' },
  },
  {
    method: 'get',
    path: '/api/admin/processes/{key}/diff',
    summary: '流程版本对比 What changed between two versions',
    access: ADMIN,
    ok: 200,
    query: { from: { type: 'integer' }, to: { type: 'integer' } },
  },
  {
    method: 'get',
    path: '/api/admin/forms/{key}/diff',
    summary: '表单版本对比 What changed between two versions',
    access: ADMIN,
    ok: 200,
    query: { from: { type: 'integer' }, to: { type: 'integer' } },
  },
  {
    method: 'get',
    path: '/api/admin/processes/{key}/versions/{version}',
    summary: '流程版本详情 A process version',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/processes/{key}/versions',
    summary: '发布流程新版本 Validate and publish',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
  },
  {
    method: 'get',
    path: '/api/admin/activities',
    summary: '活动注册表 Activity registry',
    access: ADMIN,
    ok: 200,
  },
  { method: 'get', path: '/api/admin/forms', summary: '表单版本 Form versions', access: ADMIN, ok: 200 },
  {
    method: 'get',
    path: '/api/admin/forms/{key}/versions/{version}',
    summary: '表单版本原文 A form version as stored',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/admin/roles',
    summary: '角色 Roles and levels of the pack',
    access: { roles: ['admin', 'security_admin'] },
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/forms',
    summary: '新建表单 Create a form',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
  },
  {
    method: 'post',
    path: '/api/admin/forms/{key}/versions',
    summary: '发布表单新版本 Publish a form version',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
  },
  {
    method: 'post',
    path: '/api/admin/forms/{key}/copy',
    summary: '复制表单 Copy a form under a new key',
    access: ADMIN,
    ok: 201,
    body: {
      type: 'object',
      required: ['key'],
      properties: {
        key: { type: 'string', maxLength: 64 },
        title: { type: 'object' },
        pack: { type: 'string', maxLength: 40 },
      },
    },
  },
  {
    method: 'post',
    path: '/api/admin/packs/import',
    summary: '导入政策包 Import a pack',
    access: ADMIN,
    ok: 200,
    body: { type: 'object' },
  },
  {
    method: 'get',
    path: '/api/admin/packs',
    summary: '已安装政策包 Installed packs',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/packs/{id}/scope',
    summary: '政策包安装范围 Install a pack for an org subtree',
    access: ADMIN,
    ok: 200,
    body: { type: 'object', properties: { org: { type: ['string', 'null'], maxLength: 40 } } },
  },
  {
    method: 'get',
    path: '/api/admin/org-tree',
    summary: '组织机构树 The organisation tree',
    access: { roles: ['admin', 'security_admin'] },
    ok: 200,
    query: { root: { type: 'string' } },
  },
  {
    method: 'post',
    path: '/api/admin/org-tree/import',
    summary: '导入区划清单 Import a division list (previewed, idempotent)',
    access: ADMIN,
    ok: 200,
    body: {
      type: 'object',
      properties: {
        rows: { type: 'array', maxItems: 20000 },
        csv: { type: 'string', maxLength: 5000000 },
        xlsx: { type: 'string', maxLength: 10000000 },
        dryRun: { type: 'boolean' },
      },
    },
  },
  {
    method: 'post',
    path: '/api/admin/org-nodes',
    summary: '新增或更名机构 Add or rename a node',
    access: ADMIN,
    ok: 200,
    body: {
      type: 'object',
      required: ['code', 'name'],
      properties: {
        code: { type: 'string', maxLength: 15 },
        name: { type: 'string', maxLength: 100 },
        parentCode: { type: 'string', maxLength: 15 },
        level: { type: 'string', maxLength: 20 },
      },
    },
  },
  {
    method: 'post',
    path: '/api/admin/org-nodes/{id}/close',
    summary: '撤销机构 Close a node',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/admin/packs/{id}/export',
    summary: '导出政策包 Export a pack',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/admin/packs/{id}/diff',
    summary: '政策包差异 Diff two pack versions',
    access: ADMIN,
    ok: 200,
    query: { from: { type: 'string' }, to: { type: 'string' } },
  },
  {
    method: 'get',
    path: '/api/admin/schedules',
    summary: '定时任务 Pack schedules with next runs and recent rounds',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/schedules/{id}/run',
    summary: '立即执行定时任务 Run a schedule now',
    access: ADMIN,
    ok: 202,
  },
  {
    method: 'get',
    path: '/api/admin/parameters',
    summary: '政策参数 Parameters with history',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/parameters',
    summary: '设置年度参数 Set a yearly parameter',
    access: ADMIN,
    ok: 201,
    body: {
      type: 'object',
      required: ['key', 'year', 'value'],
      properties: {
        key: { type: 'string', maxLength: 64 },
        year: { type: 'integer' },
        value: {},
        title: { type: 'object' },
        source: { type: 'object' },
        pack: { type: 'string', maxLength: 40 },
      },
    },
  },
  { method: 'get', path: '/api/admin/codelists', summary: '代码表 Code lists', access: ADMIN, ok: 200 },
  {
    method: 'post',
    path: '/api/admin/codelists',
    summary: '新建代码表 Create a code list',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
  },
  {
    method: 'post',
    path: '/api/admin/codelists/{key}/versions',
    summary: '发布代码表 Publish a code list',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
  },
  {
    method: 'get',
    path: '/api/admin/users',
    summary: '用户 Users and roles',
    access: { roles: ['security_admin', 'admin'] },
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/users',
    summary: '新建用户 Create a user',
    access: SECURITY,
    ok: 201,
    body: {
      type: 'object',
      required: ['username', 'name', 'password', 'roles'],
      properties: {
        username: { type: 'string' },
        name: { type: 'string' },
        password: { type: 'string' },
        roles: {
          type: 'array',
          items: {
            type: 'object',
            required: ['role', 'org'],
            properties: { role: { type: 'string' }, org: { type: 'string' }, department: { type: 'string' } },
          },
        },
      },
    },
  },
  {
    method: 'post',
    path: '/api/admin/users/{id}/roles',
    summary: '分配角色（替换）Set a user’s roles',
    access: SECURITY,
    ok: 200,
    body: {
      type: 'object',
      required: ['roles'],
      properties: {
        roles: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['role', 'org'],
            properties: { role: { type: 'string' }, org: { type: 'string' }, department: { type: 'string' } },
          },
        },
      },
    },
  },
  {
    method: 'post',
    path: '/api/admin/users/{id}/status',
    summary: '启用/停用用户 Enable or disable a user',
    access: SECURITY,
    ok: 200,
    body: { type: 'object', required: ['disabled'], properties: { disabled: { type: 'boolean' } } },
  },
  {
    method: 'get',
    path: '/api/admin/projection-dead-letters',
    summary: '投影死信 Events the read model refused (masked)',
    access: ADMIN,
    ok: 200,
    query: {
      open: { type: 'string', enum: ['1'], description: '仅未重放的 only those not yet replayed' },
      limit: { type: 'integer' },
    },
  },
  {
    method: 'post',
    path: '/api/admin/projection-dead-letters/{id}/replay',
    summary: '重放死信 Replay a refused event after a fix',
    access: ADMIN,
    ok: 200,
  },
  { method: 'get', path: '/api/admin/audit', summary: '审计日志 Audit log', access: AUDITOR, ok: 200 },
  {
    method: 'get',
    path: '/api/admin/audit/verify',
    summary: '校验审计链 Verify the audit chain',
    access: AUDITOR,
    ok: 200,
  },
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
  ...CALENDAR_ROUTES,
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
