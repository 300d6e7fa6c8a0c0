/**
 * The case workflow's contract with the outside: its input, the human actions
 * it accepts (Temporal Updates), its query, and the events it projects into
 * the read model. Imported by the workflow, the activities and the server.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { OrgLevel, ProcessDefinition } from './definition.js';

/** Failure types an Update's validator refuses with; the server maps each to a domain error (server/errors.ts). */
export const FAILURE = { stale: 'Stale', invalid: 'Invalid', forbidden: 'Forbidden' } as const;

export interface Actor {
  userId: string;
  name: string;
  /** roles the server verified for this actor at the case's nodes */
  roles?: string[];
}

export interface CaseOrg {
  id: string;
  level: OrgLevel;
  name: string;
  /** ids from the root down to the case's node */
  path: string[];
  /** the case's ancestor at each level, e.g. { village: 'v1', township: 't1', county: 'c1' } */
  ancestors: Partial<Record<OrgLevel, string>>;
}

/** 案件 the input of one case: everything it needs is snapshotted here. */
export interface CaseInput {
  caseId: string;
  /** the process definition this case follows, pinned at start (publishing v2 never touches it) */
  definition: ProcessDefinition;
  /** form versions pinned at start: key → version */
  forms: Record<string, number>;
  /** policy parameters for the case's year, snapshotted at start */
  params: Record<string, number | string | boolean>;
  org: CaseOrg;
  subject: { kind: string; id?: string; name: string };
  title: string;
  initiator: Actor;
  data: Record<string, unknown>;
  /** seconds one policy day lasts: 86400 normally; small in demo mode */
  daySeconds: number;
  /** continue as new once the history has this many events (default 5000); Temporal's own suggestion also counts */
  historyLimit?: number;
  /** set when the case continues as new */
  resume?: ResumeState;
}

export interface Signature {
  userId: string;
  name: string;
  action: string;
  comment?: string;
  at: number;
}

export interface TaskState {
  id: string;
  stepId: string;
  branch?: string;
  role?: string;
  orgId?: string;
  department?: string;
  assigneeUser?: string;
  status: 'open' | 'completed' | 'cancelled';
  formKey?: string;
  formVersion?: number;
  minSigners: number;
  signers: Signature[];
  claimedBy?: string;
  delegatedFrom?: string;
  /** 前加签 this task was added before another one, which waits for it */
  before?: string;
  createdAt: number;
  dueAt?: number;
}

export interface NoticeState {
  id: string;
  stepId: string;
  opensAt: number;
  /** absent while the close time waits for a year of the holiday calendar an administrator has not published */
  closesAt?: number;
  /** how the close time was computed ("按2027年节假日安排（第1版）计算，截止 2027-01-07 24:00"), or why it is pending */
  calendarNote?: string;
  closed: boolean;
  objections: { receipt: string; content: string; at: number }[];
}

export interface ResumeState {
  current: string;
  seq: number;
  data: Record<string, unknown>;
  visited: string[];
  requestIds: string[];
}

// ---- human actions (Temporal Updates) ----

export interface CompleteTaskArgs {
  requestId: string;
  taskId: string;
  actor: Actor;
  action: string;
  comment?: string;
  /** form data, already validated (and derived fields computed) by the server */
  data?: Record<string, unknown>;
  /** 佐证材料 the actor's own evidence record (step `evidence`), already validated by the server */
  evidence?: Record<string, unknown>;
  returnTo?: string;
}
/** 提交申请 the initiator's submission of the first step, sent with the case's start (Update-with-Start). */
export interface SubmitApplicationArgs {
  requestId: string;
  actor: Actor;
  action: string;
  /** form data, already validated by the server */
  data?: Record<string, unknown>;
}
export interface ClaimTaskArgs {
  requestId: string;
  taskId: string;
  actor: Actor;
}
export interface ReassignArgs {
  requestId: string;
  taskId: string;
  actor: Actor;
  /** 转办 transfer: the task moves for good; 委派 delegate: comes back to the delegator after */
  to: { userId: string; name: string };
}
export interface AddSignerArgs {
  requestId: string;
  taskId: string;
  actor: Actor;
  to: { userId: string; name: string };
  position: 'before' | 'after';
}
export interface CaseActionArgs {
  requestId: string;
  actor: Actor;
  comment?: string;
  userIds?: string[];
}
export interface ObjectionArgs {
  requestId: string;
  receipt: string;
  noticeId?: string;
  content: string;
  name?: string;
  contact?: string;
}

export interface ActionResult {
  caseId: string;
  status: CaseStatus;
  current: string[];
  openTasks: string[];
}

export type CaseStatus =
  'running' | 'approved' | 'rejected' | 'withdrawn' | 'cancelled' | 'completed' | 'refused';

export const completeTaskUpdate = defineUpdate<ActionResult, [CompleteTaskArgs]>('completeTask');
export const submitApplicationUpdate = defineUpdate<ActionResult, [SubmitApplicationArgs]>(
  'submitApplication',
);
export const claimTaskUpdate = defineUpdate<ActionResult, [ClaimTaskArgs]>('claimTask');
export const transferTaskUpdate = defineUpdate<ActionResult, [ReassignArgs]>('transferTask');
export const delegateTaskUpdate = defineUpdate<ActionResult, [ReassignArgs]>('delegateTask');
export const addSignerUpdate = defineUpdate<ActionResult, [AddSignerArgs]>('addSigner');
export const withdrawUpdate = defineUpdate<ActionResult, [CaseActionArgs]>('withdraw');
export const urgeUpdate = defineUpdate<ActionResult, [CaseActionArgs]>('urge');
export const ccUpdate = defineUpdate<ActionResult, [CaseActionArgs]>('cc');
export const cancelUpdate = defineUpdate<ActionResult, [CaseActionArgs]>('cancel');
export const fileObjectionUpdate = defineUpdate<ActionResult, [ObjectionArgs]>('fileObjection');
/** 节假日安排已发布 an administrator published a year: cases waiting for it compute their close times again */
export const calendarPublishedSignal = defineSignal<[{ year: number }]>('calendarPublished');
/**
 * 区划调整 an administrator moved the case's node or one above it: the case's org (path and ancestors) as the
 * tree now has it. Steps opened from now on follow it (a township task goes to the new township; a notice is
 * posted on the new boards); tasks already open stay where they are.
 */
export const orgMovedSignal = defineSignal<[CaseOrg]>('orgMoved');

export interface CaseSnapshot extends ActionResult {
  data: Record<string, unknown>;
  tasks: TaskState[];
  notices: NoticeState[];
  visited: string[];
}
export const caseStateQuery = defineQuery<CaseSnapshot>('caseState');

// ---- read-model projection ----

export interface TaskRow {
  id: string;
  stepId: string;
  stepTitle: string;
  role?: string;
  orgId?: string;
  department?: string;
  assigneeUser?: string;
  formKey?: string;
  formVersion?: number;
  actions: unknown[];
  fieldPermissions: Record<string, string>;
  minSigners: number;
  createdAt: number;
  dueAt?: number;
  /**
   * 无审批人 when nobody holds `role` at `orgId` (`department`), the projection opens the task for this role
   * and node instead (one signer, no due date) and says so in its result: the holders are checked in the
   * same transaction that writes the task, not by a read of its own before it.
   */
  orElse?: { role: string; orgId: string };
}

export type ProjectionEvent = { seq: number; at: number; stepId?: string; actorId?: string } & (
  | {
      kind: 'case.started';
      processKey: string;
      processVersion: number;
      title: string;
      org: CaseOrg;
      subject: CaseInput['subject'];
      /** false: a follow-up that does not hold its household (absent means it does) */
      exclusive?: boolean;
      initiatorId: string;
      data: Record<string, unknown>;
    }
  | { kind: 'case.steps'; current: { id: string; title: string }[] }
  | { kind: 'case.data'; data: Record<string, unknown> }
  | { kind: 'case.ended'; status: CaseStatus; outcome: string }
  | { kind: 'task.created'; task: TaskRow }
  | {
      kind: 'task.updated';
      taskId: string;
      assigneeUser?: string | null;
      claimedBy?: string | null;
      delegatedFrom?: string | null;
      role?: string;
      orgId?: string;
      /** the SLA's due time, once a working-day SLA could be computed */
      dueAt?: number;
    }
  | {
      kind: 'task.signed';
      taskId: string;
      actorName: string;
      action: string;
      comment?: string;
      final: boolean;
    }
  | { kind: 'task.closed'; taskId: string; status: 'completed' | 'cancelled'; action?: string; by?: string }
  | {
      kind: 'notice.opened';
      noticeId: string;
      level: OrgLevel;
      orgId: string;
      orgPath: string[];
      title: string;
      content: Record<string, unknown>;
      days: number;
      calendar: 'calendar' | 'working';
      opensAt: number;
      /** absent: pending until the holiday calendar has the year it needs (`notice.scheduled` brings it) */
      closesAt?: number;
      calendarNote?: string;
    }
  | { kind: 'notice.scheduled'; noticeId: string; closesAt: number; calendarNote: string }
  | { kind: 'calendar.waiting'; purpose: 'notice' | 'sla'; year: number; message: string }
  | { kind: 'calendar.resolved'; purpose: 'notice' | 'sla'; year: number; message: string }
  | { kind: 'notice.closed'; noticeId: string; objectionCount: number }
  | {
      kind: 'objection.filed';
      noticeId: string;
      receipt: string;
      content: string;
      name?: string;
      contact?: string;
    }
  | { kind: 'objection.resolved'; noticeId: string; status: 'unfounded' | 'upheld' | 'investigating' }
  | {
      kind: 'notify';
      userIds?: string[];
      role?: string;
      orgId?: string;
      taskId?: string;
      message: string;
      notifyKind: string;
    }
  | { kind: 'cc'; userIds: string[] }
  | { kind: 'audit'; action: string; target?: string; detail?: Record<string, unknown> }
);

export interface ProjectArgs {
  caseId: string;
  events: ProjectionEvent[];
}

/** What a batch's writes found: the tasks (with `orElse`) that nobody held, opened for `orElse` instead. */
export interface ProjectResult {
  unheld: string[];
}

export interface CalendarCloseArgs {
  opensAt: number;
  days: number;
  /** ids from the root down to the node whose calendar applies (a notice's board, a case's node) */
  orgPath: string[];
}

/** which published version of which calendar a close time came from (national, or a region's overlay) */
export interface CalendarBasis {
  scope: string;
  year: number;
  version: number;
}

/** what a case keeps: the close time and the versions it came from, or the year that is missing */
export type CalendarCloseResult =
  | { ok: true; closesAt: number; basis: CalendarBasis[]; note: string }
  | { ok: false; missingYear: number; note: string };

/** 异议 the objections stored for a notice window, read once it has closed (oldest first). */
export interface NoticeObjections {
  /** as many as fit a bounded size, oldest first */
  objections: { receipt: string; content: string; at: number }[];
  /** every objection filed in the window, listed or not */
  total: number;
}

/** Activities the interpreter itself needs (the registry's activities come on top). */
export interface EngineActivities {
  project(args: ProjectArgs): Promise<ProjectResult | void>;
  /** 按工作日计算截止时间 the close time of a working-day window over the published holiday calendar */
  calendarClose(args: CalendarCloseArgs): Promise<CalendarCloseResult>;
  resolveAssignees(args: {
    role: string;
    orgId: string;
    department?: string;
  }): Promise<{ userId: string; name: string }[]>;
  noticeObjections(args: { noticeId: string; closesAt: number }): Promise<NoticeObjections>;
}

/** 定时任务轮次 what a schedule's round is asked to do (the schedule passes it to `scheduledRoundWorkflow`). */
export interface RoundInput {
  /** the pack's schedule id */
  scheduleId: string;
  process: string;
  /** which targets get a case: monitored-households, long-monitored-households, villages, counties */
  targets: string;
}

export interface RoundReport {
  roundId: string;
  scheduleId: string;
  targets: number;
  /** the case ids started (or found, when the round was retried) */
  started: string[];
  skipped: { target: string; reason: string; reason_en: string }[];
}
