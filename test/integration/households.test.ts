/**
 * 农户档案 through the API: a village cadre registers, corrects and closes households of
 * her village, members come and go with a reason and date, one person belongs to one
 * household, search finds a household by name or ID (in full or its last digits), and a
 * procedure that does not apply to the household's status is refused before any form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { application, demoResidentId } from '../support/demo.js';

let app: TestApp;
let cadre: ApiClient;
let neighbour: ApiClient;
let township: ApiClient;

beforeAll(async () => {
  app = await createTestApp();
  cadre = await app.as('cadre.zhushan');
  neighbour = await app.as('cadre.heping');
  township = await app.as('sec.yunji');
});
afterAll(async () => {
  await app?.close();
});

const family = () => [
  { name: '赵大山', idNumber: demoResidentId('19780305', 31), relation: '01', health: '01', labour: '01' },
  { name: '钱小花', idNumber: demoResidentId('19800612', 42), relation: '02', health: '01', labour: '01' },
  { name: '赵小明', idNumber: demoResidentId('20100101', 53), relation: '03', health: '01', labour: '04' },
];

describe('household registry', () => {
  it('registers a household of three, finds it by name, full ID and the last digits, and keeps who registered it', async () => {
    const members = family();
    const created = await cadre.post('/api/households', {
      org: 'v-zhushan',
      members,
      phone: '13812340000',
      reason: '新增边缘户登记',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect(id).toMatch(/^HH-\d+$/);

    for (const q of ['赵大山', '钱小花', members[1].idNumber, members[2].idNumber.slice(-6)]) {
      const found = await cadre.get(`/api/households?q=${encodeURIComponent(q)}`);
      expect(
        found.body.items.map((h: { id: string }) => h.id),
        q,
      ).toEqual([id]);
    }
    // the list masks ID numbers; another village does not see the household
    const [row] = (await cadre.get(`/api/households?q=${members[0].idNumber}`)).body.items;
    expect(row.head_id_number).toBe(
      `${members[0].idNumber.slice(0, 6)}********${members[0].idNumber.slice(-4)}`,
    );
    expect((await neighbour.get(`/api/households?q=${members[0].idNumber}`)).body.items).toEqual([]);

    const page = await cadre.get(`/api/households/${id}`);
    expect(page.body.household).toMatchObject({ head_name: '赵大山', monitoring_status: 'none' });
    expect(page.body.members.map((m: { name: string; active: boolean }) => [m.name, m.active])).toEqual([
      ['赵大山', true],
      ['钱小花', true],
      ['赵小明', true],
    ]);
    expect(page.body.history.map((x: { kind: string }) => x.kind)).toEqual(
      expect.arrayContaining(['household.created', 'member.added']),
    );
    // a procedure that starts with 附件2 (elimination) opens with the registered members; A22 (易地扶贫搬迁)
    // comes from the department comparison: no relocation record, so 02 否 for each
    const pre = await cadre.get(`/api/households/${id}/prefill`);
    expect(pre.body.collection.members).toEqual(
      members.map((m) => ({
        A5: m.name,
        A7: m.idNumber,
        A8: m.relation,
        A13: m.health,
        A14: m.labour,
        A22: '02',
      })),
    );
    const audit = await app.tdb.db.query(
      `SELECT actor_id, detail FROM audit_events WHERE action = 'household.created' AND target = $1`,
      [id],
    );
    expect(audit.rows).toEqual([
      { actor_id: expect.any(String), detail: { reason: '新增边缘户登记', members: 3 } },
    ]);
  });

  it('refuses a second household with a member’s ID, naming the household the person belongs to', async () => {
    const head = { name: '孙二', idNumber: demoResidentId('19700101', 61), relation: '01' };
    const first = await cadre.post('/api/households', { org: 'v-zhushan', members: [head] });
    expect(first.status).toBe(201);
    const again = await cadre.post('/api/households', {
      org: 'v-zhushan',
      members: [
        { name: '李四', idNumber: demoResidentId('19710101', 71), relation: '01' },
        { ...head, relation: '02' },
      ],
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      code: 'duplicate_member',
      existingHousehold: first.body.id,
      errors: [{ path: 'members.1.idNumber' }],
    });
    expect(again.body.title).toContain(first.body.id);
    // a demo member too: 黄志强 belongs to HH-0001
    const demo = await cadre.post('/api/households', {
      org: 'v-zhushan',
      members: [{ name: '黄志强', idNumber: '430422197203040013', relation: '01' }],
    });
    expect(demo.body).toMatchObject({ status: 409, existingHousehold: 'HH-0001' });
  });

  it('checks every member: a wrong check digit, a missing head, an ID twice — all reported, nothing written', async () => {
    const before = (await app.tdb.db.query('SELECT count(*)::int AS n FROM households')).rows[0].n;
    const good = demoResidentId('19900101', 81);
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const r = await cadre.post('/api/households', {
      org: 'v-zhushan',
      members: [
        { name: '周一', idNumber: bad, relation: '02' },
        { name: '周二', idNumber: demoResidentId('19900101', 91), relation: '03' },
        { name: '周三', idNumber: demoResidentId('19900101', 91), relation: '03' },
      ],
    });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'members.0.idNumber', message: '身份证号校验位错误' }),
        expect.objectContaining({ path: 'members.2.idNumber', message: '与第2名成员的身份证号重复' }),
      ]),
    );
    expect((await app.tdb.db.query('SELECT count(*)::int AS n FROM households')).rows[0].n).toBe(before);
    // another village's cadre may not register here; a township reviewer does not keep the registry
    expect(
      (
        await neighbour.post('/api/households', {
          org: 'v-zhushan',
          members: family().map((m, i) => ({ ...m, idNumber: demoResidentId('19600101', 100 + i) })),
        })
      ).status,
    ).toBe(403);
    expect((await township.post('/api/households', { org: 'v-zhushan', members: [] })).status).toBe(403);
  });

  it('keeps 健康状况 and 劳动技能 only as codes of 附件2’s lists: a made-up code or an unknown field is refused, nothing written', async () => {
    const before = (await app.tdb.db.query('SELECT count(*)::int AS n FROM households')).rows[0].n;
    const members = family().map((m, i) => ({ ...m, idNumber: demoResidentId('19920202', 300 + i) }));
    const madeUp = await cadre.post('/api/households', {
      org: 'v-zhushan',
      members: [members[0], { ...members[1], labour: '99' }, { ...members[2], health: 'x9' }],
    });
    expect(madeUp.status).toBe(422);
    expect(madeUp.body.errors).toEqual([
      expect.objectContaining({ path: 'members.1.labour', message: expect.stringContaining('劳动技能') }),
      expect.objectContaining({ path: 'members.2.health', message: expect.stringContaining('健康状况') }),
    ]);
    const extra = await cadre.post('/api/households', {
      org: 'v-zhushan',
      members: [{ ...members[0], isAdmin: true }],
    });
    expect(extra.status).toBe(422);
    expect((await app.tdb.db.query('SELECT count(*)::int AS n FROM households')).rows[0].n).toBe(before);
    // the same codes are kept, and shown by their labels on the household page
    const ok = await cadre.post('/api/households', { org: 'v-zhushan', members });
    expect(ok.status).toBe(201);
    const view = await cadre.get(`/api/households/${ok.body.id}`);
    expect(view.body.members.map((m: { labour?: string }) => m.labour)).toEqual(['01', '01', '04']);
    // a newborn with a made-up 劳动技能 is refused the same way
    const baby = await cadre.post(`/api/households/${ok.body.id}/members`, {
      member: { name: '赵小宝', idNumber: demoResidentId('20250301', 313), relation: '03', labour: '77' },
      reason: 'birth',
    });
    expect(baby.status).toBe(422);
    expect(baby.body.errors).toEqual([expect.objectContaining({ path: 'member.labour' })]);
  });

  it('adds a newborn, records a death with its date, corrects a name with a reason, and keeps the member history', async () => {
    const members = family().map((m, i) => ({ ...m, idNumber: demoResidentId('19850101', 200 + i) }));
    const id = (await cadre.post('/api/households', { org: 'v-zhushan', members })).body.id;
    const baby = { name: '赵小宝', idNumber: demoResidentId('20250301', 213), relation: '03' };
    const added = await cadre.post(`/api/households/${id}/members`, {
      member: baby,
      reason: 'birth',
      date: '2025-03-01',
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const gone = await cadre.post(`/api/households/${id}/members/remove`, {
      idNumber: members[1].idNumber,
      reason: 'death',
      date: '2026-10-02',
      note: '病故',
    });
    expect(gone.status, JSON.stringify(gone.body)).toBe(200);
    expect(
      (
        await cadre.post(`/api/households/${id}/members/remove`, {
          idNumber: members[0].idNumber,
          reason: 'moved_out',
        })
      ).body.errors[0].message,
    ).toMatch(/户主/);
    const fixed = await cadre.post(`/api/households/${id}/correct`, {
      reason: '户口本核对姓名有误',
      members: [{ idNumber: members[2].idNumber, name: '赵晓明' }],
    });
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    expect((await cadre.post(`/api/households/${id}/correct`, { reason: '' })).status).toBe(422);
    expect((await neighbour.post(`/api/households/${id}/correct`, { reason: '越权' })).status).toBe(404);

    const page = (await cadre.get(`/api/households/${id}`)).body;
    expect(
      page.members.filter((m: { active: boolean }) => m.active).map((m: { name: string }) => m.name),
    ).toEqual(['赵大山', '赵晓明', '赵小宝']);
    expect(page.members.find((m: { name: string }) => m.name === '钱小花')).toMatchObject({
      active: false,
      leftReason: 'death',
    });
    const kinds = page.history.map((x: { kind: string; reason: string }) => [x.kind, x.reason]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['member.added', '出生'],
        ['member.removed', '死亡：病故'],
        ['member.corrected', '户口本核对姓名有误'],
      ]),
    );
    expect(page.history.find((x: { kind: string }) => x.kind === 'member.removed')).toMatchObject({
      effective_on: '2026-10-02',
      actor_name: expect.any(String),
    });
    // the mirrored member list the department comparison reads follows
    const mirror = (await app.tdb.db.query('SELECT members FROM households WHERE id = $1', [id])).rows[0]
      .members;
    expect(mirror.map((m: { name: string }) => m.name)).toEqual(['赵大山', '赵晓明', '赵小宝']);
    const audits = (
      await app.tdb.db.query(`SELECT action FROM audit_events WHERE target = $1 ORDER BY seq`, [id])
    ).rows.map((r) => r.action);
    expect(audits).toEqual([
      'household.created',
      'household.member-added',
      'household.member-removed',
      'household.corrected',
    ]);
  });

  it('closes a merged household; its members may then join the other one; a closed household starts nothing', async () => {
    const a = family().map((m, i) => ({ ...m, idNumber: demoResidentId('19750101', 300 + i) }));
    const b = [{ name: '吴老汉', idNumber: demoResidentId('19500101', 311), relation: '01' }];
    const into = (await cadre.post('/api/households', { org: 'v-zhushan', members: a })).body.id;
    const closing = (await cadre.post('/api/households', { org: 'v-zhushan', members: b })).body.id;
    expect((await cadre.post(`/api/households/${closing}/close`, { reason: 'merged' })).status).toBe(422);
    const closed = await cadre.post(`/api/households/${closing}/close`, {
      reason: 'merged',
      mergedInto: into,
      date: '2026-11-01',
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(
      (
        await cadre.post(`/api/households/${into}/members`, {
          member: { ...b[0], relation: '10' },
          reason: 'moved_in',
        })
      ).status,
    ).toBe(201);
    expect((await cadre.get(`/api/households?q=吴老汉`)).body.items.map((h: { id: string }) => h.id)).toEqual(
      [into],
    );
    const start = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: closing },
      requestId: 'closed-1',
      data: {},
    });
    expect(start.status).toBe(409);
    expect(start.body.title).toMatch(/已注销/);
  });
});

describe('a procedure knows whom it applies to', () => {
  it('refuses an identification for a monitored household before any form, naming the status', async () => {
    const check = await cadre.get('/api/households/HH-0002/start-check?process=identification');
    expect(check.body).toMatchObject({ allowed: false, status: 'monitored', code: 'household_status' });
    expect(check.body.message).toMatch(/当前状态为“监测中”/);
    // the form data is empty on purpose: the status is refused first, not the form
    const r = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0002' },
      requestId: 'wrong-1',
      data: {},
    });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ status: 409, code: 'household_status', householdStatus: 'monitored' });
    expect(r.body.title).toMatch(/监测中/);
    expect(
      (await app.tdb.db.query(`SELECT count(*)::int AS n FROM cases WHERE subject_id = 'HH-0002'`)).rows[0].n,
    ).toBe(0);
  });

  it('refuses an elimination for a household that is not monitored', async () => {
    const check = await cadre.get('/api/households/HH-0001/start-check?process=elimination');
    expect(check.body).toMatchObject({ allowed: false, status: 'none' });
    const r = await cadre.post('/api/cases', {
      process: 'elimination',
      org: 'v-zhushan',
      subject: { id: 'HH-0001' },
      requestId: 'wrong-2',
      data: {},
    });
    expect(r.status).toBe(409);
    expect(r.body.title).toMatch(/未纳入监测.*只适用于“监测中”/);
  });

  it('names the open case when a household already has one, and the start dialog can link to it', async () => {
    const first = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0001' },
      requestId: 'open-1',
      data: application('HH-0001'),
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const check = await cadre.get('/api/households/HH-0001/start-check?process=identification');
    expect(check.body).toMatchObject({ allowed: false, code: 'household_busy', openCaseId: first.body.id });
    const second = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0001' },
      requestId: 'open-2',
      data: {},
    });
    expect(second.body).toMatchObject({ status: 409, code: 'household_busy', openCaseId: first.body.id });
    // the same request again still answers with its own case
    const repeat = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0001' },
      requestId: 'open-1',
      data: application('HH-0001'),
    });
    expect(repeat.status).toBe(200);
    expect((await cadre.get('/api/households?q=HH-0001')).body.items[0].active_case_id).toBe(first.body.id);
  });
});
