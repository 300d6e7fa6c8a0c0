/**
 * 附件 photos (home verification, phone camera) and handwritten signatures.
 * The bytes live in PostgreSQL; a form stores only the attachment id (format
 * "attachment"), so case data and Temporal histories stay small. Reading one
 * is for its uploader and for staff whose region holds a case that uses it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { domain } from '../errors.js';
import { IN_REGION, regionOf, type Principal } from './principal.js';

export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const ATTACHMENT_ID = /^att_[0-9a-f]{32}$/;

/** the first bytes of each accepted image type: the body must be what its Content-Type says */
const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) =>
    b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

export async function saveAttachment(
  db: pg.Pool | pg.ClientBase,
  who: Principal,
  contentType: string,
  bytes: Buffer,
) {
  if (!bytes.length)
    throw domain.invalid([{ path: 'file', message: '文件是空的', message_en: 'the file is empty' }]);
  if (!MAGIC[contentType]?.(bytes)) {
    throw domain.invalid([
      {
        path: 'file',
        message: '文件内容不是所声明的图片格式',
        message_en: 'the body is not the image type it claims to be',
      },
    ]);
  }
  const id = `att_${randomBytes(16).toString('hex')}`;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await db.query(
    'INSERT INTO attachments (id, content_type, size, sha256, bytes, created_by) VALUES ($1,$2,$3,$4,$5,$6)',
    [id, contentType, bytes.length, sha256, bytes, who.userId],
  );
  return { id, contentType, size: bytes.length };
}

export async function readAttachment(db: pg.Pool, who: Principal, id: string) {
  if (!ATTACHMENT_ID.test(id)) throw domain.notFound('附件不存在', 'no such attachment');
  const { rows } = await db.query(
    'SELECT id, content_type, bytes, created_by FROM attachments WHERE id = $1',
    [id],
  );
  const a = rows[0];
  if (!a) throw domain.notFound('附件不存在', 'no such attachment');
  if (a.created_by !== who.userId) {
    // staff of the region of a case whose data (or a task's draft) refers to it
    const regions = regionOf(who);
    const used = await db.query(
      `SELECT 1 FROM cases c WHERE ${IN_REGION('c.org_path', '$1')} AND c.data::text LIKE '%' || $2 || '%'
       UNION ALL SELECT 1 FROM tasks t JOIN cases c ON c.id = t.case_id WHERE ${IN_REGION('c.org_path', '$1')} AND t.draft::text LIKE '%' || $2 || '%' LIMIT 1`,
      [regions, id],
    );
    if (!used.rowCount) throw domain.notFound('附件不存在', 'no such attachment');
  }
  return { contentType: a.content_type as string, bytes: a.bytes as Buffer };
}

/** Every attachment id in a form's data, with the field path it sits at ("members.0.photo"). */
function attachmentRefs(v: unknown, path: string, out: { id: string; path: string }[] = []) {
  if (typeof v === 'string' && ATTACHMENT_ID.test(v)) out.push({ id: v, path });
  else if (Array.isArray(v)) v.forEach((x, i) => attachmentRefs(x, path ? `${path}.${i}` : String(i), out));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) attachmentRefs(x, path ? `${path}.${k}` : k, out);
  return out;
}

/**
 * 附件归属 an attachment a form refers to must be the submitter's own upload, or belong to the case's
 * region: uploaded by someone holding a role at one of the case's nodes, or already part of this case.
 * Otherwise referring to it would let anyone read another village's photos through their own case.
 * Refused with 422 naming the field.
 */
export async function checkAttachmentRefs(
  db: pg.Pool | pg.ClientBase,
  who: Principal,
  data: unknown,
  caseRow: { id?: string; org_path: string[] },
): Promise<void> {
  const refs = attachmentRefs(data, '');
  if (!refs.length) return;
  const { rows } = await db.query(
    `SELECT a.id FROM attachments a WHERE a.id = ANY($1) AND (
       a.created_by = $2
       OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = a.created_by AND r.org_id = ANY($3))
       OR EXISTS (SELECT 1 FROM cases c WHERE c.id = $4 AND c.data::text LIKE '%' || a.id || '%'))`,
    [[...new Set(refs.map((r) => r.id))], who.userId, caseRow.org_path, caseRow.id ?? null],
  );
  const ok = new Set(rows.map((r) => r.id as string));
  const bad = refs.filter((r) => !ok.has(r.id));
  if (bad.length) {
    throw domain.invalid(
      bad.map((r) => ({
        path: r.path,
        message: '所引用的附件不存在，或不属于您或本案件所属地区',
        message_en: 'the attachment does not exist or belongs neither to you nor to this case’s region',
      })),
    );
  }
}
