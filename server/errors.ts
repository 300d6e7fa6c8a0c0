/**
 * 领域错误 errors the service layer throws, without knowing HTTP: a stable code, a Chinese and an English
 * message, and field errors. The HTTP layer (http/problem.ts) maps each kind to its status.
 */
export interface FieldError {
  path: string;
  message: string;
  message_en: string;
}

export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    readonly zh: string,
    readonly en: string,
    readonly errors: FieldError[] = [],
  ) {
    super(`${code}: ${en}`);
    this.name = 'DomainError';
  }
}

export const domain = {
  invalid: (errors: FieldError[], zh = '提交的数据有误', en = 'the request has invalid fields') =>
    new DomainError('invalid', 'validation_failed', zh, en, errors),
  notFound: (zh: string, en: string) => new DomainError('not_found', 'not_found', zh, en),
  conflict: (zh: string, en: string, code = 'conflict') => new DomainError('conflict', code, zh, en),
  forbidden: (zh = '无权执行此操作', en = 'you may not do this') =>
    new DomainError('forbidden', 'forbidden', zh, en),
};
