/**
 * 复制为… in the browser (issue #20): the administrator copies 附件1 under a new key, then the
 * identification process with 附件1 replaced by the copy, and sees every reference the copy rewrote
 * (the step's form, the notice's published fields); the pack list offers each pack's export.
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

describe('provinces: variants in the browser', () => {
  it('copies a form and a process; the process copy shows the rewritten references', async () => {
    const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(admin, base(), 'admin');
    await admin.goto(`${base()}/admin`);
    // the pack list: each installed pack with its own export
    await admin
      .getByRole('cell', { name: 'hunan' })
      .or(admin.getByText('湖南省巩固拓展脱贫攻坚成果政策包'))
      .first()
      .waitFor();

    const formRow = admin
      .getByRole('row')
      .filter({ has: admin.getByRole('link', { name: '防止返贫监测对象个人申请及承诺授权书' }) })
      .first();
    await formRow.getByRole('button', { name: '复制为…' }).click();
    await admin.getByLabel('新编码').fill('application-gd');
    await admin.getByLabel('名称').fill('广东省申请书');
    await admin.getByRole('button', { name: /^复\s*制$/ }).click();
    await admin.getByText(/已创建 application-gd（第 1 版）/).waitFor();
    await admin.getByRole('button', { name: '关 闭', exact: true }).click();

    const processRow = admin
      .getByRole('row')
      .filter({ has: admin.getByRole('link', { name: '防止返贫监测对象识别', exact: true }) })
      .first();
    await processRow.getByRole('button', { name: '复制为…' }).click();
    await admin.getByLabel('新编码').fill('identification-gd');
    await admin.getByLabel('名称').fill('广东省监测对象识别');
    // pick by typing and Enter: the first select's dropdown may still be closing when the second opens
    for (const [label, value] of [
      ['原表单', 'application'],
      ['新表单', 'application-gd'],
    ]) {
      await admin.getByRole('combobox', { name: label, exact: true }).fill(value);
      await admin.keyboard.press('Enter');
    }
    await admin.getByRole('button', { name: /^复\s*制$/ }).click();
    await admin.getByText(/已创建 identification-gd（第 1 版）/).waitFor();
    await admin.getByText('步骤 village_notice：application.name → application-gd.name').waitFor();
    await admin.getByText('步骤 apply：application → application-gd').waitFor();
    await shot(admin, 'admin-copy-process-1280');

    const def = (await api(admin, 'GET', '/api/admin/processes/identification-gd/versions/1')).body
      .definition;
    expect(def.steps.find((s: { id: string }) => s.id === 'village_notice').publish[0]).toBe(
      'application-gd.name',
    );

    const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await login(phone, base(), 'admin');
    await phone.goto(`${base()}/admin`);
    await phone.getByText('湖南省巩固拓展脱贫攻坚成果政策包').waitFor();
    await phone.getByText('广东省监测对象识别').waitFor();
    await shot(phone, 'admin-packs-375');
    await phone.close();
    await admin.close();
  });

  it('imports a division list for 广东省 after a preview, and closes an empty county', async () => {
    const csv = [
      '区划代码,名称,上级代码,层级',
      '440000,广东省,,省',
      '441500,汕尾市,440000,市',
      '441521,海丰县,441500,县',
      '441523,陆河县,441500,县',
      '441521100,海城镇,441521,镇',
      '441521100201,东风村,441521100,村',
    ].join('\n');
    const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(admin, base(), 'admin');
    await admin.goto(`${base()}/admin/org-tree`);
    await admin.getByText('湖南省').first().waitFor();
    await admin
      .getByLabel('区划清单文件')
      .setInputFiles({ name: 'guangdong.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await admin.getByText('新增 6 个，更名 0 个，不变 0 个').waitFor();
    await shot(admin, 'admin-org-import-preview-1280');
    await admin.getByRole('button', { name: '确认导入' }).click();
    await admin.getByText(/已导入：新增 6 个/).waitFor();
    const row = admin.getByRole('row').filter({ hasText: '陆河县' });
    await row.getByRole('button', { name: /撤\s*销/ }).click();
    await row.getByText('已撤销').waitFor();
    const tree = (await api(admin, 'GET', '/api/admin/org-tree?root=440000')).body.items;
    expect(
      tree.map((n: { name: string; closed_at: string | null }) => [n.name, n.closed_at !== null]),
    ).toEqual([
      ['广东省', false],
      ['汕尾市', false],
      ['海丰县', false],
      ['海城镇', false],
      ['东风村', false],
      ['陆河县', true],
    ]);
    // a Hunan village with accounts is not closed: the refusal lists them
    const refused = await api(admin, 'POST', '/api/admin/org-nodes/v-zhushan/close', {});
    expect(refused.status).toBe(409);
    expect(refused.body.errors.length).toBeGreaterThan(0);
    await shot(admin, 'admin-org-tree-1280');
    const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await login(phone, base(), 'admin');
    await phone.goto(`${base()}/admin/org-tree`);
    await phone.getByText('湖南省').first().waitFor();
    await shot(phone, 'admin-org-tree-375');
    await phone.close();
    await admin.close();
  });
});
