/**
 * 移动机构 (issue #20, "add, rename, move, close nodes at any level"): a township moves, with its villages,
 * under another county in one step; its cases, households and accounts follow (who sees the case changes
 * with the tree), the move is audited, and a move under the node's own subtree, under a node of its level
 * or below, or under an unknown node is refused with the list and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ApiClient, type TestApp } from '../support/app.js';
import { application } from '../support/demo.js';

let app: TestApp;
let admin: ApiClient;
beforeAll(async () => {
  app = await createTestApp();
  admin = await app.as('admin');
});
afterAll(async () => {
  await app?.close();
});

const paths = async () =>
  (
    await app.tdb.db.query(
      `SELECT 'node' AS kind, id, path FROM org_nodes
       UNION ALL SELECT 'case', id, org_path FROM cases
       UNION ALL SELECT 'household', id, org_path FROM households
       UNION ALL SELECT 'notice', id, org_path FROM notices ORDER BY 1, 2`,
    )
  ).rows;

describe('moving an organisation node', () => {
  it('moves a township with its villages, cases, households and accounts under another county', async () => {
    const cadre = await app.as('cadre.zhushan');
    const started = await cadre.post('/api/cases', {
      process: 'identification',
      org: 'v-zhushan',
      subject: { id: 'HH-0001' },
      requestId: 'move-1',
      data: application('HH-0001'),
    });
    expect(started.status).toBe(201);
    const caseId = started.body.id as string;
    const bureau = await app.as('bureau');
    expect((await bureau.get(`/api/cases/${caseId}`)).status).toBe(200);

    // a new county beside 衡南县, added in the tree editor
    const added = await admin.post('/api/admin/org-nodes', {
      code: '430426',
      name: '祁东县',
      parentCode: 'hn-hy',
      level: '县',
    });
    expect(added.status).toBe(200);
    expect(added.body.added).toEqual([
      { code: '430426', name: '祁东县', level: 'county', parentCode: 'hn-hy' },
    ]);

    const moved = await admin.post('/api/admin/org-nodes/t-yunji/move', { parentCode: '430426' });
    expect(moved.status).toBe(200);
    expect(moved.body.moved.org_nodes).toBe(6);
    // 云集街道, 竹山村 and its two groups, 和平村 and its group; the case started before still runs, and its
    // workflow is told its new org (test/workflows/org-move.test.ts: its next steps open under the new tree)
    expect([moved.body.runningCases, moved.body.told]).toEqual([1, 1]);
    expect((await app.tdb.db.query('SELECT count(*)::int AS n FROM case_org_syncs')).rows[0].n).toBe(0);

    const tree = (await admin.get('/api/admin/org-tree?root=430426')).body.items;
    expect(tree.map((n: { name: string }) => n.name)).toEqual([
      '祁东县',
      '云集街道',
      '和平村',
      '和平村第一村民小组',
      '竹山村',
      '竹山村第一村民小组',
      '竹山村第二村民小组',
    ]);
    const caseRow = (await app.tdb.db.query('SELECT org_path FROM cases WHERE id = $1', [caseId])).rows[0];
    expect(caseRow.org_path).toEqual(['hn', 'hn-hy', '430426', 't-yunji', 'v-zhushan']);
    const households = (
      await app.tdb.db.query(
        `SELECT DISTINCT org_path FROM households WHERE org_id IN ('v-zhushan', 'v-heping') ORDER BY 1`,
      )
    ).rows.map((r) => r.org_path);
    expect(households).toEqual([
      ['hn', 'hn-hy', '430426', 't-yunji', 'v-heping'],
      ['hn', 'hn-hy', '430426', 't-yunji', 'v-zhushan'],
    ]);
    // 衡南县's bureau no longer covers the case; the village cadre still works on it
    expect((await bureau.get(`/api/cases/${caseId}`)).status).toBe(404);
    expect((await cadre.get(`/api/cases/${caseId}`)).status).toBe(200);
    // 衡南县's subtree no longer holds it
    const listed = (await admin.get('/api/admin/org-tree?root=hn-hy-hn')).body.items;
    expect(listed.map((n: { id: string }) => n.id)).not.toContain('t-yunji');

    const audit = (
      await app.tdb.db.query(`SELECT actor_id, target, detail FROM audit_events WHERE action = 'org.move'`)
    ).rows;
    expect(audit).toHaveLength(1);
    expect(audit[0].target).toBe('t-yunji');
    expect(audit[0].detail).toMatchObject({ from: 'hn-hy-hn', to: '430426' });
  });

  it('refuses a move under its own subtree, under a wrong level or an unknown node, with the list, and changes nothing', async () => {
    const before = await paths();
    const own = await admin.post('/api/admin/org-nodes/hn-hy/move', { parentCode: 'v-zhushan' });
    expect(own.status).toBe(422);
    expect(own.body.errors.map((e: { path: string }) => e.path)).toEqual(['parentCode', 'level']);
    expect(own.body.errors[0].message).toBe('不能移到自身或其下级之下：hn-hy → 430426 → t-yunji → v-zhushan');
    expect(own.body.errors[0].message_en).toMatch(/own subtree/);
    expect(own.body.errors[1].message).toBe('市“衡阳市”不能在村（社区）“竹山村”之下');

    const same = await admin.post('/api/admin/org-nodes/t-huaqiao/move', { parentCode: 't-yunji' });
    expect(same.status).toBe(422);
    expect(same.body.errors).toEqual([
      {
        path: 'level',
        message: '乡镇“花桥镇”不能在乡镇“云集街道”之下',
        message_en: 'a township cannot sit under a township',
      },
    ]);
    const unknown = await admin.post('/api/admin/org-nodes/t-huaqiao/move', { parentCode: '999999' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].message).toBe('上级代码 999999 不存在');
    expect((await admin.post('/api/admin/org-nodes/nowhere/move', { parentCode: 'hn-hy' })).status).toBe(404);
    expect((await admin.post('/api/admin/org-nodes/t-huaqiao/move', {})).status).toBe(422);
    // only the administrator moves nodes
    const sec = await app.as('secadmin');
    expect((await sec.post('/api/admin/org-nodes/t-huaqiao/move', { parentCode: '430426' })).status).toBe(
      403,
    );
    expect(await paths()).toEqual(before);
  });
});
