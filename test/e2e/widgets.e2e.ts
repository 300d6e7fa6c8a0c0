/**
 * The form controls staff use on a phone: a photo from the camera, a
 * handwritten signature, the address as a region cascader. Added in the form
 * designer and used in its preview (the same renderer as the task page), at 375 px.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, launch, login, shot, sign } from './browser.js';

let browser: Browser;
const base = () => inject('baseUrl');
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

// a 2×2 red PNG
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

describe('photo, signature and region controls', () => {
  it('uploads a photo, saves a drawn signature and picks an address down to the village group', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await login(page, base(), 'admin');
    await page.goto(`${base()}/admin/forms/home-verification`);
    await page.getByText('photos').first().waitFor();
    await page.getByRole('button', { name: '地址（地区级联）' }).click();
    await page.getByLabel('标签').fill('家庭住址');
    await page.getByRole('tab', { name: '预览' }).click();

    // photo: the camera input takes a picture; a thumbnail served back by the API appears
    await page
      .getByLabel('现场照片：拍照或选择图片')
      .setInputFiles({ name: 'door.png', mimeType: 'image/png', buffer: PNG });
    const thumb = page.getByRole('img', { name: '照片1' });
    await thumb.waitFor();
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);

    // signature: draw a stroke, confirm; the saved PNG is shown
    await sign(page, '农户签字确认（手写）');
    // the record has two signature pads (the verifier's and the household's): only the one drawn on can be confirmed
    const confirmSign = page.getByRole('button', { name: '确认签名', disabled: false });
    // the network drops as it is confirmed: the pad says so and keeps the drawing, and the next confirm saves it
    await page.context().setOffline(true);
    await confirmSign.click();
    await page.getByRole('alert').filter({ hasText: '签名未保存' }).waitFor();
    await shot(page, 'widgets-signature-not-saved-1400');
    await page.context().setOffline(false);
    await confirmSign.click();
    const signed = page.getByRole('img', { name: '农户签字确认（手写）（已签）' });
    await signed.waitFor();
    await expect.poll(() => signed.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480);

    // region: 衡阳市 → 衡南县 → 云集街道 → 竹山村 → its first group
    await page.getByLabel('家庭住址').click();
    for (const name of ['衡阳市', '衡南县', '云集街道', '竹山村', '竹山村第一村民小组']) {
      await page.locator('.ant-cascader-menu-item', { hasText: new RegExp(`^${name}$`) }).click();
    }
    await page.locator('.ant-cascader', { hasText: '竹山村第一村民小组' }).waitFor();
    await shot(page, 'widgets-preview-1400');

    // the stored photo is an attachment id, not the picture itself; a stranger's id is refused
    const ids = await page.evaluate(() =>
      [...document.querySelectorAll('img')]
        .map((i) => i.getAttribute('src'))
        .filter((s) => s?.startsWith('/api/attachments/')),
    );
    expect(ids).toHaveLength(2);
    for (const src of ids) expect(src).toMatch(/^\/api\/attachments\/att_[0-9a-f]{32}$/);
    const bogus = await api(page, 'GET', '/api/attachments/att_00000000000000000000000000000000');
    expect(bogus.status).toBe(404);
    await page.close();
  });
});
