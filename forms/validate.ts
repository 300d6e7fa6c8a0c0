/**
 * 表单校验 one validator for the browser and the server: strip and
 * recompute derived fields, check the JSON Schema (compiled once per form
 * version), then the form's cross-field rules and the step's field
 * permissions. Returns the clean data or one error per wrong field.
 */
import type { ValidateFunction } from 'ajv';
import { ajv } from './ajv.js';
import { computeDerived, evaluateRule, stripDerived, type DerivedField } from './derive.js';
import { explain, schemaAt, type FormError } from './messages.js';
import documentSchema from './form-document.schema.json' with { type: 'json' };

export interface FormRule {
  id: string;
  /** applies when this JSON Logic is true (default: always) */
  when?: unknown;
  /** these fields must then be filled */
  require?: string[];
  /** or this JSON Logic must hold */
  logic?: unknown;
  path?: string;
  message: { zh: string; en: string };
}

export interface FormDocument {
  key: string;
  version: number;
  title: { zh: string; en?: string };
  schema: Record<string, any>;
  uiSchema?: Record<string, any>;
  derived?: DerivedField[];
  rules?: FormRule[];
  /** 分阶段填写 the stages the form is filled in, in order; a field's `x-stage` names the first stage that shows it */
  stages?: string[];
  source?: unknown;
}

export type Permission = 'edit' | 'readonly' | 'hidden';
export type ValidationResult =
  { ok: true; data: Record<string, unknown> } | { ok: false; errors: FormError[] };

const compiled = new Map<string, ValidateFunction>();

/**
 * Compile a form version once; the same key@version returns the same function. Version -1 is never cached
 * (drafts). With a stage (分阶段填写), the fields of later stages are not required — they are not filled
 * yet — so the schema checked at that stage is compiled once too, instead of reporting them as missing on
 * every save and dropping the errors afterwards.
 */
export function compileForm(doc: FormDocument, stage?: string): ValidateFunction {
  const later = laterStageFields(doc, stage);
  const id = later.length ? `${doc.key}@${doc.version}#${stage}` : `${doc.key}@${doc.version}`;
  const hit = doc.version >= 0 ? compiled.get(id) : undefined;
  if (hit) return hit;
  const { $id: _ignored, ...schema } = doc.schema;
  if (later.length && Array.isArray(schema.required))
    schema.required = schema.required.filter((k: string) => !later.includes(k));
  const fn = ajv.compile(boundedText(constChoicesAsEnum(schema)));
  if (doc.version >= 0) compiled.set(id, fn);
  return fn;
}

/** Text a form accepts when its field names no maxLength (a designer may set less, never none). */
export const DEFAULT_TEXT_MAX = 2000;

/** Every free-text field has a maxLength: a string field without one gets DEFAULT_TEXT_MAX when checked. */
export function boundedText(node: unknown): any {
  if (Array.isArray(node)) return node.map(boundedText);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node))
    out[k] = k === 'const' || k === 'enum' || k === 'default' ? v : boundedText(v);
  const types = Array.isArray(out.type) ? out.type : [out.type];
  if (
    types.includes('string') &&
    out.maxLength === undefined &&
    out.enum === undefined &&
    out.const === undefined
  ) {
    out.maxLength = DEFAULT_TEXT_MAX;
  }
  return out;
}

/**
 * A code-list choice is a `oneOf` of `{const, title}` (the titles are the labels staff see). For checking,
 * "exactly one const matches" is "the value is one of the consts", and an `enum` is checked with one lookup
 * instead of trying every branch (56 ethnicities × each member row): same answers, same messages
 * (messages.ts reads `enum` and `oneOf` alike), several times faster on 附件2.
 */
export function constChoicesAsEnum(node: unknown): any {
  if (Array.isArray(node)) return node.map(constChoicesAsEnum);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = constChoicesAsEnum(v);
  const choices = out.oneOf;
  if (
    Array.isArray(choices) &&
    choices.length > 0 &&
    out.enum === undefined &&
    choices.every(
      (c) =>
        c &&
        typeof c === 'object' &&
        'const' in c &&
        Object.keys(c).every((key) => ['const', 'title', 'description'].includes(key)),
    )
  ) {
    const consts = choices.map((c) => (c as { const: unknown }).const);
    if (new Set(consts.map((c) => JSON.stringify(c))).size === consts.length) {
      delete out.oneOf;
      out.enum = consts;
    }
  }
  return out;
}

let checkDocument: ValidateFunction | undefined;

/** Is this a well-formed form document (before it may be published)? */
export function validateFormDocument(
  doc: unknown,
): { ok: true } | { ok: false; errors: { path: string; message: string; message_en: string }[] } {
  checkDocument ??= ajv.compile(documentSchema);
  if (checkDocument(doc)) return { ok: true };
  return {
    ok: false,
    errors: (checkDocument.errors ?? []).map((e) => ({
      path: e.instancePath || '/',
      message: `表单定义 ${e.instancePath || ''} 不符合要求：${e.message}`,
      message_en: `form document ${e.instancePath || ''} ${e.message}`,
    })),
  };
}

const get = (data: any, path: string) =>
  path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), data);
function set(data: any, path: string, value: unknown) {
  const parts = path.split('.');
  let cur = data;
  for (const p of parts.slice(0, -1)) cur = cur[p] ??= {};
  if (value === undefined) delete cur[parts.at(-1)!];
  else cur[parts.at(-1)!] = value;
}
/**
 * A copy of JSON data, so the caller's object is never changed (about twice as fast as a JSON round trip);
 * like JSON, it drops undefined properties and functions and turns non-finite numbers into null.
 */
function cloneJson(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'number' && !Number.isFinite(v) ? null : v;
  if (Array.isArray(v))
    return v.map((x) => (x === undefined || typeof x === 'function' ? null : cloneJson(x)));
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(v));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined && typeof x !== 'function') out[k] = cloneJson(x);
  }
  return out;
}
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const empty = (v: unknown) =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

export function validateFormData(
  doc: FormDocument,
  input: unknown,
  opts: { permissions?: Record<string, Permission>; previous?: Record<string, unknown>; stage?: string } = {},
): ValidationResult {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      errors: [
        {
          path: '',
          message: '表单数据必须是对象',
          message_en: 'form data must be an object',
          keyword: 'type',
        },
      ],
    };
  }
  const data: Record<string, any> = cloneJson(input) as Record<string, any>;
  const errors: FormError[] = [];
  const previous = opts.previous ?? {};
  for (const [path, perm] of Object.entries(opts.permissions ?? {})) {
    if (perm === 'hidden') {
      set(data, path, get(previous, path)); // not shown, not accepted: keep what was there
    } else if (
      perm === 'readonly' &&
      get(data, path) !== undefined &&
      !same(get(data, path), get(previous, path))
    ) {
      const title = schemaAt(doc.schema, path.split('.'))?.title ?? path;
      errors.push({
        path,
        message: `“${title}”为只读字段，不可修改`,
        message_en: `"${title}" is read-only at this step`,
        keyword: 'readonly',
      });
    }
  }
  const derived = doc.derived ?? [];
  stripDerived(data, derived);
  try {
    computeDerived(data, derived);
  } catch {
    // a formula over malformed input: the schema errors below say what is wrong
  }
  // 显示条件 a field whose x-visibleWhen is false is not shown: its value is dropped and it is not required
  // 分阶段 a field of a later stage is not filled yet: it is not accepted and not required
  const conditional = hiddenFields(doc, data);
  const later = laterStageFields(doc, opts.stage);
  const hidden = conditional.length ? [...conditional, ...later] : later;
  for (const k of hidden) delete data[k];
  const validate = compileForm(doc, opts.stage);
  if (!validate(data)) {
    errors.push(
      ...explain(validate.errors ?? [], doc.schema, data).filter(
        (e) => !hidden.includes(e.path.split('.')[0]),
      ),
    );
  }
  for (const rule of doc.rules ?? []) {
    let applies: boolean;
    try {
      applies = rule.when === undefined || evaluateRule(rule.when, data);
    } catch {
      applies = false;
    }
    if (!applies) continue;
    for (const path of rule.require ?? []) {
      if (empty(get(data, path)) && !errors.some((e) => e.path === path)) {
        errors.push({ path, message: rule.message.zh, message_en: rule.message.en, keyword: 'rule' });
      }
    }
    if (rule.logic !== undefined) {
      let ok: boolean;
      try {
        ok = evaluateRule(rule.logic, data);
      } catch {
        ok = false;
      }
      const path = rule.path ?? '';
      if (!ok && !errors.some((e) => e.path === path))
        errors.push({ path, message: rule.message.zh, message_en: rule.message.en, keyword: 'rule' });
    }
  }
  const shown = errors.filter((e) => !hidden.includes(e.path.split('.')[0]));
  return shown.length ? { ok: false, errors: shown } : { ok: true, data };
}

export type { FormError };

interface TopLevelTags {
  /** fields with a display condition, and the condition */
  conditional: [string, unknown][];
  /** fields with a stage, and the stage */
  staged: [string, string][];
  /** the fields after each stage, for the stage order they were found with */
  later: Map<string, { order: string[]; fields: string[] }>;
}
/** shared answers are frozen: a caller that changed one would change it for every later call */
const NONE = Object.freeze([]) as unknown as string[];
const tagsOf = new WeakMap<object, TopLevelTags>();
/** the top-level fields with a display condition or a stage, found once per schema (validation is a hot path) */
function topLevelTags(schema: Record<string, any>): TopLevelTags {
  let hit = tagsOf.get(schema);
  if (!hit) {
    const props = Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>);
    hit = {
      conditional: props
        .filter(([, p]) => p?.['x-visibleWhen'] !== undefined)
        .map(([k, p]) => [k, p['x-visibleWhen']]),
      staged: props
        .filter(([, p]) => typeof p?.['x-stage'] === 'string')
        .map(([k, p]) => [k, p['x-stage'] as string]),
      later: new Map(),
    };
    tagsOf.set(schema, hit);
  }
  return hit;
}

/**
 * 分阶段填写 the top-level fields filled at a stage after `stage` (附件2: the assistance measures A39–A52
 * after approval, the elimination data A53–A54 at elimination). No stage given: every field is shown.
 */
export function laterStageFields(
  doc: Pick<FormDocument, 'schema' | 'stages'>,
  stage: string | undefined,
): string[] {
  const order = doc.stages ?? [];
  const at = stage === undefined ? -1 : order.indexOf(stage);
  if (at < 0) return NONE;
  const tags = topLevelTags(doc.schema);
  let hit = tags.later.get(stage!);
  if (!hit || hit.order !== order) {
    hit = {
      order,
      fields: Object.freeze(tags.staged.filter(([, s]) => order.indexOf(s) > at).map(([k]) => k)) as string[],
    };
    tags.later.set(stage!, hit);
  }
  return hit.fields;
}

/**
 * The top-level fields hidden by their `x-visibleWhen` (JSON Logic over the form's own data), e.g.
 * 代为申报人姓名 only when 申报人 is someone else. Shared by the renderer, which hides them as you type.
 */
export function hiddenFields(doc: Pick<FormDocument, 'schema'>, data: Record<string, unknown>): string[] {
  const conditional = topLevelTags(doc.schema).conditional;
  if (!conditional.length) return NONE;
  const out: string[] = [];
  for (const [k, when] of conditional) {
    let visible: boolean;
    try {
      visible = evaluateRule(when, data);
    } catch {
      visible = true;
    }
    if (!visible) out.push(k);
  }
  return out;
}
