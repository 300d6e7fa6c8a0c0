/**
 * 政策包 a province's configuration as one folder of JSON: organisation
 * levels and roles, yearly parameters, code lists, forms and process
 * definitions. Import publishes new versions only where something changed;
 * export writes the same shape back; diff compares two exports.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { ROOT } from '../config.js';
import { inTransaction } from '../db.js';
import { appendAudit } from '../../store/audit.js';
import { publishVersioned } from './versioned.js';
import { canonical } from '../../store/canonical.js';
import { domain, DomainError, type FieldError } from '../errors.js';

export interface PackBundle {
  manifest: Record<string, any> & { id: string; version: string };
  forms: Record<string, any>[];
  codelists: Record<string, any>[];
  processes: Record<string, any>[];
}

export const PACKS_DIR = join(ROOT, 'forms', 'packs');

function readJsonDir(dir: string): Record<string, any>[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

export function readPackFolder(id: string): PackBundle {
  const dir = join(PACKS_DIR, id);
  return {
    manifest: JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8')),
    forms: readJsonDir(join(dir, 'forms')),
    codelists: readJsonDir(join(dir, 'codelists')),
    processes: readJsonDir(join(dir, 'processes')),
  };
}

const strip = ({ version: _v, ...rest }: Record<string, any>) => rest;

export interface ImportReport {
  pack: string;
  version: string;
  published: {
    kind: 'form' | 'process' | 'codelist' | 'parameter';
    key: string;
    version?: number;
    year?: number;
  }[];
  unchanged: number;
}

/**
 * Import a pack. A form or process whose content equals its latest version is
 * left alone; otherwise a new version is published. The validator callback
 * rejects invalid processes before anything is written (all or nothing).
 */
export async function importPack(
  db: pg.Pool,
  bundle: PackBundle,
  opts: {
    actorId?: string;
    validateProcess?: (def: Record<string, any>) => string[];
    /** the org node the pack is installed for (a province, a city or county trial); kept when absent */
    scopeOrg?: string | null;
  } = {},
): Promise<ImportReport> {
  if (opts.validateProcess) {
    const problems = bundle.processes.flatMap((p) => opts.validateProcess!(p).map((e) => `${p.key}: ${e}`));
    if (problems.length) throw Object.assign(new Error('invalid processes in pack'), { details: problems });
  }
  return inTransaction(db, async (tx) => {
    // one import of a pack at a time: the ownership check and the writes see the same state
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['packs']);
    const { conflicts, shared } = await ownership(tx, bundle);
    if (conflicts.length) throw refusedConflicts(conflicts);
    const isShared = (kind: string, key: string) => shared.some((x) => x.kind === kind && x.key === key);
    const report: ImportReport = {
      pack: bundle.manifest.id,
      version: bundle.manifest.version,
      published: [],
      unchanged: 0,
    };
    const packId = bundle.manifest.id;
    for (const cl of bundle.codelists) {
      if (isShared('codelist', cl.key)) {
        report.unchanged++;
        continue;
      }
      const { version, written } = await publishVersioned<{ version: number; document: Record<string, any> }>(
        tx,
        {
          table: 'code_lists',
          of: { key: cl.key },
          row: (_version, last) =>
            last && canonical(strip(last.document)) === canonical(strip(cl))
              ? undefined
              : { document: JSON.stringify(cl), pack_id: packId },
        },
      );
      if (written) report.published.push({ kind: 'codelist', key: cl.key, version });
      else report.unchanged++;
    }
    for (const [kind, table, col, docs] of [
      ['form', 'form_versions', 'document', bundle.forms],
      ['process', 'process_versions', 'definition', bundle.processes],
    ] as const) {
      for (const doc of docs) {
        if (isShared(kind, doc.key)) {
          report.unchanged++;
          continue;
        }
        const last = await tx.query(
          `SELECT version, ${col} AS doc FROM ${table} WHERE key = $1 AND status = 'published' ORDER BY version DESC LIMIT 1`,
          [doc.key],
        );
        if (last.rows[0] && canonical(strip(last.rows[0].doc)) === canonical(strip(doc))) {
          report.unchanged++;
          continue;
        }
        const { version } = await publishVersioned(tx, {
          table,
          of: { key: doc.key },
          row: (version) => ({
            status: 'published',
            [col]: JSON.stringify({ ...doc, version }),
            pack_id: packId,
            created_by: opts.actorId ?? null,
          }),
        });
        report.published.push({ kind, key: doc.key, version });
      }
    }
    for (const p of bundle.manifest.parameters ?? []) {
      if (isShared('parameter', p.key)) {
        report.unchanged += (p.values ?? []).length;
        continue;
      }
      for (const v of p.values ?? []) {
        const cur = await tx.query('SELECT value FROM parameters WHERE key = $1 AND year = $2', [
          p.key,
          v.year,
        ]);
        if (cur.rows[0] && canonical(cur.rows[0].value) === canonical(v.value)) {
          report.unchanged++;
          continue;
        }
        await tx.query(
          `INSERT INTO parameters (key, year, value, title, source, pack_id, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7)
           ON CONFLICT (key, year) DO UPDATE SET value = EXCLUDED.value, title = EXCLUDED.title, source = EXCLUDED.source,
             pack_id = EXCLUDED.pack_id, created_by = EXCLUDED.created_by, created_at = now()`,
          [
            p.key,
            v.year,
            JSON.stringify(v.value),
            JSON.stringify(p.title ?? null),
            JSON.stringify(p.source ?? null),
            packId,
            opts.actorId ?? null,
          ],
        );
        report.published.push({ kind: 'parameter', key: p.key, year: v.year });
      }
    }
    await tx.query(
      `INSERT INTO packs (id, version, manifest, bundle, imported_by) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (id, version) DO UPDATE SET manifest = EXCLUDED.manifest, bundle = EXCLUDED.bundle, imported_at = now(),
         imported_by = EXCLUDED.imported_by`,
      [
        packId,
        bundle.manifest.version,
        JSON.stringify(bundle.manifest),
        JSON.stringify(bundle),
        opts.actorId ?? null,
      ],
    );
    // this version is now the one in force for the pack (its roles, schedules and export); the scope stays
    await tx.query(
      `INSERT INTO pack_installs (id, version, scope_org, installed_by) VALUES ($1,$2,$3,$4)
       ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, installed_at = now(),
         installed_by = EXCLUDED.installed_by, scope_org = COALESCE($3, pack_installs.scope_org)`,
      [packId, bundle.manifest.version, opts.scopeOrg ?? null, opts.actorId ?? null],
    );
    await appendAudit(tx, [
      {
        id: `pack:${packId}:${bundle.manifest.version}:${Date.now()}`,
        actorId: opts.actorId ?? null,
        action: 'pack.import',
        target: packId,
        detail: { version: bundle.manifest.version, published: report.published.length },
      },
    ]);
    return report;
  });
}

/** The version of each pack in force, with its manifest and the org subtree it is installed for (first installed first). */
export interface InstalledPack {
  id: string;
  version: string;
  scopeOrg: string | null;
  manifest: Record<string, any>;
  bundle: PackBundle | null;
}

export async function installedPacks(db: pg.Pool | pg.ClientBase): Promise<InstalledPack[]> {
  const { rows } = await db.query(
    `SELECT i.id, i.version, i.scope_org, p.manifest, p.bundle FROM pack_installs i
       JOIN packs p ON p.id = i.id AND p.version = i.version 
      ORDER BY (SELECT min(x.imported_at) FROM packs x WHERE x.id = i.id), i.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    scopeOrg: r.scope_org,
    manifest: r.manifest,
    bundle: r.bundle,
  }));
}

export interface PackRole {
  key: string;
  title?: unknown;
  levels?: string[];
  /** the installed packs that declare it */
  packs: string[];
}

/** 角色 the roles the installed packs declare (a role two packs share is listed once, with both). */
export async function installedRoles(db: pg.Pool | pg.ClientBase): Promise<PackRole[]> {
  const out = new Map<string, PackRole>();
  for (const p of await installedPacks(db)) {
    for (const r of (p.manifest.roles ?? []) as { key: string; title?: unknown; levels?: string[] }[]) {
      const prev = out.get(r.key);
      if (!prev) out.set(r.key, { ...r, packs: [p.id] });
      else {
        prev.packs.push(p.id);
        if (prev.levels && r.levels) prev.levels = [...new Set([...prev.levels, ...r.levels])];
        else prev.levels = undefined; // one pack lets it sit at any level
      }
    }
  }
  return [...out.values()];
}

type OwnedKind = 'form' | 'process' | 'codelist' | 'parameter';
const TABLES: Record<OwnedKind, { table: string; col: string; published: boolean }> = {
  form: { table: 'form_versions', col: 'document', published: true },
  process: { table: 'process_versions', col: 'definition', published: true },
  codelist: { table: 'code_lists', col: 'document', published: false },
  parameter: { table: 'parameters', col: 'value', published: false },
};

/** key → the pack that owns it (the first pack that brought it), for keys of one kind. */
async function ownersOf(db: pg.Pool | pg.ClientBase, kind: OwnedKind, keys: string[]) {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (key) key, pack_id FROM ${TABLES[kind].table}
      WHERE key = ANY($1) AND pack_id IS NOT NULL ORDER BY key, ${kind === 'parameter' ? 'year' : 'version'}`,
    [keys],
  );
  return new Map<string, string>(rows.map((r) => [r.key, r.pack_id]));
}

export interface OwnershipReport {
  /** keys another pack owns with different content: importing would change that pack */
  conflicts: { kind: OwnedKind | 'schedule'; key: string; owner: string }[];
  /** keys another pack owns with the same content: used as they are, not written */
  shared: { kind: OwnedKind; key: string; owner: string }[];
}

/** Which of a bundle's forms, processes, code lists, parameters and schedules belong to another pack. */
export async function ownership(db: pg.Pool | pg.ClientBase, bundle: PackBundle): Promise<OwnershipReport> {
  const me = bundle.manifest.id;
  const out: OwnershipReport = { conflicts: [], shared: [] };
  const lists: [OwnedKind, Record<string, any>[]][] = [
    ['form', bundle.forms],
    ['process', bundle.processes],
    ['codelist', bundle.codelists],
    ['parameter', bundle.manifest.parameters ?? []],
  ];
  for (const [kind, docs] of lists) {
    const owners = await ownersOf(
      db,
      kind,
      docs.map((d) => String(d.key)),
    );
    for (const doc of docs) {
      const owner = owners.get(doc.key);
      if (!owner || owner === me) continue;
      const theirs = await currentContent(db, kind, doc.key);
      const mine = kind === 'parameter' ? valuesOf(doc) : strip(doc);
      if (theirs !== undefined && canonical(theirs) === canonical(mine))
        out.shared.push({ kind, key: doc.key, owner });
      else out.conflicts.push({ kind, key: doc.key, owner });
    }
  }
  const others = (await installedPacks(db)).filter((p) => p.id !== me);
  for (const s of (bundle.manifest.schedules ?? []) as { id: string }[]) {
    const owner = others.find((p) => (p.manifest.schedules ?? []).some((x: { id: string }) => x.id === s.id));
    if (owner) out.conflicts.push({ kind: 'schedule', key: s.id, owner: owner.id });
  }
  return out;
}

const valuesOf = (p: Record<string, any>) =>
  [...((p.values ?? []) as { year: number; value: unknown }[])]
    .map((v) => ({ year: v.year, value: v.value }))
    .sort((a, b) => a.year - b.year);

async function currentContent(db: pg.Pool | pg.ClientBase, kind: OwnedKind, key: string) {
  if (kind === 'parameter') {
    const { rows } = await db.query('SELECT year, value FROM parameters WHERE key = $1 ORDER BY year', [key]);
    return rows.map((r) => ({ year: r.year, value: r.value }));
  }
  const t = TABLES[kind];
  const { rows } = await db.query(
    `SELECT ${t.col} AS doc FROM ${t.table} WHERE key = $1 ${t.published ? "AND status = 'published'" : ''}
      ORDER BY version DESC LIMIT 1`,
    [key],
  );
  return rows[0] ? strip(rows[0].doc) : undefined;
}

const KIND_ZH: Record<string, string> = {
  form: '表单',
  process: '流程',
  codelist: '代码表',
  parameter: '参数',
  schedule: '定时任务',
};

export function refusedConflicts(conflicts: OwnershipReport['conflicts']): DomainError {
  return new DomainError(
    'conflict',
    'owned_by_other_pack',
    '政策包中有属于其他政策包的内容，导入会改变其他政策包，未导入',
    'the pack would change what another pack owns; nothing was imported',
    conflicts.map((c) => ({
      path: `${c.kind}/${c.key}`,
      message: `${KIND_ZH[c.kind]}“${c.key}”属于政策包“${c.owner}”，内容不同，不能由本包修改`,
      message_en: `${c.kind} ${c.key} belongs to pack ${c.owner} and differs; this pack may not change it`,
    })),
  );
}

/**
 * The current content of one pack in the folder's shape: the installed manifest, the latest published
 * version of every form, process and code list it owns or shares, and its parameters with all their years.
 */
export async function exportPack(db: pg.Pool | pg.ClientBase, id: string): Promise<PackBundle> {
  const installed = (await installedPacks(db)).find((p) => p.id === id);
  if (!installed) throw new DomainError('not_found', 'not_found', '政策包不存在', `no pack ${id}`);
  const manifest = { ...installed.manifest } as PackBundle['manifest'];
  const listed = (k: 'forms' | 'codelists' | 'processes') =>
    ((installed.bundle?.[k] ?? []) as { key: string }[]).map((x) => x.key);
  const keysOf = async (kind: OwnedKind, also: string[]) => {
    const { rows } = await db.query(`SELECT DISTINCT key FROM ${TABLES[kind].table} WHERE pack_id = $1`, [
      id,
    ]);
    const owned = rows.map((r) => r.key as string);
    // a shared key stays with the pack that lists it only while that other pack still owns it
    const owners = await ownersOf(db, kind, also);
    return [...new Set([...owned, ...also.filter((k) => owners.has(k))])].sort();
  };
  const paramKeys = await keysOf(
    'parameter',
    ((manifest.parameters ?? []) as { key: string }[]).map((p) => p.key),
  );
  const params = await db.query(
    'SELECT key, year, value, title, source FROM parameters WHERE key = ANY($1) ORDER BY key, year',
    [paramKeys],
  );
  const byKey = new Map<string, any>();
  for (const p of params.rows) {
    // a parameter created through the admin API is not in the manifest: its title and source are in the table
    const entry = byKey.get(p.key) ?? {
      ...(p.title ? { title: p.title } : {}),
      ...(p.source ? { source: p.source } : {}),
      ...(manifest.parameters ?? []).find((x: any) => x.key === p.key),
      key: p.key,
      values: [],
    };
    entry.values = [
      ...(entry.values === undefined ? [] : entry.values.filter((v: any) => v.year !== p.year)),
      { year: p.year, value: p.value },
    ];
    byKey.set(p.key, entry);
  }
  manifest.parameters = [...byKey.values()].map((p) => ({
    ...p,
    values: p.values.sort((a: any, b: any) => a.year - b.year),
  }));
  const latest = async (kind: OwnedKind, keys: string[]) => {
    const t = TABLES[kind];
    return (
      await db.query(
        `SELECT DISTINCT ON (key) ${t.col} AS doc FROM ${t.table}
          WHERE key = ANY($1) ${t.published ? "AND status = 'published'" : ''} ORDER BY key, version DESC`,
        [keys],
      )
    ).rows.map((r) => strip(r.doc));
  };
  return {
    manifest,
    forms: await latest('form', await keysOf('form', listed('forms'))),
    codelists: await latest('codelist', await keysOf('codelist', listed('codelists'))),
    processes: await latest('process', await keysOf('process', listed('processes'))),
  };
}

export interface PackDiffEntry {
  kind: 'form' | 'process' | 'codelist' | 'parameter' | 'schedule';
  key: string;
  change: 'added' | 'removed' | 'changed';
  paths?: string[];
}

/** What differs between two bundles, with the JSON paths that changed. */
/**
 * 政策包差异 what changed between two versions of an installed pack (`from`/`to` absent: the one in force,
 * as exported).
 */
export async function diffPackVersions(db: pg.Pool, id: string, from: unknown, to: unknown) {
  const version = async (v: unknown): Promise<PackBundle> => {
    if (!v) return exportPack(db, id);
    const { rows } = await db.query('SELECT bundle FROM packs WHERE id = $1 AND version = $2', [
      id,
      String(v),
    ]);
    if (!rows[0]?.bundle)
      throw domain.notFound(`政策包版本 ${String(v)} 不存在`, `no version ${String(v)} of pack ${id}`);
    return rows[0].bundle;
  };
  return { changes: diffPacks(await version(from), await version(to)) };
}

export function diffPacks(from: PackBundle, to: PackBundle): PackDiffEntry[] {
  const out: PackDiffEntry[] = [];
  const compare = (kind: PackDiffEntry['kind'], a: Record<string, any>[], b: Record<string, any>[]) => {
    const A = new Map(a.map((x) => [x.key, strip(x)]));
    const B = new Map(b.map((x) => [x.key, strip(x)]));
    for (const [k, v] of B) {
      if (!A.has(k)) out.push({ kind, key: k, change: 'added' });
      else if (canonical(A.get(k)) !== canonical(v))
        out.push({ kind, key: k, change: 'changed', paths: changedPaths(A.get(k), v) });
    }
    for (const k of A.keys()) if (!B.has(k)) out.push({ kind, key: k, change: 'removed' });
  };
  compare('form', from.forms, to.forms);
  compare('process', from.processes, to.processes);
  compare('codelist', from.codelists, to.codelists);
  compare('parameter', from.manifest.parameters ?? [], to.manifest.parameters ?? []);
  const schedules = (b: PackBundle) =>
    ((b.manifest.schedules ?? []) as Record<string, any>[]).map((s) => ({ key: s.id, ...s }));
  compare('schedule', schedules(from), schedules(to));
  return out;
}

export function changedPaths(a: unknown, b: unknown, base = ''): string[] {
  if (canonical(a) === canonical(b)) return [];
  const bothObjects =
    a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) return [base || '/'];
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  // arrays of steps/fields are compared by id when they have one
  const idOf = (x: unknown) =>
    x && typeof x === 'object' && 'id' in (x as object) ? String((x as { id: unknown }).id) : undefined;
  if (Array.isArray(a) && Array.isArray(b) && a.every(idOf) && b.every(idOf)) {
    const A = new Map(a.map((x) => [idOf(x)!, x]));
    const B = new Map(b.map((x) => [idOf(x)!, x]));
    const ids = new Set([...A.keys(), ...B.keys()]);
    return [...ids].flatMap((id) => changedPaths(A.get(id), B.get(id), `${base}/${id}`));
  }
  return [...keys].flatMap((k) => changedPaths((a as any)[k], (b as any)[k], `${base}/${k}`));
}

export interface PackEffects {
  pack: string;
  version: string;
  /** the version in force now (null: a new pack) */
  installedVersion: string | null;
  /** forms, processes, code lists, parameters and schedules added or changed, schedules removed */
  changes: PackDiffEntry[];
  /** in the installed version but not in this one: they stay published (an import never unpublishes) */
  kept: { kind: PackDiffEntry['kind']; key: string }[];
  roles: { added: string[]; removed: { key: string; users: number }[] };
  shared: OwnershipReport['shared'];
  conflicts: OwnershipReport['conflicts'];
  /** effects that take something away: refused unless the import is confirmed */
  destructive: FieldError[];
}

/** 导入预览 everything importing this bundle would do, and what of it is refused or needs confirming. */
export async function previewPackImport(
  db: pg.Pool | pg.ClientBase,
  bundle: PackBundle,
): Promise<PackEffects> {
  const id = bundle.manifest.id;
  const installed = await installedPacks(db);
  const mine = installed.find((p) => p.id === id);
  const current = mine
    ? await exportPack(db, id)
    : {
        manifest: { ...bundle.manifest, parameters: [], schedules: [], roles: [] },
        forms: [],
        codelists: [],
        processes: [],
      };
  const { conflicts, shared } = await ownership(db, bundle);
  const isShared = (kind: string, key: string) => shared.some((x) => x.kind === kind && x.key === key);
  const diff = diffPacks(current, bundle).filter((c) => !isShared(c.kind, c.key));
  const changes = diff.filter((c) => c.change !== 'removed' || c.kind === 'schedule');
  const kept = diff
    .filter((c) => c.change === 'removed' && c.kind !== 'schedule')
    .map(({ kind, key }) => ({ kind, key }));
  const keys = (m: Record<string, any> | undefined) =>
    ((m?.roles ?? []) as { key: string }[]).map((r) => r.key);
  const before = keys(mine?.manifest);
  const after = new Set(keys(bundle.manifest));
  const elsewhere = new Set(installed.filter((p) => p.id !== id).flatMap((p) => keys(p.manifest)));
  const removedKeys = before.filter((k) => !after.has(k) && !elsewhere.has(k));
  const held = removedKeys.length
    ? (
        await db.query(
          'SELECT role, count(DISTINCT user_id)::int AS n FROM user_roles WHERE role = ANY($1) GROUP BY role',
          [removedKeys],
        )
      ).rows
    : [];
  const removed = removedKeys.map((key) => ({ key, users: held.find((h) => h.role === key)?.n ?? 0 }));
  const destructive: FieldError[] = [
    ...removed
      .filter((r) => r.users > 0)
      .map((r) => ({
        path: `roles/${r.key}`,
        message: `角色“${r.key}”将被删除，仍有 ${r.users} 个账号持有该角色`,
        message_en: `role ${r.key} would be dropped while ${r.users} accounts hold it`,
      })),
    ...changes
      .filter((c) => c.kind === 'schedule' && c.change === 'removed')
      .map((c) => ({
        path: `schedules/${c.key}`,
        message: `定时任务“${c.key}”将被删除`,
        message_en: `schedule ${c.key} would be deleted`,
      })),
  ];
  return {
    pack: id,
    version: bundle.manifest.version,
    installedVersion: mine?.version ?? null,
    changes,
    kept,
    roles: { added: [...after].filter((k) => !before.includes(k)), removed },
    shared,
    conflicts,
    destructive,
  };
}

/** 政策包列表 the installed packs: version in force, the org subtree, what each holds. */
export async function listPacks(db: pg.Pool | pg.ClientBase) {
  const out = [];
  for (const p of await installedPacks(db)) {
    const versions = await db.query(
      'SELECT version, imported_at FROM packs WHERE id = $1 ORDER BY imported_at DESC',
      [p.id],
    );
    out.push({
      id: p.id,
      version: p.version,
      title: p.manifest.title,
      scopeOrg: p.scopeOrg,
      roles: ((p.manifest.roles ?? []) as { key: string }[]).map((r) => r.key),
      schedules: ((p.manifest.schedules ?? []) as { id: string }[]).map((s) => s.id),
      versions: versions.rows.map((v) => ({ version: v.version, importedAt: v.imported_at })),
    });
  }
  return out;
}

/** 安装范围 install a pack for an org subtree (null: everywhere); its processes are offered only there. */
export async function setPackScope(db: pg.Pool, actorId: string, id: string, org: unknown) {
  if (org !== null && typeof org !== 'string')
    throw new DomainError(
      'invalid',
      'validation_failed',
      '提交的数据有误',
      'the request has invalid fields',
      [{ path: 'org', message: '请选择组织机构', message_en: 'org: a node id or null' }],
    );
  if (org) {
    const node = await db.query('SELECT closed_at FROM org_nodes WHERE id = $1', [org]);
    if (!node.rows[0] || node.rows[0].closed_at)
      throw new DomainError(
        'invalid',
        'validation_failed',
        '提交的数据有误',
        'the request has invalid fields',
        [{ path: 'org', message: '组织机构不存在或已撤销', message_en: 'unknown or closed node' }],
      );
  }
  return inTransaction(db, async (tx) => {
    const r = await tx.query('UPDATE pack_installs SET scope_org = $2 WHERE id = $1 RETURNING id', [id, org]);
    if (!r.rowCount) throw new DomainError('not_found', 'not_found', '政策包不存在', `no pack ${id}`);
    await appendAudit(tx, [
      { id: `pack.scope:${id}:${Date.now()}`, actorId, action: 'pack.scope', target: id, detail: { org } },
    ]);
    return { id, scopeOrg: org };
  });
}

/** The org node a process's pack is installed for (null: everywhere, or a process of no pack). */
export async function processScope(db: pg.Pool | pg.ClientBase, key: string): Promise<string | null> {
  const { rows } = await db.query(
    `SELECT i.scope_org FROM pack_installs i
      WHERE i.id = (SELECT max(pack_id) FROM process_versions WHERE key = $1)`,
    [key],
  );
  return rows[0]?.scope_org ?? null;
}
