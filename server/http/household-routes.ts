/** 农户档案 routes: search, the household page, registration, corrections, members, closing, the start check. */
import express from 'express';
import type { ServiceDeps } from '../services/deps.js';
import * as households from '../services/households.js';
import * as transfer from '../services/household-import.js';
import * as sweeps from '../services/household-sweeps.js';
import { requireUser } from './session.js';
import { handle } from './handle.js';
import { Problem, problems } from './problem.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const body = (req: express.Request) =>
  req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};

export function householdRoutes(svc: ServiceDeps): express.Router {
  const r = express.Router();
  // 导入导出 before `/households/:id`, which would take their names for a household number
  const file = (req: express.Request): transfer.ImportFile => {
    const type = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    const filename = String((req.query as Record<string, unknown>).filename ?? 'upload');
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
        'send a CSV or .xlsx file as the body',
      );
    }
    if (!req.body.length)
      throw problems.invalid([{ path: 'file', message: '文件是空的', message_en: 'the file is empty' }]);
    return { filename, format, content: req.body };
  };
  const raw = express.raw({
    type: ['text/csv', 'application/csv', XLSX, 'application/octet-stream'],
    limit: '100mb',
  });
  const importer = (req: express.Request) => {
    const who = requireUser(req);
    if (!transfer.IMPORT_ROLES.some((x) => who.roles.some((y) => y.role === x))) {
      throw problems.forbidden(
        '只有县级乡村振兴部门和村（居）干部可以导入农户',
        'only the county bureau and village cadres import households',
      );
    }
    return who;
  };
  r.post(
    '/households/import-preview',
    raw,
    handle(async (req) => {
      const who = importer(req);
      return transfer.previewImport(svc.db, who, file(req));
    }),
  );
  r.post(
    '/households/import',
    raw,
    handle(async (req) => {
      const who = importer(req);
      return transfer.applyImport(svc.db, who, file(req), (req.query as Record<string, string>).confirm);
    }),
  );
  const sendXlsx = (res: express.Response, buffer: Buffer, filename: string) => {
    res.setHeader('content-type', XLSX);
    res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`);
    res.end(buffer);
  };
  r.get(
    '/households/import-template',
    handle(async (req, res) => {
      requireUser(req);
      sendXlsx(res, await transfer.importTemplate(svc.db), '农户导入模板.xlsx');
    }),
  );
  r.get(
    '/households/export',
    handle(async (req, res) => {
      const out = await transfer.exportHouseholds(
        svc.db,
        requireUser(req),
        req.query as transfer.ExportQuery,
      );
      sendXlsx(res, out.buffer, out.filename);
    }),
  );
  r.get(
    '/households',
    handle(async (req) =>
      households.searchHouseholds(svc, requireUser(req), req.query as households.SearchQuery),
    ),
  );
  r.post(
    '/households',
    handle(async (req) => households.createHousehold(svc, requireUser(req), body(req)), 201),
  );
  r.get(
    '/households/:id',
    handle(async (req) => households.getHousehold(svc, requireUser(req), String(req.params.id))),
  );
  r.get(
    '/households/:id/start-check',
    handle(async (req) =>
      households.startCheck(
        svc,
        requireUser(req),
        String(req.params.id),
        (req.query as Record<string, unknown>).process,
      ),
    ),
  );
  r.post(
    '/households/:id/correct',
    handle(async (req) =>
      households.correctHousehold(svc, requireUser(req), String(req.params.id), body(req)),
    ),
  );
  r.post(
    '/households/:id/members',
    handle(async (req) => households.addMember(svc, requireUser(req), String(req.params.id), body(req)), 201),
  );
  r.post(
    '/households/:id/members/remove',
    handle(async (req) => households.leaveMember(svc, requireUser(req), String(req.params.id), body(req))),
  );
  r.post(
    '/households/:id/close',
    handle(async (req) => households.closeHousehold(svc, requireUser(req), String(req.params.id), body(req))),
  );
  r.get(
    '/warnings',
    handle(async (req) =>
      households.listWarnings(svc, requireUser(req), req.query as households.WarningQuery),
    ),
  );
  r.get(
    '/sweeps',
    handle(async (req) => sweeps.listSweeps(svc, requireUser(req), req.query as { status?: string })),
  );
  r.get(
    '/sweeps/:id/register',
    handle(async (req) => sweeps.sweepRegister(svc, requireUser(req), String(req.params.id))),
  );
  r.post(
    '/sweeps/:id/visits',
    handle(async (req) => sweeps.recordVisit(svc, requireUser(req), String(req.params.id), body(req))),
  );
  r.post(
    '/warnings/:id/dismiss',
    handle(async (req) => households.dismissWarning(svc, requireUser(req), String(req.params.id), body(req))),
  );
  return r;
}
