/**
 * S5 as real Temporal Schedules on the dev server: the pack's four schedules
 * are created once (and kept in step with the pack), fire on their calendars
 * in China time, and "run now" makes a round whose tasks reach the inboxes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { syncPackSchedules, syncSchedules, temporalScheduleId } from '../../server/services/schedules.js';

let app: TestApp;
let admin: ApiClient;
beforeAll(async () => {
  app = await createTestApp();
  admin = await app.as('admin');
});
afterAll(async () => {
  // leave no schedule behind on the shared dev server
  if (app) await syncSchedules(app.svc, []);
  await app?.close();
});

/** the date and hour in China of an instant */
const china = (iso: string) => {
  const d = new Date(new Date(iso).getTime() + 8 * 3_600_000);
  return {
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
};

describe('S5 Temporal Schedules', () => {
  it('creates one schedule per pack entry, once; a second sync updates them', async () => {
    const first = await syncPackSchedules(app.svc);
    expect(first.created.sort()).toEqual([
      // the county asset ledgers are published again each year (seed 3335), from ledgerPublicationsPerYear
      'asset-ledger-republication-yearly',
      'assistance-assessment-quarterly',
      'department-comparison-monthly',
      'long-monitored-review-half-yearly',
      // the annual plan opens before 30 November, from the planDeadline parameter (seed 3429)
      'project-annual-plan-yearly',
      'sweep-campaign-half-yearly',
    ]);
    const second = await syncPackSchedules(app.svc);
    expect(second.created).toEqual([]);
    expect(second.deleted).toEqual([]);
    expect(second.updated.sort()).toEqual(first.created);
    const d = await app.svc.temporal.schedule
      .getHandle(temporalScheduleId(app.svc.taskQueue, 'assistance-assessment-quarterly'))
      .describe();
    expect(d.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'scheduledRoundWorkflow',
      taskQueue: app.svc.taskQueue,
    });
  });

  it('lists each schedule with its next runs on the pack’s calendar, in China time', async () => {
    const r = await admin.get('/api/admin/schedules');
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.body.items.map((s: { id: string }) => [s.id, s]));
    const quarterly = byId['assistance-assessment-quarterly'];
    expect(quarterly).toMatchObject({
      registered: true,
      paused: false,
      timezone: 'Asia/Shanghai',
      targetsTitle: { zh: '每个监测户' },
    });
    expect(quarterly.nextRuns).toHaveLength(4);
    const runs = quarterly.nextRuns.map(china);
    expect(runs.map((x: { month: number }) => x.month).sort((a: number, b: number) => a - b)).toEqual([
      1, 4, 7, 10,
    ]);
    for (const x of runs) expect([x.day, x.hour, x.minute]).toEqual([5, 8, 0]);
    // monthly comparison: four consecutive months, on the 10th
    const monthly = byId['department-comparison-monthly'].nextRuns.map(china);
    expect(new Set(monthly.map((x: { month: number }) => x.month)).size).toBe(4);
    for (const x of monthly) expect(x.day).toBe(10);
    // sweeps: March and September
    expect(
      new Set(byId['sweep-campaign-half-yearly'].nextRuns.map((iso: string) => china(iso).month)),
    ).toEqual(new Set([3, 9]));
    // only an administrator sees or runs them
    expect((await (await app.as('bureau')).get('/api/admin/schedules')).status).toBe(403);
  });

  it('“run now” fires the schedule: a round starts a sweep task in every village, recorded with its counts', async () => {
    const cadre = await app.as('cadre.zhushan');
    const before = (await cadre.get('/api/tasks?view=todo')).body.items.length;
    const r = await admin.post('/api/admin/schedules/sweep-campaign-half-yearly/run', {});
    expect(r.status).toBe(202);
    const deadline = Date.now() + 60_000;
    let round: { targets: number; started: number } | undefined;
    while (Date.now() < deadline) {
      round = (
        await app.tdb.db.query(
          `SELECT targets, started FROM schedule_rounds WHERE schedule_id = 'sweep-campaign-half-yearly' AND finished_at IS NOT NULL`,
        )
      ).rows[0];
      if (round) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(round).toEqual({ targets: 6, started: 6 });
    const inbox = (await cadre.get('/api/tasks?view=todo')).body.items;
    expect(inbox.length).toBe(before + 1);
    expect(inbox[0]).toMatchObject({
      step_id: 'sweep',
      process_key: 'sweep-campaign',
      case_org: 'v-zhushan',
    });
    const listed = (await admin.get('/api/admin/schedules')).body.items.find(
      (s: { id: string }) => s.id === 'sweep-campaign-half-yearly',
    );
    expect(listed.rounds[0]).toMatchObject({ targets: 6, started: 6, skipped: 0 });
    expect((await admin.post('/api/admin/schedules/no-such-schedule/run', {})).status).toBe(404);
  });

  it('a pack whose schedule names an unknown process is refused and changes nothing; dropping a schedule from the pack removes it', async () => {
    const exported = (await admin.get('/api/admin/packs/hunan/export')).body;
    const bad = {
      ...exported,
      manifest: {
        ...exported.manifest,
        version: '2027.1',
        schedules: [
          ...exported.manifest.schedules,
          { id: 'x', process: 'nope', title: { zh: '错' }, calendar: { month: [13] }, targets: 'villages' },
        ],
      },
    };
    const packsBefore = (await app.tdb.db.query('SELECT count(*)::int AS n FROM packs')).rows[0].n;
    const refused = await admin.post('/api/admin/packs/import', bad);
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'manifest/schedules',
      'manifest/schedules',
    ]);
    expect(refused.body.errors[0].message).toMatch(/^定时任务配置有误/);
    expect((await app.tdb.db.query('SELECT count(*)::int AS n FROM packs')).rows[0].n).toBe(packsBefore);

    const fewer = {
      ...exported,
      manifest: {
        ...exported.manifest,
        version: '2027.2',
        schedules: exported.manifest.schedules.filter(
          (s: { id: string }) => s.id !== 'long-monitored-review-half-yearly',
        ),
      },
    };
    // taking a schedule away is refused until the administrator confirms it
    const unconfirmed = await admin.post('/api/admin/packs/import', fewer);
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'schedules/long-monitored-review-half-yearly',
    ]);
    const imported = await admin.post('/api/admin/packs/import', { ...fewer, confirm: true });
    expect(imported.status).toBe(200);
    expect(imported.body.schedules.deleted).toEqual(['long-monitored-review-half-yearly']);
    const ids = (await admin.get('/api/admin/schedules')).body.items.map((s: { id: string }) => s.id);
    expect(ids).not.toContain('long-monitored-review-half-yearly');
  });
});
