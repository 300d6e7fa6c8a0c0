/**
 * 农户 in the browser: a household is found by the whole ID number of a member on the 农户 page
 * and in the start dialog; an identification for a monitored household, or for one with an open
 * case, is refused before any form is shown — with a link to the open case.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, choose, launch, login, shot } from './browser.js';
import { application } from '../support/demo.js';

let browser: Browser;
const base = () => inject('baseUrl');
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function as(username: string, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await login(page, base(), username);
  return page;
}

describe('households in the browser', () => {
  it('finds a household by a whole ID number and refuses an identification for a monitored one before the form', async () => {
    const cadre = await as('cadre.xinhe');
    await cadre.goto(`${base()}/households`);
    await cadre.getByLabel('搜索农户').fill('430422196211200713');
    await cadre.getByLabel('搜索农户').press('Enter');
    const rows = cadre.locator('.ant-table-tbody .ant-table-row');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('HH-0014');
    expect(await rows.first().textContent()).toContain('监测中');
    await shot(cadre, 'households-search-id-1280');
    await cadre.close();

    const starter = await as('cadre.xinhe');
    await starter.getByRole('button', { name: /发\s*起/ }).click();
    await choose(starter, '流程', '防止返贫监测对象识别');
    await choose(starter, '村', '新河村');
    await starter.getByRole('combobox', { name: '农户', exact: true }).click();
    await starter.getByRole('combobox', { name: '农户', exact: true }).fill('430422196211200713');
    await starter
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'HH-0014' })
      .click();
    const modal = starter.getByRole('dialog');
    await expect.poll(() => modal.getByRole('alert').first().textContent()).toMatch(/当前状态为“监测中”/);
    expect(await modal.locator('#root_name').count()).toBe(0);
    await shot(starter, 'start-refused-monitored-1280');
    await starter.close();
  });

  it('links to the open case when the household already has one', async () => {
    const cadre = await as('cadre.xinhe');
    // the designers' browser test may already have published 附件1 with a required 联系电话: fill what the form asks
    const form = (await api(cadre, 'GET', '/api/forms/application')).body.latest;
    const data = application(
      'HH-0012',
      form.schema.properties.contactPhone ? { contactPhone: '13907345678' } : {},
    );
    const open = await api(cadre, 'POST', '/api/cases', {
      process: 'identification',
      org: 'v-xinhe',
      subject: { id: 'HH-0012' },
      requestId: 'e2e-open-1',
      data,
    });
    expect(open.status, JSON.stringify(open.body)).toBe(201);
    await cadre.getByRole('button', { name: /发\s*起/ }).click();
    await choose(cadre, '流程', '防止返贫监测对象识别');
    await choose(cadre, '村', '新河村');
    await choose(cadre, '农户', 'HH-0012');
    const modal = cadre.getByRole('dialog');
    const link = modal.getByRole('link', { name: new RegExp(`查看在办案件 ${open.body.id}`) });
    await link.waitFor();
    expect(await modal.locator('#root_name').count()).toBe(0);
    await link.click();
    await cadre.waitForURL(new RegExp(`/cases/${open.body.id}`));
    await cadre.close();
  });
});
