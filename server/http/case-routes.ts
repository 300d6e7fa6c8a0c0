/** 会话、待办与案件操作 log in and out, who I am, the inbox and a task's actions, starting and acting on cases. */

import * as cases from '../services/cases.js';
import * as people from '../services/people.js';
import * as tasks from '../services/tasks.js';
import * as fieldSync from '../services/field-sync.js';
import { bodyOf, route, type Access, type RouteDeclaration } from './declare.js';
import { comment, id, requestId, ADMIN } from './schemas.js';
import { login, loginRateLimit, logout, requireUser } from './session.js';

export const SESSION_ROUTES: RouteDeclaration[] = [
  route({
    method: 'post',
    path: '/api/auth/login',
    summary: '登录 Log in',
    access: 'public',
    ok: 200,
    body: {
      type: 'object',
      required: ['username', 'password'],
      properties: {
        username: { type: 'string', maxLength: 100 },
        password: { type: 'string', maxLength: 200 },
      },
    },
    before: () => [loginRateLimit()],
    handler: async (req, res, { deps }) => {
      const b = bodyOf(req);
      const { csrfToken, principal } = await login(
        deps.db,
        b.username,
        b.password,
        deps.config.env === 'production',
        res,
        req.ip ?? '',
      );
      return { csrfToken, user: principal };
    },
  }),
  route({
    method: 'post',
    path: '/api/auth/logout',
    summary: '退出 Log out',
    access: 'public',
    ok: 200,
    handler: async (req, res, { deps }) => {
      await logout(deps.db, req, res);
      return { ok: true };
    },
  }),
  route({
    method: 'get',
    path: '/api/me',
    summary: '当前用户及其角色 Current user and roles',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { deps }) => ({
      ...(await people.me(deps.db, requireUser(req))),
      csrfToken: req.csrf,
    }),
  }),
];

/** POST /api/tasks/{id}/<kind>: hand a task to someone else (`tasks.reassignTask`). */
const reassign = (
  kind: 'transfer' | 'delegate' | 'add-signer',
  summary: string,
  properties: Record<string, unknown>,
) =>
  route({
    method: 'post',
    path: `/api/tasks/{id}/${kind}`,
    summary,
    access: 'staff',
    ok: 200,
    body: { type: 'object', required: ['to'], properties },
    handler: async (req, _res, { svc }) =>
      tasks.reassignTask(svc, requireUser(req), String(req.params.id), kind, bodyOf(req)),
  });

/** POST /api/cases/{id}/<kind>: an action on a whole case, sent to its workflow (`cases.caseAction`). */
const caseAction = (
  kind: 'withdraw' | 'urge' | 'cc' | 'cancel',
  summary: string,
  required: string[],
  properties: Record<string, unknown>,
  access: Access = 'staff',
) =>
  route({
    method: 'post',
    path: `/api/cases/{id}/${kind}`,
    summary,
    access,
    ok: 200,
    body: { type: 'object', required, properties },
    handler: async (req, _res, { svc }) =>
      cases.caseAction(svc, requireUser(req), String(req.params.id), kind, bodyOf(req)),
  });

export const TASK_ROUTES: RouteDeclaration[] = [
  route({
    method: 'get',
    path: '/api/tasks',
    summary: '待办列表 Inbox (keyset pages)',
    access: 'staff',
    ok: 200,
    query: {
      view: { type: 'string', enum: ['todo', 'done', 'initiated', 'cc'] },
      process: { type: 'string' },
      step: { type: 'string' },
      org: { type: 'string' },
      due: { type: 'string', enum: ['overdue', 'today', 'week'] },
      cursor: { type: 'string' },
      limit: { type: 'integer' },
    },
    handler: async (req, _res, { svc }) =>
      tasks.listTasks(svc, requireUser(req), req.query as tasks.InboxQuery),
  }),
  route({
    method: 'get',
    path: '/api/tasks/counts',
    summary: '各页签数量 Inbox tab counts',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) => tasks.inboxCounts(svc, requireUser(req)),
  }),
  route({
    method: 'post',
    path: '/api/tasks/bulk-complete',
    summary: '批量办理 Bulk complete (per-item results)',
    access: 'staff',
    ok: 200,
    body: {
      type: 'object',
      required: ['items'],
      properties: { items: { type: 'array', maxItems: 100, items: { type: 'object' } } },
    },
    handler: async (req, _res, { svc }) => tasks.bulkComplete(svc, requireUser(req), bodyOf(req)),
  }),
  route({
    method: 'get',
    path: '/api/tasks/{id}',
    summary: '任务详情 Task with form, permissions and actions',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) => tasks.getTask(svc, requireUser(req), String(req.params.id)),
  }),
  route({
    method: 'post',
    path: '/api/tasks/{id}/claim',
    summary: '认领 Claim',
    access: 'staff',
    ok: 200,
    body: { type: 'object', properties: { requestId } },
    handler: async (req, _res, { svc }) =>
      tasks.claimTask(svc, requireUser(req), String(req.params.id), bodyOf(req)),
  }),
  route({
    method: 'post',
    path: '/api/tasks/{id}/complete',
    summary: '办理 Complete with an action',
    access: 'staff',
    ok: 200,
    body: {
      type: 'object',
      required: ['requestId', 'action'],
      properties: {
        requestId,
        action: id,
        data: { type: 'object' },
        comment,
        returnTo: id,
        evidence: { type: 'object' },
        baseVersion: { type: 'string', minLength: 1, maxLength: 64 },
      },
    },
    handler: async (req, _res, { svc }) =>
      fieldSync.completeWithVersion(svc, requireUser(req), String(req.params.id), bodyOf(req)),
  }),
  route({
    method: 'post',
    path: '/api/tasks/{id}/draft',
    summary: '保存草稿 Save a draft',
    access: 'staff',
    ok: 200,
    body: { type: 'object', required: ['data'], properties: { data: { type: 'object' } } },
    handler: async (req, _res, { svc }) =>
      tasks.saveDraft(svc, requireUser(req), String(req.params.id), bodyOf(req)),
  }),
  reassign('transfer', '转办 Transfer', { requestId, to: id }),
  reassign('delegate', '委派 Delegate', { requestId, to: id }),
  reassign('add-signer', '加签 Add a signer', { requestId, to: id, position: { enum: ['before', 'after'] } }),
];

export const CASE_ACTION_ROUTES: RouteDeclaration[] = [
  route({
    method: 'post',
    path: '/api/cases',
    summary: '发起案件 Start a case',
    access: 'staff',
    ok: 201,
    body: {
      type: 'object',
      required: ['process', 'org', 'requestId'],
      properties: { process: id, org: id, subject: { type: 'object' }, data: { type: 'object' }, requestId },
    },
    handler: async (req, res, { svc }) => {
      const result = await cases.startCase(svc, requireUser(req), bodyOf(req) as cases.StartCaseRequest);
      res.status(result.created ? 201 : 200);
      return result.case;
    },
  }),
  caseAction('withdraw', '撤回 Withdraw', ['requestId'], { requestId, comment }),
  caseAction('urge', '催办 Urge', ['requestId'], { requestId }),
  caseAction('cc', '抄送 Copy to', ['requestId', 'userIds'], {
    requestId,
    userIds: { type: 'array', maxItems: 100, items: id },
  }),
  caseAction(
    'cancel',
    '终止 Cancel (administrator)',
    ['requestId', 'comment'],
    { requestId, comment },
    ADMIN,
  ),
];
