import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCountyDatabase, inWorker, projectedCase } from '../test/support/activity.js';
import type { TestDatabase } from '../test/support/db.js';
import { publishAnnouncement } from './announcement.js';
import { schemaErrors } from './define.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await demoCountyDatabase();
  await projectedCase(tdb.db, {
    id: 'PRJ-1',
    processKey: 'project-library',
    orgId: 'hn-hy-hn',
    data: { project: { name: '竹山村产业路硬化' } },
  });
});
afterAll(async () => {
  await tdb?.drop();
});

const scheduledAt = new Date('2026-11-02T01:30:00Z');
const run = inWorker(publishAnnouncement, () => tdb.db, { caseId: 'PRJ-1', scheduledAt });
const input = {
  key: 'admitted',
  title: '项目入库公告：竹山村产业路硬化',
  orgId: 'hn-hy-hn',
  form: 'project',
  content: { name: '竹山村产业路硬化', funding: { total: 120 } },
};

describe('publishAnnouncement', () => {
  it('posts a long-term entry on the county’s board, its fields named by form, dated by the workflow’s clock', async () => {
    const out = await run(input);
    expect(out).toEqual({ noticeId: 'PRJ-1:long-term:admitted' });
    expect(schemaErrors(publishAnnouncement.outputSchema, out)).toEqual([]);
    const { rows } = await tdb.db.query(
      'SELECT id, case_id, step_id, org_id, org_path, level, title, content, kind, opens_at, closes_at FROM notices',
    );
    expect(rows).toEqual([
      {
        id: 'PRJ-1:long-term:admitted',
        case_id: 'PRJ-1',
        step_id: 'admitted',
        org_id: 'hn-hy-hn',
        org_path: ['hn', 'hn-hy', 'hn-hy-hn'],
        level: 'county',
        title: '项目入库公告：竹山村产业路硬化',
        content: { 'project.name': '竹山村产业路硬化', 'project.funding': { total: 120 } },
        kind: 'long-term',
        opens_at: scheduledAt,
        closes_at: scheduledAt,
      },
    ]);
  });

  it('posts once: a retry (or a corrected title) updates the same entry', async () => {
    await run({ ...input, title: '项目入库公告（更正）' });
    const { rows } = await tdb.db.query('SELECT id, title FROM notices');
    expect(rows).toEqual([{ id: 'PRJ-1:long-term:admitted', title: '项目入库公告（更正）' }]);
  });

  it('refuses an unknown organisation for good (no retry), and input its schema refuses', async () => {
    await expect(run({ ...input, orgId: 'nowhere' })).rejects.toMatchObject({
      nonRetryable: true,
      type: 'InvalidInput',
    });
    expect(schemaErrors(publishAnnouncement.inputSchema, { ...input, key: 'Admitted!' })).not.toEqual([]);
    expect(schemaErrors(publishAnnouncement.inputSchema, { ...input, title: '' })).not.toEqual([]);
  });
});
