/** 项目库与资产台账 registers: staff views of their region, and public listings (no login) under /public. */
import * as registers from '../services/registers.js';
import { route, type RouteDeclaration } from './declare.js';
import { requireUser } from './session.js';

export const REGISTER_ROUTES: RouteDeclaration[] = [
  route({
    method: 'get',
    path: '/api/registers/projects',
    summary: '项目库（本地区全部入库申报：状态、年度、资金）Project library of my region',
    access: 'staff',
    ok: 200,
    query: {
      year: { type: 'string' },
      status: { type: 'string', enum: ['admitted', 'not_admitted', 'in_progress', 'cancelled'] },
    },
    handler: async (req, _res, { svc }) =>
      registers.projectRegister(svc, requireUser(req), req.query as Record<string, unknown>),
  }),
  route({
    method: 'get',
    path: '/api/registers/asset-ledgers',
    summary: '资产台账登记簿 Asset ledgers of my region',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) => registers.assetLedgerRegister(svc, requireUser(req)),
  }),
  route({
    method: 'get',
    path: '/api/public/registers/projects',
    summary: '项目库公开（已入库项目，长期公告）Admitted projects of a place',
    access: 'public',
    ok: 200,
    query: { org: { type: 'string' }, year: { type: 'string' } },
    handler: async (req, _res, { svc }) =>
      registers.publicProjectRegister(svc, req.query as Record<string, unknown>),
  }),
  route({
    method: 'get',
    path: '/api/public/registers/asset-ledgers',
    summary: '资产台账公开 Published asset ledgers of a place',
    access: 'public',
    ok: 200,
    query: { org: { type: 'string' } },
    handler: async (req, _res, { svc }) =>
      registers.publicAssetLedgers(svc, req.query as Record<string, unknown>),
  }),
];
