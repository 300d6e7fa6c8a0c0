/**
 * 模板 + 覆盖 (issue #20, "What to build", last bullet): the national template (forms/packs/national) is
 * stored per version; 广东省's pack is stored as an overlay on it (a higher income line, 5 working days of
 * notice, an extra required field, an extra step), installed for 广东省 beside Hunan; the overlay is
 * diffable against the template; when the template gets a new version the re-application previews what
 * applies cleanly and the conflicts by path, and is refused until each conflict is resolved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { createGuangdongUsers, GD, GD_PASSWORD, GD_USERS, importGuangdong } from '../support/guangdong.js';
import { openTask, until } from '../support/notice-case.js';
import { readPackFolder } from '../../server/services/packs.js';
import { idCheckDigit } from '../../forms/formats.js';

let app: TestApp;
let admin: ApiClient;
beforeAll(async () => {
  app = await createTestApp({ daySeconds: 1 });
  admin = await app.as('admin');
  await importGuangdong(admin);
});
afterAll(async () => {
  await app?.close();
});

const t = (zh: string) => ({ zh, en: zh });
const OPS = [
  { op: 'replace', path: '/parameters/monitoringIncomeLine/values/2026', value: 8000 },
  { op: 'replace', path: '/parameters/noticeDays/values/2026', value: 5 },
  {
    op: 'add',
    path: '/forms/collection/schema/properties/coastalRisk',
    value: { type: 'string', title: '沿海风险（台风、渔业）', minLength: 1 },
  },
  { op: 'add', path: '/forms/collection/schema/required/-', value: 'coastalRisk' },
  { op: 'add', path: '/forms/collection/uiSchema/ui:order/-', value: 'coastalRisk' },
  {
    op: 'add',
    path: '/processes/identification/steps/coastal_check',
    value: {
      type: 'task',
      title: t('沿海风险复核'),
      form: { key: 'opinion' },
      assignee: { role: 'township_reviewer', level: 'township' },
      actions: [{ id: 'approve', kind: 'approve', label: t('同意'), next: 'county_approval' }],
    },
  },
  {
    op: 'replace',
    path: '/processes/identification/steps/township_review/actions/0/next',
    value: 'coastal_check',
  },
];
const overlay = (extra: Record<string, unknown> = {}) => ({
  base: { pack: 'national', version: '2026.1' },
  keySuffix: 'gd',
  manifest: { version: '2026.1', title: t('广东省防止返贫监测政策包'), scope: GD.province },
  ops: OPS,
  ...extra,
});
const hunanNow = async () => {
  const e = (await admin.get('/api/admin/packs/hunan/export')).body;
  return { manifest: e.manifest, forms: e.forms, processes: e.processes, codelists: e.codelists };
};

describe('a provincial pack as an overlay on the national template', () => {
  it('stores the template, composes and installs 广东省 from it, leaves Hunan alone and diffs the overlay', async () => {
    expect((await admin.post('/api/admin/templates', { pack: 'national' })).body).toEqual({
      id: 'national',
      version: '2026.1',
      created: true,
    });
    expect((await admin.post('/api/admin/templates', { pack: 'national' })).body.created).toBe(false);
    // a template is not a pack in force: nothing of it is offered
    expect((await admin.get('/api/admin/packs')).body.items.map((p: { id: string }) => p.id)).toEqual([
      'hunan',
    ]);
    const before = await hunanNow();

    const preview = await admin.post('/api/admin/packs/guangdong/overlay', overlay({ dryRun: true }));
    expect(preview.status).toBe(200);
    const def = preview.body.bundle.processes.find((p: { key: string }) => p.key === 'identification-gd');
    const step = (id: string) => def.steps.find((s: { id: string }) => s.id === id);
    // the province's own keys, and every reference moved with them
    expect(step('collect').form).toEqual({ key: 'collection-gd' });
    expect(step('check').branches[0].when).toEqual({
      '<': [{ var: 'data.collection-gd.perCapitaIncome' }, { var: 'params.monitoringIncomeLine-gd' }],
    });
    expect(step('village_notice')).toMatchObject({
      days: { param: 'noticeDays-gd' },
      calendar: 'working',
      publish: ['collection-gd.name', 'collection-gd.householdSize', 'collection-gd.riskReasons'],
    });
    expect(step('township_review').actions[0].next).toBe('coastal_check');
    expect(step('coastal_check').assignee).toEqual({ role: 'township_reviewer', level: 'township' });
    expect((await admin.get('/api/admin/packs')).body.items).toHaveLength(1);

    const saved = await admin.post('/api/admin/packs/guangdong/overlay', overlay());
    expect(saved.status).toBe(200);
    const gd = (await admin.get('/api/admin/packs/guangdong/export')).body;
    expect(gd.processes.map((p: { key: string }) => p.key)).toEqual(['elimination-gd', 'identification-gd']);
    expect(gd.manifest.parameters.map((p: { key: string; values: unknown }) => [p.key, p.values])).toEqual([
      ['monitoringIncomeLine-gd', [{ year: 2026, value: 8000 }]],
      ['noticeDays-gd', [{ year: 2026, value: 5 }]],
    ]);
    const form = gd.forms.find((f: { key: string }) => f.key === 'collection-gd');
    expect(form.schema.required).toContain('coastalRisk');
    const packs = (await admin.get('/api/admin/packs')).body.items;
    expect(packs.find((p: { id: string }) => p.id === 'guangdong').scopeOrg).toBe('440000');
    expect(await hunanNow()).toEqual(before);
    // a Hunan cadre is not offered the Guangdong processes
    const hn = await app.as('cadre.zhushan');
    const offered = (await hn.get('/api/processes')).body.items.map((p: { key: string }) => p.key);
    expect(offered).toContain('identification');
    expect(offered).not.toContain('identification-gd');

    const diff = (await admin.get('/api/admin/packs/guangdong/overlay/diff')).body;
    expect(diff.base).toEqual({ pack: 'national', version: '2026.1' });
    expect(diff.entries.slice(0, 3)).toEqual([
      {
        op: 'replace',
        path: '/parameters/monitoringIncomeLine/values/2026',
        change: 'changed',
        template: 7000,
        overlay: 8000,
      },
      {
        op: 'replace',
        path: '/parameters/noticeDays/values/2026',
        change: 'changed',
        template: 7,
        overlay: 5,
      },
      {
        op: 'add',
        path: '/forms/collection/schema/properties/coastalRisk',
        change: 'added',
        template: null,
        overlay: { type: 'string', title: '沿海风险（台风、渔业）', minLength: 1 },
      },
    ]);
  });

  it('re-applies on a new template version: clean paths and conflicts by path, refused until resolved', async () => {
    const next = readPackFolder('national');
    next.manifest.version = '2026.2';
    // the template raises its line (the overlay changes it too), adds a field and retitles the notice (it does not)
    next.manifest.parameters.find((p: { key: string }) => p.key === 'monitoringIncomeLine').values = [
      { year: 2026, value: 7500 },
    ];
    const coll = next.forms.find((f) => f.key === 'collection')!;
    coll.schema.properties.phone = { type: 'string', title: '联系电话', maxLength: 20 };
    coll.uiSchema['ui:order'].push('phone');
    const ident = next.processes.find((p) => p.key === 'identification')!;
    ident.steps.find((s: { id: string }) => s.id === 'village_notice').title = t('村级评议公示（张榜）');
    expect((await admin.post('/api/admin/templates', next)).body.created).toBe(true);

    const preview = (await admin.post('/api/admin/packs/guangdong/overlay/reapply', { version: '2026.2' }))
      .body;
    expect(preview.base).toEqual({ pack: 'national', from: '2026.1', to: '2026.2' });
    expect(preview.conflicts).toEqual([
      expect.objectContaining({
        path: '/parameters/monitoringIncomeLine/values/2026',
        base: { before: 7000, after: 7500 },
        overlay: 8000,
      }),
    ]);
    expect(preview.applies.map((a: { path: string }) => a.path)).toEqual(OPS.slice(1).map((o) => o.path));
    expect(preview.unresolved).toEqual(['/parameters/monitoringIncomeLine/values/2026']);

    const refused = await admin.post('/api/admin/packs/guangdong/overlay/reapply', {
      version: '2026.2',
      packVersion: '2026.2',
      dryRun: false,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual([
      '/parameters/monitoringIncomeLine/values/2026',
    ]);
    expect(refused.body.errors[0].message).toMatch(/模板新版本也改动了此处/);
    // refused: the pack in force and the overlay are as they were
    expect((await admin.get('/api/admin/packs/guangdong/overlay')).body.base.version).toBe('2026.1');

    const applied = await admin.post('/api/admin/packs/guangdong/overlay/reapply', {
      version: '2026.2',
      packVersion: '2026.2',
      dryRun: false,
      resolutions: { '/parameters/monitoringIncomeLine/values/2026': 'overlay' },
    });
    expect(applied.status).toBe(200);
    expect(applied.body.kept).toEqual(['/parameters/monitoringIncomeLine/values/2026']);
    const gd = (await admin.get('/api/admin/packs/guangdong/export')).body;
    expect(gd.manifest.version).toBe('2026.2');
    const form = gd.forms.find((f: { key: string }) => f.key === 'collection-gd');
    expect(Object.keys(form.schema.properties)).toEqual(expect.arrayContaining(['phone', 'coastalRisk']));
    const line = gd.manifest.parameters.find((p: { key: string }) => p.key === 'monitoringIncomeLine-gd');
    expect(line.values).toEqual([{ year: 2026, value: 8000 }]);
    const notice = gd.processes
      .find((p: { key: string }) => p.key === 'identification-gd')
      .steps.find((s: { id: string }) => s.id === 'village_notice');
    expect(notice.title.zh).toBe('村级评议公示（张榜）');
    expect((await admin.get('/api/admin/packs/guangdong/overlay')).body.base).toEqual({
      pack: 'national',
      version: '2026.2',
    });
  });

  it('runs a Guangdong identification on the template-derived pack to the end with Guangdong users', async () => {
    await createGuangdongUsers(await app.as('secadmin'), 'cadre', 'reviewer', 'county');
    const cadre = await app.as(GD_USERS.cadre.username, GD_PASSWORD);
    const id = `441521198003150${'12'}`;
    const registered = await cadre.post('/api/households', {
      org: GD.village,
      members: [{ name: '黄水生', idNumber: id + idCheckDigit(id), relation: '01' }],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const hid = registered.body.id as string;
    const data = {
      name: '黄水生',
      householdSize: 4,
      perCapitaIncome: 7500,
      riskReasons: '台风致渔船损毁',
      verifier: '陈海生',
    };
    const start = (requestId: string, d: Record<string, unknown>) =>
      cadre.post('/api/cases', {
        process: 'identification-gd',
        org: GD.village,
        subject: { id: hid },
        requestId,
        data: d,
      });
    // the overlay's extra required field
    const missing = await start('gd-id-0', data);
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.body.errors)).toMatch(/coastalRisk/);
    const started = await start('gd-id-1', { ...data, coastalRisk: '渔业' });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const caseId = started.body.id as string;
    // 7500 is under Guangdong's 8000 (the template's 7000 would have ended it as not eligible): a 5-working-day notice
    const notice = await until(
      async () =>
        (await app.tdb.db.query('SELECT days, calendar FROM notices WHERE case_id = $1', [caseId])).rows[0],
      'notice',
    );
    expect(notice).toEqual({ days: 5, calendar: 'working' });
    const signOff = async (user: string, step: string) => {
      const task = await openTask(app, caseId, step);
      const c = await app.as(user, GD_PASSWORD);
      const r = await c.post(`/api/tasks/${task.id}/complete`, {
        requestId: `gd-${step}`,
        action: 'approve',
        data: { opinion: '同意', signer: user, signDate: new Date().toISOString().slice(0, 10) },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    await signOff(GD_USERS.reviewer.username, 'township_review');
    await signOff(GD_USERS.reviewer.username, 'coastal_check'); // the step the overlay added
    await signOff(GD_USERS.county.username, 'county_approval');
    const end = await until(
      async () =>
        (await app.tdb.db.query(`SELECT status FROM cases WHERE id = $1 AND status <> 'running'`, [caseId]))
          .rows[0],
      'end',
    );
    expect(end.status).toBe('approved');
  });

  it('refuses an overlay that does not fit the template, or that breaks a data path, and installs nothing', async () => {
    const before = (await admin.get('/api/admin/packs')).body.items;
    const missing = await admin.post(
      '/api/admin/packs/fujian/overlay',
      overlay({ keySuffix: 'fj', ops: [{ op: 'replace', path: '/forms/nosuch/title', value: t('无') }] }),
    );
    expect(missing.status).toBe(422);
    expect(missing.body.errors[0].path).toBe('ops/0');
    const typo = await admin.post(
      '/api/admin/packs/fujian/overlay',
      overlay({
        keySuffix: 'fj',
        ops: [
          {
            op: 'replace',
            path: '/processes/identification/steps/check/branches/0/when',
            value: { '<': [{ var: 'data.collection.perCapitaIncom' }, 5000] },
          },
        ],
      }),
    );
    expect(typo.status).toBe(422);
    expect(JSON.stringify(typo.body.errors)).toMatch(/check/);
    expect(JSON.stringify(typo.body.errors)).toMatch(/perCapitaIncom\b/);
    const badScope = await admin.post(
      '/api/admin/packs/fujian/overlay',
      overlay({ keySuffix: 'fj', manifest: { version: '1', scope: '350000' } }),
    );
    expect(badScope.status).toBe(422);
    expect(badScope.body.errors[0].path).toBe('manifest/scope');
    expect((await admin.get('/api/admin/packs')).body.items).toEqual(before);
    expect((await admin.get('/api/admin/packs/fujian/overlay')).status).toBe(404);
  });
});
