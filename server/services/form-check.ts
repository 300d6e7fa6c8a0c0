/**
 * 表单校验 the server side of form validation: the same validator the browser
 * uses (forms/validate.ts), on the form version the case pinned, with the
 * step's field permissions. Invalid data is a 422 with one error per field.
 */
import type pg from 'pg';
import {
  validateFormData,
  compileForm,
  validateFormDocument,
  type FormDocument,
} from '../../forms/validate.js';
import { resolveCodeLists } from '../../forms/registry.js';
import type { TaskStep } from '../../workflows/definition.js';
import { inTransaction } from '../db.js';
import { publishVersioned } from './versioned.js';
import { domain } from '../errors.js';

const resolved = new Map<string, Promise<any>>();

/** A published form version with its code lists resolved; immutable, so cached per key@version. */
export function resolvedForm(db: pg.Pool | pg.ClientBase, key: string, version?: number): Promise<any> {
  const load = async () => {
    const { rows } = version
      ? await db.query('SELECT document, version FROM form_versions WHERE key = $1 AND version = $2', [
          key,
          version,
        ])
      : await db.query(
          `SELECT document, version FROM form_versions WHERE key = $1 AND status = 'published' ORDER BY version DESC LIMIT 1`,
          [key],
        );
    if (!rows[0]) return undefined;
    const lists = await db.query(
      'SELECT DISTINCT ON (key) document FROM code_lists ORDER BY key, version DESC',
    );
    return resolveCodeLists(
      { ...rows[0].document, version: rows[0].version },
      lists.rows.map((r) => r.document),
    );
  };
  if (!version) return load();
  const id = `${key}@${version}`;
  if (!resolved.has(id))
    resolved.set(
      id,
      load().catch((e) => (resolved.delete(id), Promise.reject(e))),
    );
  return resolved.get(id)!;
}

export async function validateForStep(
  db: pg.Pool | pg.ClientBase,
  step: TaskStep,
  version: number | undefined,
  data: Record<string, unknown>,
  previous: Record<string, unknown> | undefined,
  permissions?: Record<string, 'edit' | 'readonly' | 'hidden'>,
): Promise<Record<string, unknown>> {
  if (!step.form) return data;
  const doc = await resolvedForm(db, step.form.key, version);
  if (!doc) throw domain.unavailable('表单版本不存在', `form ${step.form.key}@${version} is missing`);
  const result = validateFormData(doc, data, {
    permissions: permissions ?? step.fieldPermissions,
    previous,
    stage: step.form.stage,
  });
  if (!result.ok) {
    throw domain.invalid(
      result.errors.map((e: { path: string; message: string; message_en: string }) => ({
        path: e.path,
        message: e.message,
        message_en: e.message_en,
      })),
    );
  }
  return result.data as Record<string, unknown>;
}

/** Publish a form document as a new immutable version, after checking it is a valid form. */
/** 新建表单 a form under a key not used yet (a known key gets new versions, not a second form). */
export async function createForm(
  db: pg.Pool,
  doc: Record<string, any>,
  actorId: string,
  status: 'published' | 'draft',
) {
  const exists = await db.query('SELECT 1 FROM form_versions WHERE key = $1', [doc.key]);
  if (exists.rowCount)
    throw domain.conflict(
      '该表单编码已存在，请发布新版本',
      'a form with this key exists; publish a new version',
      'exists',
    );
  return publishForm(db, doc, actorId, status);
}

export async function publishForm(
  db: pg.Pool,
  doc: Record<string, any>,
  actorId: string,
  status: 'published' | 'draft' = 'published',
) {
  if (typeof doc.key !== 'string' || !/^[a-z][a-z0-9-]*$/.test(doc.key)) {
    throw domain.invalid([
      { path: 'key', message: '表单编码须为小写英文', message_en: 'key must match ^[a-z][a-z0-9-]*$' },
    ]);
  }
  const lists = await db.query(
    'SELECT DISTINCT ON (key) document FROM code_lists ORDER BY key, version DESC',
  );
  const check = validateFormDocument({ ...doc, version: doc.version ?? 1 });
  if (!check.ok) throw domain.invalid(check.errors, '表单定义有误，不能发布', 'the form document is invalid');
  try {
    compileForm(
      resolveCodeLists(
        { ...(doc as FormDocument), version: -1 },
        lists.rows.map((r) => r.document),
      ),
    );
  } catch (err) {
    throw domain.invalid([
      {
        path: 'schema',
        message: `表单结构无法编译：${(err as Error).message}`,
        message_en: `the schema does not compile: ${(err as Error).message}`,
      },
    ]);
  }
  return inTransaction(db, async (tx) => {
    const { version } = await publishVersioned(tx, {
      table: 'form_versions',
      of: { key: doc.key },
      row: (version) => ({ status, document: JSON.stringify({ ...doc, version }), created_by: actorId }),
      audit: (version) => ({
        id: `form:${doc.key}:${version}`,
        actorId,
        action: `form.${status === 'published' ? 'publish' : 'draft'}`,
        target: doc.key,
        detail: { version },
      }),
    });
    return { key: doc.key, version, status };
  });
}
