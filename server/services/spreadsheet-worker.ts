/**
 * The worker thread that reads an .xlsx for the import (see spreadsheet.ts): it inflates every part with
 * a hard cap at the size the zip declared (a zip that lies about its sizes is a bomb), counts the rows of
 * the worksheets before parsing, then reads the first worksheet with exceljs and checks the cells.
 * Its heap is bounded by the parent; it answers with the table or a problem, once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { DomainError } from '../errors.js';
import { checkTable, type SpreadsheetLimits, type Table, type ZipEntry } from './spreadsheet.js';

const { buf, entries, limits } = workerData as {
  buf: Uint8Array;
  entries: ZipEntry[];
  limits: SpreadsheetLimits;
};
const zip = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);

const bomb = (zh: string, en: string) =>
  new DomainError(
    'too_large',
    'payload_too_large',
    '文件解压后过大，未导入任何数据',
    'the file inflates to more than the import accepts; nothing was imported',
    [{ path: 'file', message: zh, message_en: en }],
  );
const unreadable = () =>
  new DomainError('invalid', 'validation_failed', '提交的数据有误', 'the request has invalid fields', [
    {
      path: 'file',
      message: '无法读取该 Excel 文件（须为 .xlsx 格式）',
      message_en: 'the file is not a readable .xlsx workbook',
    },
  ]);

/** Inflate every part, never past its declared size; count the rows of the worksheets on the way. */
function inflateChecked(): void {
  let rows = 0;
  for (const e of entries) {
    const at = e.localHeaderOffset;
    if (at + 30 > zip.length || zip.readUInt32LE(at) !== 0x04034b50) throw unreadable();
    const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
    const data = zip.subarray(start, start + e.compressedSize);
    let out: Buffer;
    if (e.method === 0) out = data;
    else if (e.method === 8) {
      try {
        out = inflateRawSync(data, { maxOutputLength: Math.max(1, e.uncompressedSize) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          throw bomb(
            `文件“${e.name}”解压后超过其声明的大小`,
            `part "${e.name}" inflates beyond the size it declares`,
          );
        }
        throw unreadable();
      }
    } else throw unreadable();
    if (out.length > e.uncompressedSize)
      throw bomb(
        `文件“${e.name}”解压后超过其声明的大小`,
        `part "${e.name}" inflates beyond the size it declares`,
      );
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(e.name)) {
      for (let i = out.indexOf('<row'); i >= 0; i = out.indexOf('<row', i + 4)) {
        if (++rows > limits.rows + 1) {
          throw new DomainError(
            'too_large',
            'payload_too_large',
            `文件行数超过上限 ${limits.rows} 行，未导入任何数据`,
            `the file has more than ${limits.rows} rows; nothing was imported`,
            [
              {
                path: 'file',
                message: `行数超过上限 ${limits.rows}`,
                message_en: `more than ${limits.rows} rows`,
              },
            ],
          );
        }
      }
    }
  }
}

/** The first worksheet, every cell as the text Excel shows. */
async function firstSheet(): Promise<Table> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(zip as unknown as ArrayBuffer);
  } catch {
    throw unreadable();
  }
  const sheet = wb.worksheets[0];
  if (!sheet) return [];
  const rows: Table = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) {
      const cell = row.getCell(c);
      const v = cell.value;
      // ID numbers typed as numbers lose nothing as long as they are read as text; dates become YYYY-MM-DD
      cells.push(
        v instanceof Date
          ? v.toISOString().slice(0, 10)
          : v === null || v === undefined
            ? ''
            : typeof v === 'object'
              ? cell.text
              : String(v),
      );
    }
    rows.push(cells);
  });
  return rows.filter((r) => r.some((x) => x.trim() !== ''));
}

try {
  inflateChecked();
  const table = await firstSheet();
  checkTable(table, limits);
  parentPort!.postMessage({ table });
} catch (err) {
  if (err instanceof DomainError) {
    parentPort!.postMessage({
      problem: {
        kind: err.kind,
        code: err.code,
        title: err.title,
        titleEn: err.titleEn,
        errors: err.errors,
      },
    });
  } else {
    throw err;
  }
}
