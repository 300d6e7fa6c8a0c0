/**
 * 农户档案 routes: import and export, search, the household page, registration, corrections, members,
 * closing, the start check; department warnings and sweeps. Parse, call one service, answer.
 */
import type { Request, Response } from 'express';
import * as households from '../services/households.js';
import * as transfer from '../services/household-import.js';
import * as sweeps from '../services/household-sweeps.js';
import { route, type RouteDeclaration } from './declare.js';
import { problems } from './problem.js';
import { requireUser } from './session.js';
import { rawSpreadsheet, SPREADSHEET_UPLOAD, uploadedSpreadsheet, XLSX } from './spreadsheet-upload.js';

/** 村（居）干部 keep the household registry of their village */
const REGISTRAR = { roles: [...households.REGISTRARS] };
const IMPORTER = { roles: [...transfer.IMPORT_ROLES] };
const member = {
  type: 'object',
  required: ['name', 'idNumber', 'relation'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 30 },
    idNumber: { type: 'string' },
    relation: { type: 'string', maxLength: 4 },
    /** 健康状况 A13 and 劳动技能 A14, codes of 附件2's code lists (checked against them by the service) */
    health: { type: 'string', maxLength: 4 },
    labour: { type: 'string', maxLength: 4 },
  },
  additionalProperties: false,
};
const STATUS = { type: 'string', enum: ['none', 'warning', 'monitored', 'eliminated'] };

/** The body as an object; a caller the route's roles exclude (body unchecked) hears the service's 403, not a 400. */
const body = (req: Request) =>
  req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};
const idOf = (req: Request) => String(req.params.id);

/** The file arrives as the raw body (before the handler). */
const raw = () => [rawSpreadsheet('100mb')];

function importer(req: Request) {
  const who = requireUser(req);
  if (!transfer.IMPORT_ROLES.some((x) => who.roles.some((y) => y.role === x))) {
    throw problems.forbidden(
      '只有县级乡村振兴部门和村（居）干部可以导入农户',
      'only the county bureau and village cadres import households',
    );
  }
  return who;
}

function sendXlsx(res: Response, buffer: Buffer, filename: string) {
  res.setHeader('content-type', XLSX);
  res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`);
  res.end(buffer);
}

/** In this order: 导入导出 before `/households/{id}`, which would take their names for a household number. */
export const HOUSEHOLD_ROUTES: RouteDeclaration[] = [
  route({
    method: 'post',
    path: '/api/households/import-preview',
    summary:
      '农户导入预览：整份检查（逐行报错，不写入）并列出将发生的变更 Check a household file and preview its changes',
    access: IMPORTER,
    ok: 200,
    query: { filename: { type: 'string' } },
    upload: SPREADSHEET_UPLOAD,
    before: raw,
    handler: async (req, _res, { svc }) => {
      const who = importer(req);
      return transfer.previewImport(svc.db, who, uploadedSpreadsheet(req));
    },
  }),
  route({
    method: 'post',
    path: '/api/households/import',
    summary: '农户导入（确认预览后；重复导入无变化）Apply a previewed household file',
    access: IMPORTER,
    ok: 200,
    query: { filename: { type: 'string' }, confirm: { type: 'string', description: '预览返回的 sha256' } },
    upload: SPREADSHEET_UPLOAD,
    before: raw,
    handler: async (req, _res, { svc }) => {
      const who = importer(req);
      return transfer.applyImport(
        svc.db,
        who,
        uploadedSpreadsheet(req),
        (req.query as Record<string, string>).confirm,
      );
    },
  }),
  route({
    method: 'get',
    path: '/api/households/import-template',
    summary: '农户导入模板（户信息 + 家庭成员，附件2指标）Import template',
    access: 'staff',
    ok: 200,
    send: async (req, res, { svc }) => {
      requireUser(req);
      sendXlsx(res, await transfer.importTemplate(svc.db), '农户导入模板.xlsx');
    },
  }),
  route({
    method: 'get',
    path: '/api/households/export',
    summary: '导出农户及最新附件2（与导入同一格式；默认脱敏，unmask=1 须有权限并留痕）Export households',
    access: 'staff',
    ok: 200,
    query: {
      org: { type: 'string' },
      status: STATUS,
      since: { type: 'string', description: 'YYYY-MM-DD 起有变更的' },
      unmask: { type: 'string', enum: ['1'] },
    },
    send: async (req, res, { svc }) => {
      const out = await transfer.exportHouseholds(
        svc.db,
        requireUser(req),
        req.query as transfer.ExportQuery,
      );
      sendXlsx(res, out.buffer, out.filename);
    },
  }),
  route({
    method: 'get',
    path: '/api/households',
    summary: '农户查询（姓名、户编号、身份证号全号或后几位）Search households in my region',
    access: 'staff',
    ok: 200,
    query: {
      q: { type: 'string', description: '姓名、户编号、18位身份证号或其后4位以上' },
      org: { type: 'string' },
      status: STATUS,
      closed: { type: 'string', enum: ['include', 'only'] },
      limit: { type: 'integer' },
    },
    handler: async (req, _res, { svc }) =>
      households.searchHouseholds(svc, requireUser(req), req.query as households.SearchQuery),
  }),
  route({
    method: 'post',
    path: '/api/households',
    summary: '新增农户（含家庭成员）Register a household with its members',
    access: REGISTRAR,
    ok: 201,
    body: {
      type: 'object',
      required: ['org', 'members'],
      properties: {
        org: { type: 'string' },
        members: { type: 'array', minItems: 1, maxItems: 30, items: member },
        phone: { type: 'string' },
        address: { type: 'string', maxLength: 200 },
        reason: { type: 'string', maxLength: 500 },
      },
    },
    handler: async (req, _res, { svc }) => households.createHousehold(svc, requireUser(req), body(req)),
  }),
  route({
    method: 'get',
    path: '/api/households/{id}',
    summary: '农户档案：成员及变更记录、案件、附件2版本 Household with members, history, cases',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) => households.getHousehold(svc, requireUser(req), idOf(req)),
  }),
  route({
    method: 'get',
    path: '/api/households/{id}/start-check',
    summary: '发起前检查：该流程是否适用于此农户 May this process start for the household',
    access: 'staff',
    ok: 200,
    query: { process: { type: 'string' } },
    handler: async (req, _res, { svc }) =>
      households.startCheck(svc, requireUser(req), idOf(req), (req.query as Record<string, unknown>).process),
  }),
  route({
    method: 'post',
    path: '/api/households/{id}/correct',
    summary: '信息更正（须填原因）Correct household or member data',
    access: REGISTRAR,
    ok: 200,
    body: {
      type: 'object',
      required: ['reason'],
      properties: {
        reason: { type: 'string', minLength: 1, maxLength: 500 },
        phone: { type: ['string', 'null'] },
        address: { type: ['string', 'null'] },
        members: {
          type: 'array',
          items: { type: 'object', required: ['idNumber'], properties: { idNumber: { type: 'string' } } },
        },
      },
    },
    handler: async (req, _res, { svc }) =>
      households.correctHousehold(svc, requireUser(req), idOf(req), body(req)),
  }),
  route({
    method: 'post',
    path: '/api/households/{id}/members',
    summary: '成员增加（出生、婚迁、迁入、补录）Add a member',
    access: REGISTRAR,
    ok: 201,
    body: {
      type: 'object',
      required: ['member', 'reason'],
      properties: {
        member,
        reason: { enum: ['birth', 'marriage_in', 'moved_in', 'correction'] },
        date: { type: 'string' },
        note: { type: 'string', maxLength: 500 },
      },
    },
    handler: async (req, _res, { svc }) => households.addMember(svc, requireUser(req), idOf(req), body(req)),
  }),
  route({
    method: 'post',
    path: '/api/households/{id}/members/remove',
    summary: '成员减少（死亡、婚迁、分户、迁出）Remove a member',
    access: REGISTRAR,
    ok: 200,
    body: {
      type: 'object',
      required: ['idNumber', 'reason'],
      properties: {
        idNumber: { type: 'string' },
        reason: { enum: ['death', 'marriage_out', 'split', 'moved_out'] },
        date: { type: 'string' },
        note: { type: 'string', maxLength: 500 },
      },
    },
    handler: async (req, _res, { svc }) =>
      households.leaveMember(svc, requireUser(req), idOf(req), body(req)),
  }),
  route({
    method: 'post',
    path: '/api/households/{id}/close',
    summary: '注销农户（迁出、并户、成员均已死亡）Close a household',
    access: REGISTRAR,
    ok: 200,
    body: {
      type: 'object',
      required: ['reason'],
      properties: {
        reason: { enum: ['moved_away', 'merged', 'all_deceased'] },
        mergedInto: { type: 'string' },
        date: { type: 'string' },
        note: { type: 'string', maxLength: 500 },
      },
    },
    handler: async (req, _res, { svc }) =>
      households.closeHousehold(svc, requireUser(req), idOf(req), body(req)),
  }),
  route({
    method: 'get',
    path: '/api/warnings',
    summary: '部门数据预警清单（默认未处理的）Department warnings of my region',
    access: 'staff',
    ok: 200,
    query: {
      status: { type: 'string', enum: ['open', 'started', 'dismissed', 'closed', 'all'] },
      village: { type: 'string', description: '只看某村的预警 one village' },
      overdue: { type: 'string', enum: ['1'], description: '只看超期未处理的 overdue only' },
    },
    handler: async (req, _res, { svc }) =>
      households.listWarnings(svc, requireUser(req), req.query as households.WarningQuery),
  }),
  route({
    method: 'get',
    path: '/api/sweeps',
    summary: '集中排查（默认进行中的）及台账进度 Sweeps of my region with their register progress',
    access: 'staff',
    ok: 200,
    query: { status: { type: 'string', enum: ['running', 'all'] } },
    handler: async (req, _res, { svc }) =>
      sweeps.listSweeps(svc, requireUser(req), req.query as { status?: string }),
  }),
  route({
    method: 'get',
    path: '/api/sweeps/{id}/register',
    summary: '排查台账：本村每户的排查结果及随后的识别 The sweep register of a village',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) => sweeps.sweepRegister(svc, requireUser(req), idOf(req)),
  }),
  route({
    method: 'post',
    path: '/api/sweeps/{id}/visits',
    summary: '登记入户排查结果（发现风险须写明情况）Record what a visit found',
    access: REGISTRAR,
    ok: 200,
    body: {
      type: 'object',
      required: ['household', 'result'],
      additionalProperties: false,
      properties: {
        household: { type: 'string', minLength: 1, maxLength: 40 },
        result: { type: 'string', enum: ['at_risk', 'not_at_risk'] },
        note: { type: 'string', maxLength: 500 },
      },
    },
    handler: async (req, _res, { svc }) => sweeps.recordVisit(svc, requireUser(req), idOf(req), body(req)),
  }),
  route({
    method: 'post',
    path: '/api/warnings/{id}/dismiss',
    summary: '入户核查后排除预警（须填原因）Dismiss a warning with the reason',
    access: REGISTRAR,
    ok: 200,
    body: {
      type: 'object',
      required: ['reason'],
      properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
    },
    handler: async (req, _res, { svc }) =>
      households.dismissWarning(svc, requireUser(req), idOf(req), body(req)),
  }),
];
