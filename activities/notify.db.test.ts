import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCountyDatabase, inWorker } from '../test/support/activity.js';
import type { TestDatabase } from '../test/support/db.js';
import { schemaErrors } from './define.js';
import { notify } from './notify.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await demoCountyDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

const sentFor = async (caseId: string) =>
  (
    await tdb.db.query(
      `SELECT user_id, role, org_id, kind, message FROM notifications WHERE case_id = $1 ORDER BY id`,
      [caseId],
    )
  ).rows;

describe('notify', () => {
  it('tells each named user once; a retry of the same activity sends nothing again', async () => {
    const run = inWorker(notify, () => tdb.db, { caseId: 'N-1', activityId: '4' });
    const input = { message: '请于三日内补充材料', userIds: ['cadre.zhushan', 'secretary.zhushan'] };
    const out = await run(input);
    expect(out).toEqual({ sent: 2 });
    expect(schemaErrors(notify.outputSchema, out)).toEqual([]);
    expect(await sentFor('N-1')).toEqual([
      { user_id: 'cadre.zhushan', role: null, org_id: null, kind: 'activity', message: '请于三日内补充材料' },
      {
        user_id: 'secretary.zhushan',
        role: null,
        org_id: null,
        kind: 'activity',
        message: '请于三日内补充材料',
      },
    ]);
    expect(await inWorker(notify, tdb.db, { caseId: 'N-1', activityId: '4', attempt: 2 })(input)).toEqual({
      sent: 0,
    });
    expect(await sentFor('N-1')).toHaveLength(2);
  });

  it('tells a role at a node with one notification; another activity of the case sends its own', async () => {
    const input = { message: '公示期满', role: 'township_reviewer', orgId: 't-yunji' };
    expect(await inWorker(notify, tdb.db, { caseId: 'N-2', activityId: '7' })(input)).toEqual({ sent: 1 });
    expect(await inWorker(notify, tdb.db, { caseId: 'N-2', activityId: '9' })(input)).toEqual({ sent: 1 });
    expect(await sentFor('N-2')).toEqual([
      { user_id: null, role: 'township_reviewer', org_id: 't-yunji', kind: 'activity', message: '公示期满' },
      { user_id: null, role: 'township_reviewer', org_id: 't-yunji', kind: 'activity', message: '公示期满' },
    ]);
  });

  it('refuses input its schema refuses', () => {
    expect(schemaErrors(notify.inputSchema, { message: '' })).not.toEqual([]);
    expect(schemaErrors(notify.inputSchema, { message: '好', to: 'x' })).not.toEqual([]);
  });
});
