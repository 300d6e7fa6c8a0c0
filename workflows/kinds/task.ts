/** 人工审批 a task step: people act on a form (或签/会签/依次, 按岗位会签, co-signers, SLA). Runner: `steps/task.ts`. */
import type { NumberOrParam, OrgLevel, Source, Text } from '../definition.js';
import { LEVEL_ENUM, ID_PATTERN, stepSchema, TARGET, type StepKind } from './kind.js';

/** 岗位 a post: a role at the case's ancestor of the given level. */
export interface Post {
  role: string;
  level: OrgLevel;
  department?: string;
}

/** 办理人 who may act on a task step. */
export type Assignee =
  /** a role at the case's ancestor of the given level, e.g. the township reviewer of the case's township */
  | Post
  /**
   * 会签岗位 named posts that must each sign once (e.g. 乡镇党委书记 and 乡镇长 on 附件3): one task per post,
   * any holder of the post may sign it, nobody signs for two posts. Implies mode 'all'.
   */
  | { posts: Post[] }
  /** named users (rare: pilots, single-person offices) */
  | { users: string[] };

/**
 * 审批方式 how a group acts:
 * - any 或签: one member of the group acts for all;
 * - all 会签: every member resolved at task creation must act;
 * - sequential 依次: members act one after another in the resolved order.
 */
export type TaskMode = 'any' | 'all' | 'sequential';

/** How a task step's group acts: a step with posts is 会签 of its posts. */
export function modeOf(step: Pick<TaskStep, 'assignee' | 'mode'>): TaskMode {
  return 'posts' in step.assignee ? 'all' : (step.mode ?? 'any');
}

/** A button on a task. `kind` tells the engine what it means; `id` is what the client sends. */
export interface TaskAction {
  id: string;
  kind: 'submit' | 'approve' | 'reject' | 'return' | 'custom';
  label: Text;
  /** step to go to; for `return` the target is chosen by the actor from `returnTargets` */
  next?: string;
  returnTargets?: string[];
  commentRequired?: boolean;
  /** validate and store the form data with this action (false for reject/return) */
  requiresForm?: boolean;
}

/** 佐证材料 a per-actor evidence form of a task step (see `TaskStep.evidence`). */
export interface TaskEvidence {
  form: string;
  version?: number;
  /** each actor submits their own record (the only mode so far: two verifiers, two records) */
  perActor: true;
  /** where in case data the records are kept (default: the form key) */
  store?: string;
}

/** Where a step's evidence records live in case data: `data[<store>].byActor[userId]`. */
export const evidenceStore = (e: TaskEvidence): string => e.store ?? e.form;

/** 时限 service-level agreement of a task, in policy days. */
export interface Sla {
  days: NumberOrParam;
  calendar?: 'calendar' | 'working';
  remindBeforeDays?: number;
  /** when the SLA passes: notify a role above (escalate) and/or act automatically */
  escalateTo?: { role: string; level: OrgLevel };
  autoAction?: string;
}

export interface TaskStep {
  id: string;
  type: 'task';
  title: Text;
  /** `stage`: 分阶段填写 the form's stage this step fills; fields of later stages are not shown yet */
  form?: { key: string; version?: number; stage?: string };
  /** where in case data the submitted form is stored (default: the form key) */
  store?: string;
  assignee: Assignee;
  mode?: TaskMode;
  /** 至少 N 名不同人员 distinct people who must complete (co-sign) before the step is done */
  minDistinctActors?: NumberOrParam;
  actions: TaskAction[];
  /** per-field permission for this step; fields not listed are editable */
  fieldPermissions?: Record<string, 'edit' | 'readonly' | 'hidden'>;
  /**
   * 复用已采集数据 form fields filled from what the case already holds (one collection, reused):
   * field → JSON Logic over { data, case, params }. Staff see the values and may correct them.
   */
  prefill?: Record<string, unknown>;
  /**
   * checks between the submitted form and the case, made by the server when a form action is taken:
   * JSON Logic over { data, form, case, params } that must be true
   */
  checks?: { id: string; logic: unknown; path?: string; message: Text }[];
  /**
   * 佐证材料 evidence each actor adds beside the step's shared form, e.g. the 入户核实记录 of each verifier
   * (photos with time and place, their own signature, the household head's): a second form, stored per actor
   * under `data[store].byActor[userId]` (store defaults to the form key). Required with every form action.
   */
  evidence?: TaskEvidence;
  sla?: Sla;
  /** what to do when no user holds the role: escalate to the next level's admin, or fail the case into repair */
  noApprover?: 'escalate' | 'repair';
  source?: Source;
}

const post = {
  type: 'object',
  required: ['role', 'level'],
  properties: { role: { type: 'string' }, level: LEVEL_ENUM, department: { type: 'string' } },
  additionalProperties: false,
};

export const task: StepKind<TaskStep> = {
  type: 'task',
  label: { zh: '人工审批', en: 'Task' },
  authored: true,
  milestone: () => true,
  schema: stepSchema('task', ['assignee', 'actions'], {
    form: {
      type: 'object',
      required: ['key'],
      properties: {
        key: { type: 'string' },
        version: { type: 'integer', minimum: 1 },
        stage: { type: 'string' },
      },
      additionalProperties: false,
    },
    store: { type: 'string' },
    assignee: {
      oneOf: [
        post,
        {
          type: 'object',
          required: ['posts'],
          properties: { posts: { type: 'array', minItems: 1, items: post } },
          additionalProperties: false,
        },
        {
          type: 'object',
          required: ['users'],
          properties: { users: { type: 'array', minItems: 1, items: { type: 'string' } } },
          additionalProperties: false,
        },
      ],
    },
    mode: { enum: ['any', 'all', 'sequential'] },
    minDistinctActors: { $ref: '#/$defs/numOrParam' },
    actions: { type: 'array', minItems: 1, items: { $ref: '#/$defs/action' } },
    fieldPermissions: { type: 'object', additionalProperties: { enum: ['edit', 'readonly', 'hidden'] } },
    prefill: {
      type: 'object',
      description:
        'form field → JSON Logic over {data, case, params}: values filled in from what the case already holds',
      additionalProperties: true,
    },
    checks: {
      type: 'array',
      description: 'JSON Logic over {data, form, case, params} that must hold when a form action is taken',
      items: {
        type: 'object',
        required: ['id', 'logic', 'message'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', minLength: 1 },
          logic: {},
          path: { type: 'string' },
          message: { $ref: '#/$defs/text' },
        },
      },
    },
    sla: {
      type: 'object',
      required: ['days'],
      additionalProperties: false,
      properties: {
        days: { $ref: '#/$defs/numOrParam' },
        calendar: { enum: ['calendar', 'working'] },
        remindBeforeDays: { type: 'number', minimum: 0 },
        escalateTo: {
          type: 'object',
          required: ['role', 'level'],
          properties: { role: { type: 'string' }, level: LEVEL_ENUM },
          additionalProperties: false,
        },
        autoAction: { type: 'string' },
      },
    },
    noApprover: { enum: ['escalate', 'repair'] },
    evidence: {
      type: 'object',
      required: ['form', 'perActor'],
      additionalProperties: false,
      description: 'a second form each actor submits for themself (photos, signatures), kept per actor',
      properties: {
        form: { type: 'string', minLength: 1 },
        version: { type: 'integer', minimum: 1 },
        perActor: { const: true },
        store: { type: 'string', minLength: 1 },
      },
    },
  }),
  defs: {
    action: {
      type: 'object',
      required: ['id', 'kind', 'label'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', pattern: ID_PATTERN },
        kind: { enum: ['submit', 'approve', 'reject', 'return', 'custom'] },
        label: { $ref: '#/$defs/text' },
        next: TARGET,
        returnTargets: { type: 'array', items: { type: 'string', pattern: ID_PATTERN } },
        commentRequired: { type: 'boolean' },
        requiresForm: { type: 'boolean' },
      },
    },
  },
  transitions: (step) =>
    step.actions.flatMap((a, i) => [
      ...(a.next ? [{ target: a.next, path: `actions/${i}/next` }] : []),
      ...(a.returnTargets ?? []).map((t, j) => ({ target: t, path: `actions/${i}/returnTargets/${j}` })),
    ]),
  check: (s, { at, byId, registry, error, logic, param }) => {
    if ('role' in s.assignee && !registry.roles.has(s.assignee.role)) {
      error(
        `${at}/assignee/role`,
        'unknown_role',
        `角色“${s.assignee.role}”不存在`,
        `unknown role "${s.assignee.role}"`,
      );
    }
    if ('posts' in s.assignee) {
      const seen = new Set<string>();
      s.assignee.posts.forEach((p, i) => {
        if (!registry.roles.has(p.role)) {
          error(
            `${at}/assignee/posts/${i}/role`,
            'unknown_role',
            `角色“${p.role}”不存在`,
            `unknown role "${p.role}"`,
          );
        }
        const key = `${p.role}@${p.level}/${p.department ?? ''}`;
        if (seen.has(key)) {
          error(
            `${at}/assignee/posts/${i}`,
            'duplicate_post',
            `岗位“${p.role}”重复：每个岗位只签一次`,
            `post "${p.role}" is listed twice; each post signs once`,
          );
        }
        seen.add(key);
      });
      if (s.mode !== undefined && s.mode !== 'all') {
        error(
          `${at}/mode`,
          'posts_need_all',
          '按岗位会签的步骤只能是“会签”方式',
          'a step that names posts is 会签 (mode "all")',
        );
      }
      if (s.minDistinctActors !== undefined) {
        error(
          `${at}/minDistinctActors`,
          'posts_with_min_actors',
          '按岗位会签时每个岗位签一次，不能再设最少人数',
          'with posts each post signs once; minDistinctActors does not apply',
        );
      }
    }
    const form = s.form ? registry.forms(s.form.key, s.form.version) : undefined;
    if (s.form && !form)
      error(`${at}/form`, 'unknown_form', `表单“${s.form.key}”不存在`, `unknown form "${s.form.key}"`);
    if (form && s.form?.stage !== undefined && !(form.stages ?? []).includes(s.form.stage)) {
      error(
        `${at}/form/stage`,
        'unknown_stage',
        `表单“${s.form.key}”没有填写阶段“${s.form.stage}”`,
        `form "${s.form.key}" has no stage "${s.form.stage}"`,
      );
    }
    if (form) {
      for (const field of Object.keys(s.fieldPermissions ?? {})) {
        if (!form.fields.includes(field)) {
          error(
            `${at}/fieldPermissions/${field}`,
            'unknown_field',
            `表单“${s.form!.key}”没有字段“${field}”`,
            `form "${s.form!.key}" has no field "${field}"`,
          );
        }
      }
      for (const field of Object.keys(s.prefill ?? {})) {
        if (!form.fields.includes(field.split('.')[0])) {
          error(
            `${at}/prefill/${field}`,
            'unknown_field',
            `表单“${s.form!.key}”没有字段“${field}”`,
            `form "${s.form!.key}" has no field "${field}"`,
          );
        }
      }
    }
    if (s.evidence) {
      if (!registry.forms(s.evidence.form, s.evidence.version))
        error(
          `${at}/evidence/form`,
          'unknown_form',
          `表单“${s.evidence.form}”不存在`,
          `unknown form "${s.evidence.form}"`,
        );
      if (!s.form)
        error(
          `${at}/form`,
          'evidence_without_form',
          '佐证材料需要该步骤有表单',
          'evidence needs a form on the step',
        );
      const shared = s.store ?? s.form?.key;
      if (shared !== undefined && evidenceStore(s.evidence) === shared)
        error(
          `${at}/evidence/store`,
          'evidence_store_taken',
          '佐证材料不能与步骤表单存放在同一位置',
          'the evidence cannot be stored where the step form is',
        );
    }
    if ((s.prefill || s.checks?.length) && !s.form) {
      error(
        `${at}/form`,
        'prefill_without_form',
        '预填或校验需要该步骤有表单',
        'prefill and checks need a form on the step',
      );
    }
    for (const [field, expr] of Object.entries(s.prefill ?? {})) logic(expr, `${at}/prefill/${field}`);
    (s.checks ?? []).forEach((c, i) => logic(c.logic, `${at}/checks/${i}/logic`));
    param(s.minDistinctActors, `${at}/minDistinctActors`);
    if (typeof s.minDistinctActors === 'number' && s.minDistinctActors < 1) {
      error(
        `${at}/minDistinctActors`,
        'bad_min_actors',
        '最少办理人数必须至少为1',
        'minDistinctActors must be at least 1',
      );
    }
    const ids = new Set<string>();
    s.actions.forEach((a, i) => {
      if (ids.has(a.id))
        error(`${at}/actions/${i}/id`, 'duplicate_action', `操作“${a.id}”重复`, `duplicate action "${a.id}"`);
      ids.add(a.id);
      if (a.kind === 'return') {
        if (!a.returnTargets?.length)
          error(
            `${at}/actions/${i}/returnTargets`,
            'no_return_target',
            '退回操作必须指定可退回的步骤',
            'a return action needs returnTargets',
          );
        (a.returnTargets ?? []).forEach((t, j) => {
          const target = byId(t);
          if (target && target.type !== 'task') {
            error(
              `${at}/actions/${i}/returnTargets/${j}`,
              'return_not_task',
              `只能退回到人工步骤，“${t}”不是`,
              `returns go to task steps; "${t}" is not one`,
            );
          }
        });
      } else if (!a.next) {
        error(
          `${at}/actions/${i}/next`,
          'no_next',
          `操作“${a.label.zh}”没有指定下一步`,
          `action "${a.id}" has no next step`,
        );
      }
    });
    if (s.sla) {
      param(s.sla.days, `${at}/sla/days`);
      if (s.sla.autoAction && !ids.has(s.sla.autoAction)) {
        error(
          `${at}/sla/autoAction`,
          'unknown_action',
          `超时自动操作“${s.sla.autoAction}”不是本步骤的操作`,
          `autoAction "${s.sla.autoAction}" is not an action of this step`,
        );
      }
      if (s.sla.escalateTo && !registry.roles.has(s.sla.escalateTo.role)) {
        error(
          `${at}/sla/escalateTo/role`,
          'unknown_role',
          `角色“${s.sla.escalateTo.role}”不存在`,
          `unknown role "${s.sla.escalateTo.role}"`,
        );
      }
    }
  },
  newStep: (id) => ({
    id,
    type: 'task',
    title: { zh: '人工审批' },
    assignee: { role: 'township_reviewer', level: 'township' },
    mode: 'any',
    actions: [{ id: 'approve', kind: 'approve', label: { zh: '同意' }, next: '' }],
  }),
  connect: (s, target) => ({
    ...s,
    actions: s.actions.map((a, i) => (i === 0 ? { ...a, next: target } : a)),
  }),
  edgeLabel: (s, path) => {
    const i = Number(path.split('/')[1]);
    return (s.actions[i]?.label.zh ?? '') + (path.includes('returnTargets') ? '（退回）' : '');
  },
};
