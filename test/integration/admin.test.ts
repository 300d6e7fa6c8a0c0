/**
 * Administrators change policy as data, through the API: a yearly parameter,
 * a new process version, a pack round trip — and running cases keep what they started with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTask as openTaskOf, until } from '../support/notice-case.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { evidenceVia } from '../support/field.js';
import { application, collection, peopleOf, setDemoStatus } from '../support/demo.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ daySeconds: 1 });
  // identification applies to households not yet monitored: these demo households are identified afresh here
  await setDemoStatus(app.tdb.db, 'none', 'HH-0002', 'HH-0004');
});
afterAll(async () => {
  await app?.close();
});

const openTask = (caseId: string, step: string) => openTaskOf(app, caseId, step);

describe('separation of powers', () => {
  it('lets only the administrator configure, only the security administrator manage users, only the auditor read the audit log', async () => {
    const admin = await app.as('admin');
    const sec = await app.as('secadmin');
    const auditor = await app.as('auditor');
    expect((await admin.get('/api/admin/parameters')).status).toBe(200);
    expect((await sec.get('/api/admin/parameters')).status).toBe(403);
    expect((await auditor.get('/api/admin/parameters')).status).toBe(403);
    const newUser = {
      username: 'newcadre',
      name: '新村干',
      password: 'a-long-password',
      roles: [{ role: 'village_cadre', org: 'v-zhushan' }],
    };
    expect((await admin.post('/api/admin/users', newUser)).status).toBe(403);
    expect((await sec.post('/api/admin/users', newUser)).status).toBe(201);
    expect((await admin.get('/api/admin/audit')).status).toBe(403);
    const log = await auditor.get('/api/admin/audit');
    expect(log.status).toBe(200);
    expect(log.body.items.map((e: { action: string }) => e.action)).toContain('user.create');
    expect((await auditor.get('/api/admin/audit/verify')).body).toMatchObject({ ok: true });
  });
});

describe('policy as data', () => {
  it('uses a new village notice length for new cases only (7 → 5 days)', async () => {
    const admin = await app.as('admin');
    const a = peopleOf('HH-0001');
    const cadre = await app.as(a.cadre);
    const before = await cadre.post('/api/cases', {
      process: 'identification',
      org: a.village,
      subject: { id: 'HH-0001' },
      requestId: 'p-1',
      data: application('HH-0001'),
    });
    const year = new Date().getFullYear();
    const bad = await admin.post('/api/admin/parameters', { key: 'villageNoticeDays', year, value: 'five' });
    expect(bad.status).toBe(422);
    expect(
      (await admin.post('/api/admin/parameters', { key: 'villageNoticeDays', year, value: 5 })).status,
    ).toBe(201);
    const after = await cadre.post('/api/cases', {
      process: 'identification',
      org: a.village,
      subject: { id: 'HH-0002' },
      requestId: 'p-2',
      data: application('HH-0002'),
    });
    // drive both to their notice and compare the windows
    for (const [caseId, hid] of [
      [before.body.id, 'HH-0001'],
      [after.body.id, 'HH-0002'],
    ] as const) {
      const verify = await openTask(caseId, 'verify');
      for (const v of a.verifiers) {
        const c = await app.as(v);
        expect(
          (
            await c.post(`/api/tasks/${verify.id}/complete`, {
              requestId: `${caseId}-${v}`,
              action: 'submit',
              data: collection(hid),
              evidence: await evidenceVia(c),
            })
          ).status,
        ).toBe(200);
      }
      const vr = await openTask(caseId, 'village_review');
      const r = await (
        await app.as(a.secretary)
      ).post(`/api/tasks/${vr.id}/complete`, {
        requestId: `${caseId}-vr`,
        action: 'approve',
        data: {
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
        },
      });
      expect(r.status).toBe(200);
    }
    const days = async (id: string) =>
      (await app.tdb.db.query('SELECT days FROM notices WHERE case_id = $1', [id])).rows[0]?.days;
    expect(await until(() => days(before.body.id), 'notice 1')).toBe(7);
    expect(await until(() => days(after.body.id), 'notice 2')).toBe(5);
    await admin.post('/api/admin/parameters', { key: 'villageNoticeDays', year, value: 7 });

    // the timeline shows the income calculation (an activity step) with its attempts, duration and result
    const detail = (await cadre.get(`/api/cases/${before.body.id}`)).body;
    const runs = detail.timeline.filter((e: { kind: string }) => e.kind.startsWith('activity.'));
    const income = runs.find((e: { step_id: string }) => e.step_id === 'compute_income');
    expect(income).toMatchObject({
      kind: 'activity.completed',
      payload: { stepTitle: expect.any(String), activity: 'computeIncome', attempts: 1, error: null },
    });
    expect(income.payload.durationMs).toBeGreaterThanOrEqual(0);
    expect(income.payload.inputSummary).toMatch(/members=\d+，threshold=\d+/);
    expect(income.payload.outputSummary).toMatch(/A38=\d/);
    // in time order among the case's events: after the verification was signed, before the village review arrived
    const kinds = detail.timeline.map((e: { kind: string; step_id: string }) => `${e.kind}:${e.step_id}`);
    expect(kinds.indexOf('activity.completed:compute_income')).toBeLessThan(
      kinds.indexOf('task.created:village_review'),
    );
    expect(kinds.indexOf('activity.completed:compute_income')).toBeGreaterThan(
      kinds.lastIndexOf('task.signed:verify'),
    );
  });

  it('keeps a running case on v1 when v2 with an extra step is published; new cases take v2', async () => {
    const admin = await app.as('admin');
    const v1 = (await admin.get('/api/admin/processes/identification/versions/1')).body.definition;
    const p = peopleOf('HH-0004');
    const cadre = await app.as(p.cadre);
    const old = await cadre.post('/api/cases', {
      process: 'identification',
      org: p.village,
      subject: { id: 'HH-0004' },
      requestId: 'v-1',
      data: application('HH-0004'),
    });
    expect(old.body.process_version).toBe(1);
    // v2: a township "second review" (会签) between the township review and the county
    const v2 = structuredClone(v1);
    const township = v2.steps.find((s: { id: string }) => s.id === 'township_review');
    township.actions.find((x: { id: string }) => x.id === 'approve').next = 'second_review';
    v2.steps.push({
      id: 'second_review',
      type: 'task',
      title: { zh: '乡镇复审', en: 'Second township review' },
      form: { key: 'opinion' },
      assignee: { role: 'township_reviewer', level: 'township' },
      mode: 'all',
      actions: [{ id: 'approve', kind: 'approve', label: { zh: '同意' }, next: 'county_compare' }],
    });
    const broken = structuredClone(v2);
    broken.steps.find((s: { id: string }) => s.id === 'second_review').actions[0].next = 'second_review';
    const refused = await admin.post('/api/admin/processes/identification/versions', { definition: broken });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.some((e: { stepId: string }) => e.stepId === 'second_review')).toBe(true);
    const published = await admin.post('/api/admin/processes/identification/versions', { definition: v2 });
    expect(published.status).toBe(201);
    expect(published.body.version).toBe(2);
    // the version diff names exactly the two changes
    const diff = await admin.get('/api/admin/processes/identification/diff?from=1&to=2');
    expect(diff.body.paths).toEqual(['/steps/township_review/actions/approve/next', '/steps/second_review']);
    expect((await admin.get('/api/admin/processes/identification/diff?from=1&to=9')).status).toBe(404);
    expect(
      (await admin.get('/api/admin/processes/identification/diff?from=x&to=2')).body.errors[0].path,
    ).toBe('from');

    const fresh = await cadre.post('/api/cases', {
      process: 'identification',
      org: p.village,
      subject: { id: 'HH-0005' },
      requestId: 'v-2',
      data: application('HH-0005'),
    });
    expect(fresh.body.process_version).toBe(2);
    const detail = await cadre.get(`/api/cases/${old.body.id}`);
    expect(detail.body.definition.version).toBe(1);
    expect(detail.body.definition.steps.map((s: { id: string }) => s.id)).not.toContain('second_review');
    const detail2 = await cadre.get(`/api/cases/${fresh.body.id}`);
    expect(detail2.body.definition.steps.map((s: { id: string }) => s.id)).toContain('second_review');

    // the old case runs to its end on v1: no second review ever appears (1 policy day = 1 s here)
    const act = async (username: string, taskId: string, body: Record<string, unknown>) =>
      expect(
        (
          await (
            await app.as(username)
          ).post(`/api/tasks/${taskId}/complete`, { requestId: `${taskId}-${username}`, ...body })
        ).status,
      ).toBe(200);
    const verify = await openTask(old.body.id, 'verify');
    for (const v of p.verifiers)
      await act(v, verify.id, {
        action: 'submit',
        data: collection('HH-0004'),
        evidence: await evidenceVia(await app.as(v)),
      });
    await act(p.secretary, (await openTask(old.body.id, 'village_review')).id, {
      action: 'approve',
      data: {
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
      },
    });
    for (const who of p.township_reviewers) {
      const t = await until(
        async () =>
          (
            await app.tdb.db.query(
              `SELECT id FROM tasks WHERE case_id = $1 AND step_id = 'township_review' AND status = 'open' AND assignee_user = $2`,
              [old.body.id, who],
            )
          ).rows[0],
        'township task',
      );
      await act(who, t.id, {
        action: 'approve',
        data: { opinion: '同意', signer: who, signDate: '2026-12-01' },
      });
    }
    // 会商研判 (line 2304): each county industry department gives its opinion first
    for (const dept of ['agri', 'water']) {
      const t = await until(
        async () =>
          (
            await app.tdb.db.query(
              `SELECT id FROM tasks WHERE case_id = $1 AND step_id = 'department_consult' AND status = 'open' AND assignee_user = $2`,
              [old.body.id, dept],
            )
          ).rows[0],
        'department task',
      );
      await act(dept, t.id, {
        action: 'approve',
        data: { opinion: '无异议', signer: dept, signDate: '2026-12-02' },
      });
    }
    const countyTask = (await openTask(old.body.id, 'county_approval')).id;
    // the county records a decision on each department hit the task shows it (会商研判)
    const shown = (await (await app.as('bureau')).get(`/api/tasks/${countyTask}`)).body;
    const hitDecisions = (shown.initialData.hitDecisions ?? []).map((x: Record<string, unknown>) => ({
      ...x,
      decision: 'confirmed',
    }));
    await act('bureau', countyTask, {
      action: 'approve',
      data: {
        countyApproval: { opinion: '同意', signer: '周', date: '2026-12-02', sealed: true },
        monitoringType: '1',
        hitDecisions,
      },
    });
    await app.svc.temporal.workflow.getHandle(old.body.id).result();
    const steps = (
      await app.tdb.db.query('SELECT DISTINCT step_id FROM tasks WHERE case_id = $1', [old.body.id])
    ).rows.map((r) => r.step_id);
    expect(steps).not.toContain('second_review');
    expect(
      (await app.tdb.db.query('SELECT status FROM cases WHERE id = $1', [old.body.id])).rows[0].status,
    ).toBe('approved');
  });
});

describe('policy packs', () => {
  it('round-trips export → import with nothing lost, and the diff names exactly what changed', async () => {
    const admin = await app.as('admin');
    const exported = (await admin.get('/api/admin/packs/hunan/export')).body;
    expect(exported.processes.length).toBeGreaterThanOrEqual(3);
    const again = await admin.post('/api/admin/packs/import', {
      ...exported,
      manifest: { ...exported.manifest, version: '2026.1' },
    });
    expect(again.status).toBe(200);
    expect(again.body.published.filter((x: { kind: string }) => x.kind !== 'parameter')).toEqual([]);
    const reexported = (await admin.get('/api/admin/packs/hunan/export')).body;
    expect(reexported.processes).toEqual(exported.processes);
    expect(reexported.forms).toEqual(exported.forms);

    const changed = structuredClone(exported);
    changed.manifest.version = '2026.2';
    changed.forms.find((f: { key: string }) => f.key === 'application').schema.properties.phone.title =
      '手机号码';
    changed.manifest.parameters
      .find((x: { key: string }) => x.key === 'incomeThreshold')
      .values.push({ year: 2026, value: 7800 });
    const preview = await admin.post('/api/admin/packs/import', { ...changed, dryRun: true });
    expect(preview.body.diff).toEqual([
      { kind: 'form', key: 'application', change: 'changed', paths: ['/schema/properties/phone/title'] },
      { kind: 'parameter', key: 'incomeThreshold', change: 'changed', paths: expect.any(Array) },
    ]);
    await admin.post('/api/admin/packs/import', changed);
    const diff = await admin.get('/api/admin/packs/hunan/diff?from=2026.1&to=2026.2');
    expect(diff.body.changes.map((c: { kind: string; key: string }) => `${c.kind}:${c.key}`)).toEqual([
      'form:application',
      'parameter:incomeThreshold',
    ]);
  });
});
