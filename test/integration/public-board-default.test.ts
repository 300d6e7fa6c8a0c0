/**
 * 公示栏 the public board without a place, with two provinces on one platform: it opens the county whose notice
 * window opened most recently and is still open, and the first county when no window is open. The read model is
 * written by the real projection (the writer the case workflow uses), on a real database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelActivities } from '../../activities/projection.js';
import { caseOrg } from '../../server/services/directory.js';
import { listNotices } from '../../server/services/public-board.js';
import type { ProjectionEvent } from '../../workflows/contract.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { GD, importGuangdong } from '../support/guangdong.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  await importGuangdong(await app.as('admin'));
});
afterAll(async () => {
  await app?.close();
});

const HOUR = 3_600_000;

/** a case at `village` whose village notice window opened at `opensAt` */
async function windowAt(caseId: string, village: string, opensAt: number, title: string) {
  const org = (await caseOrg(app.tdb.db, village))!;
  const events: ProjectionEvent[] = [
    {
      seq: 1,
      at: opensAt,
      kind: 'case.started',
      processKey: 'identification',
      processVersion: 1,
      title,
      org,
      subject: { kind: 'other', name: title },
      initiatorId: 'admin',
      data: {},
    },
    {
      seq: 2,
      at: opensAt,
      kind: 'notice.opened',
      stepId: 'notice',
      noticeId: `${caseId}:notice`,
      level: 'village',
      orgId: village,
      orgPath: org.path,
      title: `${title}（村级公示）`,
      content: {},
      days: 7,
      calendar: 'calendar',
      opensAt,
      closesAt: opensAt + 7 * 24 * HOUR,
    },
  ];
  await readModelActivities(app.tdb.db).project({ caseId, events });
}

async function close(caseId: string) {
  await readModelActivities(app.tdb.db).project({
    caseId,
    events: [
      { seq: 3, at: Date.now(), kind: 'notice.closed', noticeId: `${caseId}:notice`, objectionCount: 0 },
    ],
  });
}

describe('the public board without a place', () => {
  it('opens the county of the most recently opened window that is still open', async () => {
    await windowAt('board-hn', 'v-zhushan', Date.now() - 2 * HOUR, '湖南公示');
    await windowAt('board-gd', GD.village, Date.now() - HOUR, '广东公示');
    const gd = await listNotices(app.svc, {});
    expect(gd.org.id).toBe(GD.county);
    expect(gd.items.map((n) => n.title)).toEqual(['广东公示（村级公示）']);
    // once the Guangdong window closes, a villager in Hunan opening /public sees Hunan's open window
    await close('board-gd');
    const hn = await listNotices(app.svc, {});
    expect(hn.items.map((n) => n.title)).toEqual(['湖南公示（村级公示）']);
    expect(hn.org.id).not.toBe(GD.county);
  });

  it('opens the first county when no window is open anywhere', async () => {
    await close('board-hn');
    const first = await app.tdb.db.query(
      `SELECT id FROM org_nodes WHERE level = 'county' ORDER BY path LIMIT 1`,
    );
    expect((await listNotices(app.svc, {})).org.id).toBe(first.rows[0].id);
  });
});
