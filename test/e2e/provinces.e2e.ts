/**
 * 复制为… in the browser (issue #20): the administrator copies 附件1 under a new key, then the
 * identification process with 附件1 replaced by the copy, and sees every reference the copy rewrote
 * (the step's form, the notice's published fields); the pack list offers each pack's export.
 * Then 广东省 beside 湖南省 (acceptance 1): the division list, Guangdong accounts made by the security
 * administrator, the Guangdong pack installed from a file for 广东省, a Guangdong case with its
 * 5-working-day notice (its close date skips the weekend) approved in the Guangdong inboxes, and a Hunan
 * cadre who is neither offered nor allowed the Guangdong process.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, choose, launch, login, shot } from './browser.js';
import { readPackFolder } from '../../server/services/packs.js';
import {
  divisionsCsv,
  GD,
  GD_DIVISIONS,
  GD_PASSWORD,
  GD_USERS,
  guangdongPack,
} from '../support/guangdong.js';

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
    // the list without what lies under 陆河县: an empty county to close
    const csv = divisionsCsv(
      GD_DIVISIONS.filter((d) => d.code === GD.emptyCounty || !d.code.startsWith(GD.emptyCounty)),
    );
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
    // on the page too a province with accounts is not closed: the refusal names them, the province stays
    const hunan = phone.getByRole('row').filter({ hasText: '湖南省' });
    await hunan.getByRole('button', { name: /撤\s*销/ }).click();
    const refusal = phone.getByRole('alert').filter({ hasText: '“湖南省”下仍有在办案件或账号，不能撤销' });
    await refusal
      .getByText(/^账号 /)
      .first()
      .waitFor();
    await shot(phone, 'admin-org-close-refused-375');
    expect(await hunan.getByText('已撤销').count()).toBe(0);
    await phone.close();
    await admin.close();
  });

  it('a Guangdong case in the browser: accounts, the pack, a 5-working-day notice, approval; Hunan cannot start it', async () => {
    // the tree editor: a second village under 海城镇 (the list imported above)
    const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(admin, base(), 'admin');
    await admin.goto(`${base()}/admin/org-tree`);
    await admin
      .getByRole('row')
      .filter({ hasText: '海城镇' })
      .getByRole('button', { name: '新增下级' })
      .click();
    await admin.getByLabel('区划代码').fill('441521100202');
    await admin.getByLabel('名称').fill('西山村');
    await admin.getByRole('button', { name: /^确\s*定$/ }).click();
    await admin.getByText('已新增下级：海城镇').waitFor();
    await admin.getByRole('row').filter({ hasText: '西山村' }).waitFor();
    // a second township, and 西山村 moved under it (its subtree and paths follow)
    await admin
      .getByRole('row')
      .filter({ hasText: '海丰县' })
      .getByRole('button', { name: '新增下级' })
      .click();
    await admin.getByLabel('区划代码').fill('441521101');
    await admin.getByLabel('名称').fill('附城镇');
    await admin.getByRole('button', { name: /^确\s*定$/ }).click();
    await admin.getByText('已新增下级：海丰县').waitFor();
    await admin
      .getByRole('row')
      .filter({ hasText: '西山村' })
      .getByRole('button', { name: /^移\s*动$/ })
      .click();
    // the list of nodes is long (a virtual list): find the new parent by typing
    await admin.getByRole('combobox', { name: '新的上级', exact: true }).fill('附城镇');
    await admin
      .locator('.ant-select-dropdown:visible .ant-select-item-option', {
        hasText: '附城镇（乡镇 441521101）',
      })
      .click();
    await shot(admin, 'admin-org-move-1280');
    await admin.getByRole('button', { name: /^确\s*定$/ }).click();
    await admin.getByText('已移动到：西山村').waitFor();
    const moved = (await api(admin, 'GET', '/api/admin/org-tree?root=441521101')).body.items;
    expect(moved.map((n: { name: string }) => n.name)).toEqual(['附城镇', '西山村']);
    // a township cannot go under a village: refused with the reason, nothing moves
    await admin
      .getByRole('row')
      .filter({ hasText: '附城镇' })
      .getByRole('button', { name: /^移\s*动$/ })
      .click();
    await admin.getByRole('combobox', { name: '新的上级', exact: true }).fill('东风村');
    await admin
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '441521100201' })
      .click();
    await admin.getByRole('button', { name: /^确\s*定$/ }).click();
    await admin.getByText('乡镇“附城镇”不能在村（社区）“东风村”之下').waitFor();
    await shot(admin, 'admin-org-move-refused-1280');

    // Guangdong accounts, made by the security administrator at the new nodes
    const sec = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(sec, base(), 'secadmin');
    await sec.getByRole('menuitem', { name: '用户与角色' }).click();
    for (const [{ username, name }, role, org] of [
      [GD_USERS.cadre, '村（居）两委成员/驻村工作队', '东风村（村）'],
      [GD_USERS.reviewer, '乡镇（街道）审核人员', '海城镇（乡镇）'],
    ] as const) {
      await sec.getByRole('button', { name: '新建用户' }).click();
      const dialog = sec.getByRole('dialog');
      await dialog.getByLabel('用户名').fill(username);
      await dialog.getByLabel('姓名').fill(name);
      await dialog.getByLabel('初始密码').fill(GD_PASSWORD);
      await choose(sec, '角色1', role);
      await choose(sec, '组织机构1', org);
      if (username === GD_USERS.cadre.username) await shot(sec, 'gd-new-user-1280');
      await dialog.getByRole('button', { name: /^创\s*建$/ }).click();
      await sec.locator('.ant-table-row', { hasText: username }).waitFor();
    }
    await sec.close();

    // the Guangdong pack, from a file: its own threshold, a sweep form with an extra required field,
    // a 5-working-day village notice, installed for 广东省 (manifest.scope)
    const hunan = (await api(admin, 'GET', '/api/admin/packs/hunan/export')).body;
    const pack = guangdongPack(hunan, { scope: GD.province, calendar: 'working' });
    await admin.goto(`${base()}/admin`);
    await admin.getByLabel('政策包文件').setInputFiles({
      name: 'guangdong.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(pack)),
    });
    await admin.getByRole('button', { name: '确认导入' }).click();
    await admin.getByText(/已导入：发布 \d+ 项新版本/).waitFor();
    const gdRow = admin.getByRole('row').filter({ hasText: '广东省防止返贫监测政策包' });
    await gdRow.getByText('440000').waitFor();
    await shot(admin, 'gd-pack-installed-1280');

    // a Hunan cadre is not offered the Guangdong process, and the API refuses it
    const hn = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(hn, base(), 'cadre.zhushan');
    await hn.getByRole('button', { name: /发\s*起/ }).click();
    await hn.getByRole('combobox', { name: '流程', exact: true }).click();
    await hn.locator('.ant-select-dropdown:visible .ant-select-item-option').first().waitFor();
    expect(await hn.locator('.ant-select-dropdown:visible').textContent()).not.toContain('广东省集中排查');
    const refused = await api(hn, 'POST', '/api/cases', {
      process: 'gd-sweep',
      org: 'v-zhushan',
      requestId: 'hn-tries-gd',
      subject: { name: '湖南试图发起' },
    });
    expect(refused.status).toBe(403);
    await hn.close();

    // the Guangdong cadre starts the sweep and fills it in the inbox
    const cadre = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(cadre, base(), GD_USERS.cadre.username, GD_PASSWORD);
    await cadre.getByRole('button', { name: /发\s*起/ }).click();
    await choose(cadre, '流程', '广东省集中排查');
    await cadre
      .getByRole('dialog')
      .getByRole('button', { name: /提\s*交/ })
      .click();
    await cadre.waitForURL(/\/cases\//, { timeout: 30_000 });
    const caseId = cadre.url().split('/cases/')[1]!;
    const taskId = await openTaskFromInbox(cadre, '广东省集中排查');
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    await api(cadre, 'POST', `/api/tasks/${taskId}/draft`, {
      data: { opinion: '台风后渔业收入下降', signer: '陈海生', signDate: today, income: 7000 },
    });
    await cadre.evaluate((key) => localStorage.removeItem(key), `zx-draft:${taskId}`);
    await cadre.reload();
    await cadre.locator('#root_coastalRisk').waitFor();
    await cadre.getByRole('button', { name: /^提\s*交$/ }).click();
    // the extra required field of the Guangdong form
    await cadre
      .getByText(/沿海风险/)
      .first()
      .waitFor();
    expect(cadre.url()).toContain('/tasks/');
    await cadre.locator('#root_coastalRisk').fill('台风');
    await shot(cadre, 'gd-sweep-task-1280');
    await cadre.getByRole('button', { name: /^提\s*交$/ }).click();
    await cadre.waitForURL(`${base()}/`);

    // the 5-working-day notice: its close date, shown on the case page, skips the weekend
    await cadre.goto(`${base()}/cases/${caseId}`);
    const note = cadre.getByText(/按2026年节假日安排（第\d+版）计算，截止 /).first();
    await note.waitFor({ timeout: 30_000 });
    const opened = (await api(cadre, 'GET', `/api/cases/${caseId}`)).body.notices[0];
    const calendar = (await api(admin, 'GET', '/api/admin/calendar/2026')).body.latest;
    const expected = fiveWorkingDaysAfter(
      new Date(new Date(opened.opens_at).getTime() + 8 * 3_600_000).toISOString().slice(0, 10),
      calendar,
    );
    expect(await note.textContent()).toContain(`截止 ${expected} 24:00`);
    await shot(cadre, 'gd-case-notice-1280');
    const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await login(phone, base(), GD_USERS.cadre.username, GD_PASSWORD);
    await phone.goto(`${base()}/cases/${caseId}`);
    await phone.getByText(/截止 /).first().waitFor();
    await shot(phone, 'gd-case-notice-375');
    await phone.close();

    // after the window (demo time: 1 day = 2 s) the township reviewer approves in the inbox
    const reviewer = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(reviewer, base(), GD_USERS.reviewer.username, GD_PASSWORD);
    const check = await openTaskFromInbox(reviewer, '广东省集中排查', 90_000);
    await api(reviewer, 'POST', `/api/tasks/${check}/draft`, {
      data: { opinion: '同意纳入监测', signer: '林秀珍', signDate: today },
    });
    await reviewer.evaluate((key) => localStorage.removeItem(key), `zx-draft:${check}`);
    await reviewer.reload();
    await reviewer.locator('#root_opinion').waitFor();
    await reviewer.getByRole('button', { name: /^同\s*意$/ }).click();
    await reviewer.waitForURL(`${base()}/`);
    await reviewer.goto(`${base()}/cases/${caseId}`);
    await reviewer.getByText('已通过').first().waitFor({ timeout: 30_000 });
    await shot(reviewer, 'gd-case-approved-1280');
    expect((await api(reviewer, 'GET', `/api/cases/${caseId}`)).body.case.status).toBe('approved');
    await reviewer.close();
    await cadre.close();
    await admin.close();
  });
});

describe('provinces: template and overlay in /admin', () => {
  it('shows a city trial pack’s overlay against the national template, and re-applies it on a new template version once its conflict is resolved', async () => {
    const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(admin, base(), 'admin');
    expect((await api(admin, 'POST', '/api/admin/templates', { pack: 'national' })).status).toBe(200);
    const t = (zh: string) => ({ zh, en: zh });
    const saved = await api(admin, 'POST', '/api/admin/packs/shanwei/overlay', {
      base: { pack: 'national', version: '2026.1' },
      keySuffix: 'sw',
      manifest: { version: '2026.1', title: t('汕尾市试点政策包'), scope: '441500' },
      ops: [
        { op: 'replace', path: '/parameters/monitoringIncomeLine/values/2026', value: 8000 },
        { op: 'replace', path: '/parameters/noticeDays/values/2026', value: 5 },
        {
          op: 'add',
          path: '/forms/collection/schema/properties/coastalRisk',
          value: { type: 'string', title: '沿海风险（台风、渔业）' },
        },
      ],
    });
    expect(saved.status).toBe(200);
    const next = readPackFolder('national');
    next.manifest.version = '2026.2';
    next.manifest.parameters.find((p: { key: string }) => p.key === 'monitoringIncomeLine').values = [
      { year: 2026, value: 7500 },
    ];
    expect((await api(admin, 'POST', '/api/admin/templates', next)).status).toBe(200);

    await admin.goto(`${base()}/admin`);
    await admin.getByRole('link', { name: /模板与覆盖/ }).click();
    const row = admin.getByRole('row').filter({ hasText: 'shanwei' });
    await row.getByText('national 2026.1').waitFor();
    await row.getByRole('button', { name: '对比模板' }).click();
    const diffRow = admin
      .getByRole('row')
      .filter({ hasText: '/parameters/monitoringIncomeLine/values/2026' });
    expect(await diffRow.textContent()).toMatch(/修改.*7000.*8000/);
    await shot(admin, 'admin-overlay-diff-1280');

    await choose(admin, '重新应用 shanwei', '模板 2026.2');
    await admin.getByText('可直接应用 2 项，冲突 1 项').waitFor();
    const apply = admin.getByRole('button', { name: '尚有 1 项冲突未处理' });
    expect(await apply.isDisabled()).toBe(true);
    await admin.getByText('模板 7000 → 7500；本省 8000').waitFor();
    await shot(admin, 'admin-overlay-conflict-1280');
    await admin.getByLabel('本省政策包新版本').fill('2026.2');
    await admin.getByRole('radio', { name: '保留本省' }).check();
    await admin.getByRole('button', { name: /^应\s*用$/ }).click();
    await admin.getByText('已按模板 2026.2 版重新应用：shanwei').waitFor();
    await row.getByText('national 2026.2').waitFor();
    const gd = (await api(admin, 'GET', '/api/admin/packs/shanwei/export')).body;
    expect(gd.manifest.version).toBe('2026.2');
    expect(
      gd.manifest.parameters.find((p: { key: string }) => p.key === 'monitoringIncomeLine-sw').values,
    ).toEqual([{ year: 2026, value: 8000 }]);

    const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await login(phone, base(), 'admin');
    await phone.goto(`${base()}/admin/overlays`);
    await phone.getByText('national 2026.2').waitFor();
    await phone.getByRole('button', { name: '对比模板' }).click();
    await phone.getByText('/parameters/noticeDays/values/2026').waitFor();
    await shot(phone, 'admin-overlay-375');
    await phone.close();
    await admin.close();
  });
});

async function openTaskFromInbox(page: Page, caseTitle: string, timeout = 30_000) {
  await page.goto(`${base()}/`);
  const row = page.locator('.ant-list-item', { hasText: caseTitle }).first();
  await row.waitFor({ timeout });
  await row.getByRole('link', { name: '办理' }).click();
  await page.waitForURL(/\/tasks\//);
  return page.url().split('/tasks/')[1]!;
}

/** The day the 5th working day after `opened` ends (the opening day not counted), counted by hand. */
function fiveWorkingDaysAfter(opened: string, year: { holidays: string[]; workdays: string[] }): string {
  const off = new Set(year.holidays);
  const on = new Set(year.workdays);
  let day = new Date(`${opened}T00:00:00Z`);
  for (let n = 0; n < 5;) {
    day = new Date(day.getTime() + 86_400_000);
    const ymd = day.toISOString().slice(0, 10);
    const weekend = day.getUTCDay() === 0 || day.getUTCDay() === 6;
    if (on.has(ymd) || (!weekend && !off.has(ymd))) n++;
  }
  return day.toISOString().slice(0, 10);
}
