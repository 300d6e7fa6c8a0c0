/**
 * 错误 every error the API returns is `application/problem+json` (RFC 9457)
 * with a stable code, a Chinese title, and field errors in Chinese and English.
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { DomainError, domain, type FieldError } from '../errors.js';
import { fromWorkflowFailure } from '../temporal/failures.js';

export type { FieldError };

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

/** The common refusals: the service layer's `domain` factories (server/errors.ts), one set for both layers. */
export const problems = domain;

/** A service's domain error as the problem+json it stands for. */
export function fromDomainError(err: DomainError): Problem {
  return new Problem(err.status, err.code, err.zh, err.en, err.errors, err.extra);
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
  const mapped = fromWorkflowFailure(err);
  return mapped && fromDomainError(mapped);
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
