/**
 * 入户核实 the field app (/field) on a 375 px phone, offline (issue 21): two verifiers download today's tasks,
 * lose the network, fill 附件2 and their own 入户核实记录 (a camera photo with time and place — or declined —
 * and two signatures drawn on the screen), and come back: each submission reaches the server once, a resend
 * after a lost answer is not a second one, the step completes once with both records. A task reassigned while
 * the verifier is offline shows both versions and loses nothing. The app installs (manifest, service worker),
 * its shell opens offline and under a throttled connection, and what it keeps in IndexedDB is ciphertext that
 * logout deletes.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import QRCode from 'qrcode';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { api, launch, login, shot, sign } from './browser.js';
import { application, collection, peopleOf } from '../support/demo.js';
import { ROOT } from '../../server/config.js';

let browser: Browser;
let db: pg.Pool;
const base = () => inject('baseUrl');
const off = Number(process.env.ZX_E2E_PORT_OFFSET ?? 0) || 0;
beforeAll(async () => {
  browser = await launch();
  db = new pg.Pool({ connectionString: `postgres://zhenxing:zhenxing@127.0.0.1:${54311 + off}/zhenxing` });
});
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

// 花桥镇's verifiers; the households are registered by this test, so no other browser test touches their cases
const p = peopleOf('HH-0009');
const PHONE = { width: 375, height: 812 };
const WHERE = { latitude: 26.9073, longitude: 112.6171, accuracy: 12 };

/** a resident ID number of 衡南县 with its check digit */
function residentId(birth: string, seq: number, sex: 'm' | 'f' = 'm'): string {
  const s = String(seq * 2 + (sex === 'm' ? 1 : 0))
    .padStart(3, '0')
    .slice(-3);
  const body = `430422${birth}${s}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((a, d, i) => a + Number(d) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}

async function signedIn(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  await login(page, base(), username);
  return page;
}

/** a household registered in 双桥村 and its identification case, waiting at 入户核实 with a draft of 附件2 */
async function caseAtVerify(head: string, idNumber: string): Promise<{ caseId: string; taskId: string }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const cadre = await signedIn(context, p.cadre);
  const registered = await api(cadre, 'POST', '/api/households', {
    org: p.village,
    members: [{ name: head, idNumber, relation: '01' }],
    reason: '新增登记',
  });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  const form = (await api(cadre, 'GET', '/api/forms/application')).body.latest;
  const started = await api(cadre, 'POST', '/api/cases', {
    process: 'identification',
    org: p.village,
    subject: { id: registered.body.id },
    data: {
      ...application('HH-0009', form.schema.properties.contactPhone ? { contactPhone: '13907345678' } : {}),
      name: head,
      idNumber,
      householdSize: 1,
    },
    requestId: `field-${head}-${Date.now()}`,
  });
  expect(started.status, JSON.stringify(started.body)).toBeLessThan(300);
  const caseId = started.body.id as string;
  await context.close();
  // the office: a verifier started 附件2 before going out (it comes to the phone as the task's draft)
  const office = await browser.newContext();
  const verifier = await signedIn(office, p.verifiers[0]);
  let taskId: string | undefined;
  await expect
    .poll(
      async () =>
        (taskId = (await api(verifier, 'GET', '/api/tasks?view=todo')).body.items.find(
          (t: { case_id: string; step_id: string }) => t.case_id === caseId && t.step_id === 'verify',
        )?.task_id),
      { timeout: 60_000, interval: 500 },
    )
    .toBeTruthy();
  const c = collection('HH-0009');
  const draft = { ...c, members: [{ ...c.members[0], A5: head, A7: idNumber, A8: '01' }] };
  const saved = await api(verifier, 'POST', `/api/tasks/${taskId}/draft`, { data: draft });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  await office.close();
  return { caseId, taskId: taskId! };
}

/** a phone with the field app: signed in, the service worker in control, today's tasks downloaded */
async function phoneOf(username: string, geolocation: boolean) {
  const context = await browser.newContext({
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
    ...(geolocation ? { permissions: ['geolocation'], geolocation: WHERE } : {}),
  });
  if (!geolocation) await context.clearPermissions();
  const page = await signedIn(context, username);
  await page.goto(`${base()}/field`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // the worker takes this page over (clientsClaim): from now on the shell comes from its cache
  await expect
    .poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 30_000 })
    .toBe(true);
  await page.getByRole('button', { name: /下载今日任务|重新下载/ }).click();
  await page.getByTestId('offline-summary').waitFor();
  return { context, page };
}

/** fill the task offline: one income in 附件2, the record, a photo, both signatures; 核实完成 queues it */
async function fillOffline(page: Page, head: string, findings: string, shots = false) {
  await page.getByRole('link', { name: head }).first().click();
  await page.locator('#root_A28').waitFor();
  await page.locator('#root_A28').fill('13000');
  await page.locator('#root_findings').fill(findings);
  await page.locator('#root_householdConfirmed').check();
  // a camera photo larger than the phone keeps: shrunk to at most 1600 px before it is stored
  const photo = await QRCode.toBuffer(`入户照片 ${head}`, { type: 'png', width: 2000 });
  await page.getByLabel('现场照片：拍照或选择图片').setInputFiles({
    name: 'IMG_0001.png',
    mimeType: 'image/png',
    buffer: photo,
  });
  await page.getByTestId('field-photo').first().waitFor();
  for (const who of ['核实人员签字', '户主签字']) {
    await sign(page, who);
    if (shots && who === '户主签字') await shot(page, 'field-signature-drawn-375');
    await page.getByRole('button', { name: `确认${who}` }).click();
    await page.getByAltText(`${who}（已签）`).waitFor();
  }
  if (shots) {
    await shot(page, 'field-task-375');
    await page.setViewportSize({ width: 1280, height: 900 });
    await shot(page, 'field-task-1280');
    await page.setViewportSize(PHONE);
  }
  await page.getByRole('button', { name: '核实完成' }).click();
  await page.waitForURL(/\/field$/);
  await page.getByTestId('queue-item').first().waitFor();
}

/** every value kept in the field app's IndexedDB, as the bytes on disk would read */
async function storedText(page: Page): Promise<{ text: string; records: number; databases: string[] }> {
  return page.evaluate(async () => {
    const databases = (await indexedDB.databases()).map((d) => d.name ?? '');
    if (!databases.includes('zx-field')) return { text: '', records: 0, databases };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('zx-field');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const parts: string[] = [];
    let records = 0;
    const dec = new TextDecoder('utf-8', { fatal: false });
    const show = (v: unknown): string =>
      v instanceof ArrayBuffer
        ? dec.decode(v)
        : ArrayBuffer.isView(v)
          ? dec.decode(v as Uint8Array)
          : v && typeof v === 'object'
            ? Object.values(v).map(show).join(' ')
            : String(v);
    for (const name of [...db.objectStoreNames]) {
      const all = await new Promise<unknown[]>((resolve) => {
        const r = db.transaction(name).objectStore(name).getAll();
        r.onsuccess = () => resolve(r.result);
      });
      records += all.length;
      parts.push(...all.map(show));
    }
    db.close();
    return { text: parts.join('\n'), records, databases };
  });
}

let finishedCase: string | undefined;
let reassignedTask: string | undefined;

const actionsOn = async (taskId: string) =>
  (await db.query('SELECT actor_id, action FROM task_actions WHERE task_id = $1 ORDER BY at', [taskId]))
    .rows as { actor_id: string; action: string }[];

describe('the field app offline', () => {
  it('two verifiers offline both submit: one submission each, none more after a resend, the step completes once with both records', async () => {
    const head = '欧阳核实';
    const idNumber = residentId('19650304', 217);
    const { caseId, taskId } = await caseAtVerify(head, idNumber);

    // 1. the app installs: a manifest with a Chinese name and icons, a service worker in control
    const one = await phoneOf(p.verifiers[0], true);
    const manifest = await api(one.page, 'GET', '/manifest.webmanifest');
    expect(manifest.body).toMatchObject({
      name: '振兴·入户核实',
      short_name: '振兴',
      start_url: '/field',
      display: 'standalone',
    });
    expect(manifest.body.icons.map((i: { sizes: string }) => i.sizes)).toEqual(
      expect.arrayContaining(['192x192', '512x512']),
    );
    const two = await phoneOf(p.verifiers[1], false);
    await one.page.getByRole('link', { name: head }).first().waitFor();
    await shot(one.page, 'field-today-375');

    // 2. both phones lose the network; the shell still opens (from the service worker) with the tasks kept
    await one.context.setOffline(true);
    await two.context.setOffline(true);
    await one.page.reload();
    await one.page.getByTestId('net-state').filter({ hasText: '离线' }).waitFor();
    await one.page.getByRole('link', { name: head }).first().waitFor();

    await fillOffline(one.page, head, '入户查看住房、收入属实（核实员一）', true);
    await fillOffline(two.page, head, '与户主核对家庭成员及收入（核实员二）');
    await shot(one.page, 'field-queue-offline-375');

    // 5. at rest: ciphertext only (no name, no ID number, no findings), the key never in IndexedDB/localStorage
    const stored = await storedText(one.page);
    expect(stored.records).toBeGreaterThanOrEqual(4); // bundle, queue item, photo, two signatures
    for (const plain of [head, idNumber, '核实员一', 'homeVerification', 'A28'])
      expect(stored.text).not.toContain(plain);
    const key = await one.page.evaluate(() => sessionStorage.getItem('zx-field-key'));
    expect(key).toBeTruthy();
    expect(stored.text).not.toContain(key!);
    expect(await one.page.evaluate(() => JSON.stringify(localStorage))).not.toContain(key!);

    // 3. back online, the first answer is lost on the way (the server got the request): the item stays queued
    let answered = 0;
    await one.page.route('**/api/tasks/*/complete', async (route) => {
      await route.fetch(); // reaches the server …
      answered++;
      await route.abort('connectionreset'); // … but the phone never hears back
    });
    await one.context.setOffline(false);
    await expect.poll(() => answered, { timeout: 60_000 }).toBe(1);
    await one.page.getByText('网络中断，恢复网络后继续同步').waitFor();
    expect(await one.page.getByTestId('queue-item').count()).toBe(1);
    await one.page.unroute('**/api/tasks/*/complete');
    // the resend (same requestId) is answered with the first result: the queue empties, no second submission
    await one.page.getByRole('button', { name: '立即同步' }).click();
    await one.page.getByText('没有待同步的内容').waitFor({ timeout: 60_000 });
    const afterOne = await actionsOn(taskId);
    expect(afterOne).toHaveLength(1);
    await one.page
      .getByText(/已同步/)
      .first()
      .waitFor();
    await shot(one.page, 'field-synced-375');

    // the second verifier comes back: their own record, on top of the first one's 附件2
    await two.context.setOffline(false);
    await two.page.getByText('没有待同步的内容').waitFor({ timeout: 60_000 });

    const me1 = (await api(one.page, 'GET', '/api/me')).body.user.id as string;
    const me2 = (await api(two.page, 'GET', '/api/me')).body.user.id as string;
    await expect
      .poll(async () => (await actionsOn(taskId)).map((a) => a.actor_id).sort(), { timeout: 30_000 })
      .toEqual([me1, me2].sort());
    // the step completed once (one completed task, none left open), with both records
    await expect
      .poll(
        async () =>
          (
            await db.query(
              `SELECT status, count(*)::int AS n FROM tasks WHERE case_id = $1 AND step_id = 'verify' AND status <> 'cancelled' GROUP BY status`,
              [caseId],
            )
          ).rows,
        { timeout: 30_000 },
      )
      .toEqual([{ status: 'completed', n: 1 }]);
    const view = (await api(one.page, 'GET', `/api/cases/${caseId}`)).body;
    const byActor = view.case?.data?.homeVerification?.byActor ?? view.data?.homeVerification?.byActor;
    expect(Object.keys(byActor).sort()).toEqual([me1, me2].sort());
    const r1 = byActor[me1];
    const r2 = byActor[me2];
    for (const r of [r1, r2]) {
      expect(r.verifierSignature).toMatch(/^att_/);
      expect(r.householdSignature).toMatch(/^att_/);
      expect(r.photos).toHaveLength(1);
      expect(r.photos[0].attachment).toMatch(/^att_/);
      expect(Date.parse(r.photos[0].takenAt)).not.toBeNaN();
    }
    // the first phone allowed its location (with its accuracy), the second declined
    expect(r1.photos[0].location).toMatchObject({ lat: WHERE.latitude, lng: WHERE.longitude, accuracy: 12 });
    expect(r2.photos[0]).toMatchObject({ locationDeclined: true });
    expect(r2.photos[0].location).toBeUndefined();
    expect(r1.findings).toContain('核实员一');
    // the photo was shrunk on the phone: at most 1600 px, a JPEG
    const size = await one.page.evaluate(async (id) => {
      const res = await fetch(`/api/attachments/${id}`);
      const img = await createImageBitmap(await res.blob());
      return { w: img.width, h: img.height, type: res.headers.get('content-type') };
    }, r1.photos[0].attachment);
    expect(Math.max(size.w, size.h)).toBeLessThanOrEqual(1600);
    expect(size.type).toContain('jpeg');

    finishedCase = caseId;
    await one.context.close();
    await two.context.close();
  });

  it('the case PDF carries both verification records with their photos and signatures', async () => {
    expect(finishedCase, 'the two-verifier walk above finished its case').toBeTruthy();
    const context = await browser.newContext();
    const page = await signedIn(context, p.verifiers[0]);
    // on the case's PDF: the record's text and its images (photos and signatures)
    const bytes = Uint8Array.from(
      await page.evaluate(
        async (path) => [...new Uint8Array(await (await fetch(path)).arrayBuffer())],
        `/api/cases/${finishedCase}/archive.pdf`,
      ),
    );
    const pdf = await getDocument({ data: bytes, useSystemFonts: false }).promise;
    let text = '';
    let images = 0;
    for (let i = 1; i <= pdf.numPages; i++) {
      const pdfPage = await pdf.getPage(i);
      text += (await pdfPage.getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join('');
      images += (await pdfPage.getOperatorList()).fnArray.filter((f) => f === OPS.paintImageXObject).length;
    }
    expect(text.replace(/⼊/g, '入')).toContain('入户核实记录');
    expect(images).toBeGreaterThanOrEqual(2 * 3); // per verifier: a photo and two signatures

    await context.close();
  });

  it('a task reassigned while the verifier is offline: on sync both versions are shown and nothing is lost', async () => {
    const head = '司马改派';
    const idNumber = residentId('19720811', 318);
    const { taskId } = await caseAtVerify(head, idNumber);
    reassignedTask = taskId;
    const phone = await phoneOf(p.verifiers[0], true);
    await phone.context.setOffline(true);
    await fillOffline(phone.page, head, '离线期间填写的核实情况（改派前）');

    // meanwhile, at the office, the task is handed to the other verifier
    const office = await browser.newContext();
    const desk = await signedIn(office, p.verifiers[0]);
    const otherId = (await db.query('SELECT id FROM users WHERE username = $1', [p.verifiers[1]])).rows[0]
      .id as string;
    const moved = await api(desk, 'POST', `/api/tasks/${taskId}/transfer`, {
      requestId: `field-transfer-${Date.now()}`,
      to: otherId,
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await office.close();

    await phone.context.setOffline(false);
    const conflict = phone.page.getByTestId('conflict');
    await conflict.waitFor({ timeout: 60_000 });
    await conflict.getByText('任务已改派给他人').first().waitFor();
    // both versions side by side: mine (as filled offline) and the server's
    await conflict.getByText('我的版本').first().waitFor();
    await conflict.getByText('服务器版本').first().waitFor();
    await shot(phone.page, 'field-conflict-375');
    await phone.page.setViewportSize({ width: 1280, height: 900 });
    await shot(phone.page, 'field-conflict-1280');
    await phone.page.setViewportSize(PHONE);
    // nothing was sent, nothing overwritten: no action by this verifier, the task open with the other one
    expect(await actionsOn(taskId)).toEqual([]);
    const task = (await db.query('SELECT status, assignee_user FROM tasks WHERE id = $1', [taskId])).rows[0];
    expect(task).toEqual({ status: 'open', assignee_user: otherId });
    // the item stays until the person chooses; kept as a note, the findings are still on the phone
    expect(await phone.page.getByTestId('queue-item').count()).toBe(1);
    await conflict.getByRole('button', { name: '保留为本机笔记' }).click();
    await phone.page.getByText(/本机笔记（1）/).waitFor();
    await phone.page.getByText('查看内容').click();
    await phone.page.getByText('离线期间填写的核实情况（改派前）', { exact: false }).waitFor();

    // 5. logout: the database and the key are gone, and the server no longer gives the key
    await phone.page.getByRole('button', { name: '退出登录' }).click();
    await phone.page.waitForURL(/\/login/);
    const after = await storedText(phone.page);
    expect(after.databases).not.toContain('zx-field');
    expect(await phone.page.evaluate(() => sessionStorage.getItem('zx-field-key'))).toBeNull();
    expect((await api(phone.page, 'GET', '/api/field/key')).status).toBe(401);
    await phone.context.close();
  });

  it('online, the staff task page takes the same record: the verifier it was handed to signs it there', async () => {
    expect(reassignedTask, 'the reassignment above handed its task over').toBeTruthy();
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    await context.clearPermissions();
    const page = await signedIn(context, p.verifiers[1]);
    await page.goto(`${base()}/tasks/${reassignedTask}`);
    await page.locator('#root_findings').waitFor();
    await page.locator('#root_findings').fill('接手后入户核实（核实员二）');
    await page.locator('#root_householdConfirmed').check();
    // without the signatures the record is refused on the page, nothing sent
    await page.getByRole('button', { name: '核实完成' }).click();
    await page.getByText('入户核实记录有需要补充的地方', { exact: false }).waitFor();
    expect(await actionsOn(reassignedTask!)).toEqual([]);
    for (const who of ['核实人员签字', '户主签字']) {
      await sign(page, who);
      await page.getByRole('button', { name: `确认${who}` }).click();
      await page.getByAltText(`${who}（已签）`).waitFor();
    }
    await shot(page, 'field-staff-task-record-375');
    await page.getByRole('button', { name: '核实完成' }).click();
    await page.waitForURL(`${base()}/`);
    const otherId = (await db.query('SELECT id FROM users WHERE username = $1', [p.verifiers[1]])).rows[0]
      .id as string;
    expect((await actionsOn(reassignedTask!)).map((a) => a.actor_id)).toEqual([otherId]);
    await context.close();
  });

  it('the installed shell opens offline and on a throttled connection', async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await signedIn(context, p.verifiers[0]);
    await page.goto(`${base()}/field`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await expect
      .poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 30_000 })
      .toBe(true);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    // 慢速 3G: 400 ms round trip, 400 kbit/s down
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 400,
      downloadThroughput: (400 * 1024) / 8,
      uploadThroughput: (400 * 1024) / 8,
    });
    let started = Date.now();
    await page.goto(`${base()}/field`);
    await page.getByText('今日任务').first().waitFor();
    const throttled = Date.now() - started;
    await context.setOffline(true);
    started = Date.now();
    await page.goto(`${base()}/field`);
    await page.getByText('今日任务').first().waitFor();
    const offline = Date.now() - started;
    writeFileSync(
      join(ROOT, 'test-artifacts', 'field-shell-load.json'),
      JSON.stringify({ throttledMs: throttled, offlineMs: offline, at: new Date().toISOString() }, null, 2),
    );
    await shot(page, 'field-offline-shell-375');
    await page.setViewportSize({ width: 1280, height: 900 });
    await shot(page, 'field-offline-shell-1280');
    await context.close();
  });
});
