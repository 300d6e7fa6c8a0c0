/**
 * 上传表格 a spreadsheet sent as the raw request body (CSV or .xlsx), for the imports of household and
 * department data: the body parser a route puts before its handler, and the file the handler hands on.
 * What is inside the file is checked by the services (`services/spreadsheet.ts`).
 */
import express, { type Request, type RequestHandler } from 'express';
import { Problem, problems } from './problem.js';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The media types an upload route declares (`upload`, for the OpenAPI document). */
export const SPREADSHEET_UPLOAD = ['text/csv', XLSX];

/** The body parser: the file as a Buffer, up to `limit` (e.g. '50mb'). */
export const rawSpreadsheet = (limit: string): RequestHandler =>
  express.raw({ type: ['text/csv', 'application/csv', XLSX, 'application/octet-stream'], limit });

/**
 * The uploaded file (the raw body) with its format, from the content type or the file name (`?filename=`):
 * 415 for anything but CSV or .xlsx, 400 for an empty file.
 */
export function uploadedSpreadsheet(req: Request): {
  filename: string;
  format: 'csv' | 'xlsx';
  content: Buffer;
} {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  const filename = String((req.query as Record<string, unknown>).filename ?? 'upload');
  const format =
    type === XLSX || /\.xlsx$/i.test(filename)
      ? 'xlsx'
      : type === 'text/csv' || type === 'application/csv' || /\.csv$/i.test(filename)
        ? 'csv'
        : undefined;
  if (!Buffer.isBuffer(req.body) || !format) {
    throw new Problem(
      415,
      'unsupported_media_type',
      '请上传 CSV 或 Excel（.xlsx）文件',
      'send a CSV or .xlsx file as the body (Content-Type text/csv or the xlsx type)',
    );
  }
  if (!req.body.length)
    throw problems.invalid([{ path: 'file', message: '文件是空的', message_en: 'the file is empty' }]);
  return { filename, format, content: req.body };
}
