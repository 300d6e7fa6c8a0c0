import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCountyDatabase, inWorker, projectedCase } from '../test/support/activity.js';
import type { TestDatabase } from '../test/support/db.js';
import { schemaErrors } from './define.js';
import { listAdmittedProjects, listAssetLedgers } from './project-register.js';

let tdb: TestDatabase;
const approved = { status: 'approved', outcome: 'approved' } as const;
const rejected = { status: 'rejected', outcome: 'rejected' } as const;
const project = (name: string, start: string, total: number, location: string) => ({
  project: { name, schedule: { start }, funding: { total }, location },
});

beforeAll(async () => {
  tdb = await demoCountyDatabase();
  const cases = [
    {
      id: 'P-1',
      orgId: 'v-zhushan',
      data: project('竹山村产业路硬化', '2027-03-01', 120, '竹山村'),
      ended: approved,
    },
    {
      id: 'P-2',
      orgId: 't-huaqiao',
      data: project('花桥镇冷链仓储', '2026-05-01', 80.5, '花桥镇'),
      ended: approved,
    },
    {
      id: 'P-3',
      orgId: 'v-heping',
      data: project('和平村光伏', '2027-01-01', 60, '和平村'),
      ended: rejected,
    },
    { id: 'P-4', orgId: 'v-heping', data: project('和平村水渠', '2027-04-01', 30, '和平村') }, // still running
  ];
  for (const c of cases) await projectedCase(tdb.db, { ...c, processKey: 'project-library' });
  const ledger = (assetName: string, value: number) => ({
    'asset-ledger': { assetName, assetType: 'road', value, owner: '竹山村集体', manager: '竹山村委会' },
  });
  await projectedCase(tdb.db, {
    id: 'L-1',
    processKey: 'asset-ledger-publication',
    orgId: 'v-zhushan',
    data: ledger('产业路', 120),
    ended: approved,
  });
  await projectedCase(tdb.db, {
    id: 'L-2',
    processKey: 'asset-ledger-publication',
    orgId: 'v-zhushan',
    data: ledger('未公开的台账', 5),
  });
});
afterAll(async () => {
  await tdb?.drop();
});

describe('listAdmittedProjects', () => {
  const run = inWorker(listAdmittedProjects, () => tdb.db, { caseId: 'PLAN-1' });

  it('lists the admitted projects under the county (not rejected or running ones), with year and funding', async () => {
    const out = await run({ orgId: 'hn-hy-hn' });
    expect(out.projects.sort((a, b) => a.caseId.localeCompare(b.caseId))).toEqual([
      { caseId: 'P-1', name: '竹山村产业路硬化', year: 2027, funding: 120, location: '竹山村' },
      { caseId: 'P-2', name: '花桥镇冷链仓储', year: 2026, funding: 80.5, location: '花桥镇' },
    ]);
    expect(schemaErrors(listAdmittedProjects.outputSchema, out)).toEqual([]);
  });

  it('keeps to the plan year and the node asked for', async () => {
    expect((await run({ orgId: 'hn-hy-hn', year: 2027 })).projects.map((p) => p.caseId)).toEqual(['P-1']);
    expect((await run({ orgId: 't-huaqiao', year: null })).projects.map((p) => p.caseId)).toEqual(['P-2']);
    expect(schemaErrors(listAdmittedProjects.inputSchema, { orgId: '' })).not.toEqual([]);
    expect(schemaErrors(listAdmittedProjects.inputSchema, { orgId: 'x', year: 2027.5 })).not.toEqual([]);
  });
});

describe('listAssetLedgers', () => {
  it('lists the published ledgers under a node, without the ones still in progress', async () => {
    const out = await inWorker(listAssetLedgers, tdb.db, { caseId: 'LEDGER-1' })({ orgId: 'hn-hy-hn' });
    expect(out).toEqual({
      ledgers: [
        {
          caseId: 'L-1',
          assetName: '产业路',
          assetType: 'road',
          value: 120,
          owner: '竹山村集体',
          manager: '竹山村委会',
          orgName: '竹山村',
        },
      ],
    });
    expect(schemaErrors(listAssetLedgers.outputSchema, out)).toEqual([]);
    expect(schemaErrors(listAssetLedgers.inputSchema, { orgId: 'x', year: 2027 })).not.toEqual([]);
  });
});
