/** 项目库与资产台账 registers: staff views of their region, and public listings (no login) under /public. */
import express from 'express';
import type { ServiceDeps } from '../services/deps.js';
import * as registers from '../services/registers.js';
import { requireUser } from './session.js';
import { handle } from './routes.js';

export function registerRoutes(svc: ServiceDeps): express.Router {
  const r = express.Router();
  r.get(
    '/registers/projects',
    handle(async (req) =>
      registers.projectRegister(svc, requireUser(req), req.query as Record<string, unknown>),
    ),
  );
  r.get(
    '/registers/asset-ledgers',
    handle(async (req) => registers.assetLedgerRegister(svc, requireUser(req))),
  );
  r.get(
    '/public/registers/projects',
    handle(async (req) => registers.publicProjectRegister(svc, req.query as Record<string, unknown>)),
  );
  r.get(
    '/public/registers/asset-ledgers',
    handle(async (req) => registers.publicAssetLedgers(svc, req.query as Record<string, unknown>)),
  );
  return r;
}
