/** Read endpoints for the staff app: cases, the organisation tree, people, notifications, saved views, the dashboard. */

import { exportCases, listCases, type CaseListQuery } from '../services/case-list.js';
import { readCase } from '../services/case-read.js';
import { caseArchivePdf, caseDocument, caseDocumentPdf } from '../services/documents.js';
import { offeredProcesses } from '../services/catalog-read.js';
import { dashboard, dashboardWorkbook } from '../services/dashboard.js';
import { exportCasesCsv } from '../services/exports.js';
import { householdPrefill } from '../services/household-prefill.js';
import * as notifications from '../services/notifications.js';
import * as people from '../services/people.js';
import * as views from '../services/saved-views.js';
import { inboxCounts } from '../services/tasks.js';
import type { Request, Response } from 'express';
import { route, type RouteDeclaration } from './declare.js';
import { requireUser } from './session.js';

/** where the app is reached, for the QR code that leads back to a case */
const originOf = (req: Request) => `${req.protocol}://${req.get('host')}`;
const sendPdf = (res: Response, name: string, pdf: Buffer) =>
  res
    .type('application/pdf')
    .setHeader('content-disposition', `inline; filename="${encodeURIComponent(name)}.pdf"`)
    .send(pdf);

export const READ_ROUTES: RouteDeclaration[] = [
  route({
    method: 'get',
    path: '/api/cases',
    summary: '案件列表 Cases in my region',
    access: 'staff',
    ok: 200,
    query: {
      process: { type: 'string' },
      status: { type: 'string' },
      org: { type: 'string' },
      from: { type: 'string', description: 'YYYY-MM-DD' },
      to: { type: 'string', description: 'YYYY-MM-DD' },
      overdue: { type: 'string', enum: ['0', '1'] },
    },
    handler: async (req, _res, { svc }) => ({
      items: await listCases(svc, requireUser(req), req.query as CaseListQuery),
    }),
  }),
  route({
    method: 'get',
    path: '/api/cases/export.xlsx',
    summary: '导出案件清单（Excel，默认脱敏）Export the case list',
    access: 'staff',
    ok: 200,
    query: {
      process: { type: 'string' },
      status: { type: 'string' },
      org: { type: 'string' },
      from: { type: 'string', description: 'YYYY-MM-DD' },
      to: { type: 'string', description: 'YYYY-MM-DD' },
      overdue: { type: 'string', enum: ['0', '1'] },
      unmask: { type: 'string', enum: ['0', '1'] },
    },
    /** masked unless ?unmask=1, which is audited */
    send: async (req, res, { svc }) => {
      const who = requireUser(req);
      const file = await exportCases(svc, who, req.query as CaseListQuery & { unmask?: string });
      const name = `案件清单-${new Date().toISOString().slice(0, 10)}.xlsx`;
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader(
        'content-disposition',
        `attachment; filename="cases.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
      );
      res.send(file);
    },
  }),
  route({
    method: 'get',
    path: '/api/cases/export.csv',
    summary:
      '案件清单导出（CSV）Cases in my region as CSV (personal data masked unless unmask=1 and allowed)',
    access: 'staff',
    ok: 200,
    query: {
      process: { type: 'string' },
      status: { type: 'string' },
      unmask: { type: 'string', enum: ['1'] },
    },
    /** personal data masked unless asked for in full (audited), formulas neutralised */
    send: async (req, res, { svc }) => {
      const who = requireUser(req);
      const q = req.query as Record<string, string>;
      const csv = await exportCasesCsv(svc, who, {
        process: q.process || undefined,
        status: q.status || undefined,
        unmask: q.unmask === '1',
      });
      res
        .type('text/csv; charset=utf-8')
        .setHeader(
          'content-disposition',
          `attachment; filename="cases-${new Date().toISOString().slice(0, 10)}.csv"`,
        );
      res.send(csv);
    },
  }),
  route({
    method: 'get',
    path: '/api/cases/{id}',
    summary: '案件详情 State, progress, timeline',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) =>
      readCase(svc, requireUser(req), String(req.params.id), { unmask: req.query.unmask === '1' }),
  }),
  route({
    method: 'get',
    path: '/api/cases/{id}/archive.pdf',
    summary: '案卷PDF（全部文书与办理过程）Case archive: every document and the timeline',
    access: 'staff',
    ok: 200,
    send: async (req, res, { svc }) => {
      const id = String(req.params.id);
      sendPdf(res, `案卷-${id}`, await caseArchivePdf(svc, requireUser(req), id, originOf(req)));
    },
  }),
  route({
    method: 'get',
    path: '/api/cases/{id}/documents/{form}.pdf',
    summary: '文书PDF（与打印视图同一版式）Document as PDF',
    access: 'staff',
    ok: 200,
    send: async (req, res, { svc }) => {
      const id = String(req.params.id);
      const key = String(req.params.form);
      sendPdf(res, `${key}-${id}`, await caseDocumentPdf(svc, requireUser(req), id, key, originOf(req)));
    },
  }),
  route({
    method: 'get',
    path: '/api/cases/{id}/documents/{form}',
    summary: '文书（A4 打印视图的版式与数据）A document laid out for the print view',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) =>
      caseDocument(svc, requireUser(req), String(req.params.id), String(req.params.form)),
  }),
  route({
    method: 'get',
    path: '/api/orgs',
    summary: '组织机构 Organisation tree',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { deps }) => {
      requireUser(req);
      return people.listOrgs(deps.db);
    },
  }),
  route({
    method: 'get',
    path: '/api/processes',
    summary: '可发起的流程 Published processes',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { deps }) => {
      return offeredProcesses(deps.db, requireUser(req));
    },
  }),
  route({
    method: 'get',
    path: '/api/users',
    summary: '本地区人员 People in my region',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { deps }) =>
      people.staffInRegion(deps.db, requireUser(req), (req.query as Record<string, string>).role ?? null),
  }),
  route({
    method: 'get',
    path: '/api/households/{id}/prefill',
    summary: '预填 Known data for a new application (audited)',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) => householdPrefill(svc, requireUser(req), String(req.params.id)),
  }),
  route({
    method: 'get',
    path: '/api/events',
    summary: '实时刷新 Server-sent events with inbox counts',
    access: 'staff',
    ok: 200,
    /** checked every 2 s against PostgreSQL, so any API server can serve any user */
    send: async (req, res, { svc }) => {
      const who = requireUser(req);
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let last = '';
      let stopped = false;
      const tick = async () => {
        if (stopped) return;
        try {
          const counts = JSON.stringify(await inboxCounts(svc, who));
          if (counts !== last) {
            last = counts;
            res.write(`event: inbox\ndata: ${counts}\n\n`);
          } else {
            res.write(': keep-alive\n\n');
          }
        } catch {
          // the database is briefly away: try again on the next tick
        }
      };
      const timer = setInterval(() => void tick(), 2000);
      void tick();
      req.on('close', () => {
        stopped = true;
        clearInterval(timer);
      });
    },
  }),
  route({
    method: 'get',
    path: '/api/notifications',
    summary: '通知（含每人已读状态与未读数）Notifications with my read state',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) => notifications.listNotifications(svc, requireUser(req)),
  }),
  route({
    method: 'post',
    path: '/api/notifications/{id}/read',
    summary: '标为已读 Mark read',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) =>
      notifications.markRead(svc, requireUser(req), String(req.params.id)),
  }),
  route({
    method: 'post',
    path: '/api/notifications/read-all',
    summary: '全部标为已读 Mark all read',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) => notifications.markAllRead(svc, requireUser(req)),
  }),
  route({
    method: 'get',
    path: '/api/views',
    summary: '我的常用筛选 My saved inbox views',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) => views.listViews(svc, requireUser(req)),
  }),
  route({
    method: 'post',
    path: '/api/views',
    summary: '保存常用筛选（同名覆盖）Save an inbox view',
    access: 'staff',
    ok: 201,
    body: {
      type: 'object',
      required: ['name', 'query'],
      properties: { name: { type: 'string', minLength: 1, maxLength: 30 }, query: { type: 'object' } },
    },
    handler: async (req, _res, { svc }) => views.saveView(svc, requireUser(req), req.body ?? {}),
  }),
  route({
    method: 'post',
    path: '/api/views/{id}/delete',
    summary: '删除常用筛选 Delete a saved view',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) => views.deleteView(svc, requireUser(req), String(req.params.id)),
  }),
  route({
    method: 'get',
    path: '/api/dashboard',
    summary: '统计 Dashboard figures',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) =>
      dashboard(svc, requireUser(req), (req.query.org as string) || null),
  }),
  route({
    method: 'get',
    path: '/api/dashboard/export.xlsx',
    summary: '统计数字导出 Excel（与统计页相同的数字）Dashboard figures as Excel',
    access: 'staff',
    ok: 200,
    query: { org: { type: 'string' } },
    /** 导出 the dashboard's figures as Excel: the same numbers the page draws */
    send: async (req, res, { deps }) => {
      const file = await dashboardWorkbook(deps.db, requireUser(req), (req.query.org as string) || null);
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader(
        'content-disposition',
        `attachment; filename="dashboard.xlsx"; filename*=UTF-8''${encodeURIComponent('统计数据.xlsx')}`,
      );
      res.end(file);
    },
  }),
];
