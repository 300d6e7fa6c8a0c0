/**
 * The web app talks to the API only: JSON, the session cookie, and the CSRF token on writes. The shapes of
 * the answers are shared with the server (`shared/api-types.ts`, types only); name them on each call.
 */
export type * from '../../shared/api-types';

export interface FieldError {
  path: string;
  message: string;
  message_en: string;
}
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly errors: FieldError[],
  ) {
    super(title);
  }
}

let csrf = sessionStorage.getItem('zx-csrf') ?? '';
export function setCsrf(token: string) {
  csrf = token;
  sessionStorage.setItem('zx-csrf', token);
}

async function request<T>(method: string, path: string, body?: unknown, file?: File): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  // spreadsheets by their extension (Windows browsers report CSV as application/vnd.ms-excel), anything else by its own type
  if (file) {
    headers['content-type'] = /\.xlsx$/i.test(file.name)
      ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
      : /\.csv$/i.test(file.name)
        ? 'text/csv'
        : file.type || 'application/octet-stream';
  }
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: file ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok)
    throw new ApiError(
      res.status,
      json.code ?? 'error',
      json.title ?? `请求失败（${res.status}）`,
      json.errors ?? [],
    );
  return json as T;
}

/** Name the answer's type on every call (`api.get<CaseView>(…)`, types from `shared/api-types.ts`); without one the answer is `unknown`. */
export const api = {
  get: <T = unknown>(path: string) => request<T>('GET', path),
  post: <T = unknown>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  /** a file as the request body (CSV or .xlsx) */
  upload: <T = unknown>(path: string, file: File) => request<T>('POST', path, undefined, file),
};

export const requestId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);
