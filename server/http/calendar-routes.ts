/**
 * 节假日安排 routes: administrators read, preview and publish years of the working-day calendar; every
 * staff member may ask whether a year is missing (the dashboard banner). Parse, call one service, answer.
 */

import type { Request } from 'express';
import * as calendar from '../services/calendar.js';
import { hasRole } from '../services/principal.js';
import { route, type RouteDeclaration } from './declare.js';
import { problems } from './problem.js';
import { ADMIN, CALENDAR_BODY } from './schemas.js';
import { requireUser } from './session.js';

function admin(req: Request) {
  const who = requireUser(req);
  if (!hasRole(who, ['admin'])) throw problems.forbidden();
  return who;
}

const yearOf = (req: Request) => {
  const raw = String(req.params.year);
  if (!/^\d{4}$/.test(raw))
    throw problems.invalid([
      { path: 'year', message: '年份应为四位数字', message_en: 'year must have four digits' },
    ]);
  return Number(raw);
};
const scopeOf = (req: Request) =>
  typeof req.query.scope === 'string' && req.query.scope ? req.query.scope : calendar.NATIONAL;

export const CALENDAR_ROUTES: RouteDeclaration[] = [
  route({
    method: 'get',
    path: '/api/calendar/status',
    summary: '节假日安排提醒 Whether a year of the holiday calendar is missing',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) => {
      requireUser(req);
      return calendar.calendarStatus(svc.db, svc.now?.());
    },
  }),
  route({
    method: 'get',
    path: '/api/admin/calendar',
    summary: '节假日安排 Years of the working-day calendar',
    access: ADMIN,
    ok: 200,
    handler: async (req, _res, { svc }) => {
      admin(req);
      return calendar.listCalendarYears(svc.db);
    },
  }),
  route({
    method: 'get',
    path: '/api/admin/calendar/{year}',
    summary: '某年节假日安排及其版本 One year and its versions',
    access: ADMIN,
    ok: 200,
    query: { scope: { type: 'string', description: 'national，或地区节点（本地区增加的节日）' } },
    handler: async (req, _res, { svc }) => {
      admin(req);
      return calendar.getCalendarYear(svc.db, yearOf(req), scopeOf(req));
    },
  }),
  route({
    method: 'post',
    path: '/api/admin/calendar/{year}/preview',
    summary: '预览节假日安排 Check a year and show what would change',
    access: ADMIN,
    ok: 200,
    body: CALENDAR_BODY,
    handler: async (req, _res, { svc }) => {
      admin(req);
      return calendar.previewCalendarYear(svc.db, yearOf(req), req.body ?? {});
    },
  }),
  route({
    method: 'post',
    path: '/api/admin/calendar/{year}/versions',
    summary: '发布节假日安排 Publish a new version of a year',
    access: ADMIN,
    ok: 201,
    body: CALENDAR_BODY,
    handler: async (req, _res, { svc }) => {
      const who = admin(req);
      return calendar.publishCalendarYear(svc, who.userId, yearOf(req), req.body ?? {});
    },
  }),
];
