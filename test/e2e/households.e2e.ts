/**
 * 农户 in the browser: a household is found by the whole ID number of a member on the 农户 page
 * and in the start dialog; an identification for a monitored household, or for one with an open
 * case, is refused before any form is shown — with a link to the open case.
 */
import { describe, expect, it } from 'vitest';
import { api, browserPerFile, choose, evidenceIn, shot, taskOf } from './browser.js';
import { application, demoResidentId, ON_SITE_MEMBER, peopleOf } from '../support/demo.js';

const { base, as } = browserPerFile({ phoneHeight: 900 });

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

describe('one 附件2 across the household’s life, in the browser', () => {
  it('registers a household of three, identifies it from its members, writes the result back, and prefills the next assessment', async () => {
    const p = peopleOf('HH-0001'); // 竹山村 and its people
    const people = [
      {
        name: '龙国富',
        idNumber: demoResidentId('19720404', 611),
        relation: '本人或户主',
        labour: '技能劳动力',
      },
      { name: '龙桂香', idNumber: demoResidentId('19740808', 622), relation: '配偶' },
      { name: '龙小虎', idNumber: demoResidentId('20080909', 633), relation: '之子' },
    ];

    // 1. the village cadre registers the household on the 农户 page
    const cadre = await as(p.cadre);
    await cadre.goto(`${base()}/households`);
    await cadre.getByRole('button', { name: '新增农户' }).click();
    const reg = cadre.getByRole('dialog');
    for (const [i, m] of people.entries()) {
      if (i > 0) await reg.getByRole('button', { name: '添加家庭成员' }).click();
      await reg.getByLabel(`成员${i + 1}姓名`).fill(m.name);
      await reg.getByLabel(`成员${i + 1}身份证号`).fill(m.idNumber);
      if (i > 0) await choose(cadre, `成员${i + 1}与户主关系`, m.relation);
      if (m.labour) await choose(cadre, `成员${i + 1}劳动技能`, m.labour);
    }
    await reg.getByLabel('登记原因').fill('新增突发严重困难户');
    await shot(cadre, 'household-register-1280');
    await reg.getByRole('button', { name: /登\s*记/ }).click();
    await cadre.waitForURL(/\/households\/[^/]+$/);
    const hid = decodeURIComponent(cadre.url().split('/households/')[1]);
    const memberRows = cadre
      .locator('.ant-card', { hasText: '家庭成员' })
      .locator('.ant-table-tbody .ant-table-row');
    await expect.poll(() => memberRows.count(), { timeout: 15_000 }).toBe(3);
    // 劳动技能 chosen at registration is kept and shown by its label
    await expect.poll(() => memberRows.filter({ hasText: '龙国富' }).innerText()).toContain('技能劳动力');

    // 2. the cadre starts an identification for it from its page: village and household are chosen already (附件1)
    await cadre.getByRole('button', { name: '发起办理' }).click();
    await choose(cadre, '流程', '防止返贫监测对象识别');
    const modal = cadre.getByRole('dialog');
    await modal.locator('#root_name').waitFor();
    expect(await modal.locator('#root_name').inputValue()).toBe(people[0].name);
    await modal.getByLabel('家庭住址').click();
    await cadre.locator('.ant-cascader-menu-item', { hasText: /^竹山村第一村民小组$/ }).click();
    await modal.locator('#root_channel').click();
    await cadre
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '农户自主申报' })
      .click();
    await modal.getByLabel('⑥因病').check();
    if (await modal.locator('#root_contactPhone').count())
      await modal.locator('#root_contactPhone').fill('13907345678');
    await modal.locator('#root_statement').fill('户主突发重病，医疗支出大');
    await modal.locator('#root_pledge').check();
    await modal.locator('#root_authorisation').check();
    await modal.getByRole('button', { name: /提\s*交/ }).click();
    await cadre.waitForURL(/\/cases\//, { timeout: 30_000 });
    const caseId = cadre.url().split('/cases/')[1];

    // 3. each verifier's 附件2 opens with the registered members; on site they add what they find
    const collected = (members: Record<string, unknown>[]) => ({
      A1: false,
      A3: '2',
      A4: false,
      members: members.map((m) => ({ A13: '01', A14: '01', ...m, ...ON_SITE_MEMBER })),
      A23: '02',
      A24: '02',
      A25: '02',
      A27: ['06'],
      A28: 9000,
      A29: 2000,
      A30: 0,
      A31: 600,
      A32: 400,
      A35: 0,
      A36: 8000,
      A55: { name: '罗帮扶', phone: '13907341234' },
    });
    for (const [i, v] of p.verifiers.entries()) {
      const page = await as(v, i === 0 ? 1280 : 375);
      const taskId = await taskOf(page, caseId, 'verify', 90_000);
      await page.goto(`${base()}/tasks/${taskId}`);
      for (const [j, m] of people.entries()) {
        await page.locator(`#root_members_${j}_A5`).waitFor();
        expect(await page.locator(`#root_members_${j}_A5`).inputValue()).toBe(m.name);
        expect(await page.locator(`#root_members_${j}_A7`).inputValue()).toBe(m.idNumber);
      }
      expect(await page.locator('#root_members_3_A5').count()).toBe(0);
      await shot(page, `household-verify-members-${i === 0 ? 1280 : 375}`);
      // the on-site answers (about 15 codes per member) are stored as the task's draft, then the page is reloaded
      const opened = (await api(page, 'GET', `/api/tasks/${taskId}`)).body.initialData.members;
      await api(page, 'POST', `/api/tasks/${taskId}/draft`, { data: collected(opened) });
      await page.evaluate((key) => localStorage.removeItem(key), `zx-draft:${taskId}`);
      await page.reload();
      await page.locator('#root_members_2_A5').waitFor();
      // the verifier signs with their own 入户核实记录 (photos, both signatures), which the field app collects on
      // site (test/e2e/field-app.e2e.ts): sent with the stored 附件2 as the phone would
      const done = await api(page, 'POST', `/api/tasks/${taskId}/complete`, {
        requestId: `${taskId}-${v}`,
        action: 'submit',
        data: collected(opened),
        evidence: await evidenceIn(page),
      });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      await page.close();
    }

    // 4. village review, the 7-day notice (14 s here), township and county
    const secretary = await as(p.secretary);
    const vr = await taskOf(secretary, caseId, 'village_review', 90_000);
    await api(secretary, 'POST', `/api/tasks/${vr}/draft`, {
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
        minutes: '同意纳入',
      },
    });
    await secretary.goto(`${base()}/tasks/${vr}`);
    await secretary.getByRole('button', { name: '评议通过' }).click();
    await secretary.waitForURL(`${base()}/`);
    await secretary.close();
    for (const r of p.township_reviewers) {
      const page = await as(r);
      const t = await taskOf(page, caseId, 'township_review', 90_000);
      const done = await api(page, 'POST', `/api/tasks/${t}/complete`, {
        requestId: `hh-tr-${r}`,
        action: 'approve',
        data: { opinion: '同意', signer: r, signDate: '2026-12-05' },
      });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      await page.close();
    }
    // 会商研判 (line 2304): each county industry department gives its opinion before the county decides; the
    // designers' browser test may have added a step (乡镇复审, 会签 by the township) before it: its signers approve it
    const bureau = await as('bureau');
    const signers = await Promise.all([...p.township_reviewers, 'agri', 'water'].map((u) => as(u)));
    for (let round = 0; round < 40; round++) {
      const current: string[] = (await api(bureau, 'GET', `/api/cases/${caseId}`)).body.progress.current;
      if (current.includes('county_approval')) break;
      for (const [i, page] of signers.entries()) {
        const mine = (await api(page, 'GET', '/api/tasks?view=todo')).body.items.filter(
          (t: { case_id: string; step_id: string }) =>
            t.case_id === caseId && !['county_approval', 'county_compare'].includes(t.step_id),
        );
        for (const t of mine) {
          const done = await api(page, 'POST', `/api/tasks/${t.task_id}/complete`, {
            requestId: `hh-${t.task_id}-${i}`,
            action: 'approve',
            data: { opinion: '部门数据无异议', signer: `签字人${i}`, signDate: '2026-12-06' },
          });
          expect(done.status, JSON.stringify(done.body)).toBe(200);
        }
      }
      await bureau.waitForTimeout(1000);
    }
    await Promise.all(signers.map((s) => s.close()));
    const ct = await taskOf(bureau, caseId, 'county_approval', 90_000);
    const hits = (await api(bureau, 'GET', `/api/tasks/${ct}`)).body.initialData?.hitDecisions ?? [];
    await api(bureau, 'POST', `/api/tasks/${ct}/draft`, {
      data: {
        verification: { opinion: '情况属实', signer: '王核实', date: '2026-11-26' },
        villageReview: { opinion: '评议通过', signer: '李书记', date: '2026-11-27' },
        townshipReview: {
          opinion: '同意上报',
          signer: '刘书记',
          opinion2: '同意',
          signer2: '张镇长',
          date: '2026-12-05',
        },
        countyApproval: { opinion: '同意纳入', signer: '周局长', date: '2026-12-06', sealed: true },
        // the county decides the type: 突发严重困难户 (3), not what the verifiers proposed (2)
        monitoringType: '3',
        hitDecisions: hits.map((x: Record<string, unknown>) => ({ ...x, decision: 'confirmed' })),
      },
    });
    await bureau.goto(`${base()}/tasks/${ct}`);
    await bureau.getByRole('button', { name: '同意纳入' }).click();
    await bureau.waitForURL(`${base()}/`);
    await bureau.close();

    // 5. the household page shows what approval wrote back
    await expect
      .poll(
        async () => {
          await cadre.goto(`${base()}/households/${hid}`);
          return cadre.locator('.ant-descriptions').first().textContent();
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toContain('突发严重困难户');
    // the case's end reaches the read model just after the activity that wrote the household back: reload until it has
    const story = cadre.locator('.ant-card', { hasText: '户的历程' });
    await expect
      .poll(
        async () => {
          await cadre.goto(`${base()}/households/${hid}`);
          return story.textContent();
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toContain('办结防止返贫监测对象识别');
    const facts = (await cadre.locator('.ant-descriptions').first().textContent())!;
    expect(facts).toContain('罗帮扶 139****1234'); // the phone masked on the page, as personal data is
    await expect.poll(() => memberRows.count()).toBe(3);
    const members = (await memberRows.allTextContents()).join('\n');
    for (const m of people) expect(members).toContain(m.name);
    expect(
      await cadre.locator('.ant-card', { hasText: '附件2（户情况采集表）版本' }).textContent(),
    ).toContain(caseId);
    // the household's story on one timeline: registered, the identification with its documents, the status change
    await expect.poll(() => story.textContent()).toContain('未纳入监测 → 监测中');
    const told = (await story.textContent())!;
    expect(told).toContain('办结防止返贫监测对象识别');
    expect(told).toContain('附件2第1版写回档案（识别）');
    expect(await story.locator('a .ant-tag').count()).toBeGreaterThan(0); // the case's documents, each a link
    await shot(cadre, 'household-after-identification-1280');
    const phone = await as(p.cadre, 375);
    await phone.goto(`${base()}/households/${hid}`);
    await phone.getByText('突发严重困难户').first().waitFor();
    await shot(phone, 'household-after-identification-375');
    await phone.close();

    // 6. the next quarterly assessment, started from the household's page, opens with the approved 附件2
    await cadre.getByRole('button', { name: '发起办理' }).click();
    await choose(cadre, '流程', '帮扶效果评估');
    await cadre
      .getByRole('dialog')
      .getByRole('button', { name: /提\s*交/ })
      .click();
    await cadre.waitForURL(/\/cases\//, { timeout: 30_000 });
    const assessment = cadre.url().split('/cases/')[1];
    const contact = await as('contact.zhushan');
    const at = await taskOf(contact, assessment, 'assess', 90_000);
    await contact.goto(`${base()}/tasks/${at}`);
    await contact.locator('#root_members_2_A5').waitFor();
    for (const [j, m] of people.entries())
      expect(await contact.locator(`#root_members_${j}_A5`).inputValue()).toBe(m.name);
    expect(await contact.locator('#root_members_3_A5').count()).toBe(0);
    expect(await contact.locator('#root_A28').inputValue()).toMatch(/^9,?000(\.00)?$/);
    expect(await contact.locator('#root_A36').inputValue()).toMatch(/^8,?000(\.00)?$/);
    await shot(contact, 'assessment-prefilled-1280');
    await contact.close();
    await cadre.close();
  });
});

describe('the sweep register in the browser', () => {
  it('records a household at risk and one not at risk, and starts an identification from the row', async () => {
    const cadre = await as('cadre.chuanshan');
    const sweep = await api(cadre, 'POST', '/api/cases', {
      process: 'sweep-campaign',
      org: 'v-chuanshan',
      requestId: 'e2e-sweep-1',
    });
    expect(sweep.status, JSON.stringify(sweep.body)).toBe(201);
    await cadre.goto(`${base()}/households`);
    const card = cadre.locator('.ant-card', { hasText: '集中排查台账' });
    await card.waitFor();
    const rowOf = (hid: string) => card.locator('.ant-table-row', { hasText: hid });
    await rowOf('HH-0010').waitFor();
    expect(await card.textContent()).toMatch(/已排查 0 户/);

    await rowOf('HH-0011').getByRole('button', { name: '无风险' }).click();
    await expect.poll(() => rowOf('HH-0011').textContent()).toContain('无风险');
    await rowOf('HH-0010').getByRole('button', { name: '发现风险' }).click();
    const dialog = cadre.getByRole('dialog');
    // a finding of risk needs what was found
    await dialog.getByRole('button', { name: /登\s*记/ }).click();
    await expect.poll(() => card.getByRole('alert').textContent()).toContain('发现风险时请写明风险情况');
    await dialog.getByLabel('风险情况').fill('家中老人重病，务工收入中断');
    await dialog.getByRole('button', { name: /登\s*记/ }).click();
    await expect.poll(() => rowOf('HH-0010').textContent()).toContain('家中老人重病，务工收入中断');
    expect(await card.textContent()).toMatch(/已排查 2 户（发现风险 1 户，无风险 1 户）/);
    await shot(cadre, 'sweep-register-1280');

    // from the row: the start dialog with the procedure, village, household and the sweep channel chosen
    await rowOf('HH-0010').getByRole('button', { name: '发起识别' }).click();
    const start = cadre.getByRole('dialog', { name: '发起办理' });
    await start.locator('#root_name').waitFor();
    expect(
      await start.getByRole('combobox', { name: '农户', exact: true }).locator('..').textContent(),
    ).toContain('HH-0010');
    expect(await start.locator('#root_channel').locator('..').locator('..').textContent()).toContain(
      '干部走访排查',
    );
    await shot(cadre, 'sweep-start-identification-1280');
    await start.getByRole('button', { name: /取\s*消/ }).click();

    const phone = await as('cadre.chuanshan', 375);
    await phone.goto(`${base()}/households`);
    await phone.locator('.ant-card', { hasText: '集中排查台账' }).locator('.ant-table-row').first().waitFor();
    await shot(phone, 'sweep-register-375');
    await phone.close();
    await cadre.close();
  });
});
