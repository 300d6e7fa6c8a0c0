/**
 * 流程发布 validate a process definition against the registry and publish it
 * as a new immutable version. Running cases keep the version they started on.
 */
import type pg from 'pg';
import { validateDefinition } from '../definitions/validate.js';
import type { DefinitionError } from '../definitions/registry.js';
import { inTransaction } from '../db.js';
import { publishVersioned } from './versioned.js';
import { domain } from '../errors.js';
import { loadDefinitionRegistry } from './definition-registry.js';
import { importPack, type PackBundle } from './packs.js';
import { scheduleProblems } from './schedules.js';

/** A validator for pack import that also sees the pack's own forms, parameters and roles. */
export async function validateProcessForImport(db: pg.Pool, bundle: PackBundle) {
  const registry = await loadDefinitionRegistry(db, {
    forms: bundle.forms,
    params: (bundle.manifest.parameters ?? []).map((p: { key: string }) => p.key),
    roles: (bundle.manifest.roles ?? []).map((r: { key: string }) => r.key),
  });
  return (def: Record<string, unknown>): string[] => {
    const r = validateDefinition(def, registry);
    return r.ok ? [] : r.errors.map((e) => `${e.stepId ?? ''} ${e.path}: ${e.message}`);
  };
}

/** What is wrong with a pack's schedules: each must name a process of the pack (or one already published). */
export async function packScheduleProblems(db: pg.Pool, bundle: PackBundle): Promise<string[]> {
  const published = (
    await db.query(`SELECT DISTINCT key FROM process_versions WHERE status = 'published'`)
  ).rows.map((r) => r.key as string);
  return scheduleProblems(bundle.manifest.schedules, [
    ...bundle.processes.map((p) => p.key as string),
    ...published,
  ]);
}

/** Import a pack whose processes have been checked against the registry and the pack's own forms. */
export async function importValidatedPack(db: pg.Pool, bundle: PackBundle, actorId?: string) {
  const bad = await packScheduleProblems(db, bundle);
  if (bad.length) throw Object.assign(new Error('invalid schedules in pack'), { details: bad });
  return importPack(db, bundle, { actorId, validateProcess: await validateProcessForImport(db, bundle) });
}

export function definitionProblem(errors: DefinitionError[]) {
  return domain.invalid(
    errors.map((e) => ({
      path: e.path,
      message: e.message,
      message_en: e.message_en,
      stepId: e.stepId,
      code: e.code,
    })),
    '流程定义有误，不能发布',
    'the process definition is invalid and cannot be published',
  );
}

export async function publishProcess(
  db: pg.Pool,
  def: Record<string, any>,
  actorId: string,
  status: 'published' | 'draft' = 'published',
) {
  if (!def || typeof def !== 'object' || typeof def.key !== 'string' || !/^[a-z][a-z0-9_-]*$/.test(def.key)) {
    throw domain.invalid([
      {
        path: 'key',
        message: '流程编码必须是小写字母开头的英文编码',
        message_en: 'key must match ^[a-z][a-z0-9_-]*$',
      },
    ]);
  }
  const registry = await loadDefinitionRegistry(db);
  if (status === 'published') {
    const r = validateDefinition({ ...def, version: def.version ?? 1 }, registry);
    if (!r.ok) throw definitionProblem(r.errors);
  }
  return inTransaction(db, async (tx) => {
    const { version } = await publishVersioned(tx, {
      table: 'process_versions',
      of: { key: def.key },
      row: (version) => ({ status, definition: JSON.stringify({ ...def, version }), created_by: actorId }),
      audit: (version) => ({
        id: `process:${def.key}:${version}`,
        actorId,
        action: `process.${status === 'published' ? 'publish' : 'draft'}`,
        target: def.key,
        detail: { version },
      }),
    });
    return { key: def.key, version, status };
  });
}
