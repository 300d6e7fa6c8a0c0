/**
 * 错误 every error the API returns is `application/problem+json` (RFC 9457)
 * with a stable code, a Chinese title, and field errors in Chinese and English.
 */
import { WorkflowUpdateFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { DomainError, type DomainErrorKind } from '../errors.js';

export interface FieldError {
  path: string;
  message: string;
  message_en: string;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly titleEn: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${code}: ${titleEn}`);
  }
}

export const problems = {
  badRequest: (zh: string, en: string, errors: FieldError[] = []) =>
    new Problem(400, 'bad_request', zh, en, errors),
  invalid: (errors: FieldError[], zh = '提交的数据有误', en = 'the request has invalid fields') =>
    new Problem(422, 'validation_failed', zh, en, errors),
  unauthenticated: () => new Problem(401, 'unauthenticated', '请先登录', 'please log in'),
  forbidden: (zh = '无权执行此操作', en = 'you may not do this') => new Problem(403, 'forbidden', zh, en),
  notFound: (zh = '未找到', en = 'not found') => new Problem(404, 'not_found', zh, en),
  conflict: (zh: string, en: string, code = 'conflict') => new Problem(409, code, zh, en),
  /** `retryAfter` (seconds) becomes the Retry-After header and a field of the body */
  tooMany: (
    zh = '操作过于频繁，请稍后再试',
    en = 'too many requests, try again later',
    retryAfter?: number,
  ) => new Problem(429, 'rate_limited', zh, en, [], retryAfter === undefined ? {} : { retryAfter }),
  unavailable: (zh: string, en: string) => new Problem(503, 'unavailable', zh, en),
};

const STATUS_OF: Record<DomainErrorKind, number> = {
  invalid: 422,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unavailable: 503,
};

/** A service's domain error as the problem+json it stands for. */
export function fromDomainError(err: DomainError): Problem {
  return new Problem(STATUS_OF[err.kind], err.code, err.zh, err.en, err.errors);
}

export function sendProblem(res: Response, p: Problem, instance?: string): void {
  if (typeof p.extra.retryAfter === 'number') res.setHeader('Retry-After', String(p.extra.retryAfter));
  res
    .status(p.status)
    .type('application/problem+json')
    .json({
      type: `https://zhenxing.example/problems/${p.code}`,
      status: p.status,
      code: p.code,
      title: p.title,
      title_en: p.titleEn,
      errors: p.errors,
      instance,
      ...p.extra,
    });
}

/** Map a refused Temporal Update (validator) to the HTTP status its failure type stands for. */
export function fromWorkflowError(err: unknown): Problem | undefined {
  if (err instanceof WorkflowNotFoundError) return problems.notFound('案件不存在', 'case not found');
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      const [detail] = (cause.details ?? []) as { zh: string; en: string }[];
      const zh = detail?.zh ?? cause.message;
      const en = detail?.en ?? cause.message;
      const fe = [{ path: '', message: zh, message_en: en }];
      if (cause.type === 'Stale') return new Problem(409, 'stale_action', zh, en, fe);
      if (cause.type === 'Forbidden') return new Problem(403, 'forbidden', zh, en, fe);
      if (cause.type === 'Invalid') return new Problem(422, 'validation_failed', zh, en, fe);
    }
  }
  const name = (err as { name?: string })?.name;
  if (name === 'WorkflowExecutionAlreadyStartedError')
    return problems.conflict('该请求已处理', 'already started', 'duplicate');
  if (
    name === 'WorkflowUpdateFailedError' ||
    /workflow execution already completed/i.test(String((err as Error)?.message))
  ) {
    return problems.conflict('案件已办结', 'the case has ended', 'stale_action');
  }
  return undefined;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const id = (req as { id?: string }).id;
    if (err instanceof Problem) return sendProblem(res, err, id);
    if (err instanceof DomainError) return sendProblem(res, fromDomainError(err), id);
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      return sendProblem(res, problems.badRequest('请求体不是合法的 JSON', 'the body is not valid JSON'), id);
    }
    if (type === 'entity.too.large') {
      return sendProblem(res, new Problem(413, 'too_large', '请求体过大', 'the body is too large'), id);
    }
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return sendProblem(res, new Problem(415, 'unsupported', '不支持的编码', 'unsupported encoding'), id);
    }
    const mapped = fromWorkflowError(err);
    if (mapped) return sendProblem(res, mapped, id);
    // any other refusal a library marks as the client's (an undecodable route parameter, a body it could not read)
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendProblem(
        res,
        new Problem(status, 'bad_request', '请求无法处理', 'the request could not be processed'),
        id,
      );
    }
    if ((err as { code?: string }).code === 'ECONNREFUSED' || (err as { code?: number }).code === 14) {
      log.error({ err: { message: (err as Error).message }, reqId: id }, 'dependency unavailable');
      return sendProblem(
        res,
        problems.unavailable('服务暂时不可用，请稍后重试', 'a service is unavailable, try again'),
        id,
      );
    }
    log.error(
      { err: { message: (err as Error).message, stack: (err as Error).stack }, reqId: id },
      'unhandled error',
    );
    sendProblem(res, new Problem(500, 'internal', '服务器内部错误', 'internal error'), id);
  };
}
