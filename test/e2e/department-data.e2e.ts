/**
 * The county rural bureau imports department data in the browser: a file with
 * bad rows is refused with each row listed in Chinese; the corrected file runs
 * with a progress bar and shows its counts.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
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
].join('\n');

describe('department data import', () => {
  it('refuses a file with bad rows, listing them; imports the corrected file with progress', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(page, base(), 'bureau');
    await page.getByRole('menuitem', { name: '部门数据' }).click();
    const file = page.getByLabel('选择文件');
    await file.setInputFiles({ name: '医保11月.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByText('文件有 2 处错误，未导入任何数据，请修改后重新导入').waitFor();
    await expect.poll(() => page.getByText('第 2 行 · 身份证号').count()).toBe(1);
    await page.getByText('第2行：身份证号校验位错误').waitFor();
    await page.getByText('第3行：类别不能为空').waitFor();
    await shot(page, 'department-data-refused-1280');
    await file.setInputFiles({ name: '医保11月.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByText('导入完成：共 2 条，新增 2 条，已存在 0 条').waitFor();
    expect(await page.getByText('文件有 2 处错误').count()).toBe(0);
    await page.locator('.ant-table-row', { hasText: '医保11月.csv' }).first().waitFor();
    await shot(page, 'department-data-done-1280');
    await page.close();
  });
});
