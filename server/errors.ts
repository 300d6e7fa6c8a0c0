/**
 * 领域错误 errors the service layer throws, without knowing HTTP: a kind (what went wrong, from the caller's
 * point of view), a stable code, a Chinese and an English message, and field errors. `http/problem.ts` turns
 * each into application/problem+json; `STATUS_OF` is the one table of the status each kind stands for (the
 * bulk endpoint reports it per item, so services may read `status` too).
 */

export interface FieldError {
  path: string;
  message: string;
  message_en: string;
}

export const STATUS_OF = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  invalid: 422,
  too_many: 429,
  unavailable: 503,
} as const;

export type DomainErrorKind = keyof typeof STATUS_OF;

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    readonly zh: string,
    readonly en: string,
    readonly errors: FieldError[] = [],
    /** further members of the problem body (e.g. `retryAfter`, which also becomes the Retry-After header) */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${code}: ${en}`);
    this.name = 'DomainError';
    this.status = STATUS_OF[kind];
    this.title = zh;
    this.titleEn = en;
  }
  /** plain fields, not getters: body-parser's http-errors writes `status` on an error a verify step throws */
  status: number;
  title: string;
  titleEn: string;
}

export const domain = {
  badRequest: (zh: string, en: string, errors: FieldError[] = []) =>
    new DomainError('bad_request', 'bad_request', zh, en, errors),
  invalid: (errors: FieldError[], zh = '提交的数据有误', en = 'the request has invalid fields') =>
    new DomainError('invalid', 'validation_failed', zh, en, errors),
  unauthenticated: () => new DomainError('unauthenticated', 'unauthenticated', '请先登录', 'please log in'),
  forbidden: (zh = '无权执行此操作', en = 'you may not do this') =>
    new DomainError('forbidden', 'forbidden', zh, en),
  notFound: (zh = '未找到', en = 'not found') => new DomainError('not_found', 'not_found', zh, en),
  conflict: (zh: string, en: string, code = 'conflict') => new DomainError('conflict', code, zh, en),
  /** `retryAfter` (seconds) becomes the Retry-After header and a field of the body */
  tooMany: (
    zh = '操作过于频繁，请稍后再试',
    en = 'too many requests, try again later',
    retryAfter?: number,
  ) =>
    new DomainError('too_many', 'rate_limited', zh, en, [], retryAfter === undefined ? {} : { retryAfter }),
  unavailable: (zh: string, en: string) => new DomainError('unavailable', 'unavailable', zh, en),
  /** a file or body too large to take (after inflating, or too many rows) */
  tooLarge: (zh: string, en: string, errors: FieldError[] = []) =>
    new DomainError('too_large', 'payload_too_large', zh, en, errors),
  unsupportedMedia: (zh: string, en: string) =>
    new DomainError('unsupported', 'unsupported_media_type', zh, en),
};
