/** Small process definitions that exercise one engine feature each. */
import type { ProcessDefinition, Step } from '../../workflows/definition.js';

export const t = (zh: string) => ({ zh, en: zh });

export const approve = (next: string, extra: object = {}) => ({
  id: 'approve',
  kind: 'approve' as const,
  label: t('同意'),
  next,
  ...extra,
});
export const submit = (next: string) => ({ id: 'submit', kind: 'submit' as const, label: t('提交'), next });
export const rejectTo = (next: string) => ({
  id: 'reject',
  kind: 'reject' as const,
  label: t('不同意'),
  next,
  commentRequired: true,
});
export const returnTo = (...targets: string[]) => ({
  id: 'return',
  kind: 'return' as const,
  label: t('退回'),
  returnTargets: targets,
  commentRequired: true,
});

export function def(key: string, steps: Step[], start = steps[0].id): ProcessDefinition {
  return { key, version: 1, title: t(key), subject: 'household', start, steps };
}

export const ends: Step[] = [
  { id: 'approved', type: 'end', title: t('通过'), outcome: 'approved' },
  { id: 'rejected', type: 'end', title: t('不通过'), outcome: 'rejected' },
];

/** village application → home verification (≥2 verifiers) → 7-day notice → township review (both sign) */
export const identification = def('identification-mini', [
  {
    id: 'apply',
    type: 'task',
    title: t('提交申请'),
    assignee: { role: 'village_cadre', level: 'village' },
    actions: [submit('verify')],
  },
  {
    id: 'verify',
    type: 'task',
    title: t('入户核实'),
    assignee: { role: 'verifier', level: 'township' },
    minDistinctActors: { param: 'minVerifiers' },
    actions: [submit('notice'), rejectTo('rejected')],
  },
  {
    id: 'notice',
    type: 'notice',
    title: t('村级公示'),
    level: 'village',
    days: { param: 'villageNoticeDays' },
    calendar: 'calendar',
    next: 'township',
    onObjection: 'investigate',
  },
  {
    id: 'investigate',
    type: 'task',
    title: t('异议核查'),
    assignee: { role: 'village_cadre', level: 'village' },
    actions: [
      { id: 'unfounded', kind: 'custom', label: t('异议不成立'), next: 'township' },
      { id: 'upheld', kind: 'custom', label: t('异议成立'), next: 'rejected' },
    ],
  },
  {
    id: 'township',
    type: 'task',
    title: t('乡镇审核'),
    assignee: { role: 'township_reviewer', level: 'township' },
    mode: 'all',
    actions: [approve('approved'), rejectTo('rejected'), returnTo('verify')],
  },
  ...ends,
]);

/** county opinions in parallel (join all), then the leading group */
export const parallelOpinions = def('parallel-opinions', [
  {
    id: 'opinions',
    type: 'parallel',
    title: t('县级审定意见'),
    join: 'all',
    next: 'leading',
    branches: [
      { id: 'bureau', start: 'bureau_opinion' },
      { id: 'finance', start: 'finance_opinion' },
    ],
  },
  {
    id: 'bureau_opinion',
    type: 'task',
    title: t('乡村振兴局意见'),
    assignee: { role: 'county_rural_bureau', level: 'county' },
    actions: [approve('$join')],
  },
  {
    id: 'finance_opinion',
    type: 'task',
    title: t('财政局意见'),
    assignee: { role: 'county_finance', level: 'county' },
    actions: [approve('$join')],
  },
  {
    id: 'leading',
    type: 'task',
    title: t('领导小组审定'),
    assignee: { role: 'county_leading_group', level: 'county' },
    actions: [approve('approved'), rejectTo('rejected')],
  },
  ...ends,
]);

/** the same with join any: the first opinion decides, the other is withdrawn */
export const parallelAny = {
  ...parallelOpinions,
  key: 'parallel-any',
  steps: parallelOpinions.steps.map((s) => (s.type === 'parallel' ? { ...s, join: 'any' as const } : s)),
};

/** township leaders one after another (依次), with an SLA that escalates to the county after 3 days */
export const sequentialWithSla = def('sequential-sla', [
  {
    id: 'township',
    type: 'task',
    title: t('乡镇审核'),
    assignee: { role: 'township_reviewer', level: 'township' },
    mode: 'sequential',
    sla: { days: 3, escalateTo: { role: 'county_rural_bureau', level: 'county' } },
    actions: [approve('approved'), rejectTo('rejected')],
  },
  ...ends,
]);

/** an activity that always fails, then a decision on income */
export const failingActivity = def('failing', [
  {
    id: 'income',
    type: 'activity',
    title: t('计算收入'),
    activity: 'computeIncome',
    input: { members: 0, A28: 0, A29: 0, A30: 0, A31: 0, A32: 0, A35: 0, A36: 0 },
    store: 'income',
    retry: { maximumAttempts: 2, initialIntervalSeconds: 1 },
    next: 'check',
  },
  {
    id: 'check',
    type: 'decision',
    title: t('收入判断'),
    branches: [{ when: { '<': [{ var: 'data.income.A38' }, 5000] }, next: 'rejected' }],
    otherwise: 'approved',
  },
  ...ends,
]);

/** income computed by the activity, then routed by a decision (S2's 5,000-yuan rule) */
export const incomeDecision = def('income-decision', [
  {
    id: 'income',
    type: 'activity',
    title: t('计算收入'),
    activity: 'computeIncome',
    store: 'income',
    next: 'check',
    input: {
      members: { var: 'data.members' },
      A28: { var: 'data.A28' },
      A29: 0,
      A30: 0,
      A31: 0,
      A32: 0,
      A35: 0,
      A36: 0,
    },
  },
  {
    id: 'check',
    type: 'decision',
    title: t('不低于5000元'),
    branches: [
      {
        when: { '<': [{ var: 'data.income.A38' }, { var: 'params.eliminationMinIncome' }] },
        next: 'rejected',
      },
    ],
    otherwise: 'approved',
  },
  ...ends,
]);

export const workingDayNotice = (days: number) =>
  def(`working-notice-${days}`, [
    {
      id: 'notice',
      type: 'notice',
      title: t('乡镇公示'),
      level: 'township',
      days,
      calendar: 'working',
      next: 'approved',
      onObjection: 'investigate',
    },
    {
      id: 'investigate',
      type: 'task',
      title: t('异议核查'),
      assignee: { role: 'village_cadre', level: 'village' },
      actions: [{ id: 'unfounded', kind: 'custom', label: t('异议不成立'), next: 'approved' }],
    },
    ...ends,
  ]);

/** a task whose SLA counts working days, escalating to the township when it passes */
export const workingDaySla = (days: number) =>
  def(`working-sla-${days}`, [
    {
      id: 'review',
      type: 'task',
      title: t('审核'),
      assignee: { role: 'village_cadre', level: 'village' },
      sla: { days, calendar: 'working', escalateTo: { role: 'township_reviewer', level: 'township' } },
      actions: [approve('approved')],
    },
    ...ends,
  ]);

/**
 * 无审批人 nobody holds the check step's role at the case's village (the fixture has no village verifier):
 * the task goes to the administrators one level up (the township), with an audit entry.
 */
export const noApprover = def('no-approver', [
  {
    id: 'apply',
    type: 'task',
    title: t('提交申请'),
    assignee: { role: 'village_cadre', level: 'village' },
    actions: [submit('check')],
  },
  {
    id: 'check',
    type: 'task',
    title: t('村级核对'),
    assignee: { role: 'verifier', level: 'village' },
    actions: [approve('approved')],
  },
  ...ends,
]);
