/**
 * Department data import through the API: CSV and XLSX, progress, a per-row
 * error report that writes nothing, and a rerun of the same file that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
let cookie = '';
let csrf = '';
beforeAll(async () => {
  app = await createTestApp();
  const res = await fetch(`${app.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bureau', password: 'zhenxing' }),
  });
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  csrf = (await res.json()).csrfToken;
});
afterAll(async () => {
  await app?.close();
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
async function upload(
  body: Buffer | string,
  type: string,
  filename: string,
  as: { cookie: string; csrf: string } = { cookie, csrf },
) {
  const res = await fetch(`${app.url}/api/department-data/imports?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: { 'content-type': type, cookie: as.cookie, 'x-csrf-token': as.csrf },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: res.status, body: await res.json(), type: res.headers.get('content-type') };
}
async function finished(id: string) {
  for (let i = 0; i < 200; i++) {
    const r = await fetch(`${app.url}/api/department-data/imports/${id}`, { headers: { cookie } });
    const job = await r.json();
    if (job.status !== 'running') return job;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('import did not finish');
}
const count = async (table: string) =>
  (await app.tdb.db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

// HH-0005's head (罗翠萍) and two other valid people
const GOOD = [
  'department,kind,id_number,name,amount,period',
  'medical_insurance,medical_expense,430422197001010107,罗翠萍,38600.50,2026-10',
  'civil_affairs,dibao,430422198001010187,张秀英,,2026-10',
  'human_resources,unemployment,430422196503030226,杨桂兰,0,2026-09',
].join('\n');

describe('department data import', () => {
  it('imports a CSV, reports its progress, and a rerun of the same file inserts nothing', async () => {
    const before = await count('department_records');
    const first = await upload(GOOD, 'text/csv', '医保10月.csv');
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ filename: '医保10月.csv', format: 'csv', total: 3 });
    const done = await finished(first.body.id);
    expect(done).toMatchObject({ status: 'done', total: 3, done: 3, inserted: 3, unchanged: 0 });
    expect(await count('department_records')).toBe(before + 3);

    const again = await finished((await upload(GOOD, 'text/csv', '医保10月.csv')).body.id);
    expect(again).toMatchObject({ status: 'done', inserted: 0, unchanged: 3 });
    expect(await count('department_records')).toBe(before + 3);
    const row = (
      await app.tdb.db.query(
        `SELECT name, amount FROM department_records WHERE id_number = '430422197001010107' AND kind = 'medical_expense'`,
      )
    ).rows;
    expect(row).toEqual([{ name: '罗翠萍', amount: 38600.5 }]);
    const list = await fetch(`${app.url}/api/department-data/imports`, { headers: { cookie } }).then((r) =>
      r.json(),
    );
    expect(list.items.map((j: { id: string }) => j.id)).toEqual([again.id, done.id]);
  });

  it('imports an Excel workbook with Chinese column headers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('残联数据');
    ws.addRow(['部门', '类别', '身份证号码', '姓名', '金额', '期间']);
    // a department by its Chinese label (残疾人联合会 = disabled_federation) is stored as its code
    ws.addRow(['残疾人联合会', 'disability', '430422197505050209', '吴文斌', 0, '2026-10']);
    ws.addRow(['disabled_federation', '残疾', '430422196002020070', '徐某', 1200.5, '2026-10']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await upload(buf, XLSX, '残联10月.xlsx');
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const done = await finished(r.body.id);
    expect(done).toMatchObject({ status: 'done', format: 'xlsx', inserted: 2 });
    const rows = (
      await app.tdb.db.query(
        `SELECT id_number, amount FROM department_records WHERE department = 'disabled_federation' AND kind = 'disability' AND period = '2026-10' AND id_number IN ('430422197505050209', '430422196002020070') ORDER BY id_number`,
      )
    ).rows;
    expect(rows).toEqual([
      { id_number: '430422196002020070', amount: 1200.5 },
      { id_number: '430422197505050209', amount: 0 },
    ]);
  });

  it('refuses a file with bad rows, lists each with its line and column in Chinese, and writes nothing', async () => {
    const bad = [
      'department,kind,id_number,name,amount,period',
      'medical_insurance,medical_expense,430422197001010108,校验位错,100,2026-10',
      'medical_insurance,,430422198001010187,缺类别,100,2026-10',
      'medical_insurance,medical_expense,430422196503030226,金额错,12.345,2026-10',
      'medical_insurance,medical_expense,430422197203040013,正确行,100,2026-10',
    ].join('\r\n');
    const records = await count('department_records');
    const jobs = await count('department_imports');
    const r = await upload(bad, 'text/csv', 'bad.csv');
    expect(r.status).toBe(422);
    expect(r.type).toMatch(/application\/problem\+json/);
    expect(r.body.title).toBe('文件有 3 处错误，未导入任何数据，请修改后重新导入');
    expect(r.body.errors).toEqual([
      {
        path: 'rows/2/id_number',
        message: '第2行：身份证号校验位错误',
        message_en: 'line 2: the check digit of the ID is wrong',
      },
      { path: 'rows/3/kind', message: '第3行：类别不能为空', message_en: 'line 3: kind is required' },
      {
        path: 'rows/4/amount',
        message: '第4行：金额须为数字，最多两位小数',
        message_en: 'line 4: amount must be a number with at most two decimals',
      },
    ]);
    expect(await count('department_records')).toBe(records);
    expect(await count('department_imports')).toBe(jobs);
  });

  it('refuses a cell holding a NUL, naming its line and column, and writes nothing', async () => {
    const bad = [
      'department,kind,id_number,name,amount,period,备注',
      'medical_insurance,medical_expense,430422197001010107,罗\u0000翠萍,100,2026-10,',
      'civil_affairs,dibao,430422198001010187,张秀英,,2026-10,见\u0000附件',
    ].join('\n');
    const records = await count('department_records');
    const jobs = await count('department_imports');
    const r = await upload(bad, 'text/csv', 'nul.csv');
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([
      expect.objectContaining({
        path: 'rows/2/name',
        message: expect.stringMatching(/^第2行：“name”列含有不允许的空字符/),
      }),
      expect.objectContaining({
        path: 'rows/3/备注',
        message_en: expect.stringMatching(/^line 3: column 备注: contains a NUL/),
      }),
    ]);
    expect(await count('department_records')).toBe(records);
    expect(await count('department_imports')).toBe(jobs);
  });

  it('reads a GB18030 CSV as Excel on a Chinese Windows saves it', async () => {
    const text =
      'department,kind,id_number,name,amount,period\nagriculture,disaster_loss,430422197303030250,赵小军,5200,2026-08\n';
    // encode the Chinese name in GB18030 by hand: 赵 = D5D4, 小 = D0A1, 军 = BEFC
    const parts = text.split('赵小军');
    const body = Buffer.concat([
      Buffer.from(parts[0]),
      Buffer.from([0xd5, 0xd4, 0xd0, 0xa1, 0xbe, 0xfc]),
      Buffer.from(parts[1]),
    ]);
    const done = await finished((await upload(body, 'text/csv', 'gbk.csv')).body.id);
    expect(done).toMatchObject({ status: 'done', inserted: 1 });
    const name = (
      await app.tdb.db.query(
        `SELECT name FROM department_records WHERE id_number = '430422197303030250' AND kind = 'disaster_loss'`,
      )
    ).rows[0].name;
    expect(name).toBe('赵小军');
  });

  it('answers wrong callers and wrong files with 4xx and writes nothing', async () => {
    const records = await count('department_records');
    const cadre = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'cadre.zhushan', password: 'zhenxing' }),
    });
    const cadreAuth = {
      cookie: (cadre.headers.get('set-cookie') ?? '').split(';')[0],
      csrf: (await cadre.json()).csrfToken,
    };
    expect((await upload(GOOD, 'text/csv', 'x.csv', cadreAuth)).status).toBe(403);
    expect((await upload('{"rows":[]}', 'application/json', 'x.json')).status).toBe(415);
    expect((await upload('', 'text/csv', 'empty.csv')).status).toBe(422);
    const notXlsx = await upload(Buffer.from('not a workbook'), XLSX, 'broken.xlsx');
    expect(notXlsx.status).toBe(422);
    expect(notXlsx.body.errors[0]).toMatchObject({
      path: 'file',
      message: '无法读取该 Excel 文件（须为 .xlsx 格式）',
    });
    expect((await upload('department,kind\n', 'text/csv', 'header-only.csv')).body.errors[0]).toMatchObject({
      path: 'rows/1/id_number',
    });
    expect(await count('department_records')).toBe(records);
  });

  it('the same records sent with codes and then with Chinese labels are the same records: the second import inserts 0', async () => {
    const withCodes = [
      'department,kind,id_number,name,amount,period',
      'medical_insurance,medical_expense,430422197203040013,黄志强,1800,2026-06',
      'emergency,disaster_loss,430422197203040013,黄志强,900.5,2026-06',
    ].join('\n');
    const withLabels = [
      '部门,类别,身份证号,姓名,金额,期间',
      '医疗保障部门,大额医疗费用,430422197203040013,黄志强,1800.00,2026-06',
      '应急管理部门,自然灾害损失,430422197203040013,黄志强,900.50,2026-06',
    ].join('\n');
    const before = await count('department_records');
    const first = await finished((await upload(withCodes, 'text/csv', '代码.csv')).body.id);
    expect(first).toMatchObject({ status: 'done', inserted: 2, unchanged: 0 });
    const second = await finished((await upload(withLabels, 'text/csv', '名称.csv')).body.id);
    expect(second).toMatchObject({ status: 'done', inserted: 0, unchanged: 2 });
    expect(await count('department_records')).toBe(before + 2);
    const stored = (
      await app.tdb.db.query(
        `SELECT DISTINCT department, kind FROM department_records WHERE id_number = '430422197203040013' AND period = '2026-06' ORDER BY 1`,
      )
    ).rows;
    expect(stored).toEqual([
      { department: 'emergency', kind: 'disaster_loss' },
      { department: 'medical_insurance', kind: 'medical_expense' },
    ]);
  });

  it('refuses month 13 and values outside the code lists, one message per bad row', async () => {
    const bad = [
      'department,kind,id_number,name,amount,period',
      'medical_insurance,medical_expense,430422197203040013,黄志强,100,2026-13',
      '水利部门,,430422197001010108,两处错,12.345,2026-02-30',
      'civil_affairs,dibao,430422197203040013,黄志强,100,2026-12',
    ].join('\n');
    const records = await count('department_records');
    const r = await upload(bad, 'text/csv', 'bad-period.csv');
    expect(r.status).toBe(422);
    expect(r.body.title).toBe('文件有 2 处错误，未导入任何数据，请修改后重新导入');
    expect(r.body.errors.map((e: { message: string }) => e.message)).toEqual([
      '第2行：期间“2026-13”不是有效的年、月或日（如 2026-10，月份 01–12）',
      '第3行：部门“水利部门”不在代码表中；类别不能为空；身份证号校验位错误；金额须为数字，最多两位小数；期间“2026-02-30”不是有效的年、月或日（如 2026-10，月份 01–12）',
    ]);
    // no row number twice
    const lines = r.body.errors.map((e: { path: string }) => e.path.split('/')[1]);
    expect(new Set(lines).size).toBe(lines.length);
    expect(await count('department_records')).toBe(records);
  });

  it('offers an XLSX template whose headers carry comments naming the code lists', async () => {
    const res = await fetch(`${app.url}/api/department-data/template`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).values).toEqual([
      undefined,
      'department',
      'kind',
      'id_number',
      'name',
      'amount',
      'period',
    ]);
    const note = (c: number) => {
      const n = ws.getRow(1).getCell(c).note;
      return typeof n === 'string' ? n : (n?.texts ?? []).map((t) => t.text).join('');
    };
    expect(note(1)).toContain('medical_insurance 医疗保障部门');
    expect(note(2)).toContain('dibao');
    expect(note(6)).toMatch(/01–12/);
    // the template's example row imports as it is
    const r = await upload(Buffer.from(await wb.xlsx.writeBuffer()), XLSX, '模板.xlsx');
    expect(r.status, JSON.stringify(r.body)).toBe(202);
  });
});
