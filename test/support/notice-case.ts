/** Drive an identification case through the API to its village notice (apply → two verifiers → village review). */
import type { TestApp } from './app.js';
import { application, collection, peopleOf } from './demo.js';
import { evidenceVia } from './field.js';

export async function until<T>(fn: () => Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const openTask = (app: TestApp, caseId: string, step: string, ms?: number) =>
  until(
    async () =>
      (
        await app.tdb.db.query(
          `SELECT id FROM tasks WHERE case_id = $1 AND step_id = $2 AND status = 'open'`,
          [caseId, step],
        )
      ).rows[0] as { id: string } | undefined,
    `${step} task`,
    ms,
  );

const review = {
  meetingDate: '2026-11-25',
  attendees: [
    { name: '甲', role: '干部' },
    { name: '乙', role: '两委' },
    { name: '丙', role: '代表' },
  ],
  votesFor: 3,
  votesAgainst: 0,
  votesAbstain: 0,
  result: 'passed',
  minutes: '通过',
};

/** Returns the case and its open notice (id and close instant). */
export async function caseInNotice(
  app: TestApp,
  hid: string,
): Promise<{ caseId: string; noticeId: string; closesAt: Date }> {
  const p = peopleOf(hid);
  const cadre = await app.as(p.cadre);
  const started = await cadre.post('/api/cases', {
    process: 'identification',
    org: p.village,
    subject: { id: hid },
    requestId: `n-${hid}`,
    data: application(hid),
  });
  if (started.status !== 201)
    throw new Error(`start ${hid}: ${started.status} ${JSON.stringify(started.body)}`);
  const caseId = started.body.id as string;
  const verify = await openTask(app, caseId, 'verify');
  for (const v of p.verifiers) {
    const c = await app.as(v);
    const r = await c.post(`/api/tasks/${verify.id}/complete`, {
      requestId: `${caseId}-${v}`,
      action: 'submit',
      data: collection(hid),
      evidence: await evidenceVia(c),
    });
    if (r.status !== 200) throw new Error(`verify: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const vr = await openTask(app, caseId, 'village_review');
  // the village branch secretary signs the village review (附件3, seed 2300)
  const secretary = await app.as(p.secretary);
  const r = await secretary.post(`/api/tasks/${vr.id}/complete`, {
    requestId: `${caseId}-vr`,
    action: 'approve',
    data: review,
  });
  if (r.status !== 200) throw new Error(`village review: ${r.status} ${JSON.stringify(r.body)}`);
  const notice = await until(
    async () =>
      (await app.tdb.db.query('SELECT id, closes_at FROM notices WHERE case_id = $1', [caseId])).rows[0] as
        { id: string; closes_at: Date } | undefined,
    'notice',
  );
  return { caseId, noticeId: notice.id, closesAt: notice.closes_at };
}

/** POST an objection as a given client address (the app trusts X-Forwarded-For from loopback only). */
export async function object(app: TestApp, noticeId: string, body: unknown, address = '203.0.113.1') {
  const res = await fetch(`${app.url}/api/public/notices/${noticeId}/objections`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: keep the text for the assertion message */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
