/**
 * Documents and the public board in a real browser against the running product (1 policy day = 2 s): a
 * six-member household's identification case walked to 已通过 (with an objection found unfounded and the
 * township's handwritten signatures); its 附件2 printed on A4 fits the sheet's width on every page, 附件3
 * prints its sections in the paper's order, no document of the finished case says 尚未签署; the case
 * archive holds every document; a phone user opens /public and sees the county's current notices without
 * choosing, and the receipt (typed in lower case) shows the objection's outcome. Screenshots at 1280 and
 * 375 px and A4 print PDFs are kept in test-artifacts/.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { api, browserPerFile, evidenceIn, shot, sign, taskOf as inboxTask } from './browser.js';
import { application, collection, household, peopleOf } from '../support/demo.js';
import { ROOT } from '../../server/config.js';

const { base, browser, as } = browserPerFile();

// 花桥村's 张秀英 (not monitored, used by no other browser test); the verifiers record six members
const HID = 'HH-0007';
const people = peopleOf(HID);

/** a resident ID (GB 11643) with its check digit */
function residentId(body17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return body17 + '10X98765432'[sum % 11];
}
const extra = [
  ['张小明', '43042220050303031', '03'],
  ['张小红', '43042220080404042', '04'],
  ['周桂英', '43042219500505052', '12'],
  ['张德福', '43042219480606061', '11'],
] as const;
function sixMembers() {
  const c = collection(HID);
  const template = c.members[0];
  return {
    ...c,
    members: [
      ...c.members,
      ...extra.map(([name, id, relation]) => ({ ...template, A5: name, A7: residentId(id), A8: relation })),
    ],
  };
}

let caseId: string;

/** the open task of a step of this file's case, once it is in the user's to-do list */
const taskOf = (page: Page, step: string) => inboxTask(page, caseId, step);

/** a handwritten signature uploaded by its signer (a PNG drawn from their name) */
async function signature(page: Page, who: string): Promise<string> {
  const png = [...(await QRCode.toBuffer(`签名 ${who}`, { type: 'png', width: 120 }))];
  const r = await page.evaluate(async (bytes) => {
    const res = await fetch('/api/attachments', {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'x-csrf-token': sessionStorage.getItem('zx-csrf') ?? '' },
      body: new Uint8Array(bytes),
    });
    return { status: res.status, body: await res.json() };
  }, png);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

async function pdfPages(data: Uint8Array) {
  const doc = await getDocument({ data, useSystemFonts: false }).promise;
  const pages: { text: string; width: number; height: number }[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const [, , width, height] = page.view;
    pages.push({
      text: (await page.getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join(''),
      width,
      height,
    });
  }
  return pages;
}

const fetchBytes = async (page: Page, path: string) =>
  Uint8Array.from(
    await page.evaluate(async (p) => [...new Uint8Array(await (await fetch(p)).arrayBuffer())], path),
  );

let receipt: string;

describe('documents and the public board', () => {
  it('walks a six-member household to 已通过; a phone user finds its notice on the county board and files an objection', async () => {
    const cadre = await as(people.cadre);
    // the designers' browser test may have published 附件1 with a required 联系电话
    const form = (await api(cadre, 'GET', '/api/forms/application')).body.latest;
    const phoneField = form.schema?.properties?.contactPhone ? { contactPhone: '13907345678' } : {};
    const started = await api(cadre, 'POST', '/api/cases', {
      process: 'identification',
      org: people.village,
      subject: { id: HID },
      requestId: `docs-${Date.now()}`,
      data: application(HID, {
        ...phoneField,
        householdSize: 6,
        address: {
          city: '衡阳市',
          county: '衡南县',
          township: '云集街道',
          village: '花桥村',
          group: '第一村民小组',
        },
      }),
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    caseId = started.body.id;
    for (const v of people.verifiers) {
      const pg = await as(v);
      const r = await api(pg, 'POST', `/api/tasks/${await taskOf(pg, 'verify')}/complete`, {
        requestId: `${caseId}-${v}`,
        action: 'submit',
        data: sixMembers(),
        evidence: await evidenceIn(pg),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      await pg.close();
    }
    const secretary = await as(people.secretary);
    const vr = await api(
      secretary,
      'POST',
      `/api/tasks/${await taskOf(secretary, 'village_review')}/complete`,
      {
        requestId: `${caseId}-vr`,
        action: 'approve',
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
      },
    );
    expect(vr.status, JSON.stringify(vr.body)).toBe(200);
    await secretary.close();

    // a villager's phone: /public with nothing chosen shows the county's current notices, this one among them
    let noticeId: string | undefined;
    await expect
      .poll(async () => (noticeId = (await api(cadre, 'GET', `/api/cases/${caseId}`)).body.notices[0]?.id), {
        timeout: 30_000,
      })
      .toBeTruthy();
    const phone = await browser().newPage({ viewport: { width: 375, height: 760 } });
    await phone.goto(`${base()}/public`);
    await phone.getByTestId('board-place').getByText('衡南县（全县）当前公示').waitFor();
    const card = phone.locator(`[data-notice="${noticeId}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain('花桥村');
    expect(await card.textContent()).toMatch(/剩余(\d+ (天|小时)|不足1小时)/);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    // the chosen place reads as its plain name, not the tree's indentation
    expect(
      (await phone.locator('.ant-select-content, .ant-select-selection-item').first().textContent())?.trim(),
    ).toBe('衡南县');
    await shot(phone, 'board-county-375');
    await card.getByRole('button', { name: '提出异议' }).click();
    await card.getByLabel('异议内容').fill('该户长子在县城有稳定工作，请核实');
    await card.getByLabel('联系方式（可不填）').fill('1380000');
    await card.getByRole('button', { name: '提交异议' }).click();
    await card.getByText('请填写11位手机号或带区号的固定电话').waitFor();
    await card.getByLabel('联系方式（可不填）').fill('0734-1234567');
    await card.getByRole('button', { name: '提交异议' }).click();
    receipt = (await phone.locator('.ant-result .ant-typography strong').first().textContent())!.trim();
    expect(receipt).toMatch(/^YY/);
    await phone.close();

    const inv = await taskOf(cadre, 'investigate');
    const found = await api(cadre, 'POST', `/api/tasks/${inv}/complete`, {
      requestId: `${caseId}-inv`,
      action: 'unfounded',
      comment: '异议不成立',
      data: { findings: '经核实其长子为临时务工', outcome: 'unfounded', investigators: '李、王' },
    });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    await cadre.close();

    // the township's secretary signs by hand on the task page, on a phone: draws on the pad and approves
    const [byHand, byUpload] = people.township_reviewers;
    const sec = await as(byHand, 375);
    const tr = await taskOf(sec, 'township_review');
    await sec.goto(`${base()}/tasks/${tr}`);
    await sec.locator('#root_opinion').fill('同意纳入监测');
    await sec.locator('#root_signer').fill(byHand);
    await sec.locator('#root_signDate').click();
    await sec.locator('#root_signDate').fill('2026-12-05');
    await sec.locator('#root_signDate').press('Enter');
    await sec.getByText('审核意见（第 1 版）').click(); // closes the date picker
    await sign(sec, '签名');
    await sec.getByRole('button', { name: '确认签名' }).click();
    await sec.getByRole('img', { name: '签名（已签）' }).waitFor();
    expect(await sec.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(sec, 'task-signature-375');
    await sec.getByRole('button', { name: /^同\s*意$/ }).click();
    await sec.waitForURL(`${base()}/`);
    await sec.close();
    // the township head's signature is uploaded (a PNG) and sent in the declared 签名 field
    const head = await as(byUpload);
    const r = await api(head, 'POST', `/api/tasks/${await taskOf(head, 'township_review')}/complete`, {
      requestId: `${caseId}-${byUpload}`,
      action: 'approve',
      data: {
        opinion: '同意',
        signer: byUpload,
        signDate: '2026-12-05',
        signature: await signature(head, byUpload),
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await head.close();
    const bureau = await as('bureau');
    // the designers' browser test may have added a step before the county: its signers approve it
    // 会商研判: the county's industry departments give their opinions before the county decides
    const helpers = await Promise.all([...people.township_reviewers, 'agri', 'water'].map((u) => as(u)));
    for (let round = 0; round < 30; round++) {
      const current: string[] = (await api(bureau, 'GET', `/api/cases/${caseId}`)).body.progress.current;
      if (current.includes('county_approval')) break;
      for (const pg of helpers) {
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
    await Promise.all(helpers.map((p) => p.close()));
    const county = await taskOf(bureau, 'county_approval');
    const initial = (await api(bureau, 'GET', `/api/tasks/${county}`)).body.initialData;
    const done = await api(bureau, 'POST', `/api/tasks/${county}/complete`, {
      requestId: `${caseId}-county`,
      action: 'approve',
      data: {
        ...initial,
        verification: { ...initial.verification, opinion: '经入户核实情况属实' },
        villageReview: { ...initial.villageReview, opinion: '村级评议通过' },
        countyApproval: { opinion: '同意纳入', signer: '周局长', date: '2026-12-06', sealed: true },
        monitoringType: '2',
        hitDecisions: (initial.hitDecisions ?? []).map((x: object) => ({ ...x, decision: 'confirmed' })),
      },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await expect
      .poll(async () => (await api(bureau, 'GET', `/api/cases/${caseId}`)).body.case.status, {
        timeout: 60_000,
      })
      .toBe('approved');
    await bureau.close();
  });

  it('looks up the decided objection on a phone by its receipt in lower case and shows 不成立 with its date', async () => {
    expect(receipt).toBeTruthy();
    const phone = await browser().newPage({ viewport: { width: 375, height: 760 } });
    await phone.goto(`${base()}/public`);
    await phone.getByLabel('回执号').fill(receipt.toLowerCase());
    await phone.getByRole('button', { name: /查\s*询/ }).click();
    const result = phone.locator('.ant-descriptions', { hasText: receipt });
    await result.waitFor();
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('经核实异议不成立');
    expect(text).toMatch(/核实结论异议不成立（\d{4}/);
    expect(text).toContain('已受理');
    await shot(phone, 'board-receipt-375');
    await phone.close();
  });

  it('prints 附件2 of six members within the A4 width on every page, at 1280 and 375 px and in print', async () => {
    expect(caseId).toBeTruthy();
    const page = await as('bureau');
    await page.goto(`${base()}/cases/${caseId}/print/collection`);
    const sheet = page.locator('.zx-sheet');
    await sheet.waitFor();
    expect(await sheet.getAttribute('data-orientation')).toBe('landscape');
    for (const m of sixMembers().members) expect(await sheet.textContent()).toContain(m.A5);
    await shot(page, 'print-form2-1280');
    // print: A4 landscape (297 mm less 2 × 8 mm margins = 281 mm ≈ 1062 px at 96 dpi)
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 1062, height: 750 });
    const fit = await page.evaluate(() => {
      const s = document.querySelector('.zx-sheet')!.getBoundingClientRect();
      const tables = [...document.querySelectorAll('.zx-sheet table')].map((t) => t.getBoundingClientRect());
      const labels = [...document.querySelectorAll<HTMLElement>('.zx-sheet .zx-fields th')].map((th) => {
        const lh = parseFloat(getComputedStyle(th).lineHeight) || 16;
        return Math.round((th.clientHeight - 8) / lh);
      });
      return {
        sheetRight: s.right,
        widest: Math.max(...tables.map((t) => t.right)),
        scroll: document.documentElement.scrollWidth,
        mostLabelLines: Math.max(...labels),
      };
    });
    expect(fit.widest).toBeLessThanOrEqual(fit.sheetRight + 1);
    expect(fit.scroll).toBeLessThanOrEqual(1062);
    // the label column does not wrap line after line (it wrapped ~10 lines a row before)
    expect(fit.mostLabelLines).toBeLessThanOrEqual(3);
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(join(ROOT, 'test-artifacts', 'print-form2-a4.pdf'), pdf);
    const pages = await pdfPages(new Uint8Array(pdf));
    // every page is an A4 landscape sheet, and the member table's header repeats where it continues
    for (const p of pages) expect([Math.round(p.width), Math.round(p.height)]).toEqual([842, 595]);
    expect(pages.map((p) => p.text).join('')).toContain(extra[3][0]);
    await page.emulateMedia({ media: 'screen' });
    await page.close();

    const phone = await as('bureau', 375);
    await phone.goto(`${base()}/cases/${caseId}/print/collection`);
    await phone.locator('.zx-sheet').waitFor();
    // on a phone the sheet fits the screen; the wide member table scrolls inside its own box
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(phone, 'print-form2-375');
    await phone.close();
  });

  it('prints 附件3 with its sections in the paper order and both township signatures; no document of the finished case says 尚未签署', async () => {
    const page = await as('bureau');
    await page.goto(`${base()}/cases/${caseId}/print/identification-approval`);
    const sheet = page.locator('.zx-sheet');
    await sheet.waitFor();
    const blocks = await sheet
      .locator('[data-block]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-block')));
    const sections = blocks.filter((b) =>
      ['verification', 'villageReview', 'townshipReview', 'countyApproval'].includes(b!),
    );
    expect(sections).toEqual(['verification', 'villageReview', 'townshipReview', 'countyApproval']);
    const township = sheet.locator('[data-block="townshipReview"]');
    expect(await township.locator('img').count()).toBe(2);
    expect(await township.textContent()).toContain('乡镇长（街道主任）（签字）');
    await shot(page, 'print-form3-1280');
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(join(ROOT, 'test-artifacts', 'print-form3-a4.pdf'), pdf);
    // Chromium's PDF writes some characters as their Kangxi radicals (⼊ for 入): read them back as text
    const text = (await pdfPages(new Uint8Array(pdf)))
      .map((p) => p.text)
      .join('')
      .normalize('NFKC');
    const at = ['核实意', '村级评议', '乡镇（街道）审核', '县级审定'].map((t) =>
      text.indexOf(t.normalize('NFKC')),
    );
    expect(
      at.every((x) => x >= 0),
      text.slice(0, 300),
    ).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    await page.emulateMedia({ media: 'screen' });
    // the case's 附件3 PDF draws both handwritten signatures (the one drawn on the pad too) as images, plus its QR code
    const form3 = await getDocument({
      data: await fetchBytes(page, `/api/cases/${caseId}/documents/identification-approval.pdf`),
      useSystemFonts: false,
    }).promise;
    let images = 0;
    for (let i = 1; i <= form3.numPages; i++)
      images += (await (await form3.getPage(i)).getOperatorList()).fnArray.filter(
        (f) => f === OPS.paintImageXObject,
      ).length;
    expect(images).toBe(2 + 1);

    for (const form of [
      'application',
      'collection',
      'democratic-review',
      'investigation',
      'opinion',
      'identification-approval',
    ]) {
      await page.goto(`${base()}/cases/${caseId}/print/${form}`);
      await page.locator('.zx-sheet').waitFor();
      const all = (await page.locator('body').textContent()) ?? '';
      expect(all, form).not.toContain('尚未签署');
      expect(all, form).toContain('已签署');
    }
    const phone = await as('bureau', 375);
    await phone.goto(`${base()}/cases/${caseId}/print/identification-approval`);
    await phone.locator('.zx-sheet').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(phone, 'print-form3-375');
    await phone.close();

    // the archive: every document of the case, then the timeline
    const archive = await pdfPages(await fetchBytes(page, `/api/cases/${caseId}/archive.pdf`));
    const all = archive.map((p) => p.text).join('');
    for (const t of [
      '防止返贫监测对象个人申请及承诺授权书',
      '防止返贫监测对象信息采集表',
      '村级民主评议记录',
      '异议调查核实',
      '审核意见',
      '防止返贫监测对象识别审批表',
      '办理过程（时间线）',
    ])
      expect(all, t).toContain(t);
    expect(all).not.toContain('尚未签署');
    expect(all).toContain(household(HID).members[1].name);
    await page.close();
  });
});
