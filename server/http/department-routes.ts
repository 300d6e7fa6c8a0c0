/**
 * /api/department-data: the county rural bureau imports department records
 * (CSV or XLSX, sent as the request body) and follows the import's progress.
 */
import express from 'express';
import type { AppDeps } from '../app.js';
import { getImport, importTemplate, listImports, startImport } from '../services/department-import.js';
import { hasRole } from '../services/principal.js';
import { requireUser } from './session.js';
import { handle } from './routes.js';
import { Problem, problems } from './problem.js';

export const IMPORTERS = ['county_rural_bureau'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function departmentRoutes(deps: AppDeps): express.Router {
  const r = express.Router();
  const importer = (req: express.Request) => {
    const who = requireUser(req);
    if (!hasRole(who, IMPORTERS))
      throw problems.forbidden(
        '只有县级乡村振兴部门可以导入部门数据',
        'only the county rural revitalisation bureau imports department data',
      );
    return who;
  };
  r.post(
    '/department-data/imports',
    // the file is the body: 50 MB holds several hundred thousand rows
    express.raw({ type: ['text/csv', 'application/csv', XLSX, 'application/octet-stream'], limit: '50mb' }),
    handle(async (req, res) => {
      const who = importer(req);
      const type = String(req.headers['content-type'] ?? '')
        .split(';')[0]
        .trim()
        .toLowerCase();
      const filename = String(req.query.filename ?? 'upload');
      const format =
        type === XLSX || /\.xlsx$/i.test(filename)
          ? 'xlsx'
          : type === 'text/csv' || type === 'application/csv' || /\.csv$/i.test(filename)
            ? 'csv'
            : undefined;
      if (!Buffer.isBuffer(req.body) || !format) {
        throw new Problem(
          415,
          'unsupported_media_type',
          '请上传 CSV 或 Excel（.xlsx）文件',
          'send a CSV or .xlsx file as the body (Content-Type text/csv or the xlsx type)',
        );
      }
      if (!req.body.length)
        throw problems.invalid([{ path: 'file', message: '文件是空的', message_en: 'the file is empty' }]);
      res.status(202);
      return startImport(deps.db, who, { filename, format, content: req.body });
    }),
  );
  r.get(
    '/department-data/imports',
    handle(async (req) => {
      importer(req);
      return listImports(deps.db);
    }),
  );
  r.get(
    '/department-data/template',
    handle(async (req, res) => {
      importer(req);
      res.setHeader('content-type', XLSX);
      res.setHeader(
        'content-disposition',
        `attachment; filename="department-template.xlsx"; filename*=UTF-8''${encodeURIComponent('部门数据导入模板.xlsx')}`,
      );
      res.end(await importTemplate(deps.db));
    }),
  );
  r.get(
    '/department-data/imports/:id',
    handle(async (req) => {
      importer(req);
      return getImport(deps.db, String(req.params.id));
    }),
  );
  return r;
}
