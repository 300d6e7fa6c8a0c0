/**
 * 农户导入导出 through the API: an Excel file with a household sheet and a member sheet
 * (附件2 indicators) is checked whole — exactly the seeded errors reported, nothing written;
 * the fixed file imports after a preview; importing it again changes nothing; an edited file
 * previews exactly its changes. An export re-imports to the same registry state, and stays
 * masked for a user who may not unmask.
 */
import { demoResidentId } from '../support/demo.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';

let app: TestApp;
let bureau: ApiClient;
let cookie = '';
let csrf = '';
beforeAll(async () => {
  app = await createTestApp();
  bureau = await app.as('bureau');
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

type Row = (string | number)[];
const HOUSEHOLD_HEADER = [
  '户编号',
  '村编码',
  '监测状态',
  'A3 监测对象类型',
  'A28 工资性收入（元）',
  'A27 风险类型（可多选）',
  'A55 监测帮扶联系人姓名',
  'A55 联系电话',
];
const MEMBER_HEADER = ['户编号', 'A5 姓名', 'A7 身份证号码', 'A8 与户主关系', 'A13 健康状况', 'A14 劳动技能'];

function goodFile(): { households: Row[]; members: Row[] } {
  return {
    households: [
      ['IMP-001', 'v-zhushan', '监测中', '2', 12000, '06、07', '李帮扶', '13907340101'],
      ['IMP-002', 'v-heping', '未纳入监测', '', 30000, '', '', ''],
      ['IMP-003', 'v-huaqiao', '监测中', '3', 8000, '06', '王帮扶', '13907340102'],
    ],
    members: [
      ['IMP-001', '陈一', demoResidentId('19700101', 11), '01', '01', '01'],
      ['IMP-001', '林二', demoResidentId('19720202', 22), '02', '01', '01'],
      ['IMP-001', '陈三', demoResidentId('20000303', 33), '03', '01', '04'],
      ['IMP-002', '郑四', demoResidentId('19650404', 44), '01', '01', '01'],
      ['IMP-002', '郑五', demoResidentId('19900505', 55), '03', '02', '01'],
      ['IMP-003', '何六', demoResidentId('19550606', 66), '01', '03', '03'],
      ['IMP-003', '何七', demoResidentId('19800707', 77), '03', '01', '01'],
    ],
  };
}

async function xlsx(f: { households: Row[]; members: Row[] }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const hs = wb.addWorksheet('户信息');
  hs.addRow(HOUSEHOLD_HEADER);
  for (const r of f.households) hs.addRow(r);
  const ms = wb.addWorksheet('家庭成员');
  ms.addRow(MEMBER_HEADER);
  for (const r of f.members) ms.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function send(path: string, body: Buffer, type = XLSX, as = { cookie, csrf }) {
  const res = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': type, cookie: as.cookie, 'x-csrf-token': as.csrf },
    body: new Uint8Array(body),
  });
  return { status: res.status, body: await res.json() };
}
const preview = (buf: Buffer, name = 'households.xlsx') =>
  send(`/api/households/import-preview?filename=${encodeURIComponent(name)}`, buf);
const apply = (buf: Buffer, sha: string, name = 'households.xlsx') =>
  send(`/api/households/import?filename=${encodeURIComponent(name)}&confirm=${sha}`, buf);
const counts = async () =>
  (
    await app.tdb.db.query(
      `SELECT (SELECT count(*) FROM households)::int AS h, (SELECT count(*) FROM household_members)::int AS m, (SELECT count(*) FROM household_history)::int AS hist`,
    )
  ).rows[0];

describe('household import', () => {
  it('reports exactly the five seeded errors, row by row in Chinese, and writes nothing', async () => {
    const f = goodFile();
    const bad = f.members.map((r) => [...r]);
    bad[1][2] = String(bad[1][2]).slice(0, 17) + (String(bad[1][2])[17] === '0' ? '1' : '0'); // 1. wrong check digit (line 3)
    bad[2][3] = '66'; // 2. unknown relation code (line 4)
    bad.push(['IMP-404', '孤六', demoResidentId('19880808', 88), '01', '01', '01']); // 3. a member without a household (line 9)
    bad.push(['IMP-003', '郑五', String(f.members[4][2]), '03', '01', '01']); // 4. one ID in two households (line 10)
    const households = f.households.map((r) => [...r]);
    households[2][3] = '7'; // 5. unknown monitoring type (户信息 line 4)
    const before = await counts();
    const r = await preview(await xlsx({ households, members: bad }));
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.body.title, JSON.stringify(r.body.errors)).toMatch(/^文件有 5 处错误，未导入任何数据/);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual([
      '户信息/4/A3 监测对象类型',
      '家庭成员/3/A7 身份证号码',
      '家庭成员/4/A8 与户主关系',
      '家庭成员/9/户编号',
      '家庭成员/10/A7 身份证号码',
    ]);
    expect(r.body.errors.map((e: { message: string }) => e.message)).toEqual([
      expect.stringMatching(/^户信息第4行（A3 监测对象类型）：代码“7”不在“监测对象类型”代码表中/),
      '家庭成员第3行（A7 身份证号码）：身份证号校验位错误',
      expect.stringMatching(/^家庭成员第4行（A8 与户主关系）：代码“66”不在/),
      '家庭成员第9行（户编号）：户编号 IMP-404 在“户信息”中不存在（成员没有所属农户）',
      '家庭成员第10行（A7 身份证号码）：身份证号同时出现在户 IMP-002（第6行）和户 IMP-003 中',
    ]);
    expect(await counts()).toEqual(before);
    // applying a file with errors is refused the same way
    expect((await apply(await xlsx({ households, members: bad }), 'x')).status).toBe(409);
    expect(await counts()).toEqual(before);
  });

  it('imports the fixed file after a preview, changes nothing on a second import, and previews exactly the edits of a changed file', async () => {
    const f = goodFile();
    const buf = await xlsx(f);
    const first = await preview(buf);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ households: 3, members: 7, changed: 3, unchanged: 0 });
    expect(first.body.changes.map((c: { message: string }) => c.message)).toEqual([
      '新增农户 IMP-001（3人，户主 陈一）',
      '新增农户 IMP-002（2人，户主 郑四）',
      '新增农户 IMP-003（2人，户主 何六）',
    ]);
    // without the previewed file's hash nothing is applied
    expect((await apply(buf, 'not-the-hash')).status).toBe(409);
    const done = await apply(buf, first.body.sha256);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    const row = (
      await app.tdb.db.query(
        `SELECT monitoring_status, monitoring_type, monitor_contact, members FROM households WHERE id = 'IMP-001'`,
      )
    ).rows[0];
    expect(row).toMatchObject({
      monitoring_status: 'monitored',
      monitoring_type: '2',
      monitor_contact: { name: '李帮扶', phone: '13907340101' },
    });
    expect(row.members.map((m: { name: string }) => m.name)).toEqual(['陈一', '林二', '陈三']);
    // the imported household opens its next procedure from the imported 附件2
    const stored = (
      await app.tdb.db.query(`SELECT stage, data FROM household_collections WHERE household_id = 'IMP-001'`)
    ).rows;
    expect(stored).toEqual([
      { stage: 'measures', data: expect.objectContaining({ A28: 12000, A27: ['06', '07'], A3: '2' }) },
    ]);
    // found by the last digits of a member's ID
    const found = await bureau.get(`/api/households?q=${String(f.members[6][2]).slice(-6)}`);
    expect(found.body.items.map((h: { id: string }) => h.id)).toEqual(['IMP-003']);

    const afterFirst = await counts();
    const again = await preview(buf);
    expect(again.body).toMatchObject({ changed: 0, unchanged: 3, totalChanges: 0, changes: [] });
    expect((await apply(buf, again.body.sha256)).body).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 3,
      changes: 0,
    });
    expect(await counts()).toEqual(afterFirst);

    // an edited file: one income, one member's health, one newborn, one member who left
    const edited = goodFile();
    edited.households[0][4] = 15000;
    edited.members[3][4] = '03';
    edited.members.push(['IMP-002', '郑小宝', demoResidentId('20250909', 99), '05', '01', '04']);
    edited.members.splice(6, 1); // 何七 (IMP-003)
    const ebuf = await xlsx(edited);
    const diff = await preview(ebuf, 'edited.xlsx');
    expect(diff.body).toMatchObject({ changed: 3, unchanged: 0, totalChanges: 4 });
    expect(diff.body.changes.map((c: { message: string }) => c.message)).toEqual([
      '户 IMP-001：A28 工资性收入（元） 由“12000”改为“15000”',
      '户 IMP-002：成员 郑四 的 A13 健康状况 由“01”改为“03”',
      `户 IMP-002：成员增加 郑小宝（430422********${demoResidentId('20250909', 99).slice(-4)}）`,
      `户 IMP-003：成员减少 何七（430422********${demoResidentId('19800707', 77).slice(-4)}）`,
    ]);
    expect(await counts()).toEqual(afterFirst);
    expect((await apply(ebuf, diff.body.sha256, 'edited.xlsx')).body).toMatchObject({
      created: 0,
      updated: 3,
      unchanged: 0,
      changes: 4,
    });
    expect((await preview(ebuf, 'edited.xlsx')).body).toMatchObject({ changed: 0, totalChanges: 0 });
    const left = (
      await app.tdb.db.query(`SELECT active, left_reason FROM household_members WHERE id_number = $1`, [
        demoResidentId('19800707', 77),
      ])
    ).rows[0];
    expect(left).toEqual({ active: false, left_reason: 'imported_out' });
    const audit = (
      await app.tdb.db.query(`SELECT detail FROM audit_events WHERE action = 'household.import' ORDER BY seq`)
    ).rows.map((r) => r.detail);
    expect(audit.map((d) => [d.created, d.updated, d.unchanged])).toEqual([
      [3, 0, 0],
      [0, 0, 3],
      [0, 3, 0],
    ]);
  });

  it('imports a simple CSV of members, the household made from its rows', async () => {
    const csv = [
      '户编号,村编码,A5 姓名,A7 身份证号码,A8 与户主关系',
      `CSV-1,竹山村,曹甲,${demoResidentId('19600101', 101)},01`,
      `CSV-1,竹山村,曹乙,${demoResidentId('19620101', 102)},02`,
    ].join('\n');
    const p = await send('/api/households/import-preview?filename=a.csv', Buffer.from(csv), 'text/csv');
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body).toMatchObject({ households: 1, members: 2, changed: 1 });
    expect(
      (
        await send(
          `/api/households/import?filename=a.csv&confirm=${p.body.sha256}`,
          Buffer.from(csv),
          'text/csv',
        )
      ).body,
    ).toMatchObject({ created: 1 });
    expect(
      (
        await app.tdb.db.query(
          `SELECT org_id, jsonb_array_length(members) AS n FROM households WHERE id = 'CSV-1'`,
        )
      ).rows[0],
    ).toEqual({ org_id: 'v-zhushan', n: 2 });
  });

  it('offers a template in the import layout', async () => {
    const res = await fetch(`${app.url}/api/households/import-template`, { headers: { cookie } });
    expect(res.headers.get('content-type')).toBe(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['户信息', '家庭成员']);
    expect(wb.getWorksheet('家庭成员')!.getRow(1).values).toEqual(
      expect.arrayContaining(['户编号', 'A5 姓名', 'A7 身份证（残疾人证）号码', 'A8 与户主关系']),
    );
  });
});

describe('household export', () => {
  it('exports the county’s households with their 附件2; the file re-imports to the same registry state', async () => {
    const res = await fetch(`${app.url}/api/households/export?unmask=1`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const buf = Buffer.from(await res.arrayBuffer());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ids = wb.getWorksheet('户信息')!.getColumn(1).values.slice(2);
    expect(ids).toEqual(expect.arrayContaining(['HH-0001', 'HH-0014', 'IMP-001', 'CSV-1']));
    const before = await counts();
    const round = await preview(buf, '导出.xlsx');
    expect(round.status, JSON.stringify(round.body).slice(0, 2000)).toBe(200);
    expect(round.body.changes).toEqual([]);
    expect(round.body).toMatchObject({ changed: 0, unchanged: ids.length });
    expect(await counts()).toEqual(before);
    // and applied, the file leaves every household and member exactly as it was
    const state = async () =>
      (
        await app.tdb.db.query(
          `SELECT h.id, h.org_id, h.monitoring_status, h.monitoring_type, h.monitor_contact, h.head_id_number,
                  (SELECT jsonb_agg(jsonb_build_array(m.id_number, m.name, m.relation, m.attrs, m.active) ORDER BY m.id_number)
                     FROM household_members m WHERE m.household_id = h.id) AS members,
                  (SELECT max(version) FROM household_collections c WHERE c.household_id = h.id) AS collection
             FROM households h ORDER BY h.id`,
        )
      ).rows;
    const registry = await state();
    const applied = await apply(buf, round.body.sha256, '导出.xlsx');
    expect(applied.status, JSON.stringify(applied.body).slice(0, 2000)).toBe(200);
    expect(applied.body).toMatchObject({ created: 0, updated: 0, changes: 0 });
    expect(await state()).toEqual(registry);
    const audit = (
      await app.tdb.db.query(
        `SELECT actor_id, detail FROM audit_events WHERE action = 'household.export-unmasked'`,
      )
    ).rows;
    expect(audit).toEqual([
      { actor_id: expect.any(String), detail: expect.objectContaining({ households: ids.length }) },
    ]);
  });

  it('keeps ID numbers masked for a user who may not unmask, and refuses to unmask for them', async () => {
    const reviewer = await app.as('sec.yunji');
    expect((await reviewer.get('/api/households/export?unmask=1')).status).toBe(403);
    const login = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sec.yunji', password: 'zhenxing' }),
    });
    const c = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const res = await fetch(`${app.url}/api/households/export`, { headers: { cookie: c } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const idColumn = wb.getWorksheet('家庭成员')!.getColumn(3).values.slice(2) as string[];
    expect(idColumn.length).toBeGreaterThan(5);
    expect(idColumn.every((v) => /^\d{6}\*{8}\d{3}[\dX]$/.test(v))).toBe(true);
    // the contact's phone (A55) is masked too, where the file has one
    const hsheet = wb.getWorksheet('户信息')!;
    const phoneAt = (hsheet.getRow(1).values as string[]).findIndex((h) =>
      /^A55\s*联系电话/.test(String(h ?? '')),
    );
    expect(phoneAt).toBeGreaterThan(0);
    const phones = (hsheet.getColumn(phoneAt).values.slice(2) as string[]).filter(Boolean);
    expect(phones.length).toBeGreaterThan(0);
    expect(phones.every((v) => /^\d{3}\*{4}\d{4}$/.test(String(v)))).toBe(true);
    // the township sees its own villages only
    const villages = new Set(wb.getWorksheet('户信息')!.getColumn(2).values.slice(2));
    expect(villages).toEqual(new Set(['v-zhushan', 'v-heping']));
  });
});
