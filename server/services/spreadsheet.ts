/**
 * 电子表格 the one place for spreadsheets going in and out:
 *  - import: an .xlsx is a zip; its central directory is checked on the request thread (entries and their
 *    declared inflated sizes), then it is inflated and parsed in a worker thread with a bounded heap and a
 *    deadline, where the real inflated sizes, the rows and the cell lengths are held to the same limits —
 *    so a zip bomb is refused in seconds and the API keeps answering meanwhile;
 *  - export: every cell goes through `neutraliseCell`, so a value that a spreadsheet would run as a
 *    formula (= + - @, tab, CR) is written as text (CSV/Excel injection, OWASP).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DomainError, domain, type DomainErrorKind } from '../errors.js';

export interface SpreadsheetLimits {
  /** total bytes the zip's entries may inflate to */
  inflatedBytes: number;
  entries: number;
  rows: number;
  cellChars: number;
  /** heap of the parsing worker, MB */
  heapMb: number;
  timeoutMs: number;
}

export const LIMITS: SpreadsheetLimits = {
  inflatedBytes: 100 * 1024 * 1024,
  entries: 2000,
  rows: 200_000,
  cellChars: 1000,
  heapMb: 768,
  timeoutMs: 60_000,
};

export type Table = string[][];

const TSX_API = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs'),
).href;
const WORKER = new URL('./spreadsheet-worker.ts', import.meta.url).href;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const tooLarge = (zh: string, en: string) =>
  new DomainError(
    'too_large',
    'payload_too_large',
    '文件解压后过大，未导入任何数据',
    'the file inflates to more than the import accepts; nothing was imported',
    [{ path: 'file', message: zh, message_en: en }],
  );
const notXlsx = () =>
  domain.invalid([
    {
      path: 'file',
      message: '无法读取该 Excel 文件（须为 .xlsx 格式）',
      message_en: 'the file is not a readable .xlsx workbook',
    },
  ]);

/** The zip's central directory (no inflation): each entry's name, method and declared sizes. */
export function zipEntries(buf: Buffer): ZipEntry[] {
  // End of central directory: 22 bytes plus a comment of up to 65535 bytes, at the end
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw notXlsx();
  const count = buf.readUInt16LE(eocd + 10);
  const size = buf.readUInt32LE(eocd + 12);
  const offset = buf.readUInt32LE(eocd + 16);
  // ZIP64 (sizes beyond 4 GB or more than 65535 entries) is far beyond what a department file needs
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff)
    throw tooLarge('文件过大（ZIP64）', 'the file is a ZIP64 archive');
  if (offset + size > buf.length) throw notXlsx();
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw notXlsx();
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({
      name: buf.toString('utf8', p + 46, p + 46 + nameLen),
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      uncompressedSize: buf.readUInt32LE(p + 24),
      localHeaderOffset: buf.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The checks that need no inflation: a zip, not too many entries, declared sizes within the budget. */
export function checkZipDirectory(buf: Buffer, limits: SpreadsheetLimits = LIMITS): ZipEntry[] {
  const entries = zipEntries(buf);
  if (entries.length > limits.entries)
    throw tooLarge(
      `文件内部条目过多（${entries.length}）`,
      `the file holds too many parts (${entries.length})`,
    );
  const total = entries.reduce((s, e) => s + e.uncompressedSize, 0);
  if (total > limits.inflatedBytes) {
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    throw tooLarge(
      `文件解压后约 ${mb(total)} MB，超过上限 ${mb(limits.inflatedBytes)} MB`,
      `the file inflates to about ${mb(total)} MB, above the ${mb(limits.inflatedBytes)} MB limit`,
    );
  }
  return entries;
}

/** Rows and cell lengths of a parsed table (CSV on the request thread, XLSX in the worker). */
export function checkTable(table: Table, limits: SpreadsheetLimits = LIMITS): void {
  if (table.length > limits.rows + 1) {
    throw new DomainError(
      'too_large',
      'payload_too_large',
      `文件行数超过上限 ${limits.rows} 行，未导入任何数据`,
      `the file has more than ${limits.rows} rows; nothing was imported`,
      [
        {
          path: 'file',
          message: `行数 ${table.length - 1} 超过上限 ${limits.rows}`,
          message_en: `${table.length - 1} rows, the limit is ${limits.rows}`,
        },
      ],
    );
  }
  const errors = [];
  for (const [i, row] of table.entries()) {
    for (const [j, cell] of row.entries()) {
      if (cell.length > limits.cellChars) {
        errors.push({
          path: `rows/${i + 1}/${j + 1}`,
          message: `第${i + 1}行第${j + 1}列：内容超过 ${limits.cellChars} 字`,
          message_en: `line ${i + 1}, column ${j + 1}: longer than ${limits.cellChars} characters`,
        });
        if (errors.length >= 20)
          throw domain.invalid(
            errors,
            '文件中有过长的单元格，未导入任何数据',
            'cells are too long; nothing was imported',
          );
      }
    }
  }
  if (errors.length)
    throw domain.invalid(
      errors,
      '文件中有过长的单元格，未导入任何数据',
      'cells are too long; nothing was imported',
    );
}

type WorkerAnswer =
  | { table: Table }
  | {
      problem: {
        kind: DomainErrorKind;
        code: string;
        title: string;
        titleEn: string;
        errors: { path: string; message: string; message_en: string }[];
      };
    };

/**
 * The first worksheet of an .xlsx as text cells, read off the request thread: the directory is checked here,
 * the rest in a worker with a bounded heap, which is stopped at the deadline.
 */
export async function readXlsxLimited(buf: Buffer, limits: SpreadsheetLimits = LIMITS): Promise<Table> {
  const entries = checkZipDirectory(buf, limits);
  // the worker is TypeScript like the rest of the server: loaded through tsx's API (a dependency), which
  // works the same under `npm start`, in production (npx tsx) and in the tests
  const boot = `import(${JSON.stringify(TSX_API)}).then((tsx) => tsx.tsImport(${JSON.stringify(WORKER)}, ${JSON.stringify(WORKER)}))`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: { buf, entries, limits },
    resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, maxYoungGenerationSizeMb: 64 },
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();
  return new Promise<Table>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            tooLarge(
              `文件解析超过 ${limits.timeoutMs / 1000} 秒`,
              `parsing took longer than ${limits.timeoutMs / 1000} s`,
            ),
          ),
        ),
      limits.timeoutMs,
    );
    worker.once('message', (m: WorkerAnswer) =>
      finish(() =>
        'table' in m
          ? resolve(m.table)
          : reject(
              new DomainError(
                m.problem.kind,
                m.problem.code,
                m.problem.title,
                m.problem.titleEn,
                m.problem.errors,
              ),
            ),
      ),
    );
    worker.once('error', (err: Error & { code?: string }) =>
      finish(() =>
        reject(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? tooLarge(
                '文件解析所需内存超过上限',
                'parsing the file needs more memory than the import allows',
              )
            : err,
        ),
      ),
    );
    worker.once('exit', (code) =>
      finish(() => reject(new Error(`the spreadsheet worker exited with code ${code}`))),
    );
  });
}

/**
 * 公式注入 a cell a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage return)
 * is written as text: prefixed with an apostrophe. Numbers stay numbers ("-12.5" is an amount, not a formula).
 */
export function neutraliseCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof Date ? v.toISOString() : String(v);
  if (typeof v === 'number' || /^-?\d+(\.\d+)?$/.test(s)) return s;
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** One CSV line (RFC 4180 quoting) with every cell neutralised. */
export function csvLine(cells: unknown[]): string {
  return cells
    .map((c) => {
      const s = neutraliseCell(c);
      return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    })
    .join(',');
}

/** A CSV file (UTF-8 with BOM, so Excel shows Chinese) of a header and rows, every cell neutralised. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return '\uFEFF' + [header, ...rows].map(csvLine).join('\r\n') + '\r\n';
}
