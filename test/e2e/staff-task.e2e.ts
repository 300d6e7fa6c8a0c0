/**
 * Staff at work on a task page, at 1280 px and on a 375 px phone (1 policy day = 2 s): a verifier whose
 * incomplete 附件2 is refused keeps every value, sees each field marked with its rule's message and gets it
 * all back after a reload; derived incomes are worked out while typing; the form fits a phone; 不同意 without a
 * comment is an inline message; an approver reads the earlier documents beside the form; the investigation
 * opens with the objection; a finished case shows labels, never raw codes, on its pages, print views and PDF.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import ExcelJS from 'exceljs';
import { api, browserPerFile, evidenceIn, shot, taskOf as inboxTask } from './browser.js';
import { application, collection, household, peopleOf } from '../support/demo.js';
import { ROOT } from '../../server/config.js';
import { cstDate } from '../../workflows/calendar.js';

const { base, as } = browserPerFile();

// 双桥村, not monitored (the identification browser walk uses HH-0013 of 和平村)
const HID = 'HH-0009';
const people = peopleOf(HID);
let caseId: string;

/** the open task of a step of this file's case, once it is in the user's to-do list */
const taskOf = (page: Page, step: string) => inboxTask(page, caseId, step);

/** nothing wider than the screen, and no label cut off (its text needs no more room than it has) */
async function fitsThePhone(page: Page) {
  return page.evaluate(() => {
    const clipped = [
      ...document.querySelectorAll<HTMLElement>(
        '.ant-form-item-label > label, .ant-descriptions-item-label, .ant-card-head-title',
      ),
    ]
      .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.textContent} (${el.scrollWidth} > ${el.clientWidth})`);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, clipped };
  });
}

describe('a task page that never loses what was typed and fits a phone', () => {
  it('keeps an incomplete 附件2 with its fields marked, restores it after a reload, and works out incomes while typing', async () => {
    const cadre = await as(people.cadre);
    // the designers' browser test may already have published 附件1 with a required 联系电话: fill what the form asks
    const form = (await api(cadre, 'GET', '/api/forms/application')).body.latest;
    const data = application(HID, form.schema.properties.contactPhone ? { contactPhone: '13907345678' } : {});
    const started = await api(cadre, 'POST', '/api/cases', {
      process: 'identification',
      org: people.village,
      subject: { id: HID },
      data,
      requestId: `staff-${Date.now()}`,
    });
    expect(started.status, JSON.stringify(started.body)).toBeLessThan(300);
    caseId = started.body.id;
    await cadre.close();

    const verifier = await as(people.verifiers[0]);
    const taskId = await taskOf(verifier, 'verify');
    await verifier.goto(`${base()}/tasks/${taskId}`);
    await verifier.locator('#root_A28').waitFor();
    // the application is beside the form, read-only, codes by their labels
    await verifier.getByRole('tab', { name: /附件1/ }).waitFor();

    // one member typed by hand with a labelled button, incomes typed: the derived fields follow at once
    if ((await verifier.locator('#root_members_0_A5').count()) === 0)
      await verifier.getByRole('button', { name: '添加家庭成员' }).first().click();
    await verifier.locator('#root_members_0_A5').fill('谭建华');
    // the registry's members come prefilled: leave this member's 身份证号 empty, as a tired clerk might
    await verifier.locator('#root_members_0_A7').fill('');
    await verifier.locator('#root_A28').fill('12000');
    await verifier.locator('#root_A29').fill('3000');
    await verifier.locator('#root_A30').fill('0');
    await verifier.locator('#root_A31').fill('1200');
    await verifier.locator('#root_A32').fill('800');
    await expect.poll(() => verifier.locator('#root_A33').inputValue()).toBe('15400');
    const members = await verifier.locator('.zx-array-card').count();
    await expect
      .poll(() => verifier.locator('#root_A34').inputValue())
      .toBe(String(Math.round((15400 / members) * 100) / 100));
    // a member is a card with its own labelled 删除 button (no icon-only bar), a select has no empty first option
    await verifier.locator('.zx-array-card').first().getByRole('button', { name: /删除/ }).waitFor();
    await verifier.locator('#root_members_0_A8').click();
    const firstOption = verifier.locator('.ant-select-dropdown:visible .ant-select-item-option').first();
    expect((await firstOption.textContent())?.trim()).toBe('本人或户主');
    await firstOption.click();

    // submit the incomplete form: the page stays, each missing field is marked with its message, nothing is lost
    await verifier.getByRole('button', { name: '核实完成' }).click();
    const summary = verifier.getByRole('alert').filter({ hasText: '处需要修改' });
    await summary.waitFor();
    expect(await verifier.locator('.ant-form-item-has-error').count()).toBeGreaterThan(3);
    // the member's own 身份证号 item (the innermost marked item around the input) says what is missing
    const idError = verifier
      .locator('.ant-form-item-has-error', { has: verifier.locator('#root_members_0_A7') })
      .last();
    expect(await idError.locator('.ant-form-item-explain').first().textContent()).toMatch(/身份证/);
    expect(await verifier.locator('#root_A28').inputValue()).toBe('12000');
    expect(await verifier.locator('#root_members_0_A5').inputValue()).toBe('谭建华');
    // the summary jumps to the field
    await summary.getByRole('link').first().click();
    await shot(verifier, 'staff-collection-errors-1280');

    // reload: the draft comes back (and reaches the server for another device)
    await expect
      .poll(async () => (await api(verifier, 'GET', `/api/tasks/${taskId}`)).body.task.draft?.A28, {
        timeout: 15_000,
      })
      .toBe(12000);
    await verifier.reload();
    await verifier.getByText('已恢复上次未提交的填写内容').waitFor();
    expect(await verifier.locator('#root_A28').inputValue()).toBe('12000');
    expect(await verifier.locator('#root_members_0_A5').inputValue()).toBe('谭建华');
    expect(await verifier.locator('#root_A33').inputValue()).toBe('15400');
    await verifier.close();

    // the same task on the verifier's phone: the server draft, no sideways scrolling, no clipped label
    const phone = await as(people.verifiers[0], 375);
    await phone.goto(`${base()}/tasks/${taskId}`);
    await phone.locator('#root_members_0_A5').waitFor();
    expect(await phone.locator('#root_members_0_A5').inputValue()).toBe('谭建华');
    const fit = await fitsThePhone(phone);
    expect(fit.scrollWidth, 'horizontal scroll at 375 px').toBeLessThanOrEqual(fit.innerWidth);
    expect(fit.clipped, 'clipped labels').toEqual([]);
    // each member's fields are stacked: an input takes most of the screen, not an 80 px column
    expect((await phone.locator('#root_members_0_A5').boundingBox())!.width).toBeGreaterThan(250);
    // the case title stays visible on the phone
    expect(await phone.getByText(household(HID).headName).first().isVisible()).toBe(true);
    await shot(phone, 'staff-collection-375');
    await phone.locator('.zx-array-card').first().scrollIntoViewIfNeeded();
    await phone.screenshot({ path: join(ROOT, 'test-artifacts', 'staff-collection-member-375.png') });

    // 不同意 (核实不符合条件) without a comment: an inline message, no dialog, nothing lost
    await phone.getByRole('button', { name: '核实不符合条件' }).click();
    await expect.poll(() => phone.locator('.zx-comment-error').textContent()).toMatch(/需要填写意见/);
    expect(await phone.locator('.ant-modal-confirm').count()).toBe(0);
    expect(await phone.locator('#root_A28').inputValue()).toBe('12000');
    await shot(phone, 'staff-reject-no-comment-375');
    await phone.close();
  });

  it('shows an approver the earlier documents and the objection beside the form; a finished case shows labels, never codes', async () => {
    expect(caseId).toBeTruthy();
    for (const v of people.verifiers) {
      const pg = await as(v);
      const verifyTask = await taskOf(pg, 'verify');
      const r = await api(pg, 'POST', `/api/tasks/${verifyTask}/complete`, {
        requestId: `${caseId}-${v}`,
        action: 'submit',
        data: collection(HID),
        evidence: await evidenceIn(pg),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      if (v === people.verifiers[0]) {
        // 会签: once signed the task leaves my 待办 and shows under 已办 with its progress
        const todo = (await api(pg, 'GET', '/api/tasks?view=todo')).body.items.map(
          (t: { task_id: string }) => t.task_id,
        );
        expect(todo).not.toContain(verifyTask);
        const done = (await api(pg, 'GET', '/api/tasks?view=done')).body.items.find(
          (t: { task_id: string }) => t.task_id === verifyTask,
        );
        expect(done).toMatchObject({ task_status: 'open', min_signers: 2, signed_count: 1 });
        await pg.goto(`${base()}/`);
        await pg.getByRole('tab', { name: /已办/ }).click();
        await pg.getByText('会签进度 1/2，等待其他人').waitFor();
        await shot(pg, 'staff-done-cosign-1280');
      }
      await pg.close();
    }
    const cadre = await as(people.cadre);
    // the village branch secretary signs the village review (附件3)
    const secretary = await as(people.secretary);
    const review = {
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
    };
    expect(
      (
        await api(secretary, 'POST', `/api/tasks/${await taskOf(secretary, 'village_review')}/complete`, {
          requestId: `${caseId}-vr`,
          action: 'approve',
          data: review,
        })
      ).status,
    ).toBe(200);
    await secretary.close();

    // an objection during the notice; the investigation opens with its text and receipt
    let noticeId: string | undefined;
    await expect
      .poll(async () => (noticeId = (await api(cadre, 'GET', `/api/cases/${caseId}`)).body.notices[0]?.id), {
        timeout: 30_000,
      })
      .toBeTruthy();
    const filed = await api(cadre, 'POST', `/api/public/notices/${noticeId}/objections`, {
      content: '该户长子在县城有稳定工作，请核实',
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const receipt = filed.body.receipt as string;
    const inv = await taskOf(cadre, 'investigate');
    await cadre.goto(`${base()}/tasks/${inv}`);
    const objections = cadre.locator('.zx-objections');
    await objections.waitFor();
    expect(await objections.textContent()).toContain(receipt);
    expect(await objections.textContent()).toContain('该户长子在县城有稳定工作，请核实');
    await shot(cadre, 'staff-investigation-1280');
    const found = { findings: '经核实其长子为临时务工', outcome: 'unfounded', investigators: '李、王' };
    expect(
      (
        await api(cadre, 'POST', `/api/tasks/${inv}/complete`, {
          requestId: `${caseId}-inv`,
          action: 'unfounded',
          comment: '异议不成立',
          data: found,
        })
      ).status,
    ).toBe(200);

    // the township reviewer decides with 附件1, 附件2 and the minutes beside the opinion form
    const sec = await as(people.township_reviewers[0]);
    const tr = await taskOf(sec, 'township_review');
    await sec.goto(`${base()}/tasks/${tr}`);
    await sec.getByRole('tab', { name: /附件2/ }).click();
    const collectionTab = sec.locator('.zx-evidence[data-doc="collection"]');
    await collectionTab.waitFor();
    const shown = (await collectionTab.textContent()) ?? '';
    expect(shown).toContain(household(HID).members[1].name);
    expect(shown).toContain('配偶'); // 与户主关系 by its label
    expect(shown).not.toContain(household(HID).members[1].idNumber); // masked as on the case page
    // the investigation's findings are kept with the decision and read here
    await sec.getByRole('tab', { name: /异议调查/ }).click();
    await sec.locator('.zx-evidence[data-doc="investigation"]').getByText('经核实其长子为临时务工').waitFor();
    await sec.getByRole('tab', { name: /评议/ }).click();
    await sec.locator('.zx-evidence[data-doc="democratic-review"]').getByText('逐户评议，同意纳入').waitFor();
    await shot(sec, 'staff-township-evidence-1280');
    // 不同意 without a comment: inline, the opinion typed so far is kept
    await sec.locator('#root_opinion').fill('同意上报');
    await sec.getByRole('button', { name: /^不同意$/ }).click();
    await expect.poll(() => sec.locator('.zx-comment-error').textContent()).toMatch(/需要填写意见/);
    expect(await sec.locator('#root_opinion').inputValue()).toBe('同意上报');
    for (const u of people.township_reviewers) {
      const pg = u === people.township_reviewers[0] ? sec : await as(u);
      const r = await api(pg, 'POST', `/api/tasks/${await taskOf(pg, 'township_review')}/complete`, {
        requestId: `${caseId}-${u}`,
        action: 'approve',
        data: { opinion: '同意', signer: u, signDate: '2026-12-05' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      if (pg !== sec) await pg.close();
    }

    const bureau = await as('bureau');
    // the designers' browser test may have added a step (乡镇复审, 会签) before the county: its signers approve it
    const extra = await as(people.township_reviewers[1]);
    // 会商研判 (line 2304): the county's industry departments give their opinions before the county decides
    const departments = [await as('agri'), await as('water')];
    for (let round = 0; round < 20; round++) {
      const current: string[] = (await api(bureau, 'GET', `/api/cases/${caseId}`)).body.progress.current;
      if (current.includes('county_approval')) break;
      for (const pg of [sec, extra, ...departments]) {
        const mine = (await api(pg, 'GET', '/api/tasks?view=todo')).body.items.filter(
          (t: { case_id: string; step_id: string }) =>
            t.case_id === caseId && !['county_approval', 'county_compare'].includes(t.step_id),
        );
        for (const t of mine)
          await api(pg, 'POST', `/api/tasks/${t.task_id}/complete`, {
            requestId: `${t.task_id}-extra`,
            action: 'approve',
            data: { opinion: '同意', signer: '复审', signDate: '2026-12-05' },
          });
      }
      await bureau.waitForTimeout(1000);
    }
    for (const pg of [extra, ...departments]) await pg.close();
    const county = await taskOf(bureau, 'county_approval');
    const opened = (await api(bureau, 'GET', `/api/tasks/${county}`)).body;
    const hitDecisions = (opened.initialData.hitDecisions ?? []).map((x: Record<string, unknown>) => ({
      ...x,
      decision: 'confirmed',
    }));
    const approval = {
      verification: { opinion: '经入户核实情况属实', signer: '王核实', date: '2026-11-26' },
      villageReview: { opinion: '村级评议通过', signer: '李书记', date: '2026-11-27' },
      townshipReview: { opinion: '同意上报', signer: '刘书记', signer2: '张镇长', date: '2026-12-05' },
      countyApproval: { opinion: '同意纳入', signer: '周局长', date: '2026-12-06', sealed: true },
      monitoringType: '2',
      hitDecisions,
    };
    const done = await api(bureau, 'POST', `/api/tasks/${county}/complete`, {
      requestId: `${caseId}-county`,
      action: 'approve',
      data: approval,
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await expect
      .poll(async () => (await api(bureau, 'GET', `/api/cases/${caseId}`)).body.case.status, {
        timeout: 60_000,
      })
      .toBe('approved');

    // no raw code on any page of the finished case, its print views or its PDF
    const leaks: string[] = [];
    const scan = (where: string, text: string) => {
      for (const hit of rawCodesIn(text)) leaks.push(`${where}: ${hit}`);
    };
    const pages: [string, string][] = [
      ['case', `/cases/${caseId}`],
      ['county task', `/tasks/${county}`],
      ['household', `/households/${HID}`],
      ...['application', 'collection', 'democratic-review', 'identification-approval'].map(
        (k) => [`print ${k}`, `/cases/${caseId}/print/${k}`] as [string, string],
      ),
    ];
    for (const [name, path] of pages) {
      await bureau.goto(`${base()}${path}`);
      await bureau.waitForLoadState('networkidle');
      await bureau
        .locator('.ant-spin-spinning')
        .first()
        .waitFor({ state: 'detached' })
        .catch(() => {});
      scan(name, await leafTexts(bureau));
      if (name === 'county task' || name === 'print identification-approval')
        await shot(bureau, `staff-${name.replace(/ /g, '-')}-1280`);
    }
    const pdf = await bureau.evaluate(async (p) => {
      const r = await fetch(p);
      return [...new Uint8Array(await r.arrayBuffer())];
    }, `/api/cases/${caseId}/documents/identification-approval.pdf`);
    scan('PDF 附件3', await pdfText(Uint8Array.from(pdf)));
    expect(leaks).toEqual([]);

    // the case list as Excel, filtered like the page (village, status, dates, overdue): the rows asked for, ID numbers masked
    await bureau.goto(`${base()}/cases`);
    await bureau.getByRole('link', { name: /导出Excel/ }).waitFor();
    await shot(bureau, 'staff-cases-1280');
    // the export filters by the date in China (cases started after 16:00 UTC carry tomorrow's date)
    const today = cstDate(Date.now());
    const sheet = async (query: string) => {
      const bytes = await bureau.evaluate(
        async (p) => [...new Uint8Array(await (await fetch(p)).arrayBuffer())],
        `/api/cases/export.xlsx?${query}`,
      );
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Uint8Array.from(bytes).buffer);
      const ws = wb.worksheets[0];
      const rows: string[][] = [];
      ws.eachRow((row) =>
        rows.push(
          Array.from(row.values as unknown[])
            .slice(1)
            .map((v) => String(v ?? '')),
        ),
      );
      return rows;
    };
    const approved = await sheet(`org=${people.village}&status=approved&from=2020-01-01&to=${today}`);
    expect(approved[0]).toEqual([
      '案件编号',
      '案件',
      '事项',
      '地区',
      '对象',
      '身份证号',
      '状态',
      '当前环节',
      '是否超期',
      '发起时间',
      '办结时间',
    ]);
    const row = approved.find((r) => r[0] === caseId)!;
    expect(row, 'the finished case is exported').toBeTruthy();
    expect(row.slice(2, 9)).toEqual([
      '防止返贫监测对象识别',
      '双桥村',
      household(HID).headName,
      `${household(HID).headIdNumber.slice(0, 6)}********${household(HID).headIdNumber.slice(-4)}`,
      '已通过',
      '',
      '否',
    ]);
    expect(approved.slice(1).every((r) => r[6] === '已通过')).toBe(true);
    expect(JSON.stringify(approved)).not.toContain(household(HID).headIdNumber);
    expect((await sheet('status=approved&overdue=1')).some((r) => r[0] === caseId)).toBe(false);
    // the full data only on request, and then the read is in the audit log
    const full = await sheet(`org=${people.village}&status=approved&unmask=1`);
    expect(full.find((r) => r[0] === caseId)![5]).toBe(household(HID).headIdNumber);
    for (const pg of [cadre, sec, bureau]) await pg.close();
  });
});

/** the text of every element that has no element inside it (a value shown on its own), one per line */
async function leafTexts(page: Page): Promise<string> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.children.length === 0 && !['SCRIPT', 'STYLE'].includes(el.tagName))
        out.push((el.textContent ?? '').trim());
      if (el instanceof HTMLInputElement && el.type !== 'hidden' && el.value) out.push(el.value.trim());
    }
    return out.filter(Boolean).join('\n');
  });
}

async function pdfText(data: Uint8Array): Promise<string> {
  const doc = await getDocument({ data, useSystemFonts: false }).promise;
  const lines: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    for (const it of (await (await doc.getPage(i)).getTextContent()).items)
      if ('str' in it) lines.push(it.str.trim());
  }
  return lines.filter(Boolean).join('\n');
}

/**
 * The codes a reader must never see raw: every code of the pack's code lists and every inline choice of the
 * case's forms. A word-like code (dibao, civil_affairs, passed) anywhere in a text; a zero-padded number
 * ("01", "02") when it is the whole value shown; plain small numbers are also counts, so they are not codes here.
 */
const PACK = join(ROOT, 'forms/packs/hunan');
const CODES = (() => {
  const codes = new Set<string>();
  for (const f of readdirSync(join(PACK, 'codelists'))) {
    const walk = (items: { code: string; children?: unknown[] }[]) =>
      items.forEach((i) => (codes.add(i.code), i.children && walk(i.children as never)));
    walk(JSON.parse(readFileSync(join(PACK, 'codelists', f), 'utf8')).items);
  }
  for (const f of [
    'application',
    'collection',
    'democratic-review',
    'investigation',
    'opinion',
    'identification-approval',
  ]) {
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        const o = n as Record<string, unknown>;
        if (Array.isArray(o.oneOf))
          for (const c of o.oneOf as { const?: unknown }[])
            if (typeof c.const === 'string') codes.add(c.const);
        Object.values(o).forEach(walk);
      }
    };
    walk(JSON.parse(readFileSync(join(PACK, 'forms', `${f}.json`), 'utf8')).schema);
  }
  for (const r of readFileSync(join(PACK, 'demo/department-records.csv'), 'utf8').trim().split('\n').slice(1))
    r.split(',')
      .slice(0, 2)
      .forEach((c) => codes.add(c));
  return [...codes];
})();

function rawCodesIn(text: string): string[] {
  const hits = new Set<string>();
  const lines = text.split('\n').map((l) => l.trim());
  for (const code of CODES) {
    if (/^[a-z][a-z0-9_-]*$/i.test(code)) {
      if (new RegExp(`(^|[^A-Za-z0-9_-])${code}($|[^A-Za-z0-9_-])`).test(text)) hits.add(code);
    } else if (/^0\d+$/.test(code) && lines.includes(code)) {
      hits.add(code);
    }
  }
  return [...hits];
}
