/**
 * 入口检查 the one edge: every string that enters over HTTP is checked once, here, before any route sees it —
 * the path and its parameters, the query, the session cookie, the JSON body (keys and values, at any
 * depth). A NUL character or invalid Unicode is refused with 400 naming the field
 * (`body.data.members.0.A5`, `query.org`, `cookie.zx_session`, `path`); so are bad percent-encoding,
 * JSON nested deeper than MAX_JSON_DEPTH (found on the raw text, before parsing, so no depth can
 * overflow a stack), and numeric query parameters that are not sane integers. A compressed request body
 * is refused with 415: no client of ours sends one, and inflating is a bomb's door.
 * Nothing unchecked reaches PostgreSQL or Temporal.
 */
import { isUtf8 } from 'node:buffer';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { TEXT_FAULT_MESSAGE, textFault, type TextFault } from '../safe-text.js';
import { Problem, problems, type FieldError } from './problem.js';

/** the session cookie (server/http/session.ts); the only cookie the API reads */
export const SESSION_COOKIE = 'zx_session';
export const MAX_JSON_DEPTH = 32;
const MAX_REPORTED = 20;

/** Query parameters that are numbers wherever they appear: integers within these bounds, or absent. */
export const NUMERIC_QUERY: Record<string, { min: number; max: number }> = {
  limit: { min: 1, max: 1000 },
  offset: { min: 0, max: 1_000_000 },
  before: { min: 1, max: Number.MAX_SAFE_INTEGER },
  version: { min: 1, max: 1_000_000 },
};

const refused = (errors: FieldError[]) =>
  problems.badRequest(
    '请求中含有不允许的内容',
    'the request contains input that is not allowed',
    errors.slice(0, MAX_REPORTED),
  );

const fault = (path: string, f: TextFault, what = ''): FieldError => ({
  path,
  message: `${what}${TEXT_FAULT_MESSAGE[f].zh}`,
  message_en: `${what ? 'the name ' : ''}${TEXT_FAULT_MESSAGE[f].en}`,
});

const badEncoding = (path: string): FieldError => ({
  path,
  message: '百分号编码不正确（须为 UTF-8 的 %XX 序列）',
  message_en: 'bad percent-encoding (must be %XX sequences of UTF-8)',
});

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** A value for the request id we log and echo: short and plain, else none (we make our own). */
export function safeRequestId(header: unknown): string | undefined {
  return typeof header === 'string' && /^[\w.:-]{1,128}$/.test(header) ? header : undefined;
}

/** The value of one cookie, or undefined when absent or not decodable. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    return decode(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** A numeric query parameter the edge has already checked: its value, the default when absent, at most `max`. */
export function intQuery(value: unknown, dflt: number, max: number): number {
  const n = typeof value === 'string' && value !== '' ? Number(value) : dflt;
  return Math.min(n, max);
}

function checkQuery(query: string, errors: FieldError[]): void {
  const seen = new Set<string>();
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawName = (eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' ');
    const rawValue = (eq < 0 ? '' : pair.slice(eq + 1)).replace(/\+/g, ' ');
    const name = decode(rawName);
    if (name === undefined) {
      errors.push(badEncoding('query'));
      continue;
    }
    const at = `query.${name.replace(/[^\w.-]/g, '?').slice(0, 40)}`;
    const nameFault = textFault(name);
    if (nameFault) errors.push(fault('query', nameFault, '参数名'));
    const value = decode(rawValue);
    if (value === undefined) {
      errors.push(badEncoding(at));
      continue;
    }
    const valueFault = textFault(value);
    if (valueFault) errors.push(fault(at, valueFault));
    const bounds = NUMERIC_QUERY[name];
    if (!bounds || value === '') continue;
    const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
    if (seen.has(name)) {
      errors.push({ path: at, message: '参数重复', message_en: 'given more than once' });
    } else if (!(n >= bounds.min && n <= bounds.max)) {
      errors.push({
        path: at,
        message: `须为 ${bounds.min} 到 ${bounds.max} 之间的整数`,
        message_en: `must be an integer from ${bounds.min} to ${bounds.max}`,
      });
    }
    seen.add(name);
  }
}

/** Transport checks that need no body: encoding, path, query, the session cookie. */
export function edgeTransport(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const encoding = String(req.headers['content-encoding'] ?? 'identity')
      .trim()
      .toLowerCase();
    if (encoding !== 'identity' && encoding !== '') {
      return next(
        new Problem(
          415,
          'unsupported_encoding',
          '不支持压缩的请求体',
          'compressed request bodies are not accepted',
          [
            {
              path: 'header.content-encoding',
              message: '只接受未压缩的请求体',
              message_en: 'only identity (uncompressed) bodies are accepted',
            },
          ],
        ),
      );
    }
    const errors: FieldError[] = [];
    const url = req.url;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const decodedPath = decode(path);
    if (decodedPath === undefined) errors.push(badEncoding('path'));
    else {
      const f = textFault(decodedPath);
      if (f) errors.push(fault('path', f));
    }
    if (q >= 0) checkQuery(url.slice(q + 1), errors);
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
      const value = decode(part.slice(eq + 1).trim());
      const f = value === undefined ? undefined : textFault(value);
      if (value === undefined) errors.push(badEncoding(`cookie.${SESSION_COOKIE}`));
      else if (f) errors.push(fault(`cookie.${SESSION_COOKIE}`, f));
    }
    next(errors.length ? refused(errors) : undefined);
  };
}

/** The deepest nesting of arrays and objects in JSON text, counted on the bytes (strings skipped); stops past `max`. */
export function jsonDepthExceeds(buf: Uint8Array, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** express.json with the edge's checks on the raw bytes: UTF-8 only, valid UTF-8, bounded depth. */
export function jsonBody(limit: string): RequestHandler {
  return express.json({
    limit,
    type: ['application/json', 'application/*+json'],
    inflate: false,
    verify: (_req, _res, buf, charset) => {
      if (charset && charset !== 'utf-8' && charset !== 'utf8') {
        throw new Problem(415, 'unsupported', '请求体须为 UTF-8 编码的 JSON', 'JSON bodies must be UTF-8');
      }
      if (!isUtf8(buf)) {
        throw refused([
          { path: 'body', message: '请求体不是有效的 UTF-8 文本', message_en: 'the body is not valid UTF-8' },
        ]);
      }
      if (jsonDepthExceeds(buf)) {
        throw refused([
          {
            path: 'body',
            message: `JSON 嵌套超过 ${MAX_JSON_DEPTH} 层`,
            message_en: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
          },
        ]);
      }
    },
  });
}

/** Every key and string of a parsed JSON value (depth already bounded), as field errors. */
export function bodyFaults(value: unknown, path = 'body', out: FieldError[] = []): FieldError[] {
  if (out.length >= MAX_REPORTED) return out;
  if (typeof value === 'string') {
    const f = textFault(value);
    if (f) out.push(fault(path, f));
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => bodyFaults(v, `${path}.${i}`, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const f = textFault(k);
      const at = `${path}.${f ? k.replace(/[\u0000\uD800-\uDFFF]/g, '?') : k}`;
      if (f) out.push(fault(at, f, '字段名'));
      bodyFaults(v, at, out);
    }
  }
  return out;
}

/** After the JSON parser: refuse a body with a NUL or invalid Unicode anywhere, naming each field. */
export function edgeBody(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.body === undefined || Buffer.isBuffer(req.body)) return next();
    const errors = bodyFaults(req.body);
    next(errors.length ? refused(errors) : undefined);
  };
}
