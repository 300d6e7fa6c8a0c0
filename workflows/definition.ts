/**
 * 流程定义 process definition: an approval chain as data.
 *
 * A definition is a flat graph of steps addressed by id. The interpreter
 * (`case-workflow.ts`) walks it; the designer edits it; the validator
 * (`server/definitions/`) checks it before it can be published. Pure types:
 * this file is imported by the workflow bundle, the server and the web app.
 */

/** JSON Logic expression (https://jsonlogic.com), evaluated without eval. */
export type Logic = unknown;

/** 组织层级 organisation level, from the case's node upwards. */
export type OrgLevel = 'village' | 'township' | 'county' | 'city' | 'province';

/** Where a rule comes from: a seed document and line(s). */
export interface Source {
  file: string;
  lines: string;
  note?: string;
}

export interface Text {
  zh: string;
  en?: string;
}

/** A number fixed in the definition, or a policy parameter looked up when the case starts. */
export type NumberOrParam = number | { param: string };

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

/**
 * 签名记录 one signer's signature on one visit of a step, kept in case data under
 * `signatures[stepId]` so documents (附件3, 附件5) compose their sections from who actually signed.
 */
export interface SignatureRecord {
  userId: string;
  name: string;
  /** the post (role) the signer signed for */
  post?: string;
  action: string;
  opinion?: string;
  /** handwritten signature (attachment reference), when the form has one */
  signature?: unknown;
  /** the date written on the form, else the day of signing (China time) */
  date: string;
  at: number;
  /** visit of the step (0 = first; a return makes a new visit) */
  round: number;
  taskId: string;
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
  sla?: Sla;
  /** what to do when no user holds the role: escalate to the next level's admin, or fail the case into repair */
  noApprover?: 'escalate' | 'repair';
  source?: Source;
}

export interface ParallelStep {
  id: string;
  type: 'parallel';
  title: Text;
  /** first step of each branch; a branch ends when a transition targets "$join" */
  branches: { id: string; title?: Text; start: string }[];
  join: 'all' | 'any';
  next: string;
  source?: Source;
}

/** 公示 public-notice window on the public board of an organisation level. */
export interface NoticeStep {
  id: string;
  type: 'notice';
  title: Text;
  level: OrgLevel;
  days: NumberOrParam;
  calendar?: 'calendar' | 'working' | { param: string };
  /** which case data is shown on the board (masked by the server) */
  publish?: string[];
  next: string;
  /** task step that investigates objections when the window closes with any */
  onObjection: string;
  source?: Source;
}

export interface ActivityStep {
  id: string;
  type: 'activity';
  title: Text;
  activity: string;
  /** input field → JSON Logic over `{ data, case, params }` */
  input: Record<string, Logic>;
  /** where the activity's output is stored in case data */
  store?: string;
  retry?: { maximumAttempts?: number; initialIntervalSeconds?: number };
  timeoutSeconds?: number;
  next: string;
  source?: Source;
}

export interface DecisionStep {
  id: string;
  type: 'decision';
  title: Text;
  branches: { when: Logic; next: string; label?: Text }[];
  otherwise: string;
  source?: Source;
}

/** 结束 an outcome the read model and dashboard understand. */
export interface EndStep {
  id: string;
  type: 'end';
  title: Text;
  outcome: 'approved' | 'rejected' | 'withdrawn' | 'cancelled' | 'completed' | 'refused';
  source?: Source;
}

export type Step = TaskStep | ParallelStep | NoticeStep | ActivityStep | DecisionStep | EndStep;

/** 办理对象 what a case is about. */
export type SubjectKind = 'household' | 'project' | 'asset' | 'campaign';

/** 监测状态 a household's monitoring status: 未纳入 / 预警 / 监测中 / 风险已消除 */
export type SubjectStatus = 'none' | 'warning' | 'monitored' | 'eliminated';

export interface ProcessDefinition {
  key: string;
  version: number;
  title: Text;
  subject: SubjectKind;
  /** a household case holds its household while it runs (default); follow-ups set false to run beside it */
  exclusive?: boolean;
  /** 适用对象 household statuses a case may start from (identification: not monitored; elimination: monitored); any when absent */
  subjectStatuses?: SubjectStatus[];
  /** the level of the node a case starts at (usually village) */
  startLevel?: OrgLevel;
  /** roles that may start a case */
  starters?: string[];
  start: string;
  steps: Step[];
  source?: Source;
}

export const JOIN = '$join';

export function stepById(def: ProcessDefinition, id: string): Step | undefined {
  return def.steps.find((s) => s.id === id);
}

/** Every transition target a step names, with the JSON path it is named at. */
export function transitions(step: Step): { target: string; path: string }[] {
  switch (step.type) {
    case 'task':
      return step.actions.flatMap((a, i) => [
        ...(a.next ? [{ target: a.next, path: `actions/${i}/next` }] : []),
        ...(a.returnTargets ?? []).map((t, j) => ({ target: t, path: `actions/${i}/returnTargets/${j}` })),
      ]);
    case 'parallel':
      return [
        ...step.branches.map((b, i) => ({ target: b.start, path: `branches/${i}/start` })),
        { target: step.next, path: 'next' },
      ];
    case 'notice':
      return [
        { target: step.next, path: 'next' },
        { target: step.onObjection, path: 'onObjection' },
      ];
    case 'activity':
      return [{ target: step.next, path: 'next' }];
    case 'decision':
      return [
        ...step.branches.map((b, i) => ({ target: b.next, path: `branches/${i}/next` })),
        { target: step.otherwise, path: 'otherwise' },
      ];
    case 'end':
      return [];
  }
}
