/**
 * 请求体校验 every JSON request body is checked against the schema the OpenAPI
 * document publishes for its endpoint, with ajv, before the handler runs: a 422
 * with each field's problem in Chinese and English, and nothing written. A
 * declared route (declare.ts) carries its check in its own chain (`checkBody`).
 * A caller the endpoint's roles exclude, or one not signed in, is left to the
 * handler, so they still get 403 / 401.
 */
import type { NextFunction, Request, Response } from 'express';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createAjv } from '../../forms/ajv.js';
import type { Endpoint } from './declare.js';
import { problems, type FieldError } from './problem.js';

// the same ajv setup (draft 2020-12, our formats) as the forms; one instance for every endpoint
let shared: ReturnType<typeof createAjv> | undefined;
const compile = (schema: Record<string, unknown>) => (shared ??= createAjv()).compile(schema);

const TYPE_ZH: Record<string, string> = {
  string: '文本',
  number: '数字',
  integer: '整数',
  boolean: '是/否',
  object: '对象',
  array: '列表',
  null: '空值',
};

/** One ajv error → a field error in Chinese and English. */
export function describeError(e: ErrorObject): FieldError {
  const base = e.instancePath.split('/').filter(Boolean).join('.');
  const at = (extra?: string) => [base, extra].filter(Boolean).join('.') || '(body)';
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'required':
      return {
        path: at(p.missingProperty),
        message: `缺少必填项“${p.missingProperty}”`,
        message_en: `${p.missingProperty} is required`,
      };
    case 'type':
      return { path: at(), message: `应为${TYPE_ZH[p.type] ?? p.type}`, message_en: `must be ${p.type}` };
    case 'enum':
      return {
        path: at(),
        message: `只能是 ${p.allowedValues.join('、')} 之一`,
        message_en: `must be one of ${p.allowedValues.join(', ')}`,
      };
    case 'maxLength':
      return {
        path: at(),
        message: `不能超过 ${p.limit} 个字符`,
        message_en: `must be at most ${p.limit} characters`,
      };
    case 'minLength':
      return {
        path: at(),
        message: p.limit === 1 ? '不能为空' : `至少 ${p.limit} 个字符`,
        message_en: `must be at least ${p.limit} characters`,
      };
    case 'maxItems':
      return { path: at(), message: `最多 ${p.limit} 项`, message_en: `must have at most ${p.limit} items` };
    case 'minItems':
      return { path: at(), message: `至少 ${p.limit} 项`, message_en: `must have at least ${p.limit} items` };
    case 'minimum':
    case 'maximum':
      return {
        path: at(),
        message: `${e.keyword === 'minimum' ? '不能小于' : '不能大于'} ${p.limit}`,
        message_en: `must be ${p.comparison} ${p.limit}`,
      };
    case 'additionalProperties':
      return {
        path: at(p.additionalProperty),
        message: `不允许的字段“${p.additionalProperty}”`,
        message_en: `unknown field ${p.additionalProperty}`,
      };
    case 'format':
      return {
        path: at(),
        message: `格式不正确（${p.format}）`,
        message_en: `must match format ${p.format}`,
      };
    default:
      return { path: at(), message: `不符合要求（${e.keyword}）`, message_en: e.message ?? e.keyword };
  }
}

/** The body check of one endpoint (nothing to check without a body schema). */
function check(endpoint: Endpoint, validate: ValidateFunction, req: Request, next: NextFunction) {
  const access = endpoint.access;
  // who may not call the endpoint at all hears that first (401 / 403 from the handler), not about the body
  if (access !== 'public') {
    if (!req.principal) return next();
    if (typeof access === 'object' && !req.principal.roles.some((r) => access.roles.includes(r.role)))
      return next();
  }
  const body = req.body === undefined ? {} : req.body;
  if (validate(body)) return next();
  const seen = new Set<string>();
  const errors = (validate.errors ?? [])
    .map(describeError)
    .filter((e) => !seen.has(e.path + e.message) && seen.add(e.path + e.message));
  next(problems.invalid(errors));
}

/** The body check of a declared route, first in its chain. */
export function checkBody(endpoint: Endpoint) {
  const validate = compile(endpoint.body!);
  return (req: Request, _res: Response, next: NextFunction) => check(endpoint, validate, req, next);
}
