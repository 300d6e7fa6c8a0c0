/**
 * S5 follow-ups: each round of a pack schedule creates its tasks. The round
 * workflow runs on the time-skipping server and starts cases through the same
 * service layer as the API. (The time-skipping server has no Schedules API;
 * the Temporal Schedules themselves — their calendars and a triggered run — are
 * tested against the dev server in test/integration/schedules.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createPackHarness, type PackHarness } from '../support/pack-harness.js';
import type { RoundInput, RoundReport } from '../../workflows/contract.js';
import { packSchedules, resolveCalendar } from '../../server/services/schedules.js';
import { readPackFolder } from '../../server/services/packs.js';
import { collection } from '../support/demo.js';
import { listTasks } from '../../server/services/tasks.js';

let h: PackHarness;
beforeAll(async () => {
  h = await createPackHarness();
});
afterAll(async () => {
  await h?.close();
});

const schedules = packSchedules(readPackFolder('hunan').manifest);
const input = (id: string): RoundInput => {
  const s = schedules.find((x) => x.id === id)!;
  return { scheduleId: s.id, process: s.process, targets: s.targets };
};
const round = (id: string, roundId = `round:${id}-${randomUUID()}`) =>
  h.env.client.workflow.execute('scheduledRoundWorkflow', {
    taskQueue: h.svc.taskQueue,
    workflowId: roundId,
    args: [input(id)],
  }) as Promise<RoundReport>;

/** the ids of the tasks in a user's 待办 inbox */
async function inbox(username: string): Promise<string[]> {
  const page = await listTasks(h.svc, await h.who(username), { view: 'todo', limit: 100 });
  return page.items.map((t: { task_id: string }) => t.task_id);
}

/** open tasks of the given cases at a step, with who may do them */
async function tasksOf(caseIds: string[], stepId: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await h.tdb.db.query(
      `SELECT t.id, t.case_id, t.role, t.org_id AS task_org, c.subject_id, c.org_id FROM tasks t JOIN cases c ON c.id = t.case_id
        WHERE t.case_id = ANY ($1) AND t.step_id = $2 AND t.status = 'open' ORDER BY c.subject_id, c.org_id`,
      [caseIds, stepId],
    );
    if (rows.length >= caseIds.length || Date.now() > deadline)
      return rows as {
        id: string;
        case_id: string;
        role: string;
        task_org: string;
        subject_id: string;
        org_id: string;
      }[];
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('S5 schedules create their tasks', () => {
  it('the pack declares the four follow-ups, each with a calendar and a citation', () => {
    expect(schedules.map((s) => [s.id, s.process, s.targets])).toEqual([
      ['assistance-assessment-quarterly', 'assistance-assessment', 'monitored-households'],
      ['sweep-campaign-half-yearly', 'sweep-campaign', 'villages'],
      ['department-comparison-monthly', 'department-comparison', 'counties'],
      ['long-monitored-review-half-yearly', 'long-monitored-review', 'long-monitored-households'],
      ['project-annual-plan-yearly', 'project-annual-plan', 'counties'],
      ['asset-ledger-republication-yearly', 'asset-ledger-republication', 'counties'],
    ]);
    // the calendars come from the year's parameters: a new value moves the schedule
    const params = {
      assessmentIntervalMonths: 3,
      sweepsPerYear: 2,
      planDeadline: '11-30',
      ledgerPublicationsPerYear: 1,
    };
    const at = (id: string, p: Record<string, unknown> = params) =>
      resolveCalendar(
        schedules.find((s) => s.id === id)!,
        p,
      );
    expect(at('assistance-assessment-quarterly')).toEqual({
      month: [1, 4, 7, 10],
      dayOfMonth: [5],
      hour: [8],
    });
    expect(at('assistance-assessment-quarterly', { ...params, assessmentIntervalMonths: 2 }).month).toEqual([
      1, 3, 5, 7, 9, 11,
    ]);
    expect(at('sweep-campaign-half-yearly').month).toEqual([3, 9]);
    expect(at('sweep-campaign-half-yearly', { ...params, sweepsPerYear: 4 }).month).toEqual([3, 6, 9, 12]);
    // the annual plan opens 30 days before the 30 November deadline (line 3429)
    expect(at('project-annual-plan-yearly')).toEqual({ month: [10], dayOfMonth: [31], hour: [8] });
    expect(at('project-annual-plan-yearly', { ...params, planDeadline: '12-15' })).toMatchObject({
      month: [11],
      dayOfMonth: [15],
    });
    // the county ledger is published at least once a year (line 3335): January, or twice → January and July
    expect(at('asset-ledger-republication-yearly')).toEqual({ month: [1], dayOfMonth: [15], hour: [8] });
    expect(
      at('asset-ledger-republication-yearly', { ...params, ledgerPublicationsPerYear: 2 }).month,
    ).toEqual([1, 7]);
    for (const s of schedules) expect(s.source?.lines).toBeTruthy();
  });

  it('quarterly assessment: one task per monitored household, for its monitor contact; a retried round starts nothing twice; the next round skips households still being assessed', async () => {
    const monitored = (
      await h.tdb.db.query(`SELECT id FROM households WHERE monitoring_status = 'monitored' ORDER BY id`)
    ).rows.map((r) => r.id);
    expect(monitored.length).toBeGreaterThanOrEqual(5);
    const roundId = `round:assistance-assessment-quarterly-${randomUUID()}`;
    const first = await round('assistance-assessment-quarterly', roundId);
    expect(first.targets).toBe(monitored.length);
    expect(first.skipped).toEqual([]);
    const tasks = await tasksOf(first.started, 'assess');
    expect(tasks.map((t) => t.subject_id)).toEqual(monitored);
    for (const t of tasks) expect([t.role, t.task_org]).toEqual(['monitor_contact', t.org_id]);
    // the household's monitor contact finds it in the inbox; another village's contact does not
    const zhushan = tasks.filter((t) => t.org_id === 'v-zhushan').map((t) => t.id);
    expect(zhushan.length).toBeGreaterThan(0);
    expect(await inbox('contact.zhushan')).toEqual(expect.arrayContaining(zhushan));
    expect(await inbox('contact.heping')).not.toEqual(expect.arrayContaining(zhushan));

    // the same round run again (a retried workflow): the same cases, nothing new
    const retried = await round('assistance-assessment-quarterly', roundId);
    expect(retried.started).toEqual(first.started);
    expect(retried.skipped).toEqual([]);
    // the next round while these are still open: every household skipped, with the reason
    const next = await round('assistance-assessment-quarterly');
    expect(next.started).toEqual([]);
    expect(next.skipped).toHaveLength(monitored.length);
    expect(next.skipped[0].reason).toMatch(/尚未办结/);
    const count = (
      await h.tdb.db.query(`SELECT count(*)::int AS n FROM cases WHERE process_key = 'assistance-assessment'`)
    ).rows[0].n;
    expect(count).toBe(monitored.length);
    const recorded = (
      await h.tdb.db.query('SELECT targets, started, finished_at FROM schedule_rounds WHERE id = $1', [
        roundId,
      ])
    ).rows[0];
    expect(recorded).toMatchObject({ targets: monitored.length, started: monitored.length });
    expect(recorded.finished_at).toBeInstanceOf(Date);
  });

  it('an assessment does not hold the household: an elimination proposal can start beside it', async () => {
    const hid = 'HH-0008';
    expect(
      (
        await h.tdb.db.query(
          `SELECT count(*)::int AS n FROM cases WHERE process_key = 'assistance-assessment' AND subject_id = $1 AND status = 'running'`,
          [hid],
        )
      ).rows[0].n,
    ).toBe(1);
    const caseId = await h.start('cadre.shuangqiao', {
      process: 'elimination',
      org: 'v-shuangqiao',
      subject: { id: hid },
      data: collection(hid, { A28: 60000 }),
    });
    expect(
      (await h.tdb.db.query('SELECT active_case_id FROM households WHERE id = $1', [hid])).rows[0]
        .active_case_id,
    ).toBe(caseId);
  });

  it('twice-yearly sweep: one sweep task per village for its cadres', async () => {
    const villages = (
      await h.tdb.db.query(`SELECT id FROM org_nodes WHERE level = 'village' ORDER BY id`)
    ).rows.map((r) => r.id);
    const r = await round('sweep-campaign-half-yearly');
    expect(r.started).toHaveLength(villages.length);
    const tasks = await tasksOf(r.started, 'sweep');
    expect(tasks.map((t) => t.org_id).sort()).toEqual(villages);
    const zhushan = tasks.find((t) => t.org_id === 'v-zhushan')!;
    expect(await inbox('cadre.zhushan')).toContain(zhushan.id);
    expect(await inbox('secretary.zhushan')).toContain(zhushan.id);
    expect(await inbox('cadre.heping')).not.toContain(zhushan.id);
  });

  it('monthly department comparison: one case per county listing every hit in its households, reviewed by the rural bureau', async () => {
    const r = await round('department-comparison-monthly');
    expect(r.started).toHaveLength(1);
    const [review] = await tasksOf(r.started, 'review');
    expect(review.org_id).toBe('hn-hy-hn');
    expect(await inbox('bureau')).toContain(review.id);
    const data = (await h.tdb.db.query('SELECT data FROM cases WHERE id = $1', [r.started[0]])).rows[0].data;
    const expected = (
      await h.tdb.db.query(
        `SELECT count(*)::int AS n FROM department_records r WHERE EXISTS (SELECT 1 FROM households h WHERE h.head_id_number = r.id_number
           OR h.members @> jsonb_build_array(jsonb_build_object('idNumber', r.id_number)))`,
      )
    ).rows[0].n;
    expect(expected).toBeGreaterThan(0);
    expect(data.departmentHits.hits).toHaveLength(expected);
    const hh0003 = data.departmentHits.hits.filter(
      (x: { idNumber: string }) => x.idNumber === '430422194002020063',
    );
    expect(hh0003).toContainEqual(
      expect.objectContaining({
        department: 'medical_insurance',
        kind: 'medical_expense',
        householdId: 'HH-0003',
        amount: 44059,
      }),
    );

    // 集中交办: the bureau dispatches; households with hits that are not monitored become 预警 and their village is told
    const hitHouseholds = [
      ...new Set(
        data.departmentHits.hits.map((x: { householdId: string | null }) => x.householdId).filter(Boolean),
      ),
    ] as string[];
    const statusBefore = new Map(
      (
        await h.tdb.db.query('SELECT id, monitoring_status FROM households WHERE id = ANY ($1)', [
          hitHouseholds,
        ])
      ).rows.map((r) => [r.id, r.monitoring_status]),
    );
    const expectedWarned = hitHouseholds.filter((id) => statusBefore.get(id) === 'none').sort();
    expect(expectedWarned.length).toBeGreaterThan(0);
    await h.act('bureau', review.id, 'approve', {
      data: { opinion: '交办乡镇组织入户核查', signer: '周局长', signDate: '2026-12-10' },
    });
    await h.env.client.workflow.getHandle(r.started[0]).result();
    const after = (
      await h.tdb.db.query('SELECT id, monitoring_status FROM households WHERE id = ANY ($1) ORDER BY id', [
        hitHouseholds,
      ])
    ).rows;
    for (const row of after)
      expect(row.monitoring_status, row.id).toBe(
        statusBefore.get(row.id) === 'none' ? 'warning' : statusBefore.get(row.id),
      );
    const notes = (
      await h.tdb.db.query(
        `SELECT org_id, message FROM notifications WHERE case_id = $1 AND kind = 'warning' ORDER BY message`,
        [r.started[0]],
      )
    ).rows;
    expect(notes).toHaveLength(expectedWarned.length);
    const hh0001 = notes.find((n) => n.message.includes('HH-0001'));
    expect(hh0001).toMatchObject({ org_id: 'v-zhushan', message: expect.stringContaining('请入户核查') });
  });

  it('annual plan: one plan per county, opened for the rural bureau before the deadline', async () => {
    const r = await round('project-annual-plan-yearly');
    expect(r.started).toHaveLength(1);
    const [draft] = await tasksOf(r.started, 'draft_plan');
    expect(draft.org_id).toBe('hn-hy-hn');
    expect(await inbox('bureau')).toContain(draft.id);
  });

  it('twice-yearly long-monitoring review: only households monitored for more than the parameter’s two years', async () => {
    const r = await round('long-monitored-review-half-yearly');
    const tasks = await tasksOf(r.started, 'analyse');
    // demo: HH-0006 monitored since 2021-05, HH-0014 since 2022-03; the others joined in 2025
    expect(tasks.map((t) => t.subject_id)).toEqual(['HH-0006', 'HH-0014']);
  });
});
