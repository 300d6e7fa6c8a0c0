/**
 * 节假日安排 through the API, as an administrator uses it: a year is entered by ranges or imported from an
 * .ics file, previewed against the last version and published; every kind of bad input is refused with a
 * message naming the line or entry and the date, and nothing is published.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { calendarStatus, notifyMissingCalendar } from '../../server/services/calendar.js';

let app: TestApp;
let admin: ApiClient;
beforeAll(async () => {
  app = await createTestApp();
  admin = await app.as('admin');
});
afterAll(async () => {
  await app?.close();
});

const versions = async (year: number) =>
  (
    await app.tdb.db.query(
      `SELECT count(*)::int AS n FROM holiday_calendars WHERE scope = 'national' AND year = $1`,
      [year],
    )
  ).rows[0].n;
const audits = async () =>
  (await app.tdb.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'calendar.publish'`))
    .rows[0].n;

const ICS_2027 = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//county//holidays//CN',
  'BEGIN:VEVENT',
  'UID:2027-ny@test',
  'DTSTART;VALUE=DATE:20270101',
  'DTEND;VALUE=DATE:20270104',
  'SUMMARY:元旦',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:2027-sf@test',
  'DTSTART;VALUE=DATE:20270206',
  'DTEND;VALUE=DATE:20270214',
  'SUMMARY:春节',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:2027-sf-work@test',
  'DTSTART;VALUE=DATE:20270214',
  'DTEND;VALUE=DATE:20270215',
  'SUMMARY:春节补班',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

describe('the holiday calendar an administrator keeps', () => {
  it('starts with the years the package knew, as version 1 each, and lists them', async () => {
    const r = await admin.get('/api/admin/calendar');
    expect(r.status).toBe(200);
    const national = r.body.items.filter((x: any) => x.scope === 'national');
    expect(national.map((x: any) => x.year)).toContain(2026);
    expect(national.find((x: any) => x.year === 2026)).toMatchObject({
      version: 1,
      source: 'chinese-days 1.5.7',
    });
    const y = await admin.get('/api/admin/calendar/2026');
    expect(y.body.latest.ranges).toContainEqual({
      name: '国庆节',
      kind: 'holiday',
      from: '2026-10-01',
      to: '2026-10-07',
    });
    expect(y.body.latest.ranges).toContainEqual({
      name: '国庆节调休上班',
      kind: 'workday',
      from: '2026-10-10',
      to: '2026-10-10',
    });
  });

  it('imports a year from an .ics file: preview shows the days, publish makes version 1, audited', async () => {
    const before = await audits();
    const preview = await admin.post('/api/admin/calendar/2027/preview', {
      file: { kind: 'ics', text: ICS_2027 },
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.days.holidays).toEqual([
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
      '2027-02-11',
      '2027-02-12',
      '2027-02-13',
    ]);
    expect(preview.body.days.workdays).toEqual(['2027-02-14']);
    expect(preview.body.baseVersion).toBeNull();
    expect(await versions(2027)).toBe(0); // a preview publishes nothing

    const published = await admin.post('/api/admin/calendar/2027/versions', {
      file: { kind: 'ics', text: ICS_2027 },
      note: '国务院办公厅通知',
    });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body).toMatchObject({ year: 2027, scope: 'national', version: 1 });
    expect(await versions(2027)).toBe(1);
    expect(await audits()).toBe(before + 1);
    const y = await admin.get('/api/admin/calendar/2027');
    expect(y.body.latest).toMatchObject({
      source: 'ics',
      note: '国务院办公厅通知',
      published_by: expect.any(String),
    });
  });

  it('shows what a second version changes, and refuses to publish an identical one', async () => {
    const ranges = [
      { name: '元旦', kind: 'holiday', from: '2027-01-01', to: '2027-01-03' },
      { name: '春节', kind: 'holiday', from: '2027-02-06', to: '2027-02-14' },
    ];
    const preview = await admin.post('/api/admin/calendar/2027/preview', { ranges });
    expect(preview.body.baseVersion).toBe(1);
    expect(preview.body.diff).toEqual({
      addedHolidays: ['2027-02-14'],
      removedHolidays: [],
      addedWorkdays: [],
      removedWorkdays: ['2027-02-14'],
    });
    const same = await admin.post('/api/admin/calendar/2027/versions', {
      file: { kind: 'ics', text: ICS_2027 },
    });
    expect(same.status).toBe(409);
    expect(same.body.title).toMatch(/与2027年第1版相同/);
    expect(await versions(2027)).toBe(1);
  });

  it.each([
    [
      'overlapping ranges',
      {
        ranges: [
          { name: '春节', kind: 'holiday', from: '2028-01-26', to: '2028-02-02' },
          { name: '又一段', kind: 'holiday', from: '2028-02-01', to: '2028-02-03' },
        ],
      },
      '第2条与第1条的放假日期重叠（2028-02-01）',
    ],
    [
      'a date outside the year',
      { ranges: [{ name: '元旦', kind: 'holiday', from: '2027-12-31', to: '2028-01-01' }] },
      '第1条：2027-12-31 不在2028年内',
    ],
    [
      'a make-up day that is not a weekend',
      { ranges: [{ name: '调休', kind: 'workday', from: '2028-01-03', to: '2028-01-03' }] },
      '第1条：2028-01-03 是星期一，调休上班日必须是周六或周日',
    ],
    [
      'a make-up day on a day off',
      {
        ranges: [
          { name: '元旦', kind: 'holiday', from: '2028-01-01', to: '2028-01-02' },
          { name: '调休', kind: 'workday', from: '2028-01-02', to: '2028-01-02' },
        ],
      },
      '第2条：2028-01-02 同时是第1条的放假日',
    ],
    [
      'an impossible date',
      { ranges: [{ name: '元旦', kind: 'holiday', from: '2028-02-30', to: '2028-02-30' }] },
      '第1条：开始日期“2028-02-30”不是有效日期',
    ],
    [
      'an .ics event without a start',
      {
        file: { kind: 'ics', text: 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:元旦\nEND:VEVENT\nEND:VCALENDAR' },
      },
      '第2行：事件缺少开始日期（DTSTART）',
    ],
    [
      'an .ics event with a bad date',
      {
        file: {
          kind: 'ics',
          text: 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2028011\nSUMMARY:元旦\nEND:VEVENT\nEND:VCALENDAR',
        },
      },
      '第3行：DTSTART 的日期“2028011”无法识别',
    ],
    [
      'a CSV line with an unknown kind',
      {
        file: {
          kind: 'csv',
          text: '名称,类型,开始,结束\n元旦,放假,2028-01-01,2028-01-01\n春节,过年,2028-01-26,2028-02-01',
        },
      },
      '第3行：类型“过年”应为“放假”或“上班”',
    ],
    [
      'a CSV line outside the year',
      { file: { kind: 'csv', text: '元旦,放假,2029-01-01,2029-01-01' } },
      '第1行：2029-01-01 不在2028年内',
    ],
  ])('refuses %s, naming it, and publishes nothing', async (_what, body, message) => {
    const before = { versions: await versions(2028), audits: await audits() };
    for (const path of ['/api/admin/calendar/2028/preview', '/api/admin/calendar/2028/versions']) {
      const r = await admin.post(path, body);
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body.errors.map((e: any) => e.message)).toContain(message);
      expect(r.body.errors.every((e: any) => e.message_en)).toBe(true);
    }
    expect(await versions(2028)).toBe(before.versions);
    expect(await audits()).toBe(before.audits);
  });

  it('lets a region add its own days off on top of the national year (an overlay for its subtree)', async () => {
    const county = (await app.tdb.db.query(`SELECT id FROM org_nodes WHERE level = 'county' LIMIT 1`)).rows[0]
      .id;
    const r = await admin.post('/api/admin/calendar/2027/versions', {
      scope: county,
      ranges: [{ name: '盘王节', kind: 'holiday', from: '2027-12-06', to: '2027-12-07' }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const y = await admin.get(`/api/admin/calendar/2027?scope=${county}`);
    expect(y.body.latest.holidays).toEqual(['2027-12-06', '2027-12-07']);
    expect(y.body.national.version).toBe(1);
    const unknown = await admin.post('/api/admin/calendar/2027/versions', {
      scope: 'no-such-node',
      ranges: [{ name: '节', kind: 'holiday', from: '2027-12-06' }],
    });
    expect(unknown.status).toBe(422);
  });

  it('is for administrators only', async () => {
    const cadre = await app.as('cadre.zhushan');
    expect((await cadre.get('/api/admin/calendar')).status).toBe(403);
    expect(
      (
        await cadre.post('/api/admin/calendar/2029/versions', {
          ranges: [{ name: '元旦', kind: 'holiday', from: '2029-01-01' }],
        })
      ).status,
    ).toBe(403);
    expect((await app.anonymous().get('/api/admin/calendar')).status).toBe(401);
    expect(await versions(2029)).toBe(0);
  });

  it('warns administrators sixty days before the end of a year whose successor is missing, once', async () => {
    const early = await calendarStatus(app.tdb.db, new Date('2027-10-15T00:00:00Z'));
    expect(early.missing).toEqual([]);
    const late = await calendarStatus(app.tdb.db, new Date('2027-11-05T00:00:00Z'));
    expect(late.missing).toEqual([2028]);
    expect(late.message).toMatch(/2028年节假日安排尚未录入（距年底还有57天）/);
    const sent = await notifyMissingCalendar(app.tdb.db, new Date('2027-11-05T00:00:00Z'));
    expect(sent).toBeGreaterThan(0);
    expect(await notifyMissingCalendar(app.tdb.db, new Date('2027-11-06T00:00:00Z'))).toBe(0);
    const inbox = await admin.get('/api/notifications');
    expect(inbox.body.items.map((n: any) => n.message)).toContainEqual(
      expect.stringMatching(/2028年节假日安排尚未录入/),
    );
  });
});
