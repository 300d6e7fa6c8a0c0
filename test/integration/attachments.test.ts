/** Photos and signatures: uploaded as images, referenced by id, readable only by who may see the case. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

async function session(username: string) {
  const res = await fetch(`${app.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'zhenxing' }),
  });
  return {
    cookie: (res.headers.get('set-cookie') ?? '').split(';')[0],
    csrf: (await res.json()).csrfToken as string,
  };
}
async function upload(
  who: { cookie: string; csrf: string },
  body: Uint8Array<ArrayBuffer> | string,
  type: string,
) {
  const res = await fetch(`${app.url}/api/attachments`, {
    method: 'POST',
    headers: { 'content-type': type, cookie: who.cookie, 'x-csrf-token': who.csrf },
    body,
  });
  return { status: res.status, body: await res.json() };
}
const read = (who: { cookie: string }, id: string) =>
  fetch(`${app.url}/api/attachments/${id}`, { headers: { cookie: who.cookie } });
const count = async () =>
  (await app.tdb.db.query('SELECT count(*)::int AS n FROM attachments')).rows[0].n as number;

describe('attachments', () => {
  it('stores an image, gives it back to its uploader, and to others only once a case of their region uses it', async () => {
    const cadre = await session('cadre.zhushan');
    const up = await upload(cadre, new Uint8Array(PNG), 'image/png');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      id: expect.stringMatching(/^att_[0-9a-f]{32}$/),
      contentType: 'image/png',
      size: PNG.length,
    });
    const mine = await read(cadre, up.body.id);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await mine.arrayBuffer()).equals(PNG)).toBe(true);

    const township = await session('sec.yunji');
    const stranger = await session('cadre.huaqiao');
    expect((await read(township, up.body.id)).status).toBe(404);
    // a case in 竹山村 refers to the photo: its township may now see it, another township still may not
    await app.tdb.db.query(
      `INSERT INTO cases (id, process_key, process_version, title, org_id, org_path, subject_kind, subject_name, initiator_id, data, started_at)
       VALUES ('ZX-ATT', 'identification', 1, 't', 'v-zhushan', ARRAY['hn','hn-hy','hn-hy-hn','t-yunji','v-zhushan'], 'household', 'x', 'cadre.zhushan', $1, now())`,
      [JSON.stringify({ 'home-verification': { photos: [up.body.id] } })],
    );
    expect((await read(township, up.body.id)).status).toBe(200);
    expect((await read(stranger, up.body.id)).status).toBe(404);
    expect((await read(township, 'att_' + '0'.repeat(32))).status).toBe(404);
    expect((await read(township, '..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
  });

  it('refuses what is not an image it claims to be, and callers without a case role; nothing is stored', async () => {
    const before = await count();
    const cadre = await session('cadre.zhushan');
    const fake = await upload(cadre, 'not really a png', 'image/png');
    expect(fake.status).toBe(422);
    expect(fake.body.errors[0]).toMatchObject({ path: 'file', message: '文件内容不是所声明的图片格式' });
    expect((await upload(cadre, 'x', 'application/pdf')).status).toBe(415);
    expect((await upload(cadre, new Uint8Array(0), 'image/png')).status).toBe(422);
    const auditor = await session('auditor');
    expect((await upload(auditor, new Uint8Array(PNG), 'image/png')).status).toBe(403);
    expect(
      (
        await fetch(`${app.url}/api/attachments`, {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: new Uint8Array(PNG),
        })
      ).status,
    ).toBe(401);
    expect(await count()).toBe(before);
  });
});
