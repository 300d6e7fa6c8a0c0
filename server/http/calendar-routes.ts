/**
 * 节假日安排 routes: administrators read, preview and publish years of the working-day calendar; every
 * staff member may ask whether a year is missing (the dashboard banner). Parse, call one service, answer.
 */
import express from 'express';
import type { ServiceDeps } from '../services/deps.js';
import * as calendar from '../services/calendar.js';
import { hasRole } from '../services/principal.js';
import { requireUser } from './session.js';
import { handle } from './handle.js';
import { problems } from './problem.js';

function admin(req: express.Request) {
  const who = requireUser(req);
  if (!hasRole(who, ['admin'])) throw problems.forbidden();
  return who;
}

const yearOf = (req: express.Request) => {
  const raw = String(req.params.year);
  if (!/^\d{4}$/.test(raw))
    throw problems.invalid([
      { path: 'year', message: '年份应为四位数字', message_en: 'year must have four digits' },
    ]);
  return Number(raw);
};
const scopeOf = (req: express.Request) =>
  typeof req.query.scope === 'string' && req.query.scope ? req.query.scope : calendar.NATIONAL;

export function calendarRoutes(svc: ServiceDeps): express.Router {
  const r = express.Router();
  r.get(
    '/calendar/status',
    handle(async (req) => {
      requireUser(req);
      return calendar.calendarStatus(svc.db, svc.now?.());
    }),
  );
  r.get(
    '/admin/calendar',
    handle(async (req) => {
      admin(req);
      return calendar.listCalendarYears(svc.db);
    }),
  );
  r.get(
    '/admin/calendar/:year',
    handle(async (req) => {
      admin(req);
      return calendar.getCalendarYear(svc.db, yearOf(req), scopeOf(req));
    }),
  );
  r.post(
    '/admin/calendar/:year/preview',
    handle(async (req) => {
      admin(req);
      return calendar.previewCalendarYear(svc.db, yearOf(req), req.body ?? {});
    }),
  );
  r.post(
    '/admin/calendar/:year/versions',
    handle(async (req) => {
      const who = admin(req);
      return calendar.publishCalendarYear(svc, who.userId, yearOf(req), req.body ?? {});
    }, 201),
  );
  return r;
}
