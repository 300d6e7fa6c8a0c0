/**
 * Spreadsheet import limits: a zip bomb posing as .xlsx (a 284 MB sheet in a small file, honest or lying about
 * its size) is refused in seconds with 413 problem+json and bounded memory, /healthz stays green meanwhile,
 * and too many rows or too long cells are refused too — nothing imported in any case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createDeflateRaw, crc32 } from 'node:zlib';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';

let app: TestApp;
let bureau: ApiClient;
beforeAll(async () => {
  app = await createTestApp();
  bureau = await app.as('bureau');
});
afterAll(async () => {
  await app?.close();
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Part {
  name: string;
  deflated: Buffer;
  size: number;
  crc: number;
}

/** Deflate `count` copies of `chunk` between `head` and `tail` as one zip part, streaming (little memory). */
async function part(name: string, head: string, chunk: string, count: number, tail: string): Promise<Part> {
  const z = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  z.on('data', (b: Buffer) => out.push(b));
  const done = new Promise((r) => z.on('end', r));
  let crc = 0;
  let size = 0;
  const write = async (s: string | Buffer) => {
    const b = typeof s === 'string' ? Buffer.from(s) : s;
    crc = crc32(b, crc);
    size += b.length;
    if (!z.write(b)) await new Promise((r) => z.once('drain', r));
  };
  await write(head);
  const c = Buffer.from(chunk);
  for (let i = 0; i < count; i++) await write(c);
  await write(tail);
  z.end();
  await done;
  return { name, deflated: Buffer.concat(out), size, crc };
}

const small = (name: string, text: string) => part(name, text, '', 0, '');

/** A zip of the parts; `declare` overrides the inflated size written in the headers (a lying bomb). */
function zip(parts: Part[], declare: Record<string, number> = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const size = declare[p.name] ?? p.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(p.crc >>> 0, 14);
    local.writeUInt32LE(p.deflated.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(p.crc >>> 0, 16);
    central.writeUInt32LE(p.deflated.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, p.deflated);
    centrals.push(central, name);
    offset += 30 + name.length + p.deflated.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const SHEET_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = '</sheetData></worksheet>';

async function workbook(sheet: Part): Promise<Part[]> {
  return [
    await small(
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
    ),
    await small(
      'xl/workbook.xml',
      '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="1" sheetId="1"/></sheets></workbook>',
    ),
    sheet,
  ];
}

/** A 284 MB worksheet: one row of 1 MB of text, repeated — about a thousand times smaller once deflated. */
async function bombSheet() {
  const row = `<row><c t="inlineStr"><is><t>${'A'.repeat(1024 * 1024 - 48)}</t></is></c></row>`;
  return part('xl/worksheets/sheet1.xml', SHEET_HEAD, row, 284, SHEET_TAIL);
}

const imports = async () =>
  (await app.tdb.db.query('SELECT count(*)::int AS n FROM department_imports')).rows[0].n as number;

/** Upload while /healthz is polled every 100 ms and this process's memory is sampled. */
async function uploadWatched(body: Buffer) {
  let stop = false;
  const health: { status: number; ms: number }[] = [];
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const poll = (async () => {
    while (!stop) {
      const t = Date.now();
      const r = await fetch(`${app.url}/healthz`);
      await r.arrayBuffer();
      health.push({ status: r.status, ms: Date.now() - t });
      peak = Math.max(peak, process.memoryUsage().rss);
      await new Promise((res) => setTimeout(res, 100));
    }
  })();
  const t0 = Date.now();
  const r = await bureau.post('/api/department-data/imports?filename=bomb.xlsx', undefined, {
    raw: body as unknown as string,
    contentType: XLSX,
  });
  const took = Date.now() - t0;
  stop = true;
  await poll;
  return { r, took, health, grewMb: (peak - rss0) / 1024 / 1024 };
}

describe('spreadsheet import limits', () => {
  it('refuses an .xlsx that inflates to 284 MB in seconds, with 413 problem+json, while /healthz stays green', async () => {
    const file = zip(await workbook(await bombSheet()));
    expect(file.length).toBeLessThan(2 * 1024 * 1024);
    const before = await imports();
    const { r, took, health, grewMb } = await uploadWatched(file);
    expect(r.status).toBe(413);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.body.errors[0]).toMatchObject({
      path: 'file',
      message: expect.stringMatching(/解压后约 \d+ MB/),
    });
    expect(took).toBeLessThan(10_000);
    expect(
      health.every((h) => h.status === 200 && h.ms < 1000),
      JSON.stringify(health),
    ).toBe(true);
    expect(grewMb).toBeLessThan(300);
    expect(await imports()).toBe(before);
  });

  it('refuses a bomb that lies about its inflated size, off the request thread and within bounded memory', async () => {
    const sheet = await bombSheet();
    const file = zip(await workbook(sheet), { [sheet.name]: 1024 * 1024 });
    const before = await imports();
    const { r, took, health, grewMb } = await uploadWatched(file);
    expect(r.status).toBe(413);
    expect(r.body.errors[0]).toMatchObject({
      path: 'file',
      message: expect.stringMatching(/超过其声明的大小/),
    });
    expect(took).toBeLessThan(20_000);
    expect(health.length).toBeGreaterThan(0);
    expect(
      health.every((h) => h.status === 200 && h.ms < 1000),
      JSON.stringify(health),
    ).toBe(true);
    expect(grewMb).toBeLessThan(300);
    expect(await imports()).toBe(before);
  });

  it('refuses a sheet of more than 200,000 rows', async () => {
    const sheet = await part(
      'xl/worksheets/sheet1.xml',
      SHEET_HEAD,
      '<row><c t="inlineStr"><is><t>x</t></is></c></row>',
      200_005,
      SHEET_TAIL,
    );
    const r = await bureau.post('/api/department-data/imports?filename=rows.xlsx', undefined, {
      raw: zip(await workbook(sheet)) as unknown as string,
      contentType: XLSX,
    });
    expect(r.status).toBe(413);
    expect(r.body.errors[0].message).toMatch(/行数超过上限 200000/);
  });

  it('refuses a cell longer than 1,000 characters, naming its row and column', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('data');
    ws.addRow(['department', 'kind', 'id_number', 'note']);
    ws.addRow(['civil_affairs', 'dibao', '430422198001010187', 'x'.repeat(1001)]);
    const r = await bureau.post('/api/department-data/imports?filename=long.xlsx', undefined, {
      raw: Buffer.from(await wb.xlsx.writeBuffer()) as unknown as string,
      contentType: XLSX,
    });
    expect(r.status).toBe(422);
    expect(r.body.errors[0]).toMatchObject({
      path: 'rows/2/4',
      message: expect.stringMatching(/超过 1000 字/),
    });
    const csv = await bureau.post('/api/department-data/imports?filename=long.csv', undefined, {
      raw: `department,kind,id_number,note\ncivil_affairs,dibao,430422198001010187,${'y'.repeat(1001)}\n`,
      contentType: 'text/csv',
    });
    expect(csv.status).toBe(422);
    expect(csv.body.errors[0].path).toBe('rows/2/4');
  });
});
