import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCountyDatabase, inWorker } from '../test/support/activity.js';
import type { TestDatabase } from '../test/support/db.js';
import { schemaErrors } from './define.js';
import { raiseDepartmentWarnings } from './department-warnings.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await demoCountyDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

const run = inWorker(raiseDepartmentWarnings, () => tdb.db, { caseId: 'CMP-7', activityId: '3' });
const q = async (sql: string, args: unknown[]) => (await tdb.db.query(sql, args)).rows;

describe('raiseDepartmentWarnings', () => {
  it('warns a household not yet monitored, hands it to its village once, and leaves monitored ones alone', async () => {
    const hits = [
      { householdId: 'HH-0001', department: 'medical_insurance', kind: 'medical_expense', idNumber: 'x' },
      { householdId: 'HH-0001', department: 'civil_affairs', kind: 'dibao' },
      { householdId: 'HH-0002', department: 'civil_affairs', kind: 'dibao' }, // monitored already
      { householdId: null, department: 'disability', kind: 'disability' }, // in no registered household
    ];
    const out = await run({ hits });
    expect(out).toEqual({ warned: ['HH-0001'] });
    expect(schemaErrors(raiseDepartmentWarnings.outputSchema, out)).toEqual([]);

    expect(
      await q('SELECT id, monitoring_status FROM households WHERE id = ANY($1) ORDER BY id', [
        ['HH-0001', 'HH-0002'],
      ]),
    ).toEqual([
      { id: 'HH-0001', monitoring_status: 'warning' },
      { id: 'HH-0002', monitoring_status: 'monitored' },
    ]);
    const warnings = await q(
      `SELECT household_id, village_id, kinds, raised_case_id, status FROM department_warnings WHERE raised_case_id = $1`,
      ['CMP-7'],
    );
    expect(warnings).toEqual([
      {
        household_id: 'HH-0001',
        village_id: 'v-zhushan',
        kinds: ['medical_insurance/medical_expense', 'civil_affairs/dibao'],
        raised_case_id: 'CMP-7',
        status: 'open',
      },
    ]);
    const told = await q(`SELECT role, org_id, kind, message FROM notifications WHERE case_id = $1`, [
      'CMP-7',
    ]);
    expect(told).toEqual([
      {
        role: 'village_cadre',
        org_id: 'v-zhushan',
        kind: 'warning',
        message: expect.stringMatching(/^部门数据预警：黄志强户（HH-0001）命中 .*请入户核查/),
      },
    ]);

    // a retry of the same activity tells nobody twice and raises no second warning
    expect(await run({ hits })).toEqual({ warned: ['HH-0001'] });
    expect(await q(`SELECT count(*)::int AS n FROM notifications WHERE case_id = $1`, ['CMP-7'])).toEqual([
      { n: 1 },
    ]);
    expect(
      await q(`SELECT count(*)::int AS n FROM department_warnings WHERE household_id = $1`, ['HH-0001']),
    ).toEqual([{ n: 1 }]);
  });

  it('warns nobody without hits, and refuses input its schema refuses', async () => {
    expect(await run({ hits: [] })).toEqual({ warned: [] });
    expect(schemaErrors(raiseDepartmentWarnings.inputSchema, {})).not.toEqual([]);
    expect(
      schemaErrors(raiseDepartmentWarnings.inputSchema, { hits: [{ householdId: 'HH-0001' }] }),
    ).not.toEqual([]);
  });
});
