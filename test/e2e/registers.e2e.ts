/**
 * 项目库 and 资产台账 in the browser: a township-proposed project walks through the county opinions,
 * the leading group and the county notice (ZX_DAY_SECONDS=2: 10 policy days ≈ 20 s); the staff
 * register shows it with its status, year and funding, and the public registers page lists it.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { api, browserPerFile, shot } from './browser.js';

const { base, browser, as } = browserPerFile({ phoneHeight: 900 });

const name = `云集街道浏览器测试产业路${Date.now() % 100000}`;
const project = {
  name,
  category: '01',
  nature: '01',
  location: '云集街道',
  schedule: { start: '2027-03-01', end: '2027-10-31' },
  responsibleUnit: '云集街道办事处',
  tasks: '新建产业路 3 公里',
  funding: { total: 98.5, sources: '衔接资金' },
  beneficiaries: '脱贫户和监测户 40 户',
  targets: '带动户均年增收 2000 元',
  participation: '村民代表大会讨论通过',
};
const opinion = { opinion: '同意', signer: '签字人', signDate: '2027-01-10' };

async function taskAt(page: Page, caseId: string, step: string) {
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
}

async function act(username: string, caseId: string, step: string, action: string, data: unknown) {
  const page = await as(username);
  const r = await api(page, 'POST', `/api/tasks/${await taskAt(page, caseId, step)}/complete`, {
    requestId: `${caseId}-${step}`,
    action,
    data,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  await page.close();
}

describe('registers in the browser', () => {
  it('an admitted project is in the staff register and on the public registers page', async () => {
    const township = await as('sec.yunji');
    const started = await api(township, 'POST', '/api/cases', {
      requestId: `reg-${name}`,
      process: 'project-library-direct',
      org: 't-yunji',
    });
    expect(started.status, JSON.stringify(started.body)).toBeLessThan(300);
    const caseId = started.body.id as string;
    await township.close();
    await act('sec.yunji', caseId, 'township_proposal', 'submit', project);

    const bureau = await as('bureau');
    await bureau.goto(`${base()}/registers/projects`);
    const row = bureau.locator('.ant-table-row', { hasText: name });
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('入库审核中');

    await act('bureau', caseId, 'bureau_opinion', 'approve', opinion);
    await act('finance', caseId, 'finance_opinion', 'approve', opinion);
    await act('agri', caseId, 'industry_opinion', 'approve', opinion);
    await act('leader', caseId, 'leading_group', 'approve', opinion);
    // the 10-day county notice runs (≈ 20 s), then the project is admitted
    await expect
      .poll(async () => (await api(bureau, 'GET', `/api/cases/${caseId}`)).body.case?.status, {
        timeout: 120_000,
        interval: 2000,
      })
      .toBe('approved');
    await bureau.reload();
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('已入库');
    expect(await row.textContent()).toContain('2027');
    expect(await row.textContent()).toContain('98.5');
    await shot(bureau, 'project-register-1280');
    await bureau.close();

    const mobile = await as('bureau', 375);
    await mobile.goto(`${base()}/registers/projects`);
    await mobile.locator('.ant-table-row', { hasText: name }).waitFor();
    await shot(mobile, 'project-register-375');
    await mobile.goto(`${base()}/registers/asset-ledgers`);
    await mobile.getByRole('heading', { name: /资产台账/ }).waitFor();
    await shot(mobile, 'asset-ledger-register-375');
    await mobile.close();

    for (const width of [1280, 375]) {
      const visitor = await browser().newPage({ viewport: { width, height: 900 } });
      await visitor.goto(`${base()}/public/registers?org=hn-hy-hn`);
      await visitor.getByText(name).waitFor({ timeout: 30_000 });
      expect(await visitor.getByText(name).locator('..').locator('..').textContent()).toContain('98.5 万元');
      await shot(visitor, `public-registers-${width}`);
      await visitor.close();
    }
  });
});
