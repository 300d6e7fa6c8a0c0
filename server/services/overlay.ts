/**
 * 模板 + 覆盖 (issue #20): template packs (the national template, forms/packs/national) kept whole per
 * version, and provincial packs stored as an overlay on one template version. Saving an overlay composes
 * the province's pack (server/definitions/overlay.ts) and installs it like any pack (preview, validation,
 * scope); the diff shows each operation against the template; re-applying on a new template version
 * previews what applies cleanly and the conflicts by path, and is refused while a conflict is unresolved.
 */
import type pg from 'pg';
import { appendAudit } from '../../store/audit.js';
import { canonical } from '../../store/canonical.js';
import { applyOps, keyed, reapplyPreview, rekeyed, valueAt, type OverlayOp } from '../definitions/overlay.js';
import { inTransaction } from '../db.js';
import { domain, DomainError, type FieldError } from '../errors.js';
import type { ServiceDeps } from './deps.js';
import { readPackFolder, type PackBundle } from './packs.js';
import { installPack } from './process-publish.js';

const ID = /^[a-z][a-z0-9-]{1,39}$/;

/** 导入模板 store one version of a template pack (a folder's id or a bundle); the same version twice must be equal. */
export async function importTemplate(db: pg.Pool, actorId: string, body: Record<string, any>) {
  const bundle: PackBundle =
    typeof body.pack === 'string' ? readTemplateFolder(body.pack) : (body as PackBundle);
  const id = String(bundle.manifest?.id ?? '');
  const version = String(bundle.manifest?.version ?? '');
  const errors: FieldError[] = [];
  if (!ID.test(id) || !version)
    errors.push({
      path: 'manifest',
      message: '模板须有编号（小写字母、数字和连字符）和版本',
      message_en: 'manifest.id and manifest.version are required',
    });
  for (const k of ['forms', 'codelists', 'processes'] as const)
    if (!Array.isArray(bundle[k]))
      errors.push({ path: k, message: `${k} 必须是数组`, message_en: `${k} must be an array` });
  if (errors.length) throw domain.invalid(errors);
  return inTransaction(db, async (tx) => {
    const had = (
      await tx.query('SELECT bundle FROM pack_templates WHERE id = $1 AND version = $2 FOR UPDATE', [
        id,
        version,
      ])
    ).rows[0];
    if (had) {
      if (canonical(had.bundle) !== canonical(bundle))
        throw new DomainError(
          'conflict',
          'template_version_exists',
          `模板 ${id} 的 ${version} 版已存在且内容不同，请使用新的版本号`,
          `template ${id} ${version} exists with other content; give a new version`,
        );
      return { id, version, created: false };
    }
    await tx.query('INSERT INTO pack_templates (id, version, bundle, imported_by) VALUES ($1,$2,$3,$4)', [
      id,
      version,
      JSON.stringify(bundle),
      actorId,
    ]);
    await appendAudit(tx, [
      {
        id: `template:${id}:${version}`,
        actorId,
        action: 'template.import',
        target: id,
        detail: { version },
      },
    ]);
    return { id, version, created: true };
  });
}

function readTemplateFolder(name: string): PackBundle {
  const id = name.replace(/[^a-z0-9-]/g, '');
  try {
    return readPackFolder(id);
  } catch {
    throw domain.notFound(`模板 ${id} 不存在`, `no template folder ${id}`);
  }
}

export async function listTemplates(db: pg.Pool) {
  const { rows } = await db.query(
    `SELECT id, version, bundle->'manifest'->'title' AS title, imported_at FROM pack_templates ORDER BY id, imported_at`,
  );
  return rows;
}

async function template(db: pg.Pool | pg.ClientBase, id: string, version: string): Promise<PackBundle> {
  const row = (
    await db.query('SELECT bundle FROM pack_templates WHERE id = $1 AND version = $2', [id, version])
  ).rows[0];
  if (!row)
    throw domain.notFound(`模板 ${id} 的 ${version} 版不存在`, `no template ${id} version ${version}`);
  return row.bundle;
}

interface OverlayRow {
  pack_id: string;
  base_pack: string;
  base_version: string;
  key_suffix: string;
  manifest: Record<string, any>;
  ops: OverlayOp[];
}

async function overlayOf(db: pg.Pool | pg.ClientBase, packId: string): Promise<OverlayRow> {
  const row = (await db.query('SELECT * FROM pack_overlays WHERE pack_id = $1', [packId])).rows[0];
  if (!row) throw domain.notFound(`政策包 ${packId} 不是模板上的覆盖`, `pack ${packId} has no overlay`);
  return row;
}

/** The province's bundle from a template version and an overlay; operations that do not fit are field errors. */
function compose(base: PackBundle, o: Omit<OverlayRow, 'base_pack' | 'base_version'>): PackBundle {
  const { doc, errors } = applyOps(keyed(base), o.ops);
  if (errors.length)
    throw domain.invalid(errors, '覆盖中有无法应用到模板的操作', 'some operations do not fit the template');
  const { template: _t, ...baseManifest } = base.manifest;
  return rekeyed({ ...doc, manifest: baseManifest }, o.key_suffix, { ...o.manifest, id: o.pack_id });
}

/**
 * 保存覆盖 compose the province's pack from a template version and the overlay, install it like any pack
 * (a dry run answers the preview; destructive effects need `confirm`), then keep the overlay.
 */
export async function saveOverlay(svc: ServiceDeps, actorId: string, packId: string, b: Record<string, any>) {
  const errors: FieldError[] = [];
  if (!ID.test(packId))
    errors.push({ path: 'id', message: '政策包编号须为小写字母、数字和连字符', message_en: 'bad pack id' });
  const base = b.base ?? {};
  if (typeof base.pack !== 'string' || typeof base.version !== 'string')
    errors.push({ path: 'base', message: '请指定模板及其版本', message_en: 'base.pack and base.version' });
  const suffix = String(b.keySuffix ?? '');
  if (!/^[a-z][a-z0-9]{1,9}$/.test(suffix))
    errors.push({
      path: 'keySuffix',
      message: '编码后缀须为2–10位小写字母或数字（本省的表单、流程、参数编码为“模板编码-后缀”）',
      message_en: 'keySuffix: 2–10 lower-case letters or digits',
    });
  if (!b.manifest || typeof b.manifest.version !== 'string')
    errors.push({
      path: 'manifest/version',
      message: '请填写本省政策包版本',
      message_en: 'manifest.version',
    });
  if (!Array.isArray(b.ops))
    errors.push({ path: 'ops', message: 'ops 必须是数组', message_en: 'ops must be an array' });
  if (errors.length) throw domain.invalid(errors);
  const row = {
    pack_id: packId,
    key_suffix: suffix,
    manifest: b.manifest as Record<string, any>,
    ops: b.ops as OverlayOp[],
  };
  const bundle = compose(await template(svc.db, base.pack, base.version), row);
  const installed = await installPack(
    svc,
    { ...bundle, ...(b.dryRun ? { dryRun: true } : {}), ...(b.confirm ? { confirm: true } : {}) },
    { actorId },
  );
  if (b.dryRun) return { ...installed, bundle };
  await storeOverlay(svc.db, actorId, { ...row, base_pack: base.pack, base_version: base.version });
  return { ...installed, overlay: { base: { pack: base.pack, version: base.version }, ops: row.ops.length } };
}

async function storeOverlay(db: pg.Pool, actorId: string, o: OverlayRow) {
  await inTransaction(db, async (tx) => {
    await tx.query(
      `INSERT INTO pack_overlays (pack_id, base_pack, base_version, key_suffix, manifest, ops, updated_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7)
       ON CONFLICT (pack_id) DO UPDATE SET base_pack = EXCLUDED.base_pack, base_version = EXCLUDED.base_version,
         key_suffix = EXCLUDED.key_suffix, manifest = EXCLUDED.manifest, ops = EXCLUDED.ops,
         updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [
        o.pack_id,
        o.base_pack,
        o.base_version,
        o.key_suffix,
        JSON.stringify(o.manifest),
        JSON.stringify(o.ops),
        actorId,
      ],
    );
    await appendAudit(tx, [
      {
        id: `overlay:${o.pack_id}:${o.base_version}:${Date.now()}`,
        actorId,
        action: 'pack.overlay',
        target: o.pack_id,
        detail: { base: o.base_pack, baseVersion: o.base_version, ops: o.ops.length },
      },
    ]);
  });
}

/** Every pack stored as an overlay, with its base and the template versions it could move to. */
export async function listOverlays(db: pg.Pool) {
  const { rows } = await db.query(
    `SELECT o.pack_id, o.base_pack, o.base_version, o.key_suffix, o.manifest, jsonb_array_length(o.ops) AS ops,
            o.updated_at, ARRAY(SELECT t.version FROM pack_templates t WHERE t.id = o.base_pack
                                  AND t.version <> o.base_version ORDER BY t.imported_at) AS other_versions
       FROM pack_overlays o ORDER BY o.pack_id`,
  );
  return rows.map((r) => ({
    pack: r.pack_id,
    title: r.manifest?.title ?? null,
    version: r.manifest?.version ?? null,
    base: { pack: r.base_pack, version: r.base_version },
    keySuffix: r.key_suffix,
    ops: r.ops,
    updatedAt: r.updated_at,
    otherVersions: r.other_versions,
  }));
}

export async function getOverlay(db: pg.Pool, packId: string) {
  const o = await overlayOf(db, packId);
  return {
    pack: o.pack_id,
    base: { pack: o.base_pack, version: o.base_version },
    keySuffix: o.key_suffix,
    manifest: o.manifest,
    ops: o.ops,
  };
}

/** 覆盖对比 each operation of the overlay with the template's value at its path and the overlay's. */
export async function overlayDiff(db: pg.Pool, packId: string) {
  const o = await overlayOf(db, packId);
  const base = keyed(await template(db, o.base_pack, o.base_version));
  return {
    pack: o.pack_id,
    base: { pack: o.base_pack, version: o.base_version },
    keySuffix: o.key_suffix,
    entries: o.ops.map((op, i) => {
      const p = op.path.endsWith('/-') ? op.path.slice(0, -2) : op.path;
      const after = applyOps(base, o.ops.slice(0, i + 1)).doc;
      return {
        op: op.op,
        path: op.path,
        change: op.op === 'add' ? 'added' : op.op === 'remove' ? 'removed' : 'changed',
        template: valueAt(base, p) ?? null,
        overlay: valueAt(after, p) ?? null,
      };
    }),
  };
}

/**
 * 重新应用 the overlay on a new template version: the preview lists what applies cleanly and the
 * conflicts by path; applying (`dryRun` false) is refused while a conflict has no resolution
 * (`resolutions[path]`: `overlay` keeps the overlay's operation, `template` drops it); then the province's
 * pack is installed at `packVersion` and the overlay moves to the new base.
 */
export async function reapplyOverlay(
  svc: ServiceDeps,
  actorId: string,
  packId: string,
  b: Record<string, any>,
) {
  const o = await overlayOf(svc.db, packId);
  const to = String(b.version ?? '');
  const newBase = await template(svc.db, o.base_pack, to);
  const preview = reapplyPreview(
    keyed(await template(svc.db, o.base_pack, o.base_version)),
    keyed(newBase),
    o.ops,
  );
  const base = { pack: o.base_pack, from: o.base_version, to };
  const resolutions = (b.resolutions ?? {}) as Record<string, unknown>;
  const unresolved = preview.conflicts.filter(
    (c) => resolutions[c.path] !== 'overlay' && resolutions[c.path] !== 'template',
  );
  if (b.dryRun !== false)
    return { dryRun: true, base, ...preview, unresolved: unresolved.map((c) => c.path) };
  if (unresolved.length)
    throw new DomainError(
      'conflict',
      'overlay_conflicts',
      '模板新版本与本省覆盖有冲突，请逐项选择保留本省或采用模板后再应用',
      'the new template version conflicts with the overlay; resolve each conflict first',
      unresolved.map((c) => ({
        path: c.path,
        message: `${c.path}：${c.reason}`,
        message_en: `${c.path}: ${c.reason_en}`,
      })),
    );
  if (typeof b.packVersion !== 'string' || !b.packVersion)
    throw domain.invalid([
      { path: 'packVersion', message: '请填写本省政策包的新版本号', message_en: 'packVersion is required' },
    ]);
  const dropped = new Set(
    preview.conflicts.filter((c) => resolutions[c.path] === 'template').map((c) => c.index),
  );
  const row = {
    ...o,
    base_version: to,
    manifest: { ...o.manifest, version: b.packVersion },
    ops: o.ops.filter((_, i) => !dropped.has(i)),
  };
  const bundle = compose(newBase, row);
  const installed = await installPack(
    svc,
    { ...bundle, ...(b.confirm ? { confirm: true } : {}) },
    { actorId },
  );
  await storeOverlay(svc.db, actorId, row);
  return {
    dryRun: false,
    base,
    applied: preview.applies.length,
    kept: preview.conflicts.filter((c) => resolutions[c.path] === 'overlay').map((c) => c.path),
    dropped: preview.conflicts.filter((c) => resolutions[c.path] === 'template').map((c) => c.path),
    installed,
  };
}
