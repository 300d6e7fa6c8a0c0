/**
 * 流程发布 validate a process definition against the registry and publish it
 * as a new immutable version. Running cases keep the version they started on.
 */
import type pg from 'pg';
import { validateDefinition } from '../definitions/validate.js';
import type { DefinitionError } from '../definitions/registry.js';
import { inTransaction } from '../db.js';
import { publishVersioned } from './versioned.js';
import { loadDefinitionRegistry } from './definition-registry.js';
import { domain, DomainError, type FieldError } from '../errors.js';
import {
  diffPacks,
  exportPack,
  importPack,
  previewPackImport,
  readPackFolder,
  installedPacks,
  refusedConflicts,
  type PackBundle,
} from './packs.js';
import { scheduleProblems, syncPackSchedules } from './schedules.js';
import type { ServiceDeps } from './deps.js';

/** 新建流程 a process under a key not used yet (a known key gets new versions, not a second process). */
export async function createProcess(
  db: pg.Pool,
  def: Record<string, any>,
  actorId: string,
  status: 'published' | 'draft',
  packId?: string,
) {
  const exists = await db.query('SELECT 1 FROM process_versions WHERE key = $1', [def.key]);
  if (exists.rowCount)
    throw domain.conflict(
      '该流程编码已存在，请发布新版本',
      'a process with this key exists; publish a new version',
      'exists',
    );
  return publishProcess(db, def, actorId, status, { packId });
}

/** A validator for pack import that also sees the pack's own forms, parameters and roles. */
export async function validateProcessForImport(db: pg.Pool, bundle: PackBundle) {
  // a pack's processes may name only the pack's own roles (and the three separated ones)
  const registry = await loadDefinitionRegistry(db, {
    forms: bundle.forms,
    params: (bundle.manifest.parameters ?? []).map((p: { key: string }) => p.key),
    onlyRoles: (bundle.manifest.roles ?? []).map((r: { key: string }) => r.key),
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

/**
 * Publish (or save as a draft) a new version of a process. A draft is validated too: it is saved with
 * its problems as `warnings`; a published version must have none. A version belongs to the pack that
 * owns the key (or to `packId` for a new key), and is checked against that pack's roles.
 */
export async function publishProcess(
  db: pg.Pool,
  def: Record<string, any>,
  actorId: string,
  status: 'published' | 'draft' = 'published',
  opts: { packId?: string; mustExist?: boolean } = {},
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
  const owner = (
    await db.query(
      'SELECT count(*)::int AS n, max(pack_id) AS pack_id FROM process_versions WHERE key = $1',
      [def.key],
    )
  ).rows[0];
  if (opts.mustExist && !owner.n) throw domain.notFound('流程不存在', `no process ${def.key}`);
  const packId: string | null = owner.pack_id ?? opts.packId ?? null;
  const pack = packId ? (await installedPacks(db)).find((p) => p.id === packId) : undefined;
  const registry = await loadDefinitionRegistry(
    db,
    pack ? { onlyRoles: ((pack.manifest.roles ?? []) as { key: string }[]).map((r) => r.key) } : undefined,
  );
  const r = validateDefinition({ ...def, version: def.version ?? 1 }, registry);
  if (!r.ok && status === 'published') throw definitionProblem(r.errors);
  const warnings = r.ok ? [] : r.errors;
  return inTransaction(db, async (tx) => {
    const { version } = await publishVersioned(tx, {
      table: 'process_versions',
      of: { key: def.key },
      row: (version) => ({
        status,
        definition: JSON.stringify({ ...def, version }),
        created_by: actorId,
        pack_id: packId,
      }),
      audit: (version) => ({
        id: `process:${def.key}:${version}`,
        actorId,
        action: `process.${status === 'published' ? 'publish' : 'draft'}`,
        target: def.key,
        detail: { version, ...(warnings.length ? { warnings: warnings.length } : {}) },
      }),
    });
    return { key: def.key, version, status, warnings };
  });
}

/**
 * 导入政策包 from the admin API: the bundle is checked (shape, processes, schedules, nothing that belongs
 * to another pack); a dry run answers the preview; effects that take something away (a role accounts
 * still hold, a schedule) are refused unless confirmed; then the pack is imported and its schedules synced.
 */
export async function installPack(svc: ServiceDeps, body: Record<string, any>, opts: { actorId: string }) {
  const db = svc.db;
  const bundle: PackBundle =
    typeof body.pack === 'string'
      ? readPackFolder(body.pack.replace(/[^a-z0-9-]/g, ''))
      : (body as PackBundle);
  const errors: FieldError[] = [];
  if (!bundle.manifest?.id || !bundle.manifest?.version)
    errors.push({
      path: 'manifest',
      message: '缺少政策包编号或版本',
      message_en: 'manifest.id and manifest.version are required',
    });
  else if (!/^[a-z][a-z0-9-]{1,39}$/.test(String(bundle.manifest.id)))
    errors.push({
      path: 'manifest/id',
      message: '政策包编号须为小写字母、数字和连字符',
      message_en: 'manifest.id: lower-case letters, digits and dashes',
    });
  for (const k of ['forms', 'codelists', 'processes'] as const) {
    if (!Array.isArray(bundle[k]))
      errors.push({ path: k, message: `${k} 必须是数组`, message_en: `${k} must be an array` });
  }
  // 适用范围 a pack may name the org subtree it is installed for (`manifest.scope`: a province, a city or county trial)
  const scope = bundle.manifest?.scope;
  if (scope !== undefined && scope !== null) {
    const node =
      typeof scope === 'string'
        ? (await db.query('SELECT closed_at FROM org_nodes WHERE id = $1', [scope])).rows[0]
        : undefined;
    if (!node || node.closed_at)
      errors.push({
        path: 'manifest/scope',
        message: `适用范围“${String(scope)}”不是现有的组织机构`,
        message_en: `manifest.scope: ${String(scope)} is not an open organisation node`,
      });
  }
  if (errors.length) throw domain.invalid(errors);
  const validate = await validateProcessForImport(db, bundle);
  const bad = [
    ...bundle.processes.flatMap((p) =>
      validate(p).map((e) => ({ path: `processes/${p.key}`, message: e, message_en: e })),
    ),
    ...(await packScheduleProblems(db, bundle)).map((e) => ({
      path: 'manifest/schedules',
      message: `定时任务配置有误：${e}`,
      message_en: e,
    })),
  ];
  if (bad.length)
    throw domain.invalid(
      bad,
      '政策包中的流程定义有误，未导入',
      'the pack has invalid processes; nothing was imported',
    );
  const effects = await previewPackImport(db, bundle);
  if (body.dryRun) {
    const current = effects.installedVersion ? await exportPack(db, bundle.manifest.id) : emptyBundle(bundle);
    return { dryRun: true, diff: diffPacks(current, bundle), effects };
  }
  if (effects.conflicts.length) throw refusedConflicts(effects.conflicts);
  if (effects.destructive.length && body.confirm !== true)
    throw new DomainError(
      'conflict',
      'confirm_destructive',
      '导入会删除仍在使用的内容，请确认后再导入（confirm: true）',
      'the import would take away things in use; confirm it (confirm: true)',
      effects.destructive,
    );
  const report = await importPack(db, bundle, {
    actorId: opts.actorId,
    ...(typeof scope === 'string' ? { scopeOrg: scope } : {}),
  });
  // the pack's schedules take effect at once (created, changed or removed in Temporal)
  return { ...report, effects, schedules: await syncPackSchedules(svc) };
}

function emptyBundle(b: PackBundle): PackBundle {
  return { manifest: { ...b.manifest, parameters: [] }, forms: [], codelists: [], processes: [] };
}
