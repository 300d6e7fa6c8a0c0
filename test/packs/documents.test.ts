/**
 * 文书 a finished identification case of a six-member household, printed as the county files it: 附件3's
 * PDF (text read back with pdfjs) has its sections in the paper's order, both township signers and an
 * embedded image for each handwritten signature; every document says 已签署; the case archive holds every
 * document of the case and the timeline. On the way: the county's board shows the notice with no place
 * chosen, the notice's A4 poster, and an objection whose receipt (typed in lower case) shows its outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPackHarness, type PackHarness } from '../support/pack-harness.js';
import {
  application,
  collection,
  household,
  peopleOf,
  setDemoStatus,
  villageReview,
} from '../support/demo.js';
import { saveAttachment } from '../../server/services/attachments.js';
import { getTask } from '../../server/services/tasks.js';
import { caseArchivePdf, caseDocument, caseDocumentPdf } from '../../server/services/documents.js';
import { ROOT } from '../../server/config.js';
import {
  fileObjection,
  listNotices,
  noticePoster,
  objectionStatus,
} from '../../server/services/public-board.js';

const DAY = 86_400_000;
const HID = 'HH-0005'; // 罗翠萍, six members
const users: { username: string; name: string }[] = JSON.parse(
  readFileSync(join(ROOT, 'forms/packs/hunan/demo/users.json'), 'utf8'),
);
const nameOf = (username: string) => users.find((u) => u.username === username)!.name;

/** kept beside the screenshots, to look at */
function keep(name: string, pdf: Buffer) {
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  writeFileSync(join(ROOT, 'test-artifacts', name), pdf);
}

async function pdfPages(pdf: Buffer): Promise<{ text: string; images: number }[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  const pages = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const text = (await page.getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join('');
    const ops = await page.getOperatorList();
    const images = ops.fnArray.filter((f) => f === OPS.paintImageXObject).length;
    pages.push({ text, images });
  }
  return pages;
}

let h: PackHarness;
let caseId: string;
let receipt: string;
let countyBoard: Awaited<ReturnType<typeof listNotices>>;
let poster: Buffer;
const signatures: string[] = [];
const p = peopleOf(HID);

beforeAll(async () => {
  h = await createPackHarness();
  await setDemoStatus(h.tdb.db, 'none', HID);
  const sign = async (username: string) => {
    // a handwritten signature is an image; a QR code of the name stands in for the strokes (a real PNG)
    const png = await QRCode.toBuffer(`签名 ${username}`, { type: 'png', width: 120 });
    const att = await saveAttachment(h.tdb.db, await h.who(username), 'image/png', png);
    signatures.push(att.id);
    return att.id;
  };
  caseId = await h.start(p.cadre, {
    process: 'identification',
    org: p.village,
    subject: { id: HID },
    data: application(HID, { applicantSignature: await sign(p.cadre) }),
  });
  const [verify] = await h.open(caseId);
  await h.verify(p.verifiers, verify.id, collection(HID));
  const [vr] = await h.open(caseId);
  await h.act(p.secretary, vr.id, 'approve', {
    data: villageReview('逐户评议，同意纳入'),
  });
  // during the window: the county's board (no place chosen), the poster, and an objection
  countyBoard = await listNotices(h.svc, {});
  const noticeId = countyBoard.items.find((n) => n.title.includes(household(HID).headName.slice(1)))?.id;
  expect(noticeId, JSON.stringify(countyBoard.items.map((n) => n.title))).toBeTruthy();
  poster = await noticePoster(h.svc, noticeId!, 'http://zx.test');
  receipt = (await fileObjection(h.svc, noticeId!, { content: '该户长子在县城有稳定工作，请核实' })).receipt;
  await h.env.sleep(7 * DAY + 1000);
  const [inv] = await h.open(caseId);
  expect(inv.step_id).toBe('investigate');
  await h.act(p.cadre, inv.id, 'unfounded', {
    comment: '异议不成立',
    data: { findings: '经核实其长子为临时务工', outcome: 'unfounded', investigators: '李、王' },
  });
  for (const t of await h.open(caseId, 2))
    await h.act(t.assignee_user!, t.id, 'approve', {
      data: {
        opinion: '同意',
        signer: nameOf(t.assignee_user!),
        signDate: '2026-12-05',
        signature: await sign(t.assignee_user!),
      },
    });
  // the county's industry departments give their 会商研判 opinions before the county decides
  await h.consult(caseId);
  const [county] = await h.open(caseId);
  const shown = await getTask(h.svc, await h.who('bureau'), county.id);
  const initial = shown.initialData as Record<string, any>;
  await h.act('bureau', county.id, 'approve', {
    data: {
      ...initial,
      verification: { ...initial.verification, opinion: '经入户核实情况属实' },
      villageReview: { ...initial.villageReview, opinion: '村级评议通过' },
      countyApproval: { opinion: '同意纳入', signer: '周局长', date: '2026-12-06', sealed: true },
      monitoringType: '2',
      hitDecisions: (initial.hitDecisions ?? []).map((x: object) => ({ ...x, decision: 'confirmed' })),
    },
  });
  expect(await h.waitStatus(caseId)).toBe('approved');
}, 180_000);
afterAll(async () => {
  await h?.close();
});

describe('the public board', () => {
  it('opens on the whole county, makes an A4 poster with a QR code, and shows a decided objection’s outcome', async () => {
    expect(countyBoard.org).toMatchObject({ level: 'county', name: '衡南县' });
    keep('documents-poster.pdf', poster);
    const [page, ...more] = await pdfPages(poster);
    expect(more).toEqual([]);
    expect(page.text).toMatch(/^公\s*示/);
    for (const s of ['公示期', '如何提出异议', '回执号', '和平村']) expect(page.text).toContain(s);
    // the list as the board shows it (masked there), never the household's ID number
    const shown = countyBoard.items.find((n) => n.title.includes(household(HID).headName.slice(1)))!;
    expect(page.text).toContain(String(shown.content['application.name']));
    expect(page.text).not.toContain(household(HID).headIdNumber);
    expect(page.images).toBe(1); // the QR code
    const status = await objectionStatus(h.svc, receipt.toLowerCase());
    expect(status.outcome).toMatchObject({ result: 'unfounded', resultText: '不成立' });
    expect(status.history.map((x) => x.statusText)).toContain('经核实异议不成立');
  });
});

describe('documents of a finished case', () => {
  it('附件3 as a PDF: sections in paper order, both township signers, one image per handwritten signature', async () => {
    const bureau = await h.who('bureau');
    const pdf = await caseDocumentPdf(h.svc, bureau, caseId, 'identification-approval', 'http://zx.test');
    keep('documents-form3.pdf', pdf);
    keep('documents-form2.pdf', await caseDocumentPdf(h.svc, bureau, caseId, 'collection', 'http://zx.test'));
    const pages = await pdfPages(pdf);
    const text = pages.map((pg) => pg.text).join('');
    const order = ['入户核实意见', '村级评议意见', '乡镇（街道）审核意见', '县级审定意见'].map((s) =>
      text.indexOf(s),
    );
    expect(
      order.every((i) => i >= 0),
      text,
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const u of p.township_reviewers) expect(text).toContain(nameOf(u));
    // the paper heads with the household (户主姓名 家庭人口 …) from 附件1
    expect(text).toMatch(new RegExp(`户主姓名\\s*${household(HID).headName}\\s*家庭人口\\s*6`));
    // a table that runs onto a second page repeats its header there
    if (pages.length > 1) expect(pages[1].text).toMatch(/^序号\s*身份证号\s*部门/);
    expect(text).toContain('已签署');
    expect(text).not.toContain('尚未签署');
    expect(text).toContain(`案件编号：${caseId}`);
    expect(text).toMatch(/第 1 页 \/ 共 \d+ 页/);
    // the two township signatures are drawn as images, plus the verification QR code
    expect(pages.reduce((n, pg) => n + pg.images, 0)).toBe(2 + 1);
  });

  it('every document of the finished case says 已签署, and 附件2 lists all six members on a landscape sheet', async () => {
    const bureau = await h.who('bureau');
    for (const key of [
      'application',
      'collection',
      'democratic-review',
      'opinion',
      'identification-approval',
    ]) {
      const d = await caseDocument(h.svc, bureau, caseId, key);
      expect(d.layout.status, key).toBe('已签署');
    }
    const c = await caseDocument(h.svc, bureau, caseId, 'collection');
    expect(c.layout.orientation).toBe('landscape');
    const members = c.layout.blocks.find((b) => b.kind === 'table' && b.key === 'members');
    expect(members && members.kind === 'table' && members.rows.map((r) => r[1].text)).toEqual(
      household(HID).members.map((m) => m.name),
    );
  });

  it('the case archive holds every document of the case in order, then the timeline', async () => {
    const bureau = await h.who('bureau');
    const pdf = await caseArchivePdf(h.svc, bureau, caseId, 'http://zx.test');
    keep('documents-archive.pdf', pdf);
    const pages = await pdfPages(pdf);
    const text = pages.map((pg) => pg.text).join('');
    const titles = [
      '防止返贫监测对象个人申请及承诺授权书',
      '防止返贫监测对象信息采集表',
      '村级民主评议记录',
      '审核意见',
      '防止返贫监测对象识别审批表',
      '办理过程（时间线）',
    ];
    // after the table of contents, each document's title opens its own page, in the order of the case
    const starts = titles.map((t) => pages.findIndex((pg, i) => i > 0 && pg.text.includes(t)));
    expect(
      starts.every((i) => i > 0),
      JSON.stringify(starts),
    ).toBe(true);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(text).toContain(household(HID).members[5].name);
    expect(text).toContain('公示开始');
    expect(text).toContain('办结');
    // the applicant's and both township signatures, and a QR code per document and on the cover
    expect(pages.reduce((n, pg) => n + pg.images, 0)).toBeGreaterThanOrEqual(3 + 6);
  });
});
