/**
 * 异议 objections on the real servers: stored with a receipt before anything else, counted on the
 * board at once, the same text from one client taken once, limits answered 429 with Retry-After,
 * contact numbers checked, nothing taken after the close, and every accepted objection on the case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { peopleOf, household } from '../support/demo.js';
import { caseInNotice, object, openTask, until } from '../support/notice-case.js';

let app: TestApp;
let notice: Awaited<ReturnType<typeof caseInNotice>>;
beforeAll(async () => {
  // one policy day = 3 s: the 7-day notice lasts about half a minute
  app = await createTestApp({ daySeconds: 3, publicLimits: { perAddressPerNotice: 3, perAddress: 6 } });
  notice = await caseInNotice(app, 'HH-0001');
}, 120_000);
afterAll(async () => {
  await app?.close();
});

/** the count the case page shows for the notice (while the window is open) */
const count = async (noticeId: string) => {
  const view = await (await app.as(peopleOf('HH-0001').cadre)).get(`/api/cases/${notice.caseId}`);
  return view.body.notices.find((n: { id: string }) => n.id === noticeId).objection_count as number;
};

describe('filing an objection', () => {
  it('answers 201 with a receipt at once, stores it and counts it on the board while the window is open', async () => {
    const r = await object(
      app,
      notice.noticeId,
      { content: '该户家中有经营性货车', name: '匿名', contact: '+86 138-0000-0000' },
      '203.0.113.10',
    );
    expect(r.status).toBe(201);
    expect(r.body.receipt).toMatch(/^YY\d{8}[0-9A-F]{8}$/);
    const row = (
      await app.tdb.db.query('SELECT content, contact, status FROM objections WHERE receipt = $1', [
        r.body.receipt,
      ])
    ).rows[0];
    expect(row).toEqual({ content: '该户家中有经营性货车', contact: '13800000000', status: 'received' });
    expect(await count(notice.noticeId)).toBe(1);
    // the receipt is found however it is typed
    const lookup = await app.anonymous().get(`/api/public/objections/${r.body.receipt.toLowerCase()}`);
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({ receipt: r.body.receipt, status: 'received', statusText: '已受理' });
    expect(lookup.body.history.map((h: { status: string }) => h.status)).toEqual(['received']);
    expect(new Date(lookup.body.filedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('takes the same text from the same client once and gives back the first receipt', async () => {
    const before = await count(notice.noticeId);
    const first = await object(app, notice.noticeId, { content: '该户 子女为公职人员' }, '203.0.113.20');
    const again = await object(app, notice.noticeId, { content: '  该户  子女为公职人员 ' }, '203.0.113.20');
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.receipt).toBe(first.body.receipt);
    expect(await count(notice.noticeId)).toBe(before + 1);
    // another client with the same text is another objection
    const other = await object(app, notice.noticeId, { content: '该户 子女为公职人员' }, '203.0.113.21');
    expect(other.status).toBe(201);
    expect(other.body.receipt).not.toBe(first.body.receipt);
  });

  it('answers a client over its limit with 429 problem+json and Retry-After, and still takes other clients', async () => {
    const address = '203.0.113.30';
    for (let i = 0; i < 3; i++)
      expect((await object(app, notice.noticeId, { content: `第${i}条异议` }, address)).status).toBe(201);
    // the same text again is not a new objection and uses no limit
    expect((await object(app, notice.noticeId, { content: '第0条异议' }, address)).status).toBe(200);
    const over = await object(app, notice.noticeId, { content: '第3条异议' }, address);
    expect(over.status).toBe(429);
    expect(over.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const retry = Number(over.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(over.body).toMatchObject({
      code: 'rate_limited',
      title: '提交异议过于频繁，请稍后再试',
      retryAfter: retry,
    });
    expect(
      (await app.tdb.db.query(`SELECT count(*)::int AS n FROM objections WHERE content = '第3条异议'`))
        .rows[0].n,
    ).toBe(0);
    expect((await object(app, notice.noticeId, { content: '第3条异议' }, '203.0.113.31')).status).toBe(201);
  });

  it('refuses a contact that is no phone number, text that is too long, and control characters, naming the field', async () => {
    const before = await count(notice.noticeId);
    const short = await object(app, notice.noticeId, { content: '异议', contact: '1380000' }, '203.0.113.40');
    expect(short.status).toBe(422);
    expect(short.body.errors).toEqual([
      expect.objectContaining({ path: 'contact', message: expect.stringMatching(/^联系方式应为11位手机号/) }),
    ]);
    const long = await object(
      app,
      notice.noticeId,
      { content: '异'.repeat(2001), name: '名'.repeat(51) },
      '203.0.113.40',
    );
    expect(long.status).toBe(422);
    expect(long.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      expect.arrayContaining(['content']),
    );
    // a NUL is refused once, at the edge, before the board sees it; other control characters by the board
    const nul = await object(app, notice.noticeId, { content: '异议\u0000内容' }, '203.0.113.40');
    expect(nul.status).toBe(400);
    expect(nul.body.errors[0]).toMatchObject({ path: 'body.content' });
    const bell = await object(app, notice.noticeId, { content: '异议\u0007内容' }, '203.0.113.40');
    expect(bell.status).toBe(422);
    expect(bell.body.errors[0]).toMatchObject({ path: 'content' });
    const landline = await object(
      app,
      notice.noticeId,
      { content: '固话联系', contact: '0734-1234567' },
      '203.0.113.40',
    );
    expect(landline.status).toBe(201);
    expect(await count(notice.noticeId)).toBe(before + 1);
  });

  it('answers an unknown notice with 404 and an unknown receipt with 404', async () => {
    expect((await object(app, 'no-such-notice', { content: '异议' }, '203.0.113.50')).status).toBe(404);
    expect((await app.anonymous().get('/api/public/objections/YY00000000FFFFFFFF')).status).toBe(404);
  });
});

describe('when the window closes', () => {
  it('refuses a late objection, puts every accepted one on the case, masks them for staff, and tells the objector the outcome', async () => {
    const id = household('HH-0001').members[1]?.idNumber ?? household('HH-0001').headIdNumber;
    const withId = await object(
      app,
      notice.noticeId,
      { content: `该户成员${id}在外地有房产，电话+86 139 1234 5678` },
      '203.0.113.60',
    );
    expect(withId.status).toBe(201);
    // the last seconds of the window count
    const lastSecond = notice.closesAt.getTime() - 1500 - Date.now();
    if (lastSecond > 0) await new Promise((r) => setTimeout(r, lastSecond));
    const last = await object(app, notice.noticeId, { content: '最后时刻提交的异议' }, '203.0.113.62');
    expect(last.status).toBe(201);
    const accepted = (
      await app.tdb.db.query('SELECT receipt FROM objections WHERE notice_id = $1 ORDER BY receipt', [
        notice.noticeId,
      ])
    ).rows.map((r) => r.receipt);
    const wait = notice.closesAt.getTime() - Date.now() + 200;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const late = await object(app, notice.noticeId, { content: '公示结束后才提交的异议' }, '203.0.113.61');
    expect(late.status).toBe(409);
    expect(late.body.title).toBe('公示期已结束，不能再提出异议');

    const inv = await openTask(app, notice.caseId, 'investigate');
    const c = (await app.tdb.db.query('SELECT data FROM cases WHERE id = $1', [notice.caseId])).rows[0];
    expect(c.data.objections.map((o: { receipt: string }) => o.receipt).sort()).toEqual(accepted);
    expect(accepted).toContain(last.body.receipt);
    expect(
      (await app.tdb.db.query('SELECT objection_count FROM notices WHERE id = $1', [notice.noticeId])).rows[0]
        .objection_count,
    ).toBe(accepted.length);

    // finding 15: the staff case view shows objection text with personal numbers masked
    const cadre = await app.as(peopleOf('HH-0001').cadre);
    const view = await cadre.get(`/api/cases/${notice.caseId}`);
    expect(view.status).toBe(200);
    const text = JSON.stringify(view.body);
    expect(text).not.toContain(id);
    expect(text).not.toContain('139 1234 5678');
    expect(
      view.body.objections.find((o: { receipt: string }) => o.receipt === withId.body.receipt).content,
    ).toContain(`${id.slice(0, 6)}********${id.slice(-4)}`);

    const status = await app.anonymous().get(`/api/public/objections/${withId.body.receipt}`);
    expect(status.body).toMatchObject({ status: 'investigating', statusText: '调查核实中' });
    const done = await cadre.post(`/api/tasks/${inv.id}/complete`, {
      requestId: 'inv-1',
      action: 'unfounded',
      comment: '经核实不属实，举报人电话 139-1234-5678',
      data: { findings: '经核实该房产已出售', outcome: 'unfounded', investigators: '李、王' },
    });
    expect(done.status).toBe(200);
    const decided = await until(async () => {
      const r = await app.anonymous().get(`/api/public/objections/${withId.body.receipt}`);
      return r.body.outcome ? r.body : undefined;
    }, 'outcome');
    expect(decided.outcome).toMatchObject({ result: 'unfounded', resultText: '不成立' });
    expect(decided.history.map((h: { status: string }) => h.status)).toEqual([
      'received',
      'investigating',
      'unfounded',
    ]);
    // a number typed into a comment is masked in the staff case view too
    const after = JSON.stringify((await cadre.get(`/api/cases/${notice.caseId}`)).body);
    expect(after).toContain('139-****-5678');
    expect(after).not.toContain('1234-5678');
  }, 120_000);
});
