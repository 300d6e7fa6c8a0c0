import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCountyDatabase, inWorker } from '../test/support/activity.js';
import type { TestDatabase } from '../test/support/db.js';
import { schemaErrors } from './define.js';
import { compareDepartmentData } from './department-data.js';

let tdb: TestDatabase;
const run = inWorker(compareDepartmentData, () => tdb.db, { caseId: 'CMP-1' });

const HEAD_0001 = '430422197203040013'; // 黄志强, head of HH-0001 (竹山村)
const SON_0001 = '430422200501010036'; // 黄德明, a member of HH-0001
const OUTSIDER = '430422199912120011'; // in no registered household

beforeAll(async () => {
  tdb = await demoCountyDatabase();
  // only the records this test names (not the demo county's)
  await tdb.owner().query('DELETE FROM department_records');
  await tdb.owner().query(
    `INSERT INTO department_records (id, department, kind, id_number, name, amount, period) VALUES
       ('r1', 'medical_insurance', 'medical_expense', $1, '黄志强', 23800.5, '2026-10'),
       ('r2', 'civil_affairs', 'dibao', $2, '黄德明', NULL, NULL),
       ('r3', 'rural_bureau', 'poverty_alleviated', $1, '黄志强', NULL, NULL),
       ('r4', 'disability', 'disability_certificate', $3, '外村人', NULL, '2026-09')`,
    [HEAD_0001, SON_0001, OUTSIDER],
  );
});
afterAll(async () => {
  await tdb?.drop();
});

describe('compareDepartmentData', () => {
  it('finds the department records of every member of the region’s households, with their household', async () => {
    const out = await run({ orgId: 'v-zhushan' });
    expect(out.hits).toEqual([
      {
        department: 'civil_affairs',
        kind: 'dibao',
        idNumber: SON_0001,
        name: '黄德明',
        amount: null,
        period: null,
        householdId: 'HH-0001',
      },
      {
        department: 'medical_insurance',
        kind: 'medical_expense',
        idNumber: HEAD_0001,
        name: '黄志强',
        amount: 23800.5,
        period: '2026-10',
        householdId: 'HH-0001',
      },
    ]);
    expect(schemaErrors(compareDepartmentData.outputSchema, out)).toEqual([]);
  });

  it('compares named people too, registered or not; a status record (脱贫户) is no hit', async () => {
    const out = await run({ idNumbers: [OUTSIDER, HEAD_0001, ''] });
    expect(out.hits.map((h) => [h.kind, h.idNumber, h.householdId])).toEqual([
      ['disability_certificate', OUTSIDER, null],
      ['medical_expense', HEAD_0001, 'HH-0001'],
    ]);
    expect(schemaErrors(compareDepartmentData.outputSchema, out)).toEqual([]);
  });

  it('finds nothing in a region without hits, and refuses input its schema refuses', async () => {
    const out = await run({ orgId: 'v-xinhe' });
    expect(out.hits).toEqual([]);
    expect(Date.parse(out.checkedAt)).not.toBeNaN();
    expect(schemaErrors(compareDepartmentData.inputSchema, { orgId: 'v-xinhe', county: 'x' })).not.toEqual(
      [],
    );
    expect(schemaErrors(compareDepartmentData.inputSchema, { idNumbers: [1] })).not.toEqual([]);
  });
});
