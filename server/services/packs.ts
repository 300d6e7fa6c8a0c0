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
import { appendAudit } from '../audit/chain.js';
import { publishVersioned } from './versioned.js';
import { canonical } from '../canonical.js';

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
  opts: { actorId?: string; validateProcess?: (def: Record<string, any>) => string[] } = {},
): Promise<ImportReport> {
  if (opts.validateProcess) {
    const problems = bundle.processes.flatMap((p) => opts.validateProcess!(p).map((e) => `${p.key}: ${e}`));
    if (problems.length) throw Object.assign(new Error('invalid processes in pack'), { details: problems });
  }
  return inTransaction(db, async (tx) => {
    const report: ImportReport = {
      pack: bundle.manifest.id,
      version: bundle.manifest.version,
      published: [],
      unchanged: 0,
    };
    const packId = bundle.manifest.id;
    for (const cl of bundle.codelists) {
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
             created_by = EXCLUDED.created_by, created_at = now()`,
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

/** The current (latest published) content of a pack, in the folder's shape. */
export async function exportPack(db: pg.Pool | pg.ClientBase, id: string): Promise<PackBundle> {
  const m = await db.query('SELECT manifest FROM packs WHERE id = $1 ORDER BY imported_at DESC LIMIT 1', [
    id,
  ]);
  if (!m.rows[0]) throw Object.assign(new Error(`no pack ${id}`), { status: 404 });
  const manifest = { ...m.rows[0].manifest };
  const params = await db.query('SELECT key, year, value, title, source FROM parameters ORDER BY key, year');
  const byKey = new Map<string, any>();
  for (const p of params.rows) {
    const entry = byKey.get(p.key) ?? {
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
  const latest = async (table: string, col: string) =>
    (
      await db.query(
        `SELECT DISTINCT ON (key) ${col} AS doc FROM ${table} WHERE status = 'published' ORDER BY key, version DESC`,
      )
    ).rows.map((r) => strip(r.doc));
  const codelists = (
    await db.query('SELECT DISTINCT ON (key) document AS doc FROM code_lists ORDER BY key, version DESC')
  ).rows.map((r) => strip(r.doc));
  return {
    manifest,
    forms: await latest('form_versions', 'document'),
    codelists,
    processes: await latest('process_versions', 'definition'),
  };
}

export interface PackDiffEntry {
  kind: 'form' | 'process' | 'codelist' | 'parameter' | 'schedule';
  key: string;
  change: 'added' | 'removed' | 'changed';
  paths?: string[];
}

/** What differs between two bundles, with the JSON paths that changed. */
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
