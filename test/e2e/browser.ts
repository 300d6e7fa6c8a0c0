/** Headless Chromium (Debian's) driven by playwright-core, with screenshots kept as test artifacts. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { ROOT } from '../../server/config.js';

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/**
 * One browser for a test file: launched before its tests, closed after them. `as(username, width)` opens a
 * page of that width signed in as `username` (900 px tall; a phone, under 768 px, `phoneHeight` tall).
 */
export function browserPerFile(opts: { phoneHeight?: number } = {}) {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  const open = () => {
    if (!browser) throw new Error('the browser is launched in beforeAll');
    return browser;
  };
  return {
    /** the product's address (`npm start` launched by the global setup) */
    base: (): string => inject('baseUrl'),
    browser: open,
    async as(username: string, width = 1280): Promise<Page> {
      const height = width < 768 ? (opts.phoneHeight ?? 760) : 900;
      const page = await open().newPage({ viewport: { width, height } });
      await login(page, inject('baseUrl'), username);
      return page;
    },
  };
}

/** The id of the open task of `step` in a case, once it is in the signed-in user's to-do list. */
export async function taskOf(page: Page, caseId: string, step: string, timeout = 60_000): Promise<string> {
  let id: string | undefined;
  await expect
    .poll(
      async () => {
        id = (await api(page, 'GET', '/api/tasks?view=todo')).body.items?.find(
          (t: { case_id: string; step_id: string }) => t.case_id === caseId && t.step_id === step,
        )?.task_id;
        return id;
      },
      { timeout, interval: 500 },
    )
    .toBeTruthy();
  return id!;
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ROOT, 'test-artifacts', `${name}.png`), fullPage: true });
}

export async function login(
  page: Page,
  baseUrl: string,
  username: string,
  password = 'zhenxing',
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Call the API from inside the signed-in page (the same cookie and CSRF token the app uses). */
export async function api(page: Page, method: string, path: string, body?: unknown): Promise<any> {
  return page.evaluate(
    async ([m, p, b]) => {
      const r = await fetch(p as string, {
        method: m as string,
        headers: {
          'content-type': 'application/json',
          'x-csrf-token': sessionStorage.getItem('zx-csrf') ?? '',
        },
        body: b === undefined ? undefined : JSON.stringify(b),
      });
      return { status: r.status, body: await r.json() };
    },
    [method, path, body] as const,
  );
}

/** Pick an option of an antd select found by its accessible name. */
export async function choose(page: Page, label: string, option: string): Promise<void> {
  // a dropdown still opening (or closed by a re-render of its form) is opened again: up to three tries
  for (let attempt = 1; ; attempt++) {
    await page.getByRole('combobox', { name: label, exact: true }).click();
    const item = page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option })
      .first();
    try {
      await item.click({ timeout: attempt < 3 ? 8_000 : 30_000 });
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * Draw a signature with the mouse on the pad named `${label}：在此处手写签名` (web/src/SignaturePad.tsx): a
 * zigzag across its middle, the pad first scrolled to the middle of the screen, clear of a phone's fixed bars.
 * Confirming it is the caller's: the button's name differs between the form widget and the field app.
 */
export async function sign(page: Page, label: string): Promise<void> {
  const pad = page.getByLabel(`${label}：在此处手写签名`, { exact: true });
  await pad.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const box = (await pad.boundingBox())!;
  const middle = box.y + box.height / 2;
  await page.mouse.move(box.x + 20, middle);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++)
    await page.mouse.move(box.x + 20 + i * 20, middle + (i % 2 ? -0.2 : 0.2) * box.height, { steps: 3 });
  await page.mouse.up();
}

/**
 * One verifier's 入户核实记录 for the verify step, its images (a small PNG) sent through the resumable upload
 * as the signed-in user of `page`: a photo with its place, their signature and the household head's.
 */
export async function evidenceIn(page: Page): Promise<Record<string, unknown>> {
  const upload = () =>
    page.evaluate(async () => {
      const png = Uint8Array.from(
        atob(
          'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
        ),
        (c) => c.charCodeAt(0),
      );
      const hex = [...new Uint8Array(await crypto.subtle.digest('SHA-256', png))]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join('');
      const csrf = sessionStorage.getItem('zx-csrf') ?? '';
      const start = await fetch('/api/uploads', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({
          fileName: 'photo.png',
          contentType: 'image/png',
          size: png.length,
          sha256: hex,
        }),
      }).then((r) => r.json());
      const done = await fetch(`/api/uploads/${start.id}`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/offset+octet-stream',
          'upload-offset': '0',
          'x-csrf-token': csrf,
        },
        body: png,
      }).then((r) => r.json());
      return done.attachmentId as string;
    });
  return {
    unit: '乡镇干部',
    visitDate: '2026-11-20',
    present: ['户主'],
    findings: '入户查看住房与收入情况，与申请一致',
    householdConfirmed: true,
    photos: [
      {
        attachment: await upload(),
        takenAt: '2026-11-20T09:30:00+08:00',
        location: { lat: 26.79, lng: 112.61, accuracy: 12 },
      },
    ],
    verifierSignature: await upload(),
    householdSignature: await upload(),
  };
}
