/**
 * /api/department-data: the county rural bureau imports department records
 * (CSV or XLSX, sent as the request body) and follows the import's progress.
 */

import type { Request } from 'express';
import { getImport, importTemplate, listImports, startImport } from '../services/department-import.js';
import { hasRole } from '../services/principal.js';
import { route, type RouteDeclaration } from './declare.js';
import { problems } from './problem.js';
import { requireUser } from './session.js';
import { rawSpreadsheet, SPREADSHEET_UPLOAD, uploadedSpreadsheet, XLSX } from './spreadsheet-upload.js';

export const IMPORTERS = ['county_rural_bureau'];

const importer = (req: Request) => {
  const who = requireUser(req);
  if (!hasRole(who, IMPORTERS))
    throw problems.forbidden(
      '只有县级乡村振兴部门可以导入部门数据',
      'only the county rural revitalisation bureau imports department data',
    );
  return who;
};

export const DEPARTMENT_ROUTES: RouteDeclaration[] = [
  route({
    method: 'post',
    path: '/api/department-data/imports',
    summary: '导入部门数据（CSV 或 XLSX 作为请求体；整份文件有误则不导入）Import department records',
    access: { roles: ['county_rural_bureau'] },
    ok: 202,
    query: { filename: { type: 'string' } },
    upload: SPREADSHEET_UPLOAD,
    // the file is the body: 50 MB holds several hundred thousand rows
    before: () => [rawSpreadsheet('50mb')],
    handler: async (req, res, { deps }) => {
      const who = importer(req);
      const file = uploadedSpreadsheet(req);
      res.status(202);
      return startImport(deps.db, who, file);
    },
  }),
  route({
    method: 'get',
    path: '/api/department-data/imports',
    summary: '部门数据导入批次 Recent imports',
    access: { roles: ['county_rural_bureau'] },
    ok: 200,
    handler: async (req, _res, { deps }) => {
      importer(req);
      return listImports(deps.db);
    },
  }),
  route({
    method: 'get',
    path: '/api/department-data/template',
    summary: '部门数据导入模板（XLSX，表头批注说明各列及代码表）Import template',
    access: { roles: ['county_rural_bureau'] },
    ok: 200,
    send: async (req, res, { deps }) => {
      importer(req);
      res.setHeader('content-type', XLSX);
      res.setHeader(
        'content-disposition',
        `attachment; filename="department-template.xlsx"; filename*=UTF-8''${encodeURIComponent('部门数据导入模板.xlsx')}`,
      );
      res.end(await importTemplate(deps.db));
    },
  }),
  route({
    method: 'get',
    path: '/api/department-data/imports/{id}',
    summary: '导入进度 Progress of an import',
    access: { roles: ['county_rural_bureau'] },
    ok: 200,
    handler: async (req, _res, { deps }) => {
      importer(req);
      return getImport(deps.db, String(req.params.id));
    },
  }),
];
