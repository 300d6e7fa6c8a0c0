/**
 * Variants without code (issue #20, acceptance 3): 复制为… a form and a process — the process copy moves
 * every reference to the copied form (step form keys, `data.application.*` vars, notice `publish` paths)
 * and reports each rewrite; the validator refuses a path no step produces, naming the step and path;
 * drafts are saved with their warnings; unknown keys on `…/versions` are 404; new code lists and new
 * parameters are created through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';

let app: TestApp;
let admin: ApiClient;
beforeAll(async () => {
  app = await createTestApp();
  admin = await app.as('admin');
});
afterAll(async () => {
  await app?.close();
});

const count = async (table: string) =>
  (await app.tdb.db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

interface Step {
  id: string;
  type: string;
  form?: { key: string };
  publish?: string[];
  prefill?: Record<string, unknown>;
  branches?: { when: unknown; next: string }[];
}

describe('复制为… a form and a process', () => {
  it('copies the application form and identification under new keys; the notice publishes the copy’s fields and every rewrite is reported', async () => {
    const form = await admin.post('/api/admin/forms/application/copy', {
      key: 'application-gd',
      title: { zh: '广东省监测对象申请书', en: 'Guangdong application' },
    });
    expect(form.status, JSON.stringify(form.body)).toBe(201);
    expect(form.body).toMatchObject({
      key: 'application-gd',
      version: 1,
      copiedFrom: 'application',
      pack: 'hunan',
    });
    expect((await admin.post('/api/admin/forms/application/copy', { key: 'application-gd' })).status).toBe(
      409,
    );
    expect((await admin.post('/api/admin/forms/no-such-form/copy', { key: 'x-copy' })).status).toBe(404);

    const copy = await admin.post('/api/admin/processes/identification/copy', {
      key: 'identification-gd',
      title: { zh: '广东省监测对象识别', en: 'Guangdong identification' },
      forms: { application: 'application-gd' },
    });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({
      key: 'identification-gd',
      version: 1,
      status: 'published',
      warnings: [],
    });
    const rewrites = copy.body.rewrites as { stepId: string; path: string; from: string; to: string }[];
    expect(rewrites).toContainEqual({
      stepId: 'apply',
      path: '/steps/0/form/key',
      from: 'application',
      to: 'application-gd',
    });
    expect(rewrites).toContainEqual({
      stepId: 'village_notice',
      path: '/steps/4/publish/0',
      from: 'application.name',
      to: 'application-gd.name',
    });
    // every rewrite moved an application reference, and nothing else
    for (const r of rewrites) {
      expect(r.from.replace(/^data\./, '')).toMatch(/^application(\.|$)/);
      expect(r.to.replace(/^data\./, '')).toMatch(/^application-gd(\.|$)/);
    }

    const def = (await admin.get('/api/admin/processes/identification-gd/versions/1')).body.definition;
    const notice = def.steps.find((s: Step) => s.id === 'village_notice');
    expect(notice.publish).toEqual([
      'application-gd.name',
      'application-gd.address.village',
      'application-gd.address.group',
      'application-gd.householdSize',
      'application-gd.riskReasons',
    ]);
    expect(JSON.stringify(def)).not.toMatch(/"data\.application\./);
    expect(def.steps.find((s: Step) => s.id === 'apply').form.key).toBe('application-gd');
    // the source is untouched
    const source = (await admin.get('/api/admin/processes')).body.items.filter(
      (p: { key: string }) => p.key === 'identification',
    );
    expect(source).toHaveLength(1);
  });

  it('refuses a version whose notice still publishes the old form, or whose condition has a typo in a parameter, naming step and path; a draft is saved with the warnings', async () => {
    const def = (await admin.get('/api/admin/processes/identification-gd/versions/1')).body.definition;
    const stale = structuredClone(def);
    stale.steps.find((s: Step) => s.id === 'village_notice').publish[0] = 'application.name';
    const before = await count('process_versions');
    const refused = await admin.post('/api/admin/processes/identification-gd/versions', {
      definition: stale,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toContainEqual(
      expect.objectContaining({
        stepId: 'village_notice',
        path: '/steps/4/publish/0',
        code: 'unknown_data_path',
        message: expect.stringMatching(
          /步骤“village_notice”引用的数据路径“application.name”不存在：没有步骤产生“application”/,
        ),
      }),
    );

    const typo = structuredClone(def);
    typo.steps[2].input = { ...typo.steps[2].input, A28: { var: 'params.incomeThreshhold' } };
    const bad = await admin.post('/api/admin/processes/identification-gd/versions', { definition: typo });
    expect(bad.status).toBe(422);
    const hit = bad.body.errors.find((e: { code: string }) => e.code === 'unknown_data_path');
    expect(hit).toMatchObject({ stepId: 'compute_income', path: '/steps/2/input/A28/var' });
    expect(hit.message).toMatch(/政策参数“incomeThreshhold”不存在/);
    expect(hit.message_en).toMatch(/no parameter "incomeThreshhold"/);
    expect(await count('process_versions')).toBe(before);

    const draft = await admin.post('/api/admin/processes/identification-gd/versions', {
      definition: stale,
      draft: true,
    });
    expect(draft.status).toBe(201);
    expect(draft.body.status).toBe('draft');
    expect(draft.body.warnings.map((w: { path: string }) => w.path)).toContain('/steps/4/publish/0');
    expect(await count('process_versions')).toBe(before + 1);
  });

  it('answers 404 for a new version of a key that does not exist, and creates nothing', async () => {
    const before = [await count('process_versions'), await count('form_versions'), await count('code_lists')];
    const p = await admin.post('/api/admin/processes/no-such-process/versions', {
      definition: { title: { zh: '无' }, subject: 'household', start: 'x', steps: [] },
    });
    expect(p.status).toBe(404);
    expect(p.body.title).toBe('流程不存在');
    const f = await admin.post('/api/admin/forms/no-such-form/versions', {
      document: { title: '无', schema: {} },
    });
    expect(f.status).toBe(404);
    const c = await admin.post('/api/admin/codelists/no-such-list/versions', {
      items: [{ code: '1', label: { zh: '一' } }],
    });
    expect(c.status).toBe(404);
    expect([
      await count('process_versions'),
      await count('form_versions'),
      await count('code_lists'),
    ]).toEqual(before);
  });

  it('creates a new code list and a new parameter in a pack; both go out with that pack’s export', async () => {
    const items = [
      { code: '1', label: { zh: '渔民' } },
      { code: '2', label: { zh: '蚝民' } },
    ];
    const created = await admin.post('/api/admin/codelists', {
      key: 'gd-occupations',
      pack: 'hunan',
      title: { zh: '沿海职业' },
      items,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ key: 'gd-occupations', version: 1, pack: 'hunan' });
    expect((await admin.post('/api/admin/codelists', { key: 'gd-occupations', items })).status).toBe(409);
    const v2 = await admin.post('/api/admin/codelists/gd-occupations/versions', {
      title: { zh: '沿海职业' },
      items: [...items, { code: '3', label: { zh: '船员' } }],
    });
    expect(v2.body).toEqual({ key: 'gd-occupations', version: 2, pack: 'hunan' });

    const unknown = await admin.post('/api/admin/parameters', {
      key: 'gdIncomeThreshold',
      year: 2026,
      value: 8000,
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].message).toMatch(/新参数须指定政策包/);
    const param = await admin.post('/api/admin/parameters', {
      key: 'gdIncomeThreshold',
      year: 2026,
      value: 8000,
      pack: 'hunan',
      title: { zh: '广东省监测收入标准', en: 'Guangdong income threshold' },
    });
    expect(param.status).toBe(201);
    expect(
      (await admin.post('/api/admin/parameters', { key: 'gdIncomeThreshold', year: 2027, value: 8300 }))
        .status,
    ).toBe(201);
    const exported = (await admin.get('/api/admin/packs/hunan/export')).body;
    expect(exported.codelists.find((c: { key: string }) => c.key === 'gd-occupations').items).toHaveLength(3);
    expect(
      exported.manifest.parameters.find((p: { key: string }) => p.key === 'gdIncomeThreshold'),
    ).toMatchObject({
      title: { zh: '广东省监测收入标准' },
      values: [
        { year: 2026, value: 8000 },
        { year: 2027, value: 8300 },
      ],
    });
    expect(exported.forms.map((f: { key: string }) => f.key)).toContain('application-gd');
    expect(exported.processes.map((p: { key: string }) => p.key)).toContain('identification-gd');
  });
});
