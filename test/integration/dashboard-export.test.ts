/**
 * The dashboard's figures exported to Excel are the numbers the page draws:
 * the same totals, cases per township and status per process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, type TestApp } from '../support/app.js';
import { application, peopleOf } from '../support/demo.js';

let app: TestApp;
let cookie = '';
beforeAll(async () => {
  app = await createTestApp();
  const res = await fetch(`${app.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bureau', password: 'zhenxing' }),
  });
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  // cases in several villages, so the figures are not all zero (households already monitored are refused: skip them)
  let started = 0;
  for (const hid of ['HH-0001', 'HH-0004', 'HH-0006', 'HH-0008', 'HH-0010']) {
    const p = peopleOf(hid);
    const cadre = await app.as(p.cadre);
    const r = await cadre.post('/api/cases', {
      process: 'identification',
      org: p.village,
      subject: { id: hid },
      requestId: `dash-${hid}`,
      data: application(hid),
    });
    if (r.status === 201) started++;
    else expect(r.status, JSON.stringify(r.body)).toBe(409);
  }
  expect(started).toBeGreaterThanOrEqual(2);
});
afterAll(async () => {
  await app?.close();
});

type Figures = {
  byStatus: { process_key: string; status: string; n: number }[];
  byRegion: { name: string; n: number }[];
  overdueTasks: number;
  openNotices: number;
};

describe('dashboard export', () => {
  it('holds the same numbers as the dashboard', async () => {
    const page = (await fetch(`${app.url}/api/dashboard`, { headers: { cookie } }).then((r) =>
      r.json(),
    )) as Figures;
    const res = await fetch(`${app.url}/api/dashboard/export.xlsx`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const rows = (name: string) => {
      const out: unknown[][] = [];
      wb.getWorksheet(name)!.eachRow((r, i) => i > 1 && out.push((r.values as unknown[]).slice(1)));
      return out;
    };
    const total = page.byStatus.reduce((a, x) => a + x.n, 0);
    expect(total).toBeGreaterThanOrEqual(2);
    expect(Object.fromEntries(rows('概况'))).toEqual({
      案件总数: total,
      办理中: page.byStatus.filter((x) => x.status === 'running').reduce((a, x) => a + x.n, 0),
      已通过: page.byStatus.filter((x) => x.status === 'approved').reduce((a, x) => a + x.n, 0),
      超期任务: page.overdueTasks,
      公示中: page.openNotices,
    });
    expect(rows('各乡镇案件数')).toEqual(page.byRegion.map((r) => [r.name, r.n]));
    expect(rows('各事项办理状态').map((r) => r[2])).toEqual(page.byStatus.map((x) => x.n));
  });
});
