/** /api/attachments: staff upload a photo or a signature (the image is the body) and read it back. */

import express from 'express';
import {
  ATTACHMENT_TYPES,
  MAX_ATTACHMENT_BYTES,
  readAttachment,
  saveAttachment,
} from '../services/attachments.js';
import { CASE_ROLES, hasRole } from '../services/principal.js';
import { route, type RouteDeclaration } from './declare.js';
import { Problem, problems } from './problem.js';
import { id } from './schemas.js';
import { requireUser } from './session.js';

export const ATTACHMENT_ROUTES: RouteDeclaration[] = [
  route({
    method: 'post',
    path: '/api/attachments',
    summary: '上传照片或手写签名（图片作为请求体）Upload a photo or signature',
    access: { roles: [...CASE_ROLES] },
    ok: 201,
    upload: ['image/jpeg', 'image/png', 'image/webp'],
    before: () => [express.raw({ type: [...ATTACHMENT_TYPES], limit: MAX_ATTACHMENT_BYTES })],
    handler: async (req, res, { deps }) => {
      const who = requireUser(req);
      if (!hasRole(who, CASE_ROLES)) throw problems.forbidden();
      const type = String(req.headers['content-type'] ?? '')
        .split(';')[0]
        .trim()
        .toLowerCase();
      if (!Buffer.isBuffer(req.body) || !(ATTACHMENT_TYPES as readonly string[]).includes(type)) {
        throw new Problem(
          415,
          'unsupported_media_type',
          '只能上传 JPEG、PNG 或 WebP 图片',
          'send a JPEG, PNG or WebP image as the body',
        );
      }
      res.status(201);
      return saveAttachment(deps.db, who, type, req.body);
    },
  }),
  route({
    method: 'get',
    path: '/api/attachments/{id}',
    summary: '读取附件（上传人或案件所在地区的工作人员）Read an attachment',
    access: 'staff',
    ok: 200,
    send: async (req, res, { deps }) => {
      const who = requireUser(req);
      const a = await readAttachment(deps.db, who, String(req.params.id));
      res.setHeader('content-type', a.contentType);
      res.setHeader('cache-control', 'private, max-age=86400');
      res.setHeader('x-content-type-options', 'nosniff');
      res.send(a.bytes);
    },
  }),
];
