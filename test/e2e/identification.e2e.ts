/**
 * A village cadre, two verifiers, a township reviewer and a member of the
 * public walk an identification case in a real browser against the running
 * product (1 policy day = 2 s): start with 附件1 (field errors in Chinese,
 * nothing lost), co-signed verification, village review, the public board,
 * an objection, the investigation; and a township return with its comment.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { api, browserPerFile, choose, evidenceIn, shot } from './browser.js';
import { collection, peopleOf } from '../support/demo.js';

const { base, browser, as } = browserPerFile({ phoneHeight: 900 });

async function openTaskFromInbox(page: Page, caseTitle: string) {
  await page.goto(`${base()}/`);
  const row = page.locator('.ant-list-item', { hasText: caseTitle }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.getByRole('link', { name: '办理' }).click();
  await page.waitForURL(/\/tasks\//);
  return page.url().split('/tasks/')[1];
}

async function startCase(page: Page, villageName: string, hid: string) {
  await page.getByRole('button', { name: /发\s*起/ }).click();
  await choose(page, '流程', '防止返贫监测对象识别');
  await choose(page, '村', villageName);
  await choose(page, '农户', hid);
  const modal = page.getByRole('dialog');
  await modal.locator('#root_name').waitFor();
  // the address comes prefilled down to the village; the cadre picks the group in the region cascader
  await modal.getByLabel('家庭住址').click();
  await page
    .locator('.ant-cascader-menu-item', { hasText: new RegExp(`^${villageName}第一村民小组$`) })
    .click();
  await modal.locator('.ant-cascader', { hasText: `${villageName}第一村民小组` }).waitFor();
  await modal.locator('#root_channel').click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '农户自主申报' })
    .click();
  await modal.getByLabel('⑥因病').check();
  // 代为申报人姓名 and 其他风险说明 appear only when they apply (display conditions of 附件1)
  expect(await modal.locator('#root_filerName').count()).toBe(0);
  expect(await modal.locator('#root_otherRisk').count()).toBe(0);
  // the designers' browser test may already have published 附件1 with a required 联系电话: fill what the form asks
  if (await modal.locator('#root_contactPhone').count())
    await modal.locator('#root_contactPhone').fill('13907345678');
  await modal.locator('#root_statement').fill('户主患病住院，医疗支出大');
  return modal;
}

describe('identification in the browser', () => {
  it('walks a case from the village to the public board and an objection’s investigation', async () => {
    const hid = 'HH-0013'; // 和平村, not yet monitored (identification applies to such households only)
    const p = peopleOf(hid);
    const cadre = await as(p.cadre);
    await shot(cadre, 'inbox-1280');
    const modal = await startCase(cadre, '和平村', hid);

    // 3. field errors in Chinese next to the fields, nothing typed is lost
    await modal.getByRole('button', { name: /提\s*交/ }).click();
    await expect.poll(() => modal.getByRole('alert').first().textContent()).toMatch(/请勾选/);
    expect(await modal.locator('#root_statement').inputValue()).toBe('户主患病住院，医疗支出大');
    expect(await modal.locator('#root_name').inputValue()).not.toBe('');
    await shot(cadre, 'start-errors-1280');
    await modal.locator('#root_pledge').check();
    await modal.locator('#root_authorisation').check();
    await modal.getByRole('button', { name: /提\s*交/ }).click();
    await cadre.waitForURL(/\/cases\//, { timeout: 30_000 });
    const caseId = cadre.url().split('/cases/')[1];
    await cadre.getByText('入户核实（附件2）').first().waitFor();
    await shot(cadre, 'case-1280');
    // the application as an A4 page in the paper layout, ready to print
    await cadre.getByRole('button', { name: '打印附件1' }).click();
    const page = cadre.locator('.zx-sheet');
    await page.waitFor();
    expect(await page.textContent()).toContain(caseId);
    await page.getByText('本人承诺所提供的家庭情况真实可信').waitFor();
    await shot(cadre, 'print-application-1280');
    await cadre.goBack();

    // two different verifiers co-sign the verification
    for (const [i, v] of p.verifiers.entries()) {
      const page = await as(v);
      const taskId = await openTaskFromInbox(page, '防止返贫监测对象识别');
      await api(page, 'POST', `/api/tasks/${taskId}/draft`, { data: collection(hid) });
      // the form opened prefilled from the registry and kept that in this browser: the draft just stored on the server replaces it
      await page.evaluate((key) => localStorage.removeItem(key), `zx-draft:${taskId}`);
      await page.reload();
      await page.locator('#root_members_0_A5').waitFor();
      if (i === 0) await shot(page, 'task-1280');
      // each verifier signs with their own 入户核实记录 (photos, both signatures), which the field app collects
      // on site (test/e2e/field-app.e2e.ts): here it is sent with the form as the phone would
      const done = await api(page, 'POST', `/api/tasks/${taskId}/complete`, {
        requestId: `${taskId}-${v}`,
        action: 'submit',
        data: collection(hid),
        evidence: await evidenceIn(page),
      });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      await page.close();
    }

    // village democratic review, signed by the village party secretary, posts the notice
    const secretary = await as(p.secretary);
    const reviewTask = await openTaskFromInbox(secretary, '防止返贫监测对象识别');
    await api(secretary, 'POST', `/api/tasks/${reviewTask}/draft`, {
      data: {
        meetingDate: '2026-11-25',
        attendees: [
          { name: '甲', role: '驻村干部' },
          { name: '乙', role: '村两委' },
          { name: '丙', role: '党员代表' },
        ],
        votesFor: 3,
        votesAgainst: 0,
        votesAbstain: 0,
        result: 'passed',
        minutes: '逐户评议，同意纳入',
      },
    });
    await secretary.reload();
    await secretary.getByRole('button', { name: '评议通过' }).click();
    await secretary.waitForURL(`${base()}/`);
    await secretary.close();

    // the public board shows it without login; an objection gets a receipt number
    const phone = await browser().newPage({ viewport: { width: 375, height: 760 } });
    await phone.goto(`${base()}/public?org=${p.village}`);
    const card = phone.locator('.ant-card', { hasText: '村级公示' }).first();
    await card.waitFor();
    expect(await card.textContent()).toContain('公示中');
    await shot(phone, 'public-375');
    await card.getByRole('button', { name: '提出异议' }).click();
    await card.getByLabel('异议内容').fill('该户家中有小轿车，请核实');
    await card.getByRole('button', { name: '提交异议' }).click();
    const receipt = (await phone.locator('.ant-result-subtitle strong').textContent())!.trim();
    expect(receipt).toMatch(/^YY\d{8}[0-9A-F]{8}$/);
    await shot(phone, 'objection-receipt-375');

    // after the 7-day window (14 s here) the objection reaches the investigation task
    await expect
      .poll(
        async () =>
          (await api(cadre, 'GET', '/api/tasks?view=todo')).body.items.map(
            (t: { step_id: string }) => t.step_id,
          ),
        { timeout: 60_000, interval: 1000 },
      )
      .toContain('investigate');
    await phone.getByPlaceholder('回执号').fill(receipt);
    await phone.getByRole('button', { name: /查\s*询/ }).click();
    await expect.poll(() => phone.getByText(receipt + '：').textContent()).toContain('调查核实中');
    await cadre.goto(`${base()}/cases/${caseId}`);
    await cadre.getByText('收到异议').first().waitFor();
    await shot(cadre, 'case-objection-1280');
    await cadre.goto(`${base()}/dashboard`);
    await cadre.getByText('案件总数').waitFor();
    await shot(cadre, 'dashboard-1280');
    await phone.close();
    await cadre.close();
  });

  it('shows a verifier the township’s comment when a case is returned to verification', async () => {
    const hid = 'HH-0005';
    const p = peopleOf(hid);
    const cadre = await as(p.cadre);
    const modal = await startCase(cadre, '和平村', hid);
    await modal.locator('#root_pledge').check();
    await modal.locator('#root_authorisation').check();
    await modal.getByRole('button', { name: /提\s*交/ }).click();
    await cadre.waitForURL(/\/cases\//, { timeout: 30_000 });
    const caseId = cadre.url().split('/cases/')[1];
    const task = async (page: Page, step: string) => {
      let id: string | undefined;
      await expect
        .poll(
          async () => {
            id = (await api(page, 'GET', '/api/tasks?view=todo')).body.items.find(
              (t: { case_id: string; step_id: string }) => t.case_id === caseId && t.step_id === step,
            )?.task_id;
            return id;
          },
          { timeout: 60_000, interval: 500 },
        )
        .toBeTruthy();
      return id!;
    };
    for (const v of p.verifiers) {
      const page = await as(v);
      expect(
        (
          await api(page, 'POST', `/api/tasks/${await task(page, 'verify')}/complete`, {
            requestId: `${v}-1`,
            action: 'submit',
            data: collection(hid),
            evidence: await evidenceIn(page),
          })
        ).status,
      ).toBe(200);
      await page.close();
    }
    const review = {
      meetingDate: '2026-11-25',
      attendees: [
        { name: '甲', role: '干部' },
        { name: '乙', role: '两委' },
        { name: '丙', role: '代表' },
      ],
      votesFor: 3,
      votesAgainst: 0,
      votesAbstain: 0,
      result: 'passed',
      minutes: '通过',
    };
    const secretary = await as(p.secretary);
    expect(
      (
        await api(secretary, 'POST', `/api/tasks/${await task(secretary, 'village_review')}/complete`, {
          requestId: 'vr',
          action: 'approve',
          data: review,
        })
      ).status,
    ).toBe(200);
    await secretary.close();

    // the township reviewer returns it, in the browser, with a comment
    const sec = await as(p.township_reviewers[0], 375);
    const tid = await task(sec, 'township_review');
    await sec.goto(`${base()}/tasks/${tid}`);
    await sec.getByLabel('办理意见').fill('家庭收入数据与部门数据不符，请复核');
    await sec.getByRole('combobox', { name: '退回到', exact: true }).click();
    await sec
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '入户核实' })
      .click();
    await shot(sec, 'task-return-375');
    await sec.getByRole('button', { name: /^退\s*回$/ }).click();
    // the confirmation says who does it next
    await sec
      .locator('.ant-modal-confirm', { hasText: '退回后由“入户核实（附件2）”重新办理' })
      .getByRole('button', { name: /确\s*认/ })
      .click();
    await sec.waitForURL(`${base()}/`);

    const verifier = await as(p.verifiers[0]);
    const again = await task(verifier, 'verify');
    await verifier.goto(`${base()}/tasks/${again}`);
    await expect
      .poll(() => verifier.locator('.ant-alert').first().textContent())
      .toContain('家庭收入数据与部门数据不符，请复核');
    // 收入参考 the year's threshold and the income period, beside the verifier's task (a hint, never a refusal)
    await expect
      .poll(() => verifier.getByTestId('income-hint').textContent())
      .toMatch(/\d{4}年监测收入基准线 6,500 元\/人（收入计算期 \d{4}-\d{2} 至 \d{4}-\d{2}）/);
    await shot(verifier, 'task-returned-1280');
    const second = await as(p.verifiers[1], 375);
    await second.goto(`${base()}/tasks/${again}`);
    await second.getByTestId('income-hint').waitFor();
    await shot(second, 'task-income-hint-375');
    for (const pg of [sec, verifier, second, cadre]) await pg.close();
  });
});
