/** /api/forms: published form versions (with code lists resolved) and server-side validation. */
import express from 'express';
import type { AppDeps } from '../app.js';
import { validateFormData } from '../../forms/validate.js';
import { resolvedForm } from '../services/form-check.js';
import { latestCodeLists } from '../services/catalog.js';
import { requireUser } from './session.js';
import { handle } from './handle.js';
import { problems } from './problem.js';

export function formRoutes(deps: AppDeps): express.Router {
  const r = express.Router();
  const db = deps.db;
  r.get(
    '/forms',
    handle(async (req) => {
      requireUser(req);
      const { rows } = await db.query(
        `SELECT key, max(version) FILTER (WHERE status = 'published') AS latest, json_agg(version ORDER BY version) AS versions,
              (array_agg(document->'title' ORDER BY version DESC))[1] AS title
       FROM form_versions GROUP BY key ORDER BY key`,
      );
      return { items: rows };
    }),
  );
  /** 代码表 code lists by key (?keys=relations,health), so a page shows a stored code by its label */
  r.get(
    '/codelists',
    handle(async (req) => {
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
      return { items: await latestCodeLists(db, keys) };
    }),
  );
  r.get(
    '/forms/:key',
    handle(async (req) => {
      requireUser(req);
      const doc = await resolvedForm(db, String(req.params.key));
      if (!doc) throw problems.notFound('表单不存在', 'no such form');
      const versions = await db.query(
        'SELECT version, status, created_at FROM form_versions WHERE key = $1 ORDER BY version',
        [String(req.params.key)],
      );
      return { latest: doc, versions: versions.rows };
    }),
  );
  r.get(
    '/forms/:key/versions/:version',
    handle(async (req) => {
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
      const doc = await resolvedForm(db, String(req.params.key), v);
      if (!doc) throw problems.notFound('表单版本不存在', 'no such form version');
      return doc;
    }),
  );
  r.post(
    '/forms/:key/validate',
    handle(async (req) => {
      requireUser(req);
      const version = req.query.version ? Number(req.query.version) : undefined;
      const doc = await resolvedForm(db, String(req.params.key), version);
      if (!doc) throw problems.notFound('表单不存在', 'no such form');
      const body = req.body?.data ?? req.body;
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw problems.invalid([
          { path: '', message: '表单数据必须是对象', message_en: 'the form data must be an object' },
        ]);
      }
      const result = validateFormData(doc, body, {});
      if (!result.ok)
        throw problems.invalid(
          result.errors.map((e: any) => ({ path: e.path, message: e.message, message_en: e.message_en })),
        );
      return { data: result.data };
    }),
  );
  return r;
}
