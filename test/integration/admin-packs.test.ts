/**
 * Packs side by side (issue #20, acceptance 2): a second pack brings its own roles, parameters and
 * schedules and never changes the first pack's; the import preview lists every effect; what would change
 * another pack is refused; what takes something in use away is refused unless confirmed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { syncPackSchedules, syncSchedules } from '../../server/services/schedules.js';
import { createTestDatabase } from '../support/db.js';
import { exportPack } from '../../server/services/packs.js';
import { importValidatedPack } from '../../server/services/process-publish.js';

let app: TestApp;
let admin: ApiClient;
let sec: ApiClient;
beforeAll(async () => {
  app = await createTestApp();
  admin = await app.as('admin');
  sec = await app.as('secadmin');
  await syncPackSchedules(app.svc);
});
afterAll(async () => {
  // leave no schedule behind on the shared dev server
  if (app) await syncSchedules(app.svc, []);
  await app?.close();
});

/** what the first pack has, as an administrator sees it */
async function hunanState() {
  const roles = (await admin.get('/api/admin/roles')).body.items as { key: string; packs: string[] }[];
  const schedules = (await admin.get('/api/admin/schedules')).body.items as {
    id: string;
    registered: boolean;
    nextRuns: string[];
  }[];
  const exported = (await admin.get('/api/admin/packs/hunan/export')).body;
  return {
    roles: roles.filter((r) => r.packs.includes('hunan')).map((r) => r.key),
    schedules: schedules
      .filter((s) => exported.manifest.schedules.some((x: { id: string }) => x.id === s.id))
      .map((s) => ({ id: s.id, registered: s.registered, nextRuns: s.nextRuns })),
    parameters: exported.manifest.parameters,
    processes: exported.processes,
    forms: exported.forms,
    codelists: exported.codelists,
  };
}

const TRIAL_SWEEP = {
  id: 'trial-sweep',
  process: 'sweep-campaign',
  title: { zh: '试点集中排查' },
  calendar: { month: [6], dayOfMonth: [1], hour: [9] },
  targets: 'villages',
};
const minimal = (version: string, extra: Record<string, unknown> = {}) => ({
  manifest: {
    id: 'shanwei-trial',
    version,
    title: { zh: '汕尾试点', en: 'Shanwei trial' },
    roles: [{ key: 'trial_reviewer', title: { zh: '试点审核人' }, levels: ['county'] }],
    parameters: [{ key: 'trialThreshold', title: { zh: '试点标准' }, values: [{ year: 2026, value: 8000 }] }],
    schedules: [TRIAL_SWEEP],
    ...extra,
  },
  forms: [] as Record<string, unknown>[],
  codelists: [] as Record<string, unknown>[],
  processes: [] as Record<string, unknown>[],
});

describe('a second pack beside the first', () => {
  it('previews every effect, then imports without touching the first pack’s roles, schedules or parameters', async () => {
    const before = await hunanState();
    expect(before.schedules).toHaveLength(6);
    expect(before.schedules.every((s) => s.registered)).toBe(true);
    expect(before.roles).toContain('village_cadre');

    const preview = await admin.post('/api/admin/packs/import', { ...minimal('1'), dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body.effects).toMatchObject({
      pack: 'shanwei-trial',
      installedVersion: null,
      changes: [
        { kind: 'parameter', key: 'trialThreshold', change: 'added' },
        { kind: 'schedule', key: 'trial-sweep', change: 'added' },
      ],
      kept: [],
      roles: { added: ['trial_reviewer'], removed: [] },
      conflicts: [],
      destructive: [],
    });
    // a preview writes nothing
    expect((await admin.get('/api/admin/packs')).body.items.map((p: { id: string }) => p.id)).toEqual([
      'hunan',
    ]);

    const imported = await admin.post('/api/admin/packs/import', minimal('1'));
    expect(imported.status).toBe(200);
    expect(imported.body.schedules.created).toEqual(['trial-sweep']);
    expect(imported.body.schedules.deleted).toEqual([]);
    expect(await hunanState()).toEqual(before);
    const packs = (await admin.get('/api/admin/packs')).body.items;
    expect(packs.map((p: { id: string; version: string }) => `${p.id}@${p.version}`)).toEqual([
      'hunan@2021.1',
      'shanwei-trial@1',
    ]);

    // both packs' roles can be assigned: the first pack's are still there
    const created = await sec.post('/api/admin/users', {
      username: 'cadre.second',
      name: '第二包后的村干部',
      password: 'zhenxing-Strong-1',
      roles: [{ role: 'village_cadre', org: 'v-zhushan' }],
    });
    expect(created.status).toBe(201);
    const trial = await sec.post('/api/admin/users', {
      username: 'trial.reviewer',
      name: '试点审核人',
      password: 'zhenxing-Strong-1',
      roles: [{ role: 'trial_reviewer', org: 'hn-hy-hn' }],
    });
    expect(trial.status).toBe(201);

    // the second pack's export holds only its own things
    const second = (await admin.get('/api/admin/packs/shanwei-trial/export')).body;
    expect(second.manifest.parameters.map((p: { key: string }) => p.key)).toEqual(['trialThreshold']);
    expect([second.forms, second.processes, second.codelists]).toEqual([[], [], []]);
    expect(before.parameters.map((p: { key: string }) => p.key)).not.toContain('trialThreshold');
  });

  it('refuses a pack that would change another pack’s parameter, form or schedule, naming each; nothing changes', async () => {
    const before = await hunanState();
    const hunan = (await admin.get('/api/admin/packs/hunan/export')).body;
    const application = structuredClone(hunan.forms.find((f: { key: string }) => f.key === 'application'));
    application.title = '改过的申请书';
    const relations = hunan.codelists.find((c: { key: string }) => c.key === 'relations');
    const bad = minimal('2', {
      parameters: [
        { key: 'trialThreshold', values: [{ year: 2026, value: 8000 }] },
        { key: 'incomeThreshold', values: [{ year: 2026, value: 1 }] },
      ],
      schedules: [{ ...hunan.manifest.schedules[0] }],
    });
    bad.forms = [application];
    // an identical code list is shared, not a conflict
    bad.codelists = [relations];
    const preview = await admin.post('/api/admin/packs/import', { ...bad, dryRun: true });
    expect(preview.body.effects.shared).toEqual([{ kind: 'codelist', key: 'relations', owner: 'hunan' }]);
    const refused = await admin.post('/api/admin/packs/import', bad);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('owned_by_other_pack');
    expect(refused.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'form/application',
      'parameter/incomeThreshold',
      `schedule/${hunan.manifest.schedules[0].id}`,
    ]);
    expect(refused.body.errors[0].message).toMatch(/属于政策包“hunan”/);
    expect(await hunanState()).toEqual(before);
    expect((await admin.get('/api/admin/packs')).body.items[1].version).toBe('1');
  });

  it('dropping a role accounts hold or a schedule is listed as destructive and needs confirming', async () => {
    const before = await hunanState();
    const dropped = minimal('3', { roles: [], schedules: [] });
    const preview = (await admin.post('/api/admin/packs/import', { ...dropped, dryRun: true })).body.effects;
    expect(preview.roles.removed).toEqual([{ key: 'trial_reviewer', users: 1 }]);
    expect(preview.changes).toEqual([{ kind: 'schedule', key: 'trial-sweep', change: 'removed' }]);
    expect(preview.destructive.map((e: { path: string }) => e.path)).toEqual([
      'roles/trial_reviewer',
      'schedules/trial-sweep',
    ]);
    const refused = await admin.post('/api/admin/packs/import', dropped);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('confirm_destructive');
    expect(refused.body.errors[0].message).toBe('角色“trial_reviewer”将被删除，仍有 1 个账号持有该角色');
    const ids = async () =>
      (await admin.get('/api/admin/schedules')).body.items.map((s: { id: string }) => s.id);
    expect(await ids()).toContain('trial-sweep');

    const confirmed = await admin.post('/api/admin/packs/import', { ...dropped, confirm: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.schedules.deleted).toEqual(['trial-sweep']);
    expect(await ids()).not.toContain('trial-sweep');
    const roles = (await admin.get('/api/admin/roles')).body.items.map((r: { key: string }) => r.key);
    expect(roles).not.toContain('trial_reviewer');
    // the first pack is as it was
    expect(await hunanState()).toEqual(before);
  });

  it('each pack’s export, imported into an empty database, exports again identical', async () => {
    const hunan = (await admin.get('/api/admin/packs/hunan/export')).body;
    const trial = (await admin.get('/api/admin/packs/shanwei-trial/export')).body;
    expect(trial.manifest.parameters.map((p: { key: string }) => p.key)).toEqual(['trialThreshold']);
    const empty = await createTestDatabase();
    try {
      for (const bundle of [hunan, trial]) await importValidatedPack(empty.db, bundle);
      expect(JSON.parse(JSON.stringify(await exportPack(empty.db, 'hunan')))).toEqual(hunan);
      expect(JSON.parse(JSON.stringify(await exportPack(empty.db, 'shanwei-trial')))).toEqual(trial);
    } finally {
      await empty.drop();
    }
  });
});
