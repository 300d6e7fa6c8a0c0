/** 已发布目录 what staff read of the published catalogue: forms and their versions, processes; form checks. */
import { offeredProcesses as offeredFromPacks } from './catalog.js';
import type { Principal } from './principal.js';
import type { FormVersions, Items, ProcessSummary } from '../../shared/api-types.js';
import type pg from 'pg';
import { validateFormData } from '../../forms/validate.js';
import { domain } from '../errors.js';
import { resolvedForm } from './form-check.js';

export async function listForms(db: pg.Pool) {
  const { rows } = await db.query(
    `SELECT key, max(version) FILTER (WHERE status = 'published') AS latest, json_agg(version ORDER BY version) AS versions,
              (array_agg(document->'title' ORDER BY version DESC))[1] AS title
       FROM form_versions GROUP BY key ORDER BY key`,
  );
  return { items: rows };
}

/** The latest published form (code lists resolved) and the list of its versions. */
export async function formWithVersions(db: pg.Pool, key: string): Promise<FormVersions> {
  const doc = await resolvedForm(db, key);
  if (!doc) throw domain.notFound('表单不存在', 'no such form');
  const versions = await db.query(
    'SELECT version, status, created_at FROM form_versions WHERE key = $1 ORDER BY version',
    [key],
  );
  return { latest: doc, versions: versions.rows };
}

export async function formVersion(db: pg.Pool, key: string, version: number) {
  const doc = await resolvedForm(db, key, version);
  if (!doc) throw domain.notFound('表单版本不存在', 'no such form version');
  return doc;
}

/** Check data against a form (its latest published version, or `version`): the data as stored, or 422. */
export async function checkFormData(db: pg.Pool, key: string, version: number | undefined, data: unknown) {
  const doc = await resolvedForm(db, key, version);
  if (!doc) throw domain.notFound('表单不存在', 'no such form');
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw domain.invalid([
      { path: '', message: '表单数据必须是对象', message_en: 'the form data must be an object' },
    ]);
  }
  const result = validateFormData(doc, data, {});
  if (!result.ok)
    throw domain.invalid(
      result.errors.map((e: any) => ({ path: e.path, message: e.message, message_en: e.message_en })),
    );
  return { data: result.data };
}

/** The latest published version of every process (title, subject, who may start it). */
/** 可发起的事项 the published processes offered to this person: those of the packs installed over their region */
export async function offeredProcesses(db: pg.Pool, who: Principal): Promise<Items<ProcessSummary>> {
  return { items: (await offeredFromPacks(db, who)) as ProcessSummary[] };
}
