/**
 * 模板 + 覆盖 a provincial pack stored as an overlay on a template pack (the national template): the
 * template in a keyed shape (forms, processes, code lists and parameters by key, a process's steps by id,
 * a parameter's values by year), a list of operations on it addressed by JSON Pointer (`add`, `replace`,
 * `remove`; `-` appends to an array), and the province's keys (each template key gets the overlay's
 * suffix: the province owns its own forms, processes and parameters, the references move with them).
 * Re-applying on a new template version lists, by path, what still applies and what conflicts (the
 * template changed a path the overlay also changes). Pure: the service (server/services/overlay.ts) reads
 * and writes.
 */
import { canonical } from '../../store/canonical.js';
import type { FieldError } from '../errors.js';
import type { PackBundle } from '../services/packs.js';
import type { ProcessDefinition } from '../../workflows/definition.js';
import { copyProcessDefinition } from './rewrite.js';

export interface OverlayOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

type Obj = Record<string, any>;
export interface KeyedPack {
  manifest: Obj;
  parameters: Record<string, Obj>;
  forms: Record<string, Obj>;
  codelists: Record<string, Obj>;
  processes: Record<string, Obj>;
}

const strip = ({ version: _v, ...rest }: Obj) => rest;
const byKey = (xs: Obj[] | undefined, f: (x: Obj) => Obj = (x) => x) =>
  Object.fromEntries((xs ?? []).map((x) => [String(x.key), f(strip(x))]));

/** A bundle in the keyed shape the overlay's paths address. */
export function keyed(bundle: PackBundle): KeyedPack {
  const { parameters, ...manifest } = bundle.manifest;
  return {
    manifest,
    parameters: byKey(parameters as Obj[], (p) => ({
      ...p,
      values: Object.fromEntries(((p.values ?? []) as Obj[]).map((v) => [String(v.year), v.value])),
    })),
    forms: byKey(bundle.forms),
    codelists: byKey(bundle.codelists),
    processes: byKey(bundle.processes, (p) => ({
      ...p,
      steps: Object.fromEntries(((p.steps ?? []) as Obj[]).map((s) => [String(s.id), s])),
    })),
  };
}

/** The keyed shape back as a bundle (steps in their order, added ones after). */
export function unkeyed(k: KeyedPack): PackBundle {
  return {
    manifest: {
      ...(k.manifest as PackBundle['manifest']),
      parameters: Object.entries(k.parameters).map(([key, p]) => ({
        ...p,
        key,
        values: Object.entries((p.values ?? {}) as Obj)
          .map(([year, value]) => ({ year: Number(year), value }))
          .sort((a, b) => a.year - b.year),
      })),
    },
    forms: Object.entries(k.forms).map(([key, f]) => ({ ...f, key })),
    codelists: Object.entries(k.codelists).map(([key, c]) => ({ ...c, key })),
    processes: Object.entries(k.processes).map(([key, p]) => ({
      ...p,
      key,
      steps: Object.entries((p.steps ?? {}) as Obj).map(([id, s]) => ({ ...s, id })),
    })),
  };
}

const segments = (path: string) =>
  path
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/** The value at a pointer (undefined when absent). */
export function valueAt(doc: unknown, path: string): unknown {
  let at: any = doc;
  for (const s of segments(path)) {
    if (at === null || typeof at !== 'object') return undefined;
    at = at[s];
  }
  return at;
}

/** Apply the operations to a copy; each one that does not fit is reported by its index and path. */
export function applyOps(doc: KeyedPack, ops: OverlayOp[]): { doc: KeyedPack; errors: FieldError[] } {
  const out = structuredClone(doc);
  const errors: FieldError[] = [];
  ops.forEach((o, i) => {
    const bad = (zh: string, en: string) =>
      errors.push({ path: `ops/${i}`, message: `${o.path}：${zh}`, message_en: `${o.path}: ${en}` });
    if (!['add', 'replace', 'remove'].includes(o?.op)) return bad('操作须为 add、replace 或 remove', 'op');
    if (typeof o.path !== 'string' || !/^\/(forms|processes|codelists|parameters|manifest)\/./.test(o.path))
      return bad(
        '路径须以 /forms、/processes、/codelists、/parameters 或 /manifest 开头',
        'path must start with /forms, /processes, /codelists, /parameters or /manifest',
      );
    if (o.op !== 'remove' && o.value === undefined) return bad('缺少 value', 'value is required');
    const segs = segments(o.path);
    const last = segs.pop()!;
    let parent: any = out;
    for (const s of segs) {
      parent = parent?.[s];
      if (parent === null || typeof parent !== 'object')
        return bad('上级路径在模板中不存在', 'no such parent');
    }
    if (Array.isArray(parent)) {
      const idx = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(idx) || idx < 0 || idx > parent.length) return bad('数组下标无效', 'bad index');
      if (o.op === 'add') parent.splice(idx, 0, structuredClone(o.value));
      else if (idx >= parent.length) bad('该位置不存在', 'no such element');
      else if (o.op === 'replace') parent[idx] = structuredClone(o.value);
      else parent.splice(idx, 1);
      return;
    }
    const exists = Object.prototype.hasOwnProperty.call(parent, last);
    if (o.op === 'add' && exists) return bad('已存在，请用 replace', 'exists already: use replace');
    if (o.op !== 'add' && !exists) return bad('在模板中不存在', 'not in the template');
    if (o.op === 'remove') delete parent[last];
    else parent[last] = structuredClone(o.value);
  });
  return { doc: out, errors };
}

/**
 * The province's bundle: every form, process and parameter key of the (overlaid) template gets the suffix,
 * and every reference moves with it (a step's form, what it stores, `data.*` and `params.*` in every
 * `var`, `{ param }` numbers, notice `publish` paths). Code lists keep their keys (shared while equal).
 */
export function rekeyed(k: KeyedPack, suffix: string, manifest: Obj): PackBundle {
  const formKeys = Object.fromEntries(Object.keys(k.forms).map((f) => [f, `${f}-${suffix}`]));
  const paramKeys = Object.fromEntries(Object.keys(k.parameters).map((p) => [p, `${p}-${suffix}`]));
  const b = unkeyed(k);
  const params = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(params);
    if (!x || typeof x !== 'object') return x;
    return Object.fromEntries(
      Object.entries(x).map(([key, v]) => {
        if (key === 'param' && typeof v === 'string' && paramKeys[v]) return [key, paramKeys[v]];
        if (key === 'var') {
          const p = Array.isArray(v) ? v[0] : v;
          if (typeof p === 'string' && p.startsWith('params.')) {
            const [name, ...rest] = p.slice('params.'.length).split('.');
            const to = paramKeys[name!];
            if (to) {
              const moved = ['params', to, ...rest].join('.');
              return [key, Array.isArray(v) ? [moved, ...v.slice(1)] : moved];
            }
          }
        }
        return [key, params(v)];
      }),
    );
  };
  return {
    manifest: {
      ...b.manifest,
      ...manifest,
      parameters: (b.manifest.parameters as Obj[]).map((p) => ({ ...p, key: paramKeys[p.key] })),
    } as PackBundle['manifest'],
    forms: b.forms.map((f) => params({ ...f, key: formKeys[f.key] }) as Obj),
    codelists: b.codelists,
    processes: b.processes.map(
      (p) =>
        params(
          copyProcessDefinition(p as unknown as ProcessDefinition, {
            key: `${p.key}-${suffix}`,
            forms: formKeys,
          }).definition,
        ) as Obj,
    ),
  };
}

/** Every path where two documents differ (leaves; a path only one has counts too). */
export function differingPaths(a: unknown, b: unknown, base = ''): string[] {
  if (canonical(a) === canonical(b)) return [];
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b))
    return [base || '/'];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) =>
    differingPaths((a as Obj)[k], (b as Obj)[k], `${base}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`),
  );
}

export interface OverlayConflict {
  path: string;
  op: OverlayOp['op'];
  /** the template's value at the path in the version the overlay was made on, and in the new one */
  base: { before: unknown; after: unknown };
  /** what the overlay puts there */
  overlay: unknown;
  reason: string;
  reason_en: string;
}

/**
 * 重新应用 the overlay on a new template version: each operation applies cleanly unless the template
 * changed the same path (or one inside or above it) between the two versions, or it no longer fits.
 */
export function reapplyPreview(oldBase: KeyedPack, newBase: KeyedPack, ops: OverlayOp[]) {
  const changed = differingPaths(oldBase, newBase);
  const applies: { index: number; op: OverlayOp['op']; path: string }[] = [];
  const conflicts: (OverlayConflict & { index: number })[] = [];
  ops.forEach((o, index) => {
    const append = o.path.endsWith('/-');
    const p = append ? o.path.slice(0, -2) : o.path;
    const overlaps = changed.filter((q) =>
      append ? q === p || p.startsWith(`${q}/`) : q === p || q.startsWith(`${p}/`) || p.startsWith(`${q}/`),
    );
    const conflict = (reason: string, reason_en: string) =>
      conflicts.push({
        index,
        path: o.path,
        op: o.op,
        base: { before: valueAt(oldBase, p) ?? null, after: valueAt(newBase, p) ?? null },
        overlay: o.op === 'remove' ? null : o.value,
        reason,
        reason_en,
      });
    if (overlaps.length)
      return conflict(
        `模板新版本也改动了此处：${overlaps.slice(0, 5).join('、')}`,
        `the new template version changed ${overlaps.slice(0, 5).join(', ')} too`,
      );
    const fits = applyOps(newBase, [o]).errors;
    if (fits.length) return conflict(`在模板新版本中无法应用：${fits[0]!.message}`, fits[0]!.message_en);
    applies.push({ index, op: o.op, path: o.path });
  });
  return { baseChanges: changed, applies, conflicts };
}
