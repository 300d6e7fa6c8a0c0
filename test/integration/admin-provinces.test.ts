/**
 * A second province beside Hunan without code (issue #20, acceptance 1, API): the administrator imports
 * a division list for 广东省 → 汕尾市 → two counties → townships → villages (previewed, idempotent),
 * the security administrator creates users there, a Guangdong pack (its own threshold parameter, a form
 * with an extra required field, a 5-day village notice) is installed for 广东省, a Guangdong case runs to
 * the end with Guangdong users; a Hunan cadre neither sees nor can start the Guangdong process (403),
 * and Hunan's roles, schedules, parameters and running cases are the same before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTask as openTaskOf, until } from '../support/notice-case.js';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { application, peopleOf } from '../support/demo.js';
import { syncPackSchedules, syncSchedules } from '../../server/services/schedules.js';
import {
  createGuangdongUsers,
  divisionsCsv,
  GD,
  GD_DIVISIONS,
  GD_PASSWORD,
  GD_USERS,
  guangdongPack,
} from '../support/guangdong.js';

let app: TestApp;
let admin: ApiClient;
let sec: ApiClient;
beforeAll(async () => {
  app = await createTestApp({ daySeconds: 1 });
  admin = await app.as('admin');
  sec = await app.as('secadmin');
  // as at server start: Hunan's schedules are registered in Temporal
  await syncPackSchedules(app.svc);
});
afterAll(async () => {
  // leave no schedule behind on the shared dev server
  if (app) await syncSchedules(app.svc, []);
  await app?.close();
});

const openTask = (caseId: string, step: string) => openTaskOf(app, caseId, step);

const DIVISIONS = divisionsCsv(GD_DIVISIONS);

const today = new Date().toISOString().slice(0, 10);

/** what Hunan has, as the administrator and the database see it */
async function hunanState() {
  const exported = (await admin.get('/api/admin/packs/hunan/export')).body;
  // a role Guangdong declares too is listed with both packs: compare what it is, not who shares it
  const roles = (await admin.get('/api/admin/roles')).body.items
    .filter((r: { packs: string[] }) => r.packs.includes('hunan'))
    .map(({ packs: _p, ...r }: { packs: string[] }) => r);
  const cases = (
    await app.tdb.db.query(
      `SELECT id, status, current_steps, process_version FROM cases WHERE NOT ($1 = ANY(org_path)) ORDER BY id`,
      [GD.province],
    )
  ).rows;
  const schedules = (await admin.get('/api/admin/schedules')).body.items.map(
    (x: { id: string; nextRuns: string[] }) => [x.id, x.nextRuns],
  );
  return {
    manifest: exported.manifest,
    processes: exported.processes,
    forms: exported.forms,
    codelists: exported.codelists,
    roles,
    schedules,
    cases,
  };
}

describe('广东省 beside 湖南省', () => {
  it('imports the division list after a preview; importing it again changes nothing', async () => {
    const preview = await admin.post('/api/admin/org-tree/import', { csv: DIVISIONS, dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body.added.map((a: { code: string; level: string }) => `${a.code}:${a.level}`)).toEqual([
      '440000:province',
      '441500:city',
      '441521:county',
      '441523:county',
      '441521100:township',
      '441523100:township',
      '441521100201:village',
      '441523100201:village',
    ]);
    expect((await admin.get(`/api/admin/org-tree?root=${GD.province}`)).body.items).toEqual([]);
    const done = await admin.post('/api/admin/org-tree/import', { csv: DIVISIONS });
    expect(done.body.added).toHaveLength(8);
    const again = await admin.post('/api/admin/org-tree/import', { csv: DIVISIONS });
    expect(again.body).toMatchObject({ added: [], renamed: [], unchanged: 8 });
    const tree = (await admin.get(`/api/admin/org-tree?root=${GD.province}`)).body.items;
    expect(tree.map((n: { name: string }) => n.name)).toEqual([
      '广东省',
      '汕尾市',
      '海丰县',
      '海城镇',
      '东风村',
      '陆河县',
      '河田镇',
      '新田村',
    ]);
    // a bad list is refused row by row, and nothing of it is written
    const bad = await admin.post('/api/admin/org-tree/import', {
      csv: '区划代码,名称,上级代码,层级\n441599,某区,449999,县\n44152110020X,坏村,441521100,村',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'rows.1.parentCode',
      'rows.2.code',
    ]);
    expect(bad.body.errors[0].message).toMatch(/^第 1 行：上级代码 449999 不存在/);
  });

  it('installs a Guangdong pack for 广东省: a Guangdong case runs to the end with Guangdong users; Hunan is unchanged and cannot start it', async () => {
    // a Hunan case running before
    const a = peopleOf('HH-0005');
    const hunanCadre = await app.as(a.cadre);
    const running = await hunanCadre.post('/api/cases', {
      process: 'identification',
      org: a.village,
      subject: { id: 'HH-0005' },
      requestId: 'hn-before',
      data: application('HH-0005'),
    });
    expect(running.status).toBe(201);
    await openTask(running.body.id, 'verify');
    const before = await hunanState();

    // Guangdong users, created by the security administrator at the new nodes
    await createGuangdongUsers(sec, 'cadre', 'reviewer');

    const hunan = (await admin.get('/api/admin/packs/hunan/export')).body;
    const pack = guangdongPack(hunan);
    const preview = await admin.post('/api/admin/packs/import', { ...pack, dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body.effects.shared).toEqual([{ kind: 'form', key: 'opinion', owner: 'hunan' }]);
    expect(preview.body.effects.destructive).toEqual([]);
    expect((await admin.post('/api/admin/packs/import', pack)).status).toBe(200);
    expect((await admin.post('/api/admin/packs/guangdong/scope', { org: GD.province })).body).toEqual({
      id: 'guangdong',
      scopeOrg: '440000',
    });

    // Hunan cannot see or start it
    const offered = async (c: ApiClient) =>
      (await c.get('/api/processes')).body.items.map((p: { key: string }) => p.key) as string[];
    expect(await offered(hunanCadre)).not.toContain('gd-sweep');
    expect(await offered(hunanCadre)).toContain('identification');
    const refused = await hunanCadre.post('/api/cases', {
      process: 'gd-sweep',
      org: a.village,
      requestId: 'hn-gd',
      subject: { name: '湖南试图发起' },
    });
    expect(refused.status).toBe(403);

    // a Guangdong case to the end with Guangdong users
    const gdCadre = await app.as(GD_USERS.cadre.username, GD_PASSWORD);
    expect(await offered(gdCadre)).toContain('gd-sweep');
    const started = await gdCadre.post('/api/cases', {
      process: 'gd-sweep',
      org: GD.village,
      requestId: 'gd-1',
      subject: { name: '东风村2026年排查' },
    });
    expect(started.status).toBe(201);
    const sweep = await openTask(started.body.id, 'sweep');
    const missing = await gdCadre.post(`/api/tasks/${sweep.id}/complete`, {
      requestId: 'gd-sweep-0',
      action: 'submit',
      data: { opinion: '发现风险', signer: '东风村干部', signDate: today, income: 7000 },
    });
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.body.errors)).toMatch(/coastalRisk/);
    const sent = await gdCadre.post(`/api/tasks/${sweep.id}/complete`, {
      requestId: 'gd-sweep-1',
      action: 'submit',
      data: { opinion: '发现风险', signer: '东风村干部', signDate: today, income: 7000, coastalRisk: '台风' },
    });
    expect(sent.status).toBe(200);
    // 7000 is below Guangdong's 8000 (Hunan's own threshold is not used): the notice opens for 5 days
    const notice = await until(
      async () =>
        (await app.tdb.db.query('SELECT days, level FROM notices WHERE case_id = $1', [started.body.id]))
          .rows[0],
      'notice',
    );
    expect(notice).toEqual({ days: 5, level: 'village' });
    const check = await openTask(started.body.id, 'township_check');
    const reviewer = await app.as(GD_USERS.reviewer.username, GD_PASSWORD);
    const approved = await reviewer.post(`/api/tasks/${check.id}/complete`, {
      requestId: 'gd-check-1',
      action: 'approve',
      data: { opinion: '同意', signer: '海城镇审核人', signDate: today },
    });
    expect(approved.status).toBe(200);
    const end = await until(
      async () =>
        (
          await app.tdb.db.query(`SELECT status FROM cases WHERE id = $1 AND status <> 'running'`, [
            started.body.id,
          ])
        ).rows[0],
      'end',
    );
    expect(end.status).toBe('approved');

    // Hunan: same roles, schedules, parameters, processes and running cases
    expect(await hunanState()).toEqual(before);
    // the Hunan cadre's inbox and case list hold nothing of Guangdong
    const inbox = (await hunanCadre.get('/api/tasks?view=todo')).body.items;
    expect(inbox.some((x: { process_key: string }) => x.process_key === 'gd-sweep')).toBe(false);
    expect((await hunanCadre.get(`/api/cases/${started.body.id}`)).status).toBe(404);

    // closing a node with users under it is refused with the list
    const close = await admin.post(`/api/admin/org-nodes/${GD.township}/close`, {});
    expect(close.status).toBe(409);
    expect(close.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'users/gd.cadre',
      'users/gd.reviewer',
    ]);
    // an empty county closes
    expect((await admin.post(`/api/admin/org-nodes/${GD.emptyCounty}/close`, {})).body.closed.sort()).toEqual(
      ['441523', '441523100', '441523100201'],
    );
  });
});
