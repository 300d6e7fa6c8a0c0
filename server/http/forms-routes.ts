/** /api/forms: published form versions (with code lists resolved) and server-side validation; code lists. */

import { latestCodeLists } from '../services/catalog.js';
import { checkFormData, formVersion, formWithVersions, listForms } from '../services/catalog-read.js';
import { route, type RouteDeclaration } from './declare.js';
import { problems } from './problem.js';
import { requireUser } from './session.js';

export const FORM_ROUTES: RouteDeclaration[] = [
  route({
    method: 'get',
    path: '/api/forms',
    summary: '表单列表 Forms',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { deps }) => {
      requireUser(req);
      return listForms(deps.db);
    },
  }),
  route({
    method: 'get',
    path: '/api/codelists',
    summary: '代码表（按编码）Code lists by key',
    access: 'staff',
    ok: 200,
    query: { keys: { type: 'string' } },
    /** 代码表 code lists by key (?keys=relations,health), so a page shows a stored code by its label */
    handler: async (req, _res, { deps }) => {
      requireUser(req);
      const keys = String(req.query.keys ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
      if (!keys.length || keys.length > 50 || keys.some((k) => !/^[a-z][a-z0-9-]{0,63}$/.test(k))) {
        throw problems.invalid([
          {
            path: 'keys',
            message: '请给出代码表编码（逗号分隔，最多50个）',
            message_en: 'keys: 1 to 50 code-list keys, comma-separated',
          },
        ]);
      }
      return { items: await latestCodeLists(deps.db, keys) };
    },
  }),
  route({
    method: 'get',
    path: '/api/forms/{key}',
    summary: '表单最新版 Latest published form',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { deps }) => {
      requireUser(req);
      return formWithVersions(deps.db, String(req.params.key));
    },
  }),
  route({
    method: 'get',
    path: '/api/forms/{key}/versions/{version}',
    summary: '表单指定版本 A form version',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { deps }) => {
      requireUser(req);
      const v = Number(req.params.version);
      if (!Number.isInteger(v) || v < 1)
        throw problems.invalid([
          {
            path: 'version',
            message: '版本号必须是正整数',
            message_en: 'version must be a positive integer',
          },
        ]);
      return formVersion(deps.db, String(req.params.key), v);
    },
  }),
  route({
    method: 'post',
    path: '/api/forms/{key}/validate',
    summary: '校验 Validate form data',
    access: 'staff',
    ok: 200,
    body: { type: 'object' },
    handler: async (req, _res, { deps }) => {
      requireUser(req);
      const version = req.query.version ? Number(req.query.version) : undefined;
      return checkFormData(deps.db, String(req.params.key), version, req.body?.data ?? req.body);
    },
  }),
];
