/** 公示栏 the public board (no login): places, open notices, filing an objection and following it. */

import * as board from '../services/public-board.js';
import * as people from '../services/people.js';
import { bodyOf, route, type RouteDeclaration } from './declare.js';

export const PUBLIC_ROUTES: RouteDeclaration[] = [
  route({
    method: 'get',
    path: '/api/public/orgs',
    summary: '公示地区 Places with a notice board',
    access: 'public',
    ok: 200,
    handler: async (_req, _res, { deps }) => people.publicOrgs(deps.db),
  }),
  route({
    method: 'get',
    path: '/api/public/notices',
    summary: '公示栏 Notices of a place, the whole county when none is named (masked)',
    access: 'public',
    ok: 200,
    query: { org: { type: 'string' } },
    handler: async (req, _res, { svc }) => board.listNotices(svc, req.query as { org?: string }),
  }),
  route({
    method: 'get',
    path: '/api/public/notices/{id}/poster.pdf',
    summary: '公示海报（A4，含二维码）Notice poster for the village board',
    access: 'public',
    ok: 200,
    send: async (req, res, { svc }) => {
      const pdf = await board.noticePoster(
        svc,
        String(req.params.id),
        `${req.protocol}://${req.get('host')}`,
      );
      res.type('application/pdf').setHeader('content-disposition', 'inline; filename="poster.pdf"').send(pdf);
    },
  }),
  route({
    method: 'post',
    path: '/api/public/notices/{id}/objections',
    summary: '提出异议 File an objection',
    access: 'public',
    ok: 201,
    body: {
      type: 'object',
      required: ['content'],
      properties: {
        content: { type: 'string', maxLength: 2000 },
        name: { type: 'string', maxLength: 50 },
        contact: {
          type: 'string',
          maxLength: 50,
          description: '11位手机号或带区号的固定电话 a mobile or a landline with its area code',
        },
      },
    },
    handler: async (req, res, { svc }) => {
      const { created, ...filed } = await board.fileObjection(svc, String(req.params.id), bodyOf(req), {
        address: req.ip ?? 'unknown',
      });
      // the same text again from the same client: the first receipt, nothing new stored
      res.status(created ? 201 : 200);
      return filed;
    },
  }),
  route({
    method: 'get',
    path: '/api/public/objections/{receipt}',
    summary: '异议进度 Objection status',
    access: 'public',
    ok: 200,
    handler: async (req, _res, { svc }) => board.objectionStatus(svc, String(req.params.receipt)),
  }),
];
