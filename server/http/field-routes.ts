/**
 * 外业 field work offline (issue 21): the bundle of today's tasks, the key of the phone's offline store, and
 * resumable uploads of photos and signatures. Completion stays `POST /api/tasks/{id}/complete` (with
 * `baseVersion` from the bundle, `case-routes.ts`). The API is described in docs/field-app.md.
 */
import express from 'express';
import * as field from '../services/field.js';
import * as uploads from '../services/uploads.js';
import { MAX_ATTACHMENT_BYTES } from '../services/attachments.js';
import { CASE_ROLES } from '../services/principal.js';
import { bodyOf, route, type RouteDeclaration } from './declare.js';
import { readCookie } from './edge.js';
import { COOKIE, requireUser } from './session.js';

/** the media types a chunk may come as (tus: application/offset+octet-stream) */
export const CHUNK_TYPES = ['application/offset+octet-stream', 'application/octet-stream'];

export const FIELD_ROUTES: RouteDeclaration[] = [
  route({
    method: 'get',
    path: '/api/field/today',
    summary: '今日任务离线包 Offline bundle of my tasks for today',
    access: 'staff',
    ok: 200,
    handler: async (req, _res, { svc }) => field.fieldToday(svc, requireUser(req)),
  }),
  route({
    method: 'get',
    path: '/api/field/key',
    summary: '离线存储密钥（本次登录）The key of the offline store, per login session',
    access: 'staff',
    ok: 200,
    handler: async (req, res, { deps }) => {
      requireUser(req);
      res.setHeader('cache-control', 'no-store');
      return field.fieldKey(deps.db, readCookie(req, COOKIE));
    },
  }),
  route({
    method: 'post',
    path: '/api/uploads',
    summary: '开始断点续传上传 Start a resumable upload',
    access: { roles: [...CASE_ROLES] },
    ok: 201,
    body: {
      type: 'object',
      required: ['fileName', 'contentType', 'size', 'sha256'],
      additionalProperties: false,
      properties: {
        fileName: { type: 'string', minLength: 1, maxLength: 200 },
        contentType: { type: 'string', maxLength: 100 },
        size: { type: 'integer' },
        sha256: { type: 'string', maxLength: 64 },
      },
    },
    handler: async (req, _res, { deps }) => uploads.createUpload(deps.db, requireUser(req), bodyOf(req)),
  }),
  route({
    method: 'put',
    path: '/api/uploads/{id}',
    summary: '续传一个数据块（请求头 Upload-Offset）Send a chunk at Upload-Offset',
    access: { roles: [...CASE_ROLES] },
    ok: 200,
    upload: CHUNK_TYPES,
    before: () => [express.raw({ type: CHUNK_TYPES, limit: MAX_ATTACHMENT_BYTES })],
    handler: async (req, _res, { deps }) =>
      uploads.appendUpload(
        deps.db,
        requireUser(req),
        String(req.params.id),
        req.headers['upload-offset'],
        req.body,
      ),
  }),
  route({
    method: 'get',
    path: '/api/uploads/{id}',
    summary: '上传进度 Where an upload stands (offset, attachment once complete)',
    access: { roles: [...CASE_ROLES] },
    ok: 200,
    handler: async (req, res, { deps }) => {
      res.setHeader('cache-control', 'no-store');
      return uploads.uploadState(deps.db, requireUser(req), String(req.params.id));
    },
  }),
];
