/**
 * /api/admin: configuration (admin), users and roles (security_admin), the audit log (auditor). Three-way
 * separation of powers: none can do the others' work. Each route is declared once (`declare.ts`), mounted
 * under /api/admin in this order (`routes.ts`) with `roleRoute`: the caller is checked against the route's
 * access before its handler, which parses and calls one service.
 */
import type { Request } from 'express';
import { describeActivities } from '../../activities/registry.js';
import { verifyAuditChain } from '../../store/audit.js';
import * as admin from '../services/admin.js';
import { createForm } from '../services/form-check.js';
import { closeOrgNode, importDivisions, moveOrgNode, orgTree, saveOrgNode } from '../services/org-tree.js';
import { diffPackVersions, exportPack, installedRoles, listPacks, setPackScope } from '../services/packs.js';
import {
  getOverlay,
  importTemplate,
  listOverlays,
  listTemplates,
  overlayDiff,
  reapplyOverlay,
  saveOverlay,
} from '../services/overlay.js';
import { createProcess, installPack, publishProcess } from '../services/process-publish.js';
import { listDeadLetters, replayDeadLetter } from '../services/projection-dead-letters.js';
import { currentSchedules, listSchedules, runScheduleNow } from '../services/schedules.js';
import * as users from '../services/users.js';
import {
  copyForm,
  copyProcess,
  createCodeList,
  publishCodeList,
  publishFormVersion,
} from '../services/variants.js';
import { roleRoute, type RouteDeclaration } from './declare.js';
import { intQuery } from './edge.js';
import { problems } from './problem.js';
import { ADMIN, AUDITOR, SECURITY } from './schemas.js';

const obj = (v: unknown, path: string): Record<string, any> => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw problems.invalid([{ path, message: '必须是 JSON 对象', message_en: 'must be a JSON object' }]);
  }
  return v as Record<string, any>;
};
const draftOf = (req: Request) => (req.body?.draft ? 'draft' : 'published');
const versionsOf = (req: Request) => ({ from: req.query.from, to: req.query.to });

/** Mounted under /api/admin (`routes.ts`), in this order. */
export const ADMIN_ROUTES: RouteDeclaration[] = [
  roleRoute({
    method: 'get',
    path: '/api/admin/processes',
    summary: '流程版本 Process versions',
    access: ADMIN,
    handler: async (req, _who, { svc }) => admin.listProcessVersions(svc.db),
  }),
  roleRoute({
    method: 'get',
    path: '/api/admin/processes/{key}/versions/{version}',
    summary: '流程版本详情 A process version',
    access: ADMIN,
    handler: async (req, _who, { svc }) =>
      admin.processVersion(svc.db, String(req.params.key), Number(req.params.version) || 0),
  }),
  // 版本对比 what changed between two versions of a process or a form, path by path (steps and fields matched by id)
  roleRoute({
    method: 'get',
    path: '/api/admin/processes/{key}/diff',
    summary: '流程版本对比 What changed between two versions',
    access: ADMIN,
    query: { from: { type: 'integer' }, to: { type: 'integer' } },
    handler: async (req, _who, { svc }) =>
      admin.versionDiff(svc.db, 'processes', String(req.params.key), versionsOf(req)),
  }),
  roleRoute({
    method: 'get',
    path: '/api/admin/forms/{key}/diff',
    summary: '表单版本对比 What changed between two versions',
    access: ADMIN,
    query: { from: { type: 'integer' }, to: { type: 'integer' } },
    handler: async (req, _who, { svc }) =>
      admin.versionDiff(svc.db, 'forms', String(req.params.key), versionsOf(req)),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/processes/validate',
    summary: '校验流程 Validate a definition',
    access: ADMIN,
    body: { type: 'object' },
    handler: async (req, _who, { svc }) =>
      admin.checkProcessDefinition(svc.db, obj(req.body?.definition ?? req.body, 'definition')),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/processes',
    summary: '新建流程 Create a process',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
    handler: async (req, who, { svc }) => {
      const def = obj(req.body?.definition ?? req.body, 'definition');
      const pack = typeof req.body?.pack === 'string' ? req.body.pack : undefined;
      return createProcess(svc.db, def, who.userId, draftOf(req), pack);
    },
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/processes/{key}/versions',
    summary: '发布流程新版本 Validate and publish',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
    handler: async (req, who, { svc }) => {
      const def = { ...obj(req.body?.definition ?? req.body, 'definition'), key: String(req.params.key) };
      return publishProcess(svc.db, def, who.userId, draftOf(req), { mustExist: true });
    },
  }),
  // 复制为… a process under a new key, its forms replaced by copies (references rewritten and reported)
  roleRoute({
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
    handler: async (req, who, { svc }) =>
      copyProcess(svc.db, who.userId, String(req.params.key), obj(req.body, 'body')),
  }),
  roleRoute({
    method: 'get',
    path: '/api/admin/activities',
    summary: '活动注册表 Activity registry',
    access: ADMIN,
    handler: async () => ({ items: describeActivities() }),
  }),
  // ---- forms ----
  roleRoute({
    method: 'get',
    path: '/api/admin/forms',
    summary: '表单版本 Form versions',
    access: ADMIN,
    handler: async (req, _who, { svc }) => admin.listFormVersions(svc.db),
  }),
  roleRoute({
    method: 'get',
    path: '/api/admin/forms/{key}/versions/{version}',
    summary: '表单版本原文 A form version as stored',
    access: ADMIN,
    handler: async (req, _who, { svc }) =>
      admin.formVersion(svc.db, String(req.params.key), Number(req.params.version) || 0),
  }),
  roleRoute({
    method: 'get',
    path: '/api/admin/roles',
    summary: '角色 Roles and levels of the pack',
    access: { roles: ['admin', 'security_admin'] },
    handler: async (req, _who, { svc }) => ({
      items: await installedRoles(svc.db),
      levels: ['village', 'township', 'county', 'city', 'province'],
    }),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/forms',
    summary: '新建表单 Create a form',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
    handler: async (req, who, { svc }) =>
      createForm(svc.db, obj(req.body?.document ?? req.body, 'document'), who.userId, draftOf(req)),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/forms/{key}/versions',
    summary: '发布表单新版本 Publish a form version',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
    handler: async (req, who, { svc }) => {
      const doc = { ...obj(req.body?.document ?? req.body, 'document'), key: String(req.params.key) };
      return publishFormVersion(svc.db, who.userId, doc, draftOf(req));
    },
  }),
  roleRoute({
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
    handler: async (req, who, { svc }) =>
      copyForm(svc.db, who.userId, String(req.params.key), obj(req.body, 'body')),
  }),
  // ---- packs ----
  roleRoute({
    method: 'post',
    path: '/api/admin/packs/import',
    summary: '导入政策包 Import a pack',
    access: ADMIN,
    body: { type: 'object' },
    handler: async (req, who, { svc }) => installPack(svc, obj(req.body, 'body'), { actorId: who.userId }),
  }),
  roleRoute({
    method: 'get',
    path: '/api/admin/packs',
    summary: '已安装政策包 Installed packs',
    access: ADMIN,
    handler: async (req, _who, { svc }) => ({ items: await listPacks(svc.db) }),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/packs/{id}/scope',
    summary: '政策包安装范围 Install a pack for an org subtree',
    access: ADMIN,
    body: { type: 'object', properties: { org: { type: ['string', 'null'], maxLength: 40 } } },
    handler: async (req, who, { svc }) =>
      setPackScope(svc.db, who.userId, String(req.params.id), obj(req.body, 'body').org ?? null),
  }),
  // ---- templates and overlays (a provincial pack stored as an overlay on the national template) ----
  roleRoute({
    method: 'post',
    path: '/api/admin/templates',
    summary: '导入模板 Store a version of a template pack (a folder or a bundle)',
    access: ADMIN,
    body: { type: 'object', properties: { pack: { type: 'string', maxLength: 40 } } },
    handler: async (req, who, { svc }) => importTemplate(svc.db, who.userId, obj(req.body, 'body')),
  }),
  roleRoute({
    method: 'get',
    path: '/api/admin/templates',
    summary: '模板 Template packs and their versions',
    access: ADMIN,
    handler: async (_req, _who, { svc }) => ({ items: await listTemplates(svc.db) }),
  }),
  roleRoute({
    method: 'get',
    path: '/api/admin/overlays',
    summary: '覆盖 Packs stored as overlays on a template',
    access: ADMIN,
    handler: async (_req, _who, { svc }) => ({ items: await listOverlays(svc.db) }),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/packs/{id}/overlay',
    summary: '保存覆盖 Compose a pack from a template version and an overlay, and install it',
    access: ADMIN,
    body: {
      type: 'object',
      required: ['base', 'keySuffix', 'manifest', 'ops'],
      properties: {
        base: {
          type: 'object',
          required: ['pack', 'version'],
          properties: { pack: { type: 'string', maxLength: 40 }, version: { type: 'string', maxLength: 40 } },
        },
        keySuffix: { type: 'string', maxLength: 10 },
        manifest: { type: 'object' },
        ops: {
          type: 'array',
          maxItems: 2000,
          items: {
            type: 'object',
            required: ['op', 'path'],
            properties: {
              op: { enum: ['add', 'replace', 'remove'] },
              path: { type: 'string', maxLength: 500 },
            },
          },
        },
        dryRun: { type: 'boolean' },
        confirm: { type: 'boolean' },
      },
    },
    handler: async (req, who, { svc }) =>
      saveOverlay(svc, who.userId, String(req.params.id), obj(req.body, 'body')),
  }),
  roleRoute({
    method: 'get',
    path: '/api/admin/packs/{id}/overlay',
    summary: '覆盖 The overlay a pack is stored as',
    access: ADMIN,
    handler: async (req, _who, { svc }) => getOverlay(svc.db, String(req.params.id)),
  }),
  roleRoute({
    method: 'get',
    path: '/api/admin/packs/{id}/overlay/diff',
    summary: '覆盖对比 Each operation of the overlay against the template',
    access: ADMIN,
    handler: async (req, _who, { svc }) => overlayDiff(svc.db, String(req.params.id)),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/packs/{id}/overlay/reapply',
    summary: '重新应用覆盖 Preview (or apply) the overlay on a new template version, conflicts by path',
    access: ADMIN,
    body: {
      type: 'object',
      required: ['version'],
      properties: {
        version: { type: 'string', maxLength: 40 },
        packVersion: { type: 'string', maxLength: 40 },
        resolutions: { type: 'object', additionalProperties: { enum: ['overlay', 'template'] } },
        dryRun: { type: 'boolean' },
        confirm: { type: 'boolean' },
      },
    },
    handler: async (req, who, { svc }) =>
      reapplyOverlay(svc, who.userId, String(req.params.id), obj(req.body, 'body')),
  }),
  // ---- organisation tree (administrative divisions) ----
  roleRoute({
    method: 'get',
    path: '/api/admin/org-tree',
    summary: '组织机构树 The organisation tree',
    access: { roles: ['admin', 'security_admin'] },
    query: { root: { type: 'string' } },
    handler: async (req, _who, { svc }) => ({
      items: await orgTree(svc.db, typeof req.query.root === 'string' ? req.query.root : undefined),
    }),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/org-tree/import',
    summary: '导入区划清单 Import a division list (previewed, idempotent)',
    access: ADMIN,
    body: {
      type: 'object',
      properties: {
        rows: { type: 'array', maxItems: 20000 },
        csv: { type: 'string', maxLength: 5000000 },
        xlsx: { type: 'string', maxLength: 10000000 },
        dryRun: { type: 'boolean' },
      },
    },
    handler: async (req, who, { svc }) => importDivisions(svc.db, who.userId, obj(req.body, 'body')),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/org-nodes',
    summary: '新增或更名机构 Add or rename a node',
    access: ADMIN,
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
    handler: async (req, who, { svc }) => saveOrgNode(svc.db, who.userId, obj(req.body, 'body')),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/org-nodes/{id}/move',
    summary: '移动机构 Move a node (with its subtree) under another parent',
    access: ADMIN,
    body: {
      type: 'object',
      required: ['parentCode'],
      properties: { parentCode: { type: 'string', maxLength: 15 } },
    },
    handler: async (req, who, { svc }) =>
      moveOrgNode(svc.db, who.userId, String(req.params.id), obj(req.body, 'body'), svc.temporal),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/org-nodes/{id}/close',
    summary: '撤销机构 Close a node',
    access: ADMIN,
    handler: async (req, who, { svc }) => closeOrgNode(svc.db, who.userId, String(req.params.id)),
  }),
  // ---- schedules (S5 follow-ups) ----
  roleRoute({
    method: 'get',
    path: '/api/admin/schedules',
    summary: '定时任务 Pack schedules with next runs and recent rounds',
    access: ADMIN,
    handler: async (req, _who, { svc }) => ({
      items: await listSchedules(svc, await currentSchedules(svc.db)),
    }),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/schedules/{id}/run',
    summary: '立即执行定时任务 Run a schedule now',
    access: ADMIN,
    ok: 202,
    handler: async (req, who, { svc }) => runScheduleNow(svc, who.userId, String(req.params.id)),
  }),
  roleRoute({
    method: 'get',
    path: '/api/admin/packs/{id}/export',
    summary: '导出政策包 Export a pack',
    access: ADMIN,
    handler: async (req, _who, { svc }) => exportPack(svc.db, String(req.params.id)),
  }),
  roleRoute({
    method: 'get',
    path: '/api/admin/packs/{id}/diff',
    summary: '政策包差异 Diff two pack versions',
    access: ADMIN,
    query: { from: { type: 'string' }, to: { type: 'string' } },
    handler: async (req, _who, { svc }) =>
      diffPackVersions(svc.db, String(req.params.id), req.query.from, req.query.to),
  }),
  // ---- parameters ----
  roleRoute({
    method: 'get',
    path: '/api/admin/parameters',
    summary: '政策参数 Parameters with history',
    access: ADMIN,
    handler: async (req, _who, { svc }) => admin.listParameters(svc.db),
  }),
  roleRoute({
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
    handler: async (req, who, { svc }) =>
      admin.setParameterAndSchedules(svc, who.userId, obj(req.body, 'body')),
  }),
  roleRoute({
    method: 'get',
    path: '/api/admin/codelists',
    summary: '代码表 Code lists',
    access: ADMIN,
    handler: async (req, _who, { svc }) => admin.listCodeLists(svc.db),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/codelists',
    summary: '新建代码表 Create a code list',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
    handler: async (req, who, { svc }) =>
      createCodeList(svc.db, who.userId, obj(req.body?.document ?? req.body, 'document')),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/codelists/{key}/versions',
    summary: '发布代码表 Publish a code list',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
    handler: async (req, who, { svc }) => {
      const doc = { ...obj(req.body?.document ?? req.body, 'document'), key: String(req.params.key) };
      return publishCodeList(svc.db, who.userId, doc);
    },
  }),
  // ---- users and roles (security_admin; admin may list) ----
  roleRoute({
    method: 'get',
    path: '/api/admin/users',
    summary: '用户 Users and roles',
    access: { roles: ['security_admin', 'admin'] },
    handler: async (req, _who, { svc }) => {
      const q = req.query as Record<string, string>;
      return users.listUsers(svc.db, { role: q.role, org: q.org });
    },
  }),
  roleRoute({
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
    handler: async (req, who, { svc }) => ({
      id: await users.createUser(svc.db, who, obj(req.body, 'body')),
    }),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/users/{id}/roles',
    summary: '分配角色（替换）Set a user’s roles',
    access: SECURITY,
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
    handler: async (req, who, { svc }) => {
      const id = String(req.params.id);
      return { id, roles: await users.setUserRoles(svc.db, who, id, req.body?.roles) };
    },
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/users/{id}/status',
    summary: '启用/停用用户 Enable or disable a user',
    access: SECURITY,
    body: { type: 'object', required: ['disabled'], properties: { disabled: { type: 'boolean' } } },
    handler: async (req, who, { svc }) => {
      const id = String(req.params.id);
      return { id, disabled: await users.setUserStatus(svc.db, who, id, req.body?.disabled) };
    },
  }),
  // ---- projection dead letters (admin): events the read model refused, and their replay after a fix ----
  roleRoute({
    method: 'get',
    path: '/api/admin/projection-dead-letters',
    summary: '投影死信 Events the read model refused (masked)',
    access: ADMIN,
    query: {
      open: { type: 'string', enum: ['1'], description: '仅未重放的 only those not yet replayed' },
      limit: { type: 'integer' },
    },
    handler: async (req, _who, { svc }) =>
      listDeadLetters(svc.db, {
        open: req.query.open === '1',
        limit: intQuery(req.query.limit, 100, 500),
      }),
  }),
  roleRoute({
    method: 'post',
    path: '/api/admin/projection-dead-letters/{id}/replay',
    summary: '重放死信 Replay a refused event after a fix',
    access: ADMIN,
    handler: async (req, who, { svc }) => replayDeadLetter(svc.db, who, String(req.params.id)),
  }),
  // ---- audit (auditor) ----
  roleRoute({
    method: 'get',
    path: '/api/admin/audit',
    summary: '审计日志 Audit log',
    access: AUDITOR,
    handler: async (req, _who, { svc }) => {
      const q = req.query as Record<string, string>;
      return admin.auditLog(svc.db, { before: Number(q.before) || null, action: q.action, actor: q.actor });
    },
  }),
  roleRoute({
    method: 'get',
    path: '/api/admin/audit/verify',
    summary: '校验审计链 Verify the audit chain',
    access: AUDITOR,
    handler: async (req, _who, { svc }) => verifyAuditChain(svc.db),
  }),
];
