/**
 * Separation of powers in the browser: the security administrator gives a user
 * a role at an organisation node; the auditor finds that change in the audit
 * log and checks the hash chain.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, choose, launch, login, shot } from './browser.js';

let browser: Browser;
const base = () => inject('baseUrl');
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('users, roles and the audit log', () => {
  it('the security administrator assigns a role; the auditor sees it and the chain verifies', async () => {
    const sec = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(sec, base(), 'secadmin');
    await sec.getByRole('menuitem', { name: '用户与角色' }).click();
    await sec.getByLabel('查找用户').fill('contact.xinhe');
    await sec.getByLabel('查找用户').press('Enter');
    const row = sec.locator('.ant-table-row', { hasText: 'contact.xinhe' });
    await row.getByRole('button', { name: '分配角色' }).click();
    await sec.getByRole('button', { name: '+ 添加角色' }).click();
    await choose(sec, '角色2', '村（居）两委成员/驻村工作队');
    await choose(sec, '组织机构2', '新河村（村）');
    await shot(sec, 'security-users-1280');
    await sec.getByRole('button', { name: '保 存' }).click();
    await sec.getByText('已保存；该用户需重新登录').waitFor();
    await expect
      .poll(async () => (await row.textContent()) ?? '')
      .toContain('村（居）两委成员/驻村工作队 · 新河村');
    const me = await api(sec, 'GET', '/api/admin/users?org=v-xinhe&role=village_cadre');
    expect(me.body.items.map((u: { username: string }) => u.username)).toContain('contact.xinhe');

    const auditor = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(auditor, base(), 'auditor');
    await auditor.getByRole('menuitem', { name: '审计日志' }).click();
    await auditor.getByLabel('按操作筛选').fill('user.roles');
    await auditor.getByLabel('按操作筛选').press('Enter');
    await auditor.locator('.ant-table-row', { hasText: 'contact.xinhe' }).first().waitFor();
    await auditor.getByRole('button', { name: '校验审计链' }).click();
    await auditor.getByText(/审计链完整：已校验 \d+ 条记录/).waitFor();
    await shot(auditor, 'audit-log-1280');
    await sec.close();
    await auditor.close();
  });
});
