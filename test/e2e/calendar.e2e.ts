/**
 * 节假日安排 in the browser: an administrator imports next year's arrangement from an .ics file, adds a
 * make-up working day by hand (a weekday is refused with the date named), sees the year as a month grid
 * and publishes it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, launch, login, shot } from './browser.js';

let browser: Browser;
const base = () => inject('baseUrl');
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const YEAR = 2027;
const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'BEGIN:VEVENT',
  `DTSTART;VALUE=DATE:${YEAR}0101`,
  `DTEND;VALUE=DATE:${YEAR}0104`,
  'SUMMARY:元旦',
  'END:VEVENT',
  'BEGIN:VEVENT',
  `DTSTART;VALUE=DATE:${YEAR}0206`,
  `DTEND;VALUE=DATE:${YEAR}0214`,
  'SUMMARY:春节',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

describe('节假日安排', () => {
  it('an administrator enters a year, sees it as a month grid, and publishes it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(page, base(), 'admin');
    await page.goto(`${base()}/admin/calendar`);
    await page.getByRole('combobox', { name: '年份' }).click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: `${YEAR}年` })
      .click();
    await page.getByText(`${YEAR}年尚未发布`).waitFor();

    // import the State Council's periods from an .ics file
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: `${YEAR}.ics`, mimeType: 'text/calendar', buffer: Buffer.from(ICS) });
    await page.getByText(/已从 2027\.ics 读入 2 段安排/).waitFor();
    await page.locator(`[data-date="${YEAR}-02-10"][data-kind="holiday"]`).waitFor();

    // a make-up working day typed by hand: first on a Monday (refused, naming the date), then on the Sunday
    await page.getByRole('button', { name: '添加调休上班' }).click();
    await page.getByLabel('第3段名称').fill('春节调休上班');
    const picker = page.locator('.ant-table-row').nth(2).locator('.ant-picker-range input');
    await picker.first().click();
    await picker.first().fill(`${YEAR}-02-15`);
    await picker.nth(1).fill(`${YEAR}-02-15`);
    await picker.nth(1).press('Enter');
    await page.getByRole('button', { name: '检查并预览' }).click();
    await page.getByText(`第3条：${YEAR}-02-15 是星期一，调休上班日必须是周六或周日`).first().waitFor();
    expect((await api(page, 'GET', `/api/admin/calendar/${YEAR}`)).body.latest).toBeNull();

    await picker.first().click();
    await picker.first().fill(`${YEAR}-02-14`);
    await picker.nth(1).fill(`${YEAR}-02-14`);
    await picker.nth(1).press('Enter');
    await page.getByRole('button', { name: '检查并预览' }).click();
    await page.locator(`[data-date="${YEAR}-02-14"][data-kind="workday"]`).waitFor();
    expect(await page.locator(`[data-date="${YEAR}-01-02"]`).getAttribute('data-kind')).toBe('holiday');
    expect(await page.locator(`[data-date="${YEAR}-03-06"]`).getAttribute('data-kind')).toBe('weekend');
    await page.getByLabel('发布说明').fill('按国务院办公厅通知录入');
    await shot(page, 'holiday-calendar-1280');

    await page
      .getByRole('button', { name: '发 布' })
      .or(page.getByRole('button', { name: '发布', exact: true }))
      .click();
    await page
      .locator('.ant-modal-confirm-title', { hasText: `发布${YEAR}年节假日安排（第1版）？` })
      .waitFor();
    await page.getByRole('button', { name: '确认发布' }).click();
    await page.getByText(`已发布${YEAR}年第1版`).waitFor();
    const published = (await api(page, 'GET', `/api/admin/calendar/${YEAR}`)).body;
    expect(published.latest).toMatchObject({
      version: 1,
      note: '按国务院办公厅通知录入',
      workdays: [`${YEAR}-02-14`],
    });
    expect(published.latest.holidays).toHaveLength(11);
    await page.getByText('版本记录').waitFor();
    await shot(page, 'holiday-calendar-published-1280');
    await page.close();
  });
});
