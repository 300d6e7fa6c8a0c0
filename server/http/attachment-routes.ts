/** /api/attachments: staff upload a photo or a signature (the image is the body) and read it back. */
import express from 'express';
import type { AppDeps } from '../app.js';
import {
  ATTACHMENT_TYPES,
  MAX_ATTACHMENT_BYTES,
  readAttachment,
  saveAttachment,
} from '../services/attachments.js';
import { CASE_ROLES, hasRole } from '../services/principal.js';
import { requireUser } from './session.js';
import { handle } from './handle.js';
import { Problem, problems } from './problem.js';

export function attachmentRoutes(deps: AppDeps): express.Router {
  const r = express.Router();
  r.post(
    '/attachments',
    express.raw({ type: [...ATTACHMENT_TYPES], limit: MAX_ATTACHMENT_BYTES }),
    handle(async (req, res) => {
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
    }),
  );
  r.get('/attachments/:id', async (req, res, next) => {
    try {
      const who = requireUser(req);
      const a = await readAttachment(deps.db, who, String(req.params.id));
      res.setHeader('content-type', a.contentType);
      res.setHeader('cache-control', 'private, max-age=86400');
      res.setHeader('x-content-type-options', 'nosniff');
      res.send(a.bytes);
    } catch (err) {
      next(err);
    }
  });
  return r;
}
