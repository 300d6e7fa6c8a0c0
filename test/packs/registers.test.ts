/**
 * 项目库 as a register and the annual plan drawn from it (seeds/000…, lines 3407–3429): admitted and
 * refused entries with status, year and funding for staff; admitted ones in the public listing; the
 * annual plan opens with the library's admitted projects to select and rank. Time-skipping server,
 * service layer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPackHarness, type PackHarness } from '../support/pack-harness.js';
import {
  assetLedgerRegister,
  projectRegister,
  publicAssetLedgers,
  publicProjectRegister,
} from '../../server/services/registers.js';
import { getTask } from '../../server/services/tasks.js';
import { fileObjection, listNotices } from '../../server/services/public-board.js';

const DAY = 86_400_000;
let h: PackHarness;
beforeAll(async () => {
  h = await createPackHarness();
});
afterAll(async () => {
  await h?.close();
});

const project = (name: string, total: number, start = '2027-03-01') => ({
  name,
  category: '01',
  nature: '01',
  location: '云集街道',
  schedule: { start, end: '2027-10-31' },
  responsibleUnit: '云集街道办事处',
  tasks: '新建产业路 3 公里',
  funding: { total, sources: '衔接资金' },
  beneficiaries: '脱贫户和监测户 40 户',
  targets: '带动户均年增收 2000 元',
  participation: '村民代表大会讨论通过',
});
const opinion = (signer: string) => ({ opinion: '同意', signer, signDate: '2027-01-10' });

async function at(caseId: string, stepId: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await h.tdb.db.query(
      `SELECT id FROM tasks WHERE case_id = $1 AND step_id = $2 AND status = 'open' ORDER BY created_at, id`,
      [caseId, stepId],
    );
    if (rows[0]) return rows[0] as { id: string };
    if (Date.now() > deadline) throw new Error(`case ${caseId}: no open task at ${stepId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** a township-proposed entry through the three county opinions to the leading group's decision */
async function entry(name: string, total: number, admit: boolean) {
  const caseId = await h.start('sec.yunji', { process: 'project-library-direct', org: 't-yunji' });
  await h.act('sec.yunji', (await at(caseId, 'township_proposal')).id, 'submit', {
    data: project(name, total),
  });
  for (const [step, user] of [
    ['bureau_opinion', 'bureau'],
    ['finance_opinion', 'finance'],
    ['industry_opinion', 'agri'],
  ] as const)
    await h.act(user, (await at(caseId, step)).id, 'approve', { data: opinion(user) });
  const group = await at(caseId, 'leading_group');
  if (admit) {
    await h.act('leader', group.id, 'approve', { data: opinion('领导小组') });
    await h.env.sleep(10 * DAY + 1000);
  } else await h.act('leader', group.id, 'reject', { comment: '与已入库项目重复' });
  await h.waitStatus(caseId);
  return caseId;
}

let admitted: string;
let refused: string;

describe('项目库 the project register', () => {
  it('lists every entry of the region for staff with its status, year and funding; the public sees the admitted ones', async () => {
    admitted = await entry('云集街道产业路', 120.5, true);
    refused = await entry('云集街道重复项目', 30, false);
    const running = await h.start('sec.yunji', { process: 'project-library-direct', org: 't-yunji' });
    await h.act('sec.yunji', (await at(running, 'township_proposal')).id, 'submit', {
      data: project('云集街道在审项目', 10),
    });

    const staff = await projectRegister(h.svc, await h.who('bureau'), {});
    const row = (id: string) => staff.items.find((x) => x.caseId === id);
    expect(row(admitted)).toMatchObject({
      name: '云集街道产业路',
      status: 'admitted',
      year: 2027,
      funding: 120.5,
      orgName: expect.any(String),
    });
    expect(row(refused)).toMatchObject({ status: 'not_admitted', funding: 30 });
    expect(row(running)).toMatchObject({ status: 'in_progress', name: '云集街道在审项目' });
    expect(staff.totals).toEqual({ admitted: 1, funding: 120.5 });
    // filters, and a bad filter is a field error
    expect(
      (await projectRegister(h.svc, await h.who('bureau'), { status: 'admitted' })).items.map(
        (x) => x.caseId,
      ),
    ).toEqual([admitted]);
    expect((await projectRegister(h.svc, await h.who('bureau'), { year: '2028' })).items).toEqual([]);
    await expect(projectRegister(h.svc, await h.who('bureau'), { status: 'maybe' })).rejects.toMatchObject({
      kind: 'invalid',
      errors: [expect.objectContaining({ path: 'status' })],
    });
    // a village cadre of another township sees none of them
    const other = await projectRegister(h.svc, await h.who('cadre.heping'), {});
    expect(other.items.map((x) => x.caseId)).not.toContain(admitted);

    const county = await publicProjectRegister(h.svc, { org: 'hn-hy-hn' });
    expect(county.items.map((x) => x.name)).toEqual(['云集街道产业路']);
    expect(county.items[0]).toMatchObject({ year: 2027, funding: 120.5, admittedAt: expect.any(String) });
    expect(JSON.stringify(county.items[0])).not.toContain('status');
    await expect(publicProjectRegister(h.svc, {})).rejects.toMatchObject({
      kind: 'invalid',
      errors: [expect.objectContaining({ path: 'org', message: expect.stringMatching(/[\u4e00-\u9fff]/) })],
    });
  });

  it('the annual plan opens with the library’s admitted projects to select and rank, and refuses a plan without a selection or with two equal ranks', async () => {
    const caseId = await h.start('bureau', { process: 'project-annual-plan', org: 'hn-hy-hn' });
    const draft = await at(caseId, 'draft_plan');
    const shown = (await getTask(h.svc, await h.who('bureau'), draft.id)).initialData as {
      projects: Record<string, unknown>[];
    };
    expect(shown.projects).toEqual([
      { caseId: admitted, name: '云集街道产业路', year: 2027, funding: 120.5, location: '云集街道' },
    ]);
    const plan = (projects: Record<string, unknown>[]) => ({
      data: {
        year: 2027,
        projects,
        basis: '根据年度实际需求、任务和上年度资金规模择优选择',
        signer: '周局长',
        signDate: '2026-11-20',
      },
    });
    await expect(
      h.act('bureau', draft.id, 'submit', plan(shown.projects.map((p) => ({ ...p, selected: false })))),
    ).rejects.toMatchObject({
      status: 422,
      errors: [
        expect.objectContaining({ path: 'projects', message: '须从项目库中至少选择一个项目列入年度计划' }),
      ],
    });
    await expect(
      h.act('bureau', draft.id, 'submit', plan(shown.projects.map((p) => ({ ...p, selected: true })))),
    ).rejects.toMatchObject({
      status: 422,
      errors: [expect.objectContaining({ path: 'projects', message: '列入计划的每个项目都须排序' })],
    });
    const twice = [
      { ...shown.projects[0], selected: true, rank: 1 },
      { caseId: refused, name: '另一项目', selected: true, rank: 1 },
    ];
    await expect(h.act('bureau', draft.id, 'submit', plan(twice))).rejects.toMatchObject({
      status: 422,
      errors: [expect.objectContaining({ path: 'projects', message: '列入计划的项目排序不能重复' })],
    });
    await h.act('bureau', draft.id, 'submit', plan([{ ...shown.projects[0], selected: true, rank: 1 }]));
    await at(caseId, 'finance_check');
    const stored = (await h.tdb.db.query('SELECT data FROM cases WHERE id = $1', [caseId])).rows[0].data.plan;
    expect(stored).toMatchObject({
      totalFunding: 120.5,
      projects: [expect.objectContaining({ caseId: admitted, selected: true, rank: 1 })],
    });
  });
});

describe('资产台账 the asset-ledger register and the county ledger’s yearly publication (line 3335)', () => {
  const ledger = {
    assetName: '竹山村光伏电站',
    assetType: '1',
    project: '竹山村光伏扶贫项目',
    value: 560000,
    owner: '竹山村股份经济合作社',
    manager: '竹山村村民委员会',
    completedDate: '2026-06-30',
  };
  let ledgerCase: string;

  it('lists a ledger for staff while it is being published, and publicly once the county has announced it', async () => {
    ledgerCase = await h.start('cadre.zhushan', { process: 'asset-ledger-publication', org: 'v-zhushan' });
    await h.act('cadre.zhushan', (await at(ledgerCase, 'village_ledger')).id, 'submit', { data: ledger });
    const staff = await assetLedgerRegister(h.svc, await h.who('bureau'));
    expect(staff.items.find((x) => x.caseId === ledgerCase)).toMatchObject({
      assetName: '竹山村光伏电站',
      value: 560000,
      status: 'in_progress',
    });
    expect((await publicAssetLedgers(h.svc, { org: 'hn-hy-hn' })).items).toEqual([]);

    await h.env.sleep(10 * DAY + 1000);
    await h.act('sec.yunji', (await at(ledgerCase, 'township_ledger')).id, 'approve', {
      data: opinion('王国华'),
    });
    await h.env.sleep(10 * DAY + 1000);
    await h.act('agri', (await at(ledgerCase, 'department_confirm')).id, 'approve', {
      data: opinion('农业农村局'),
    });
    await h.act('bureau', (await at(ledgerCase, 'county_summary')).id, 'approve', {
      data: opinion('周局长'),
    });
    await h.act('leader', (await at(ledgerCase, 'county_approval')).id, 'approve', {
      data: opinion('县政府'),
    });
    await h.env.sleep(10 * DAY + 1000);
    expect(await h.waitStatus(ledgerCase)).toBe('approved');
    const open = await publicAssetLedgers(h.svc, { org: 'hn-hy-hn' });
    expect(open.items).toEqual([
      expect.objectContaining({
        caseId: ledgerCase,
        assetName: '竹山村光伏电站',
        publishedAt: expect.any(String),
      }),
    ]);
  });

  it('the yearly county publication opens with the published ledgers, is approved, posted for 10 days and stays long-term', async () => {
    const caseId = await h.start('bureau', { process: 'asset-ledger-republication', org: 'hn-hy-hn' });
    const compile = await at(caseId, 'compile');
    const shown = (await getTask(h.svc, await h.who('bureau'), compile.id)).initialData as {
      assets: Record<string, unknown>[];
    };
    expect(shown.assets).toEqual([
      expect.objectContaining({
        caseId: ledgerCase,
        assetName: '竹山村光伏电站',
        value: 560000,
        owner: ledger.owner,
      }),
    ]);
    await h.act('bureau', compile.id, 'submit', {
      data: {
        year: 2027,
        assets: shown.assets,
        changes: '本年度竹山村光伏电站管护主体未变，收益分配方案已备案',
        signer: '周局长',
        signDate: '2027-01-20',
      },
    });
    await h.act('leader', (await at(caseId, 'county_approval')).id, 'approve', { data: opinion('县政府') });
    const notice = (
      await h.tdb.db.query(
        `SELECT opens_at, closes_at, content FROM notices WHERE case_id = $1 AND kind = 'window'`,
        [caseId],
      )
    ).rows;
    expect(notice).toHaveLength(1);
    expect(notice[0].closes_at.getTime() - notice[0].opens_at.getTime()).toBe(10 * DAY);
    await h.env.sleep(10 * DAY + 1000);
    expect(await h.waitStatus(caseId)).toBe('approved');
    const board = await listNotices(h.svc, { org: 'hn-hy-hn' });
    expect(board.longTerm.filter((n) => n.id.startsWith(caseId))).toEqual([
      expect.objectContaining({ title: expect.stringContaining('2027年度县级资产台账'), kind: 'long-term' }),
    ]);
  });
});

describe('确权登记 ownership registration with objections (lines 3331–3333)', () => {
  const registration = {
    assetName: '云集街道冷链仓储中心',
    assetType: '1',
    project: '云集街道冷链物流项目',
    value: 1_200_000,
    owner: '云集街道股份经济合作联合社',
    manager: '云集街道农业服务中心',
    completedDate: '2026-08-31',
  };
  it('survey → review → announced; an upheld objection sends it back to the survey; announced again without objection, the county registers it', async () => {
    const caseId = await h.start('agri', {
      process: 'asset-ownership-registration',
      org: 'hn-hy-hn',
      subject: { name: registration.assetName },
    });
    await h.act('agri', (await at(caseId, 'survey')).id, 'submit', { data: registration });
    await h.act('bureau', (await at(caseId, 'review')).id, 'approve', { data: opinion('周局长') });
    const first = (
      await h.tdb.db.query(`SELECT id, content FROM notices WHERE case_id = $1 AND step_id = 'announce'`, [
        caseId,
      ])
    ).rows[0];
    expect(first.content).toMatchObject({ 'registration.owner': registration.owner });
    await fileObjection(h.svc, first.id, { content: '该中心部分设施属于村集体出资，所有权人登记有误' });
    await h.env.sleep(10 * DAY + 1000);
    await h.act('agri', (await at(caseId, 'investigate')).id, 'upheld', {
      comment: '村集体出资属实，重新调查',
      data: { findings: '村集体出资 20 万元属实', outcome: 'upheld', investigators: '林、周' },
    });
    // the survey again, with the corrected owner, and a second announcement without objection
    const fixed = {
      ...registration,
      owner: '云集街道股份经济合作联合社、竹山村股份经济合作社（按出资比例共有）',
    };
    await h.act('agri', (await at(caseId, 'survey')).id, 'submit', { data: fixed });
    await h.act('bureau', (await at(caseId, 'review')).id, 'approve', { data: opinion('周局长') });
    await h.env.sleep(10 * DAY + 1000);
    await h.act('leader', (await at(caseId, 'register')).id, 'approve', { data: opinion('县政府') });
    expect(await h.waitStatus(caseId)).toBe('approved');
    const notices = (
      await h.tdb.db.query(`SELECT content FROM notices WHERE case_id = $1 ORDER BY opens_at`, [caseId])
    ).rows;
    expect(notices.map((n) => n.content['registration.owner'])).toEqual([registration.owner, fixed.owner]);
  });
});

describe('收益分配 of township- and county-held assets (line 3345)', () => {
  const plan = {
    year: 2026,
    income: 180000,
    plan: '50% 用于公益岗位，30% 分配给脱贫户和监测户，20% 用于资产管护',
    beneficiaries: '脱贫户和监测户 60 户',
  };
  it('the owner proposes (the township or the county department), the plan is published, the county department reviews, the county government approves, the result is published', async () => {
    for (const [user, org, first] of [
      ['sec.yunji', 't-yunji', 'township_plan'],
      ['agri', 'hn-hy-hn', 'department_plan'],
    ] as const) {
      const caseId = await h.start(user, {
        process: 'asset-income-distribution-held',
        org,
        subject: { name: `${org} 代管资产收益` },
      });
      await h.act(user, (await at(caseId, first)).id, 'submit', { data: plan });
      await h.env.sleep(10 * DAY + 1000);
      await h.act('bureau', (await at(caseId, 'department_review')).id, 'approve', {
        data: opinion('周局长'),
      });
      await h.act('leader', (await at(caseId, 'county_approval')).id, 'approve', { data: opinion('县政府') });
      await h.env.sleep(10 * DAY + 1000);
      expect(await h.waitStatus(caseId)).toBe('approved');
      const posted = (
        await h.tdb.db.query(`SELECT step_id, org_id FROM notices WHERE case_id = $1 ORDER BY opens_at`, [
          caseId,
        ])
      ).rows;
      expect(posted).toEqual([
        { step_id: 'plan_notice', org_id: 'hn-hy-hn' },
        { step_id: 'result_notice', org_id: 'hn-hy-hn' },
      ]);
    }
  });
});
