/**
 * An attachment referenced in a form must belong to the submitter or to the case's region: another
 * village's photo cannot be pulled into one's own case (and so read through it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { application, setDemoStatus } from '../support/demo.js';

let app: TestApp;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);
const as: Record<string, ApiClient> = {};

beforeAll(async () => {
  app = await createTestApp();
  // these demo households are monitored; the scenarios here identify them
  await setDemoStatus(app.tdb.db, 'none', 'HH-0002', 'HH-0003', 'HH-0004');
  for (const u of ['cadre.zhushan', 'cadre.huaqiao', 'sec.yunji']) as[u] = await app.as(u);
});
afterAll(async () => {
  await app?.close();
});

async function upload(username: string): Promise<string> {
  const r = await as[username].post('/api/attachments', undefined, {
    raw: PNG as unknown as string,
    contentType: 'image/png',
  });
  expect(r.status).toBe(201);
  return r.body.id;
}
const cases = async () =>
  (await app.tdb.db.query('SELECT count(*)::int AS n FROM cases')).rows[0].n as number;

describe('attachment ownership', () => {
  it('refuses a case whose form refers to another village’s upload, naming the field, and starts nothing', async () => {
    const foreign = await upload('cadre.huaqiao');
    const before = await cases();
    const r = await as['cadre.zhushan'].post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0002' },
      requestId: 'att-foreign',
      data: application('HH-0002', { applicantSignature: foreign }),
    });
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    expect(r.body.errors).toEqual([
      expect.objectContaining({ path: 'applicantSignature', message: expect.stringMatching(/附件/) }),
    ]);
    expect(await cases()).toBe(before);
    // and the photo stays unreadable to the village that tried
    const read = await fetch(`${app.url}/api/attachments/${foreign}`, {
      headers: { cookie: await cookieOf('cadre.zhushan') },
    });
    expect(read.status).toBe(404);
  });

  it('refuses an unknown attachment id the same way', async () => {
    const r = await as['cadre.zhushan'].post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0002' },
      requestId: 'att-unknown',
      data: application('HH-0002', { applicantSignature: `att_${'0'.repeat(32)}` }),
    });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].path).toBe('applicantSignature');
  });

  it('accepts one’s own upload, and one by staff of the case’s township', async () => {
    const own = await upload('cadre.zhushan');
    const ok = await as['cadre.zhushan'].post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0002' },
      requestId: 'att-own',
      data: application('HH-0002', { applicantSignature: own }),
    });
    expect(ok.status).toBeLessThan(300);
    const township = await upload('sec.yunji');
    const ok2 = await as['cadre.zhushan'].post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0003' },
      requestId: 'att-township',
      data: application('HH-0003', { applicantSignature: township }),
    });
    expect(ok2.status).toBeLessThan(300);
  });

  it('refuses a task draft that refers to another village’s upload (a draft also makes it readable)', async () => {
    const foreign = await upload('cadre.huaqiao');
    const c = await as['cadre.zhushan'].post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0001' },
      requestId: 'att-draft',
    });
    expect(c.status).toBeLessThan(300);
    const task = (
      await app.tdb.db.query(`SELECT id FROM tasks WHERE case_id = $1 AND status = 'open'`, [c.body.id])
    ).rows[0].id;
    const r = await as['cadre.zhushan'].post(`/api/tasks/${task}/draft`, {
      data: { applicantSignature: foreign },
    });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].path).toBe('applicantSignature');
    const submit = await as['cadre.zhushan'].post(`/api/tasks/${task}/complete`, {
      requestId: 'x1',
      action: 'submit',
      data: application('HH-0001', { applicantSignature: foreign }),
    });
    expect(submit.status).toBe(422);
    expect(submit.body.errors[0].path).toBe('applicantSignature');
  });
});

async function cookieOf(username: string) {
  const res = await fetch(`${app.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'zhenxing' }),
  });
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
}
