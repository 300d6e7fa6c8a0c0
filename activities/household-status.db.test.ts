import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCountyDatabase, inWorker } from '../test/support/activity.js';
import type { TestDatabase } from '../test/support/db.js';
import { schemaErrors } from './define.js';
import { setHouseholdStatus } from './household-status.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await demoCountyDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

const q = async (sql: string, args: unknown[]) => (await tdb.db.query(sql, args)).rows;
const history = (hid: string, caseId: string) =>
  q(
    `SELECT kind, id_number, reason, detail FROM household_history WHERE household_id = $1 AND case_id = $2 ORDER BY seq`,
    [hid, caseId],
  );

describe('setHouseholdStatus', () => {
  it('sets the status, type and contact a procedure decided, and records the change once (a retry changes nothing)', async () => {
    const run = inWorker(setHouseholdStatus, () => tdb.db, { caseId: 'ID-1' });
    const input = {
      householdId: 'HH-0005',
      status: 'monitored' as const,
      type: '2', // 边缘易致贫户 (monitoring-types, seed lines 2274-2278)
      monitorContact: { name: '刘帮扶', phone: '13800000000' },
    };
    const out = await run(input);
    expect(out).toEqual({ updated: true });
    expect(schemaErrors(setHouseholdStatus.outputSchema, out)).toEqual([]);
    const row = async () =>
      (
        await q(
          'SELECT monitoring_status, monitoring_type, monitor_contact, monitored_since IS NOT NULL AS since FROM households WHERE id = $1',
          ['HH-0005'],
        )
      )[0];
    expect(await row()).toEqual({
      monitoring_status: 'monitored',
      monitoring_type: '2',
      monitor_contact: { name: '刘帮扶', phone: '13800000000' },
      since: true,
    });
    expect(await history('HH-0005', 'ID-1')).toEqual([
      { kind: 'status.changed', id_number: null, reason: null, detail: { from: 'none', to: 'monitored' } },
    ]);

    expect(await run(input)).toEqual({ updated: true });
    expect(await history('HH-0005', 'ID-1')).toHaveLength(1);

    // eliminated: the type stays when none is given, the date monitoring began is cleared
    expect(
      await inWorker(setHouseholdStatus, tdb.db, { caseId: 'EL-1' })({
        householdId: 'HH-0005',
        status: 'eliminated',
      }),
    ).toEqual({ updated: true });
    expect(await row()).toMatchObject({
      monitoring_status: 'eliminated',
      monitoring_type: '2',
      since: false,
    });
  });

  it('writes the approved 附件2 back: kept per case and stage, its members become the household’s', async () => {
    const run = inWorker(setHouseholdStatus, () => tdb.db, { caseId: 'ID-2' });
    const collection = {
      A3: '2',
      members: [
        { A5: '黄志强', A7: '430422197203040013', A8: '01' },
        { A5: '孙小军', A7: '43042219750809002x', A8: '02' },
        // 黄德明 (430422200501010036) is not listed: the verifiers found he no longer belongs to the household
      ],
    };
    const input = {
      householdId: 'HH-0001',
      status: 'monitored' as const,
      type: '3', // 突发严重困难户, where the verifiers proposed 2
      collection,
      stage: 'identification' as const,
    };
    const out = await run(input);
    expect(out).toEqual({ updated: true, collectionVersion: 1 });
    expect(schemaErrors(setHouseholdStatus.outputSchema, out)).toEqual([]);

    const stored = await q(
      'SELECT stage, case_id, version, data FROM household_collections WHERE household_id = $1',
      ['HH-0001'],
    );
    // the type the approval decided replaces the one the verifiers proposed
    expect(stored).toEqual([
      {
        stage: 'identification',
        case_id: 'ID-2',
        version: 1,
        data: { ...collection, A3: '3' },
      },
    ]);
    expect(
      await q(
        'SELECT id_number, active, left_reason FROM household_members WHERE household_id = $1 ORDER BY id_number',
        ['HH-0001'],
      ),
    ).toEqual([
      { id_number: '430422197203040013', active: true, left_reason: null },
      { id_number: '43042219750809002X', active: true, left_reason: null },
      { id_number: '430422200501010036', active: false, left_reason: 'verified_out' },
    ]);
    const kinds = (await history('HH-0001', 'ID-2')).map((h) => h.kind);
    expect(kinds).toContain('collection.written');

    // a retry keeps the version and writes no second history
    expect(await run(input)).toEqual({ updated: true, collectionVersion: 1 });
    expect((await history('HH-0001', 'ID-2')).map((h) => h.kind)).toEqual(kinds);
  });

  it('updates nothing for an unknown household, and refuses input its schema refuses', async () => {
    const run = inWorker(setHouseholdStatus, () => tdb.db, { caseId: 'ID-3' });
    expect(await run({ householdId: 'HH-9999', status: 'none' })).toEqual({ updated: false });
    expect(
      schemaErrors(setHouseholdStatus.inputSchema, { householdId: 'HH-0001', status: 'poor' }),
    ).not.toEqual([]);
    expect(
      schemaErrors(setHouseholdStatus.inputSchema, {
        householdId: 'HH-0001',
        status: 'none',
        stage: 'later',
      }),
    ).not.toEqual([]);
  });
});
