/** 农户档案 routes: search, the household page, registration, corrections, members, closing, the start check. */
import express from 'express';
import type { ServiceDeps } from '../services/deps.js';
import * as households from '../services/households.js';
import { requireUser } from './session.js';
import { handle } from './routes.js';

const body = (req: express.Request) => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {});

export function householdRoutes(svc: ServiceDeps): express.Router {
  const r = express.Router();
  r.get('/households', handle(async (req) => households.searchHouseholds(svc, requireUser(req), req.query as households.SearchQuery)));
  r.post('/households', handle(async (req) => households.createHousehold(svc, requireUser(req), body(req)), 201));
  r.get('/households/:id', handle(async (req) => households.getHousehold(svc, requireUser(req), String(req.params.id))));
  r.get('/households/:id/start-check', handle(async (req) =>
    households.startCheck(svc, requireUser(req), String(req.params.id), (req.query as Record<string, unknown>).process)));
  r.post('/households/:id/correct', handle(async (req) => households.correctHousehold(svc, requireUser(req), String(req.params.id), body(req))));
  r.post('/households/:id/members', handle(async (req) => households.addMember(svc, requireUser(req), String(req.params.id), body(req)), 201));
  r.post('/households/:id/members/remove', handle(async (req) => households.leaveMember(svc, requireUser(req), String(req.params.id), body(req))));
  r.post('/households/:id/close', handle(async (req) => households.closeHousehold(svc, requireUser(req), String(req.params.id), body(req))));
  return r;
}
