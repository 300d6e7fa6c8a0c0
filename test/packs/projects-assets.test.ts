/**
 * S3 项目库 and S4 项目资产: one scenario per path, through the service layer, on
 * the time-skipping server (the 10-day notices pass in milliseconds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPackHarness, type PackHarness } from '../support/pack-harness.js';
import { listNotices } from '../../server/services/public-board.js';

const DAY = 86_400_000;
let h: PackHarness;
beforeAll(async () => {
  h = await createPackHarness();
});
afterAll(async () => {
  await h?.close();
});

const project = (name: string) => ({
  name,
  category: '01',
  nature: '01',
  location: '竹山村第一村民小组',
  schedule: { start: '2027-03-01', end: '2027-10-31' },
  responsibleUnit: '竹山村村民委员会',
  tasks: '新建高标准蔬菜大棚 20 个，配套滴灌设施',
  funding: { total: 86.5, sources: '衔接资金 60 万元，村集体自筹 26.5 万元' },
  beneficiaries: '脱贫户和监测户 32 户 105 人',
  targets: '带动户均年增收 3000 元',
  participation: '村民代表大会讨论通过，受益户参与务工',
});
const opinion = (signer: string) => ({ opinion: '同意', signer, signDate: '2027-01-10' });

/** the open task of a case at a step, waiting for it to appear */
async function at(caseId: string, stepId: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await h.tdb.db.query(
      `SELECT id, step_id, assignee_user FROM tasks WHERE case_id = $1 AND step_id = $2 AND status = 'open' ORDER BY created_at, id`,
      [caseId, stepId],
    );
    if (rows[0]) return rows[0] as { id: string; step_id: string; assignee_user: string | null };
    if (Date.now() > deadline) {
      const open = await h.tdb.db.query(`SELECT step_id FROM tasks WHERE case_id = $1 AND status = 'open'`, [
        caseId,
      ]);
      throw new Error(
        `case ${caseId}: no open task at ${stepId} (open: ${open.rows.map((r) => r.step_id).join(', ') || 'none'}; status ${await h.status(caseId)})`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const countAt = async (caseId: string, stepId: string) =>
  (
    await h.tdb.db.query(`SELECT count(*)::int AS n FROM tasks WHERE case_id = $1 AND step_id = $2`, [
      caseId,
      stepId,
    ])
  ).rows[0].n as number;

const noticesOf = async (caseId: string) =>
  (
    await h.tdb.db.query(
      `SELECT step_id, org_id, opens_at, closes_at FROM notices WHERE case_id = $1 AND kind = 'window' ORDER BY opens_at`,
      [caseId],
    )
  ).rows;

/** the three county departments give their opinions in parallel; the leading group decides only after all three */
async function countyOpinionsAndDecision(caseId: string) {
  const bureau = await at(caseId, 'bureau_opinion');
  const finance = await at(caseId, 'finance_opinion');
  const industry = await at(caseId, 'industry_opinion');
  await h.act('bureau', bureau.id, 'approve', { data: opinion('周局长') });
  await h.act('finance', finance.id, 'approve', { data: opinion('钱局长') });
  expect(await countAt(caseId, 'leading_group')).toBe(0);
  await h.act('agri', industry.id, 'approve', { data: opinion('农业农村局') });
  const group = await at(caseId, 'leading_group');
  await h.act('leader', group.id, 'approve', { data: opinion('领导小组') });
}

describe('S3 project library', () => {
  it('normal path: village proposal, 10-day village notice, township review, 10-day township notice, three parallel opinions, leading group, county notice → admitted', async () => {
    const caseId = await h.start('cadre.zhushan', {
      process: 'project-library',
      org: 'v-zhushan',
      data: project('竹山村蔬菜大棚'),
    });
    // the proposal went in with the start; the village notice is open for 10 days
    await h.env.sleep(10 * DAY - 60_000);
    expect(await countAt(caseId, 'township_review')).toBe(0);
    await h.env.sleep(120_000);
    const review = await at(caseId, 'township_review');
    await h.act('sec.yunji', review.id, 'approve', { data: opinion('刘书记') });
    await h.env.sleep(10 * DAY + 1000);
    await countyOpinionsAndDecision(caseId);
    await h.env.sleep(10 * DAY + 1000);
    expect(await h.waitStatus(caseId)).toBe('approved');
    const notices = await noticesOf(caseId);
    expect(notices.map((n) => [n.step_id, n.org_id])).toEqual([
      ['village_notice', 'v-zhushan'],
      ['township_notice', 't-yunji'],
      ['county_notice', 'hn-hy-hn'],
    ]);
    for (const n of notices) expect(n.closes_at.getTime() - n.opens_at.getTime()).toBe(10 * DAY);
    const data = (await h.tdb.db.query('SELECT data FROM cases WHERE id = $1', [caseId])).rows[0].data;
    expect(data).toMatchObject({
      bureau_opinion: { signer: '周局长' },
      finance_opinion: { signer: '钱局长' },
      industry_opinion: { signer: '农业农村局' },
    });
  });

  it('an admitted project stays on the public board’s long-term section after 60 policy days, when its notice windows are gone', async () => {
    const caseId = await h.start('sec.yunji', { process: 'project-library-direct', org: 't-yunji' });
    const proposal = await at(caseId, 'township_proposal');
    await h.act('sec.yunji', proposal.id, 'submit', { data: project('云集街道长期公告产业路') });
    await countyOpinionsAndDecision(caseId);
    await h.env.sleep(10 * DAY + 1000);
    expect(await h.waitStatus(caseId)).toBe('approved');
    // the board's clock is the policy clock: the moment the county window closed, then 60 policy days on
    const closed = (
      await h.tdb.db.query(`SELECT closed_at FROM notices WHERE case_id = $1 AND step_id = 'county_notice'`, [
        caseId,
      ])
    ).rows[0].closed_at as Date;
    const board = (now: Date) => listNotices({ ...h.svc, now: () => now }, { org: 'hn-hy-hn' });
    const mine = <T extends { id: string }>(items: T[]) => items.filter((n) => n.id.startsWith(caseId));
    const first = await board(new Date(closed.getTime() + 1000));
    expect(mine(first.items)).toHaveLength(1); // the county notice window, just closed
    expect(mine(first.longTerm)).toEqual([
      expect.objectContaining({
        title: expect.stringContaining('长期公告'),
        open: false,
        kind: 'long-term',
        content: expect.objectContaining({ 'project.name': '云集街道长期公告产业路' }),
      }),
    ]);
    await h.env.sleep(60 * DAY);
    const later = await board(new Date(closed.getTime() + 60 * DAY));
    expect(mine(later.items)).toEqual([]);
    expect(mine(later.longTerm).map((n) => (n.content as Record<string, unknown>)['project.name'])).toEqual([
      '云集街道长期公告产业路',
    ]);
  });

  it('township-proposed path goes straight to the county opinions, without village or township notices', async () => {
    const caseId = await h.start('sec.yunji', { process: 'project-library-direct', org: 't-yunji' });
    const proposal = await at(caseId, 'township_proposal');
    await h.act('sec.yunji', proposal.id, 'submit', { data: project('云集街道产业路') });
    await countyOpinionsAndDecision(caseId);
    await h.env.sleep(10 * DAY + 1000);
    expect(await h.waitStatus(caseId)).toBe('approved');
    expect((await noticesOf(caseId)).map((n) => n.step_id)).toEqual(['county_notice']);
  });

  it('department-proposed path starts at the department', async () => {
    const caseId = await h.start('agri', { process: 'project-library-direct', org: 'hn-hy-hn' });
    const proposal = await at(caseId, 'department_proposal');
    expect(await countAt(caseId, 'township_proposal')).toBe(0);
    await h.act('agri', proposal.id, 'submit', { data: project('全县农田水利') });
    await countyOpinionsAndDecision(caseId);
    await h.env.sleep(10 * DAY + 1000);
    expect(await h.waitStatus(caseId)).toBe('approved');
  });

  it('a leading group refusal ends the library entry as not admitted, with its comment', async () => {
    const caseId = await h.start('agri', { process: 'project-library-direct', org: 'hn-hy-hn' });
    await h.act('agri', (await at(caseId, 'department_proposal')).id, 'submit', {
      data: project('重复申报项目'),
    });
    for (const [step, user] of [
      ['bureau_opinion', 'bureau'],
      ['finance_opinion', 'finance'],
      ['industry_opinion', 'agri'],
    ] as const) {
      await h.act(user, (await at(caseId, step)).id, 'approve', { data: opinion(user) });
    }
    await h.act('leader', (await at(caseId, 'leading_group')).id, 'reject', { comment: '与已入库项目重复' });
    expect(await h.waitStatus(caseId)).toBe('rejected');
    expect(await noticesOf(caseId)).toEqual([]);
  });

  it('urgent path: implementation starts on the leading group’s consent while the entry procedure runs alongside', async () => {
    const caseId = await h.start('bureau', {
      process: 'project-urgent',
      org: 'hn-hy-hn',
      data: project('灾后水毁道路抢修'),
    });
    const consent = await at(caseId, 'leading_group_consent');
    await h.act('leader', consent.id, 'approve', { data: opinion('领导小组') });
    // the industry department is told to start before the opinions are in
    await at(caseId, 'bureau_opinion');
    const told = await h.tdb.db.query(`SELECT role, org_id, message FROM notifications WHERE case_id = $1`, [
      caseId,
    ]);
    expect(told.rows).toEqual([
      expect.objectContaining({ role: 'county_industry_dept', org_id: 'hn-hy-hn' }),
    ]);
    expect(told.rows[0].message).toContain('灾后水毁道路抢修');
    expect(await h.status(caseId)).toBe('running');
    await countyOpinionsAndDecision(caseId);
    await h.env.sleep(10 * DAY + 1000);
    expect(await h.waitStatus(caseId)).toBe('approved');
  });

  it('urgent path refused by the leading group never starts implementation', async () => {
    const caseId = await h.start('bureau', {
      process: 'project-urgent',
      org: 'hn-hy-hn',
      data: project('非急需项目'),
    });
    await h.act('leader', (await at(caseId, 'leading_group_consent')).id, 'reject', {
      comment: '不属于急需实施情形',
    });
    expect(await h.waitStatus(caseId)).toBe('refused');
    expect(
      (await h.tdb.db.query(`SELECT count(*)::int AS n FROM notifications WHERE case_id = $1`, [caseId]))
        .rows[0].n,
    ).toBe(0);
  });

  it('adjustment: the leading group approves, the change is announced for 10 days, then takes effect', async () => {
    const caseId = await h.start('bureau', {
      process: 'project-adjustment',
      org: 'hn-hy-hn',
      data: project('蔬菜大棚（调整规模）'),
    });
    await h.act('leader', (await at(caseId, 'leading_group')).id, 'approve', { data: opinion('领导小组') });
    await h.env.sleep(10 * DAY - 60_000);
    expect(await h.status(caseId)).toBe('running');
    await h.env.sleep(120_000);
    expect(await h.waitStatus(caseId)).toBe('approved');
    expect((await noticesOf(caseId)).map((n) => [n.step_id, n.org_id])).toEqual([['announce', 'hn-hy-hn']]);
  });
});

describe('S4 project assets', () => {
  const disposal = {
    assetName: '竹山村光伏电站逆变器',
    assetType: '1',
    reason: '设备老化报废',
    plan: '公开拍卖，所得归村集体',
    method: '01',
    valuation: 18000,
    democraticDecision: {
      procedure: '四议两公开一监督',
      meetingDate: '2027-01-05',
      attendees: 35,
      votesFor: 33,
      minutes: '村民代表会议同意报废拍卖',
    },
  };

  it('disposal: village application → township review → county approval → the disposal is published for 10 days', async () => {
    const caseId = await h.start('cadre.zhushan', {
      process: 'asset-disposal',
      org: 'v-zhushan',
      data: disposal,
    });
    await h.act('sec.yunji', (await at(caseId, 'township_review')).id, 'approve', {
      data: opinion('刘书记'),
    });
    await h.act('bureau', (await at(caseId, 'county_approval')).id, 'approve', { data: opinion('周局长') });
    await h.env.sleep(10 * DAY + 1000);
    expect(await h.waitStatus(caseId)).toBe('approved');
    const [notice] = await noticesOf(caseId);
    expect(notice).toMatchObject({ step_id: 'result_notice', org_id: 'v-zhushan' });
    const published = (await h.tdb.db.query('SELECT content FROM notices WHERE case_id = $1', [caseId]))
      .rows[0].content;
    expect(JSON.stringify(published)).toContain('设备老化报废');
  });

  it('refuses a disposal without its method and the democratic decision record', async () => {
    const { method: _m, democraticDecision: _d, ...bare } = disposal;
    await expect(
      h.start('cadre.huaqiao', {
        process: 'asset-disposal',
        org: 'v-huaqiao',
        data: { ...bare, assetName: '花桥村水泵' },
      }),
    ).rejects.toMatchObject({
      status: 422,
      errors: expect.arrayContaining([
        expect.objectContaining({ path: 'method' }),
        expect.objectContaining({ path: 'democraticDecision' }),
      ]),
    });
  });

  it('disposal refused by the township ends without a notice', async () => {
    const caseId = await h.start('cadre.heping', {
      process: 'asset-disposal',
      org: 'v-heping',
      data: { ...disposal, assetName: '和平村冷库' },
    });
    await h.act('head.yunji', (await at(caseId, 'township_review')).id, 'reject', {
      comment: '资产仍可使用，不同意处置',
    });
    expect(await h.waitStatus(caseId)).toBe('rejected');
    expect(await noticesOf(caseId)).toEqual([]);
  });

  it('income plan: village plan → village notice → township review → county filing', async () => {
    const plan = {
      year: 2026,
      income: 52000,
      plan: '40% 用于公益岗位，30% 分配给脱贫户和监测户，30% 留作村集体发展',
      beneficiaries: '脱贫户和监测户 28 户',
    };
    const caseId = await h.start('cadre.huaqiao', {
      process: 'asset-income-distribution',
      org: 'v-huaqiao',
      data: plan,
    });
    await h.env.sleep(10 * DAY - 60_000);
    expect(await countAt(caseId, 'township_review')).toBe(0);
    await h.env.sleep(120_000);
    await h.act('sec.huaqiao', (await at(caseId, 'township_review')).id, 'approve', {
      data: opinion('花桥镇'),
    });
    await h.act('agri', (await at(caseId, 'county_filing')).id, 'approve', { data: opinion('农业农村局') });
    expect(await h.waitStatus(caseId)).toBe('completed');
    expect((await noticesOf(caseId)).map((n) => [n.step_id, n.org_id])).toEqual([
      ['village_notice', 'v-huaqiao'],
    ]);
  });
});
