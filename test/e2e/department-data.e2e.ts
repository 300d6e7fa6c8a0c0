/**
 * The county rural bureau imports department data in the browser: a file with
 * bad rows is refused with each row listed in Chinese; the corrected file runs
 * with a progress bar and shows its counts.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import ExcelJS from 'exceljs';
import { launch, login, shot } from './browser.js';

let browser: Browser;
const base = () => inject('baseUrl');
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const header = 'department,kind,id_number,name,amount,period';
const good = [
  header,
  'medical_insurance,medical_expense,430422197803120316,谭建华,52000,2026-11',
  'civil_affairs,dibao,430422198505050289,杨永福,,2026-11',
].join('\n');
const bad = [
  header,
  'medical_insurance,medical_expense,430422197803120317,谭建华,52000,2026-11',
  'civil_affairs,,430422198505050289,杨永福,,2026-11',
  'civil_affairs,dibao,430422198505050289,杨永福,,2026-13',
].join('\n');
// the same records as `good`, the department and the kind by their Chinese names
const goodByLabels = [
  '部门,类别,身份证号,姓名,金额,期间',
  '医疗保障部门,大额医疗费用,430422197803120316,谭建华,52000.00,2026-11',
  '民政部门,低保,430422198505050289,杨永福,,2026-11',
].join('\n');

describe('department data import', () => {
  it('refuses a file with bad rows, listing them; imports the corrected file with progress', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(page, base(), 'bureau');
    await page.getByRole('menuitem', { name: '部门数据' }).click();
    const file = page.getByLabel('选择文件');
    await file.setInputFiles({ name: '医保11月.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByText('文件有 3 处错误，未导入任何数据，请修改后重新导入').waitFor();
    // one line per bad row; the row number said once (位置), the problems after it
    const rows = page.locator('.ant-alert .ant-table-row');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.allTextContents()).toEqual([
      '第 2 行 · 身份证号身份证号校验位错误',
      '第 3 行 · 类别类别不能为空',
      '第 4 行 · 期间期间“2026-13”不是有效的年、月或日（如 2026-10，月份 01–12）',
    ]);
    expect(
      await page
        .locator('.ant-alert')
        .getByText(/第\d+行/)
        .count(),
    ).toBe(0);
    await shot(page, 'department-data-refused-1280');
    await file.setInputFiles({ name: '医保11月.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByText('导入完成：共 2 条，新增 2 条，已存在 0 条').waitFor();
    expect(await page.getByText('文件有 2 处错误').count()).toBe(0);
    await page.locator('.ant-table-row', { hasText: '医保11月.csv' }).first().waitFor();
    await shot(page, 'department-data-done-1280');
    // the same records with labels instead of codes: nothing new
    await file.setInputFiles({
      name: '医保11月-名称.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(goodByLabels),
    });
    await page.getByText('导入完成：共 2 条，新增 0 条，已存在 2 条').waitFor();
    // the template: an Excel file with the columns
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /下载导入模板/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('部门数据导入模板.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await download.path())!);
    expect(wb.worksheets[0].getRow(1).values).toEqual([
      undefined,
      'department',
      'kind',
      'id_number',
      'name',
      'amount',
      'period',
    ]);
    await page.setViewportSize({ width: 375, height: 800 });
    await shot(page, 'department-data-done-375');
    await page.close();
  });
});
