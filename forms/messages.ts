/**
 * 错误信息 turn ajv's errors into one clear message per field, in Chinese
 * (naming the field's label) and English, with a dotted path (members.2.A7).
 */
import type { ErrorObject } from 'ajv';
import { checkIdOrDisability, parseDisabilityCert, parseResidentId } from './formats.js';

export interface FormError {
  path: string;
  message: string;
  message_en: string;
  keyword: string;
}

/** The schema node at a data path (follows properties and items). */
export function schemaAt(schema: any, path: string[]): any {
  let node = schema;
  for (const part of path) {
    if (!node) return undefined;
    if (/^\d+$/.test(part) && node.items) node = node.items;
    else node = node.properties?.[part];
  }
  return node;
}

export const dotted = (pointer: string) =>
  pointer
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');

function label(schema: any, path: string[]): string {
  const node = schemaAt(schema, path);
  const title = node?.title ?? path.at(-1) ?? '表单';
  return /^\d+$/.test(String(path.at(-1)))
    ? `${schemaAt(schema, path.slice(0, -1))?.title ?? ''}第${Number(path.at(-1)) + 1}项`
    : title;
}

function valueAt(data: any, path: string[]): unknown {
  return path.reduce((v, k) => (v == null ? undefined : v[k]), data);
}

const FORMAT_NAMES: Record<string, [string, string]> = {
  mobile: ['应为11位手机号码', 'must be an 11-digit mobile number'],
  phone: ['应为11位手机号码或带区号的固定电话', 'must be a mobile number or a landline with its area code'],
  money: ['金额最多保留两位小数', 'amounts have at most two decimals'],
  'half-months': ['务工月数应为0–12，按0.5月填写', 'months worked are 0 to 12 in steps of 0.5'],
  date: ['应为日期（年-月-日）', 'must be a date (YYYY-MM-DD)'],
};

export function explain(errors: ErrorObject[], schema: any, data: unknown): FormError[] {
  const out = new Map<string, FormError>();
  // most specific first: structural errors of combinators come last and are dropped when a field already has one
  const ordered = [...errors].sort((a, b) => rank(a) - rank(b));
  for (const e of ordered) {
    // a code-list choice is a oneOf of consts: report the choice once ("请从列表中选择"), not each branch
    if (
      /\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath) &&
      ordered.some(
        (o) => o.instancePath === e.instancePath && (o.keyword === 'oneOf' || o.keyword === 'anyOf'),
      )
    )
      continue;
    let path = e.instancePath.split('/').filter(Boolean);
    if (e.keyword === 'required') path = [...path, (e.params as { missingProperty: string }).missingProperty];
    const key = path.join('.');
    if (out.has(key)) continue;
    if (
      ['anyOf', 'oneOf', 'if', 'then', 'else', 'allOf'].includes(e.keyword) &&
      [...out.keys()].some((k) => k.startsWith(key))
    )
      continue;
    const name = label(schema, path);
    const [zh, en] = text(e, name, valueAt(data, path));
    out.set(key, { path: key, message: zh, message_en: en, keyword: e.keyword });
  }
  return [...out.values()];
}

function rank(e: ErrorObject): number {
  return ['anyOf', 'oneOf', 'if', 'then', 'else', 'allOf'].includes(e.keyword) ? 1 : 0;
}

function text(e: ErrorObject, name: string, value: unknown): [string, string] {
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'required':
      return [`“${name}”为必填项`, `"${name}" is required`];
    case 'type':
      return [`“${name}”${typeZh(p.type)}`, `"${name}" must be ${p.type}`];
    case 'minimum':
    case 'exclusiveMinimum':
      return [`“${name}”不能小于${p.limit}`, `"${name}" must be at least ${p.limit}`];
    case 'maximum':
    case 'exclusiveMaximum':
      return [`“${name}”不能大于${p.limit}`, `"${name}" must be at most ${p.limit}`];
    case 'minLength':
      return p.limit === 1
        ? [`“${name}”不能为空`, `"${name}" may not be empty`]
        : [`“${name}”至少${p.limit}个字`, `"${name}" needs at least ${p.limit} characters`];
    case 'maxLength':
      return [`“${name}”最多${p.limit}个字`, `"${name}" has at most ${p.limit} characters`];
    case 'minItems':
      return [`“${name}”至少需要${p.limit}项`, `"${name}" needs at least ${p.limit} entries`];
    case 'maxItems':
      return [`“${name}”最多${p.limit}项`, `"${name}" has at most ${p.limit} entries`];
    case 'uniqueItems':
      return [`“${name}”有重复项`, `"${name}" has duplicates`];
    case 'enum':
    case 'oneOf':
    case 'anyOf':
      return [`“${name}”请从列表中选择`, `"${name}" must be one of the listed options`];
    case 'const':
      return p.allowedValue === true
        ? [`请勾选“${name}”`, `"${name}" must be ticked`]
        : [`“${name}”取值不正确`, `"${name}" has a wrong value`];
    case 'pattern':
      return [`“${name}”格式不正确`, `"${name}" has the wrong format`];
    case 'multipleOf':
      return [`“${name}”应为${p.multipleOf}的整数倍`, `"${name}" must be a multiple of ${p.multipleOf}`];
    case 'additionalProperties':
      return [`表单中没有字段“${p.additionalProperty}”`, `the form has no field "${p.additionalProperty}"`];
    case 'format': {
      if (p.format === 'resident-id') {
        const r = parseResidentId(String(value));
        return r.valid
          ? [`“${name}”格式不正确`, `"${name}" is malformed`]
          : [`“${name}”${r.message.replace(/^身份证号/, '')}`, `"${name}": ${r.message_en}`];
      }
      if (p.format === 'disability-cert' || p.format === 'id-or-disability') {
        const r =
          p.format === 'disability-cert'
            ? parseDisabilityCert(String(value))
            : checkIdOrDisability(String(value));
        return r.valid
          ? [`“${name}”格式不正确`, `"${name}" is malformed`]
          : [`“${name}”：${r.message}`, `"${name}": ${r.message_en}`];
      }
      const f = FORMAT_NAMES[p.format];
      return f
        ? [`“${name}”${f[0]}`, `"${name}" ${f[1]}`]
        : [`“${name}”格式不正确`, `"${name}" has the wrong format`];
    }
    default:
      return [`“${name}”不符合要求`, `"${name}" is invalid (${e.keyword})`];
  }
}

function typeZh(t: string): string {
  return (
    (
      {
        number: '应为数字',
        integer: '应为整数',
        string: '应为文本',
        boolean: '应为是或否',
        array: '应为列表',
        object: '格式不正确',
      } as Record<string, string>
    )[t] ?? `类型应为${t}`
  );
}
