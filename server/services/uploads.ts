/**
 * 断点续传 resumable uploads (tus-like) for phones on a weak signal: announce a file (name, type, size, SHA-256),
 * send its bytes in chunks at the offset the server holds, ask for that offset after a cut. When the last byte
 * is in and the SHA-256 matches, the file becomes an attachment through `saveAttachment` — the same types,
 * size limit and ownership as `POST /api/attachments`, the same id space. A chunk sent again is harmless: the
 * server answers with its offset (409 when it differs from the chunk's), and a finished upload answers with
 * its attachment. An upload a phone never finishes is swept after `UPLOAD_RETENTION_DAYS` without a chunk.
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { DomainError, domain } from '../errors.js';
import { inTransaction } from '../db.js';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, saveAttachment } from './attachments.js';
import { CASE_ROLES, hasRole, type Principal } from './principal.js';

export const UPLOAD_ID = /^upl_[0-9a-f]{32}$/;

/**
 * 未完成上传的保留期 how long an unfinished upload waits for its next chunk: a verifier back from a week of field
 * work without signal still resumes; after that its bytes are deleted and the phone starts the file again.
 */
export const UPLOAD_RETENTION_DAYS = 7;

export interface UploadState {
  id: string;
  offset: number;
  size: number;
  attachmentId?: string;
}

const mayUpload = (who: Principal) => {
  if (!hasRole(who, CASE_ROLES)) throw domain.forbidden();
};

export async function createUpload(
  db: pg.Pool,
  who: Principal,
  body: { fileName?: unknown; contentType?: unknown; size?: unknown; sha256?: unknown },
): Promise<UploadState> {
  mayUpload(who);
  const errors = [];
  const fileName = typeof body.fileName === 'string' ? body.fileName.trim() : '';
  if (!fileName || fileName.length > 200)
    errors.push({ path: 'fileName', message: '文件名无效', message_en: 'invalid file name' });
  if (!(ATTACHMENT_TYPES as readonly unknown[]).includes(body.contentType))
    errors.push({
      path: 'contentType',
      message: '只能上传 JPEG、PNG 或 WebP 图片',
      message_en: 'only JPEG, PNG or WebP images',
    });
  if (!Number.isInteger(body.size) || (body.size as number) < 1)
    errors.push({ path: 'size', message: '文件大小无效', message_en: 'size must be a positive integer' });
  else if ((body.size as number) > MAX_ATTACHMENT_BYTES)
    errors.push({
      path: 'size',
      message: `文件不能超过 ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`,
      message_en: `the file may not exceed ${MAX_ATTACHMENT_BYTES} bytes`,
    });
  if (typeof body.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(body.sha256))
    errors.push({
      path: 'sha256',
      message: 'SHA-256 校验值应为 64 位十六进制',
      message_en: 'sha256 must be 64 hex digits',
    });
  if (errors.length) throw domain.invalid(errors);
  const id = `upl_${randomBytes(16).toString('hex')}`;
  await db.query(
    'INSERT INTO uploads (id, created_by, file_name, content_type, size, sha256) VALUES ($1,$2,$3,$4,$5,$6)',
    [id, who.userId, fileName, body.contentType, body.size, (body.sha256 as string).toLowerCase()],
  );
  return { id, offset: 0, size: body.size as number };
}

type Row = {
  id: string;
  size: number;
  received: number;
  content_type: string;
  sha256: string;
  attachment_id: string | null;
  bytes?: Buffer;
};

const stateOf = (r: Row): UploadState => ({
  id: r.id,
  offset: r.received,
  size: r.size,
  ...(r.attachment_id ? { attachmentId: r.attachment_id } : {}),
});

/** What the phone is told of an upload that is not there (never made, someone else's, or swept): start again. */
const noSuchUpload = () =>
  domain.notFound('上传不存在或已过期，请重新上传', 'no such upload (or it expired): start the upload again');

/** Only the uploader sees or continues an upload; anyone else is told it does not exist. */
async function own(db: pg.Pool | pg.ClientBase, who: Principal, id: string, lock: boolean): Promise<Row> {
  if (!UPLOAD_ID.test(id)) throw noSuchUpload();
  const { rows } = await db.query(
    `SELECT id, size, received, content_type, sha256, attachment_id ${lock ? ', bytes' : ''}
     FROM uploads WHERE id = $1 AND created_by = $2 ${lock ? 'FOR UPDATE' : ''}`,
    [id, who.userId],
  );
  if (!rows[0]) throw noSuchUpload();
  return rows[0];
}

export async function uploadState(db: pg.Pool, who: Principal, id: string): Promise<UploadState> {
  mayUpload(who);
  return stateOf(await own(db, who, id, false));
}

/** `Upload-Offset` header → the offset the chunk starts at (a plain non-negative integer). */
export function parseOffset(header: unknown): number {
  if (typeof header !== 'string' || !/^\d{1,10}$/.test(header.trim()))
    throw domain.invalid([
      {
        path: 'Upload-Offset',
        message: '请求头 Upload-Offset 应为非负整数',
        message_en: 'the Upload-Offset header must be a non-negative integer',
      },
    ]);
  return Number(header.trim());
}

/** The offset the client must resume from, as a 409 the client reads (`offset`). */
const offsetConflict = (r: Row) =>
  new DomainError(
    'conflict',
    'upload_offset_mismatch',
    `续传位置不一致：服务器已收到 ${r.received} 字节`,
    `offset mismatch: the server holds ${r.received} bytes`,
    [],
    { offset: r.received, size: r.size },
  );

export async function appendUpload(
  db: pg.Pool,
  who: Principal,
  id: string,
  offsetHeader: unknown,
  chunk: unknown,
): Promise<UploadState> {
  mayUpload(who);
  const offset = parseOffset(offsetHeader);
  if (!Buffer.isBuffer(chunk))
    throw domain.unsupportedMedia(
      '数据块须以 application/offset+octet-stream 发送',
      'send the chunk as application/offset+octet-stream',
    );
  return inTransaction(db, async (tx) => {
    const r = await own(tx, who, id, true);
    if (r.attachment_id) return stateOf(r); // finished: a resend of the last chunk answers the same
    if (offset !== r.received) throw offsetConflict(r);
    if (chunk.length === 0)
      throw domain.invalid([{ path: 'body', message: '数据块是空的', message_en: 'the chunk is empty' }]);
    if (r.received + chunk.length > r.size)
      throw domain.invalid([
        {
          path: 'body',
          message: '数据超出了声明的文件大小',
          message_en: 'the chunk goes past the announced size',
        },
      ]);
    const bytes = Buffer.concat([r.bytes!, chunk]);
    if (bytes.length < r.size) {
      await tx.query('UPDATE uploads SET bytes = $2, received = $3, updated_at = now() WHERE id = $1', [
        id,
        bytes,
        bytes.length,
      ]);
      return { id, offset: bytes.length, size: r.size };
    }
    // the last byte: the announced SHA-256, then the attachment's own checks (type by its first bytes)
    let refused: DomainError;
    if (createHash('sha256').update(bytes).digest('hex') === r.sha256) {
      try {
        const att = await tx
          .query('SAVEPOINT attach')
          .then(() => saveAttachment(tx, who, r.content_type, bytes));
        await tx.query(
          `UPDATE uploads SET bytes = '\\x', received = size, attachment_id = $2, updated_at = now() WHERE id = $1`,
          [id, att.id],
        );
        return { id, offset: r.size, size: r.size, attachmentId: att.id };
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        await tx.query('ROLLBACK TO SAVEPOINT attach');
        refused = err;
      }
    } else {
      refused = domain.invalid([
        {
          path: 'sha256',
          message: '文件校验值不符，上传已作废，请从头重新上传',
          message_en: 'the SHA-256 of the bytes does not match; send the file again from offset 0',
        },
      ]);
    }
    // a refused file is dropped whole: the upload starts over from 0
    await tx.query(`UPDATE uploads SET bytes = '\\x', received = 0, updated_at = now() WHERE id = $1`, [id]);
    return { refused };
  }).then((s) => {
    if ('refused' in s) throw s.refused;
    return s;
  });
}

/**
 * Deletes the uploads not finished (no attachment yet) and not touched for `UPLOAD_RETENTION_DAYS`, bytes and
 * all; a finished upload stays (its attachment is the file). Returns the ids swept; running it again changes nothing.
 */
export async function sweepAbandonedUploads(
  db: pg.Pool,
  now: Date = new Date(),
): Promise<{ swept: string[] }> {
  const { rows } = await db.query(
    `DELETE FROM uploads WHERE attachment_id IS NULL AND updated_at <= $1::timestamptz - make_interval(days => $2)
     RETURNING id`,
    [now, UPLOAD_RETENTION_DAYS],
  );
  return { swept: rows.map((r) => r.id as string) };
}
