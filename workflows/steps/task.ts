/**
 * 人工任务 a task step: people act on a form. Creates the tasks of one visit,
 * waits for the group to decide (或签 / 会签 / 依次, minimum distinct
 * co-signers), and runs the step's SLA (reminder, escalation, automatic action).
 */
import { patched } from '@temporalio/workflow';
import type { CalendarCloseArgs, CalendarCloseResult, TaskState, TaskRow } from '../contract.js';
import { modeOf, type TaskAction, type TaskStep } from '../definition.js';
import type { CaseRuntime, TaskGroup } from '../runtime.js';
import { noticeCloseTime } from '../calendar.js';

const ENGINE_ACTOR = { userId: 'system', name: '系统' };

export async function runTask(rt: CaseRuntime, step: TaskStep, branch?: string): Promise<string> {
  const group: TaskGroup = {
    stepId: step.id,
    branch,
    taskIds: [],
    queue: [],
    after: [],
    actions: step.actions,
  };
  rt.groups.set(step.id, group);
  const mode = modeOf(step);
  const minSigners = step.minDistinctActors === undefined ? 1 : rt.param(step.minDistinctActors);
  // the inbox shows the due date: the SLA's end in wall time (demo time scale included)
  const now = Date.now();
  const clock =
    step.sla && (step.sla.calendar ?? 'calendar') === 'working' && patched('calendar-activity')
      ? await workingDayClock(rt, step, now)
      : undefined;
  const dueAt = clock
    ? clock.dueAt
    : step.sla
      ? now + rt.wallMs(noticeCloseTime(now, rt.param(step.sla.days), step.sla.calendar ?? 'calendar') - now)
      : undefined;

  if ('users' in step.assignee) {
    const users = step.assignee.users.map((u) => ({ userId: u, name: u }));
    startUsers(rt, step, group, users, mode, dueAt);
  } else if ('posts' in step.assignee) {
    // 按岗位会签: one task per post, open to whoever holds it; the step is done when every post has signed
    for (const post of step.assignee.posts) {
      const orgId = rt.orgFor(post.level);
      const candidates = await rt.resolveAssignees({ role: post.role, orgId, department: post.department });
      if (candidates.length === 0) {
        rt.emit({
          kind: 'audit',
          action: 'task.no-approver',
          target: step.id,
          detail: { role: post.role, orgId },
        });
        createTask(rt, step, group, {
          role: 'admin',
          orgId: rt.orgFor(post.level === 'village' ? 'township' : 'county'),
          minSigners: 1,
          dueAt,
        });
      } else if (candidates.length === 1) {
        // the post's one holder: the task is theirs (their 待办, and it leaves it once they sign)
        createTask(rt, step, group, {
          assigneeUser: candidates[0].userId,
          role: post.role,
          orgId,
          department: post.department,
          minSigners: 1,
          dueAt,
        });
      } else {
        createTask(rt, step, group, {
          role: post.role,
          orgId,
          department: post.department,
          minSigners: 1,
          dueAt,
        });
      }
    }
  } else if (mode === 'any' && patched('assignees-in-projection')) {
    // 或签 open to a role: no look-up of its holders first — the projection writes the task for the role when
    // somebody holds it and otherwise for the administrators one level up (无审批人), in the same local
    // activity, one round trip less per step (cases started before keep the look-up, `patched`)
    const orgId = rt.orgFor(step.assignee.level);
    const { role, department } = step.assignee;
    const up = step.assignee.level === 'village' ? 'township' : 'county';
    createTask(rt, step, group, {
      role,
      orgId,
      department,
      minSigners,
      dueAt,
      orElse: { role: 'admin', orgId: rt.orgFor(up) },
    });
  } else {
    const orgId = rt.orgFor(step.assignee.level);
    const { role, department } = step.assignee;
    const candidates = await rt.resolveAssignees({ role, orgId, department });
    if (candidates.length === 0) {
      // 无审批人: escalate to the administrator one level up, or park for repair
      const up = step.assignee.level === 'village' ? 'township' : 'county';
      rt.emit({ kind: 'audit', action: 'task.no-approver', target: step.id, detail: { role, orgId } });
      createTask(rt, step, group, { role: 'admin', orgId: rt.orgFor(up), minSigners: 1 });
    } else if (mode === 'any') {
      createTask(rt, step, group, { role, orgId, department, minSigners, dueAt });
    } else {
      startUsers(rt, step, group, candidates, mode, dueAt);
    }
  }

  try {
    await waitWithSla(rt, step, group, clock);
  } finally {
    rt.groups.delete(step.id);
  }
  return group.outcome!.next;
}

function startUsers(
  rt: CaseRuntime,
  step: TaskStep,
  group: TaskGroup,
  users: { userId: string; name: string }[],
  mode: 'any' | 'all' | 'sequential',
  dueAt?: number,
): void {
  if (mode === 'sequential') {
    const [first, ...rest] = users;
    group.queue = rest;
    createTask(rt, step, group, { assigneeUser: first.userId, minSigners: 1, dueAt });
  } else {
    // 会签: every member; 或签 among named users: one task each, the first decision closes the rest
    for (const u of users) createTask(rt, step, group, { assigneeUser: u.userId, minSigners: 1, dueAt });
  }
}

export function createTask(
  rt: CaseRuntime,
  step: {
    id: string;
    title: { zh: string };
    form?: { key: string; version?: number };
    fieldPermissions?: Record<string, string>;
  },
  group: TaskGroup,
  who: {
    role?: string;
    orgId?: string;
    department?: string;
    assigneeUser?: string;
    minSigners: number;
    dueAt?: number;
    /** nobody holds `role` at `orgId`: the task is for this role and node instead (see TaskRow.orElse) */
    orElse?: { role: string; orgId: string };
  },
): TaskState {
  const formKey = step.form?.key;
  const task: TaskState = {
    id: rt.newId('task', step.id),
    stepId: step.id,
    branch: group.branch,
    role: who.role,
    orgId: who.orgId ?? (who.assigneeUser ? rt.input.org.id : undefined),
    department: who.department,
    assigneeUser: who.assigneeUser,
    status: 'open',
    formKey,
    formVersion: formKey ? (step.form?.version ?? rt.input.forms[formKey]) : undefined,
    minSigners: who.minSigners,
    signers: [],
    createdAt: Date.now(),
    dueAt: who.dueAt,
  };
  rt.tasks.set(task.id, task);
  group.taskIds.push(task.id);
  const row: TaskRow = {
    id: task.id,
    stepId: step.id,
    stepTitle: step.title.zh,
    role: task.role,
    orgId: task.orgId,
    department: task.department,
    assigneeUser: task.assigneeUser,
    formKey: task.formKey,
    formVersion: task.formVersion,
    actions: group.actions,
    fieldPermissions: step.fieldPermissions ?? {},
    minSigners: task.minSigners,
    createdAt: task.createdAt,
    dueAt: task.dueAt,
    ...(who.orElse ? { orElse: who.orElse } : {}),
  };
  if (who.orElse) rt.checkHolders(task.id, who.orElse);
  rt.emit({ kind: 'task.created', stepId: step.id, task: row });
  return task;
}

/** Close every still-open task of a group (another member decided, or the case ended). */
export function cancelOpenTasks(rt: CaseRuntime, taskIds: Iterable<string>): void {
  for (const id of taskIds) {
    const t = rt.tasks.get(id);
    if (t && t.status === 'open') {
      t.status = 'cancelled';
      rt.emit({ kind: 'task.closed', taskId: id, stepId: t.stepId, status: 'cancelled' });
    }
  }
}

/**
 * Apply one person's decision to the group. Approve/submit count as
 * signatures until the group is satisfied; any other action decides at once.
 */
export function applyDecision(
  rt: CaseRuntime,
  group: TaskGroup,
  task: TaskState,
  action: TaskAction,
  actor: { userId: string; name: string },
  comment: string | undefined,
  returnTo: string | undefined,
): void {
  task.signers.push({ userId: actor.userId, name: actor.name, action: action.id, comment, at: Date.now() });
  const cosign = action.kind === 'approve' || action.kind === 'submit';
  const taskDone = !cosign || task.signers.length >= task.minSigners;
  rt.emit({
    kind: 'task.signed',
    taskId: task.id,
    stepId: task.stepId,
    actorId: actor.userId,
    actorName: actor.name,
    action: action.id,
    comment,
    final: taskDone,
  });
  rt.emit({
    kind: 'audit',
    action: `task.${action.id}`,
    actorId: actor.userId,
    target: task.id,
    detail: { step: task.stepId },
  });
  if (!taskDone) return;
  task.status = 'completed';
  rt.emit({
    kind: 'task.closed',
    taskId: task.id,
    stepId: task.stepId,
    status: 'completed',
    action: action.id,
    by: actor.userId,
  });
  // a signer added before another gives an opinion; the task it preceded still decides
  if (task.before) return;

  const next = action.kind === 'return' ? returnTo! : action.next!;
  if (!cosign) {
    cancelOpenTasks(rt, group.taskIds);
    group.outcome = { next, action: action.id };
    return;
  }
  const step = rt.step(group.stepId);
  if (group.queue.length > 0 && step.type === 'task') {
    const nextUser = group.queue.shift()!;
    createTask(rt, step, group, { assigneeUser: nextUser.userId, minSigners: 1 });
    return;
  }
  const othersOpen = group.taskIds.some((id) => rt.tasks.get(id)?.status === 'open');
  const mode = step.type === 'task' ? modeOf(step) : 'any';
  if (othersOpen && mode === 'all') return;
  if (group.after.length > 0 && step.type === 'task') {
    const extra = group.after.shift()!;
    createTask(rt, step, group, { assigneeUser: extra.userId, minSigners: 1 });
    return;
  }
  cancelOpenTasks(rt, group.taskIds);
  group.outcome = { next, action: action.id };
}

/**
 * A working-day SLA, computed once when the task opens over the published holiday calendar of the case's
 * region; `pending` when the year it needs is not published yet (the task is open all the same).
 */
interface SlaClock {
  args: CalendarCloseArgs;
  dueAt?: number;
  pending?: Extract<CalendarCloseResult, { ok: false }>;
}

async function workingDayClock(rt: CaseRuntime, step: TaskStep, now: number): Promise<SlaClock> {
  const args = { opensAt: now, days: rt.param(step.sla!.days), orgPath: rt.input.org.path };
  const r = await rt.calendarClose(args);
  return r.ok ? { args, dueAt: now + rt.wallMs(r.closesAt - now) } : { args, pending: r };
}

async function waitWithSla(
  rt: CaseRuntime,
  step: TaskStep,
  group: TaskGroup,
  clock?: SlaClock,
): Promise<void> {
  const decided = () => group.outcome !== undefined;
  if (!step.sla) {
    await rt.waitFor(decided);
    return;
  }
  let start: number;
  let dueMs: number;
  if (clock) {
    start = clock.args.opensAt;
    if (clock.pending) {
      // no year, no guess: the task stays open and the SLA starts once the year is published
      const got = await rt.awaitCalendar(clock.pending, clock.args, 'sla', step, decided);
      if (!got) return;
      clock.dueAt = start + rt.wallMs(got.closesAt - start);
      for (const id of group.taskIds) {
        if (rt.tasks.get(id)?.status === 'open') {
          rt.tasks.get(id)!.dueAt = clock.dueAt;
          rt.emit({ kind: 'task.updated', taskId: id, dueAt: clock.dueAt });
        }
      }
    }
    dueMs = clock.dueAt! - start;
  } else {
    start = Date.now();
    const calendar = step.sla.calendar ?? 'calendar';
    // calendar days, or a working-day SLA of a history recorded before the calendar was data (replay)
    const policyDue = noticeCloseTime(start, rt.param(step.sla.days), calendar);
    dueMs = rt.wallMs(policyDue - start);
  }
  if (step.sla.remindBeforeDays && step.sla.remindBeforeDays > 0) {
    const remindMs = Math.max(
      0,
      dueMs - rt.wallMs(step.sla.remindBeforeDays * 86_400_000) - (Date.now() - start),
    );
    if (!(await rt.waitFor(decided, remindMs))) {
      rt.emit({
        kind: 'notify',
        notifyKind: 'reminder',
        userIds: openAssignees(rt, group),
        message: `“${step.title.zh}”即将到期`,
      });
    }
  }
  const elapsed = Date.now() - start;
  if (await rt.waitFor(decided, Math.max(0, dueMs - elapsed))) return;

  // The SLA has passed: escalate once, and/or act automatically.
  rt.emit({ kind: 'audit', action: 'task.sla-expired', target: step.id });
  if (step.sla.escalateTo) {
    const { role, level } = step.sla.escalateTo;
    createTask(rt, step, group, { role, orgId: rt.orgFor(level), minSigners: 1 });
    rt.emit({
      kind: 'notify',
      notifyKind: 'escalation',
      role,
      orgId: rt.orgFor(level),
      message: `“${step.title.zh}”已超时，升级处理`,
    });
  }
  if (step.sla.autoAction) {
    const action = step.actions.find((a) => a.id === step.sla!.autoAction)!;
    const open = group.taskIds.map((id) => rt.tasks.get(id)!).find((t) => t.status === 'open');
    if (open) {
      open.minSigners = open.signers.length + 1;
      applyDecision(rt, group, open, action, ENGINE_ACTOR, '超时自动处理', undefined);
    }
  }
  await rt.waitFor(decided);
}

function openAssignees(rt: CaseRuntime, group: TaskGroup): string[] {
  return group.taskIds
    .map((id) => rt.tasks.get(id)!)
    .filter((t) => t.status === 'open' && t.assigneeUser)
    .map((t) => t.assigneeUser!);
}
