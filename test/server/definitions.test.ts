import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../server/definitions/validate.js';
import type { DefinitionRegistry } from '../../server/definitions/registry.js';
import type { ProcessDefinition, Step } from '../../workflows/definition.js';
import { ACTIVITIES } from '../../activities/registry.js';

const registry: DefinitionRegistry = {
  forms: (key) => (key === 'application' ? { fields: ['name', 'idNumber', 'phone', 'members'] } : undefined),
  activities: (name) => ACTIVITIES.find((a) => a.name === name),
  roles: new Set(['village_cadre', 'verifier', 'township_reviewer', 'county_rural_bureau', 'county_finance']),
  params: new Set(['villageNoticeDays', 'minVerifiers']),
};

const t = (zh: string) => ({ zh, en: zh });
function valid(): ProcessDefinition {
  return {
    key: 'demo',
    version: 1,
    title: t('示例'),
    subject: 'household',
    start: 'apply',
    steps: [
      {
        id: 'apply',
        type: 'task',
        title: t('申请'),
        form: { key: 'application' },
        assignee: { role: 'village_cadre', level: 'village' },
        fieldPermissions: { phone: 'readonly' },
        actions: [{ id: 'submit', kind: 'submit', label: t('提交'), next: 'verify' }],
      },
      {
        id: 'verify',
        type: 'task',
        title: t('入户核实'),
        assignee: { role: 'verifier', level: 'township' },
        minDistinctActors: { param: 'minVerifiers' },
        actions: [
          { id: 'submit', kind: 'submit', label: t('提交'), next: 'income' },
          { id: 'back', kind: 'return', label: t('退回'), returnTargets: ['apply'] },
        ],
      },
      {
        id: 'income',
        type: 'activity',
        title: t('计算收入'),
        activity: 'computeIncome',
        store: 'income',
        next: 'check',
        input: {
          members: { count: [{ var: 'data.application.members' }] },
          A28: 0,
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
        title: t('收入判断'),
        branches: [{ when: { '<': [{ var: 'data.income.A38' }, 5000] }, next: 'refused' }],
        otherwise: 'notice',
      },
      {
        id: 'notice',
        type: 'notice',
        title: t('村级公示'),
        level: 'village',
        days: { param: 'villageNoticeDays' },
        publish: ['application.name', 'income.A38'],
        next: 'opinions',
        onObjection: 'investigate',
      },
      {
        id: 'investigate',
        type: 'task',
        title: t('异议核查'),
        assignee: { role: 'village_cadre', level: 'village' },
        actions: [
          { id: 'ok', kind: 'custom', label: t('不成立'), next: 'opinions' },
          { id: 'upheld', kind: 'custom', label: t('成立'), next: 'refused' },
        ],
      },
      {
        id: 'opinions',
        type: 'parallel',
        title: t('县级意见'),
        join: 'all',
        next: 'approved',
        branches: [
          { id: 'bureau', start: 'bureau' },
          { id: 'finance', start: 'finance' },
        ],
      },
      {
        id: 'bureau',
        type: 'task',
        title: t('乡村振兴局'),
        assignee: { role: 'county_rural_bureau', level: 'county' },
        actions: [{ id: 'ok', kind: 'approve', label: t('同意'), next: '$join' }],
      },
      {
        id: 'finance',
        type: 'task',
        title: t('财政局'),
        assignee: { role: 'county_finance', level: 'county' },
        actions: [{ id: 'ok', kind: 'approve', label: t('同意'), next: '$join' }],
      },
      { id: 'approved', type: 'end', title: t('通过'), outcome: 'approved' },
      { id: 'refused', type: 'end', title: t('不予通过'), outcome: 'refused' },
    ],
  };
}

function mutate(fn: (d: ProcessDefinition, step: (id: string) => any) => void): ProcessDefinition {
  const d = structuredClone(valid());
  fn(d, (id) => d.steps.find((s) => s.id === id));
  return d;
}

describe('process definition validator', () => {
  it('accepts a sound definition using every step type', () => {
    expect(validateDefinition(valid(), registry)).toEqual({ ok: true });
  });

  const broken: [string, ProcessDefinition | unknown, string | undefined, string, RegExp][] = [
    [
      'a step with no way out',
      mutate(
        (_, s) =>
          (s('investigate').actions = [{ id: 'ok', kind: 'custom', label: t('x'), next: 'investigate' }]),
      ),
      'investigate',
      'no_way_out',
      /没有通往结束的路径/,
    ],
    [
      'an unknown next step',
      mutate((_, s) => (s('apply').actions[0].next = 'nowhere')),
      'apply',
      'unknown_target',
      /“nowhere”不存在/,
    ],
    [
      'an unreachable step',
      mutate((d) => d.steps.push({ id: 'orphan', type: 'end', title: t('孤立'), outcome: 'approved' })),
      'orphan',
      'unreachable',
      /无法到达/,
    ],
    [
      'no end step',
      mutate((d) => (d.steps = d.steps.filter((s) => s.type !== 'end'))),
      undefined,
      'no_end',
      /没有结束步骤/,
    ],
    [
      'a duplicate step id',
      mutate((d) => d.steps.push({ ...(d.steps[0] as Step) })),
      'apply',
      'duplicate_id',
      /重复/,
    ],
    [
      'an unknown role',
      mutate((_, s) => (s('verify').assignee.role = 'mayor')),
      'verify',
      'unknown_role',
      /“mayor”不存在/,
    ],
    [
      'an unknown post',
      mutate(
        (_, s) =>
          (s('bureau').assignee = {
            posts: [
              { role: 'county_rural_bureau', level: 'county' },
              { role: 'mayor', level: 'county' },
            ],
          }),
      ),
      'bureau',
      'unknown_role',
      /“mayor”不存在/,
    ],
    [
      'a post listed twice',
      mutate(
        (_, s) =>
          (s('bureau').assignee = {
            posts: [
              { role: 'county_finance', level: 'county' },
              { role: 'county_finance', level: 'county' },
            ],
          }),
      ),
      'bureau',
      'duplicate_post',
      /每个岗位只签一次/,
    ],
    [
      'posts signed by 或签',
      mutate(
        (_, s) => (
          (s('bureau').assignee = { posts: [{ role: 'county_finance', level: 'county' }] }),
          (s('bureau').mode = 'any')
        ),
      ),
      'bureau',
      'posts_need_all',
      /会签/,
    ],
    [
      'an unknown form',
      mutate((_, s) => (s('apply').form.key = 'nope')),
      'apply',
      'unknown_form',
      /表单“nope”不存在/,
    ],
    [
      'a permission on a field the form lacks',
      mutate((_, s) => (s('apply').fieldPermissions = { salary: 'hidden' })),
      'apply',
      'unknown_field',
      /没有字段“salary”/,
    ],
    [
      'an unknown activity',
      mutate((_, s) => (s('income').activity = 'magic')),
      'income',
      'unknown_activity',
      /未注册/,
    ],
    [
      'a missing activity input',
      mutate((_, s) => delete s('income').input.A28),
      'income',
      'missing_input',
      /缺少输入“A28”/,
    ],
    [
      'an input the activity does not have',
      mutate((_, s) => (s('income').input.bonus = 1)),
      'income',
      'unknown_input',
      /没有输入“bonus”/,
    ],
    [
      'an unknown expression operator',
      mutate((_, s) => (s('check').branches[0].when = { eval: ['1+1'] })),
      'check',
      'bad_expression',
      /未知运算“eval”/,
    ],
    ['a decision with no branches', mutate((_, s) => (s('check').branches = [])), 'check', 'schema', /分支/],
    [
      'a parallel branch that never joins',
      mutate((_, s) => (s('finance').actions[0].next = 'approved')),
      'opinions',
      'branch_never_joins',
      /不会汇合/,
    ],
    [
      '$join outside a parallel',
      mutate((_, s) => (s('apply').actions[0].next = '$join')),
      'apply',
      'join_outside_parallel',
      /汇合/,
    ],
    [
      'a loop of automatic steps only',
      mutate((_, s) => (s('check').otherwise = 'income')),
      'income',
      'automatic_loop',
      /没有人工或公示步骤/,
    ],
    [
      'a return to a step that is not a task',
      mutate((_, s) => (s('verify').actions[1].returnTargets = ['notice'])),
      'verify',
      'return_not_task',
      /不是/,
    ],
    [
      'an objection step that is not a task',
      mutate((_, s) => (s('notice').onObjection = 'check')),
      'notice',
      'objection_not_task',
      /必须是人工步骤/,
    ],
    [
      'an unknown parameter',
      mutate((_, s) => (s('notice').days = { param: 'noticeLength' })),
      'notice',
      'unknown_param',
      /“noticeLength”不存在/,
    ],
    [
      'a typo in a parameter read by a condition',
      mutate((_, s) => (s('check').branches[0].when = { '<': [{ var: 'params.incomeThreshhold' }, 1] })),
      'check',
      'unknown_data_path',
      /“params.incomeThreshhold”不存在：政策参数“incomeThreshhold”不存在/,
    ],
    [
      'a condition reading a form field that does not exist',
      mutate((_, s) => (s('check').branches[0].when = { '<': [{ var: 'data.application.nmae' }, 1] })),
      'check',
      'unknown_data_path',
      /“application”（由步骤“apply”产生）没有字段“nmae”/,
    ],
    [
      'a notice publishing a form no step fills',
      mutate((_, s) => (s('notice').publish = ['applicant.name'])),
      'notice',
      'unknown_data_path',
      /没有步骤产生“applicant”/,
    ],
    [
      'an activity input reading data no step produces',
      mutate((_, s) => (s('income').input.members = { var: 'data.household.members' })),
      'income',
      'unknown_data_path',
      /“data.household.members”不存在/,
    ],
    [
      'an automatic action that is not an action',
      mutate((_, s) => (s('verify').sla = { days: 3, autoAction: 'approve' })),
      'verify',
      'unknown_action',
      /不是本步骤的操作/,
    ],
    [
      'an unknown step type',
      mutate((d) => ((d.steps[0] as any).type = 'email')),
      'apply',
      'schema',
      /步骤类型/,
    ],
    [
      'an action with no next step',
      mutate((_, s) => delete s('apply').actions[0].next),
      'apply',
      'no_next',
      /没有指定下一步/,
    ],
    [
      'evidence in a form nobody published',
      mutate((_, s) => (s('apply').evidence = { form: 'no-such-form', perActor: true })),
      'apply',
      'unknown_form',
      /no-such-form/,
    ],
    [
      'evidence on a step without a form',
      mutate((_, s) => (s('verify').evidence = { form: 'application', perActor: true })),
      'verify',
      'evidence_without_form',
      /佐证材料需要该步骤有表单/,
    ],
    [
      'evidence kept where the step form is',
      mutate((_, s) => (s('apply').evidence = { form: 'application', perActor: true })),
      'apply',
      'evidence_store_taken',
      /同一位置/,
    ],
  ];

  it.each(broken)('rejects %s, naming the step', (_name, def, stepId, code, message) => {
    const r = validateDefinition(def, registry);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const hit = r.errors.find((e) => e.code === code);
    expect(hit, JSON.stringify(r.errors, null, 1)).toBeDefined();
    expect(hit!.stepId).toBe(stepId);
    expect(hit!.message).toMatch(message);
    // the step is named as an administrator sees it: its position and its title
    const at = Number(/^\/steps\/(\d+)/.exec(hit!.path)?.[1] ?? -1);
    if (stepId)
      expect(hit!.message).toContain(`第${at + 1}步「${(def as ProcessDefinition).steps[at].title.zh}」`);
    if (stepId) expect(hit!.message_en).toContain(stepId);
    expect(hit!.message_en).toBeTruthy();
    expect(hit!.path.startsWith('/')).toBe(true);
  });
});
