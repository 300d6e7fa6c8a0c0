/**
 * 人工操作 the human actions on a case, as Temporal Updates. Each validator
 * refuses a stale, duplicate or malformed action with a clear reason and
 * changes nothing; each handler applies the action and returns once the read
 * model shows its effect.
 */
import { condition, setHandler } from '@temporalio/workflow';
import {
  addSignerUpdate,
  cancelUpdate,
  ccUpdate,
  claimTaskUpdate,
  completeTaskUpdate,
  delegateTaskUpdate,
  fileObjectionUpdate,
  transferTaskUpdate,
  urgeUpdate,
  withdrawUpdate,
  submitApplicationUpdate,
  type Actor,
  type CompleteTaskArgs,
  type TaskState,
} from './contract.js';
import { CaseRuntime, FORBIDDEN, INVALID, STALE, reject, type TaskGroup } from './runtime.js';
import { applyDecision, createTask } from './steps/task.js';
import { evidenceStore, type SignatureRecord } from './definition.js';

export function installActions(rt: CaseRuntime, abort: () => void): void {
  const fresh = (requestId: string) => {
    if (!requestId) reject(INVALID, '缺少请求编号', 'requestId is required');
    if (rt.seen(requestId)) reject(STALE, '该操作已处理（重复提交）', 'this request was already processed');
    if (rt.status !== 'running') reject(STALE, '案件已办结', 'the case has ended');
  };
  const openTask = (taskId: string): { task: TaskState; group: TaskGroup } => {
    const task = rt.tasks.get(taskId);
    if (!task || task.status !== 'open') reject(STALE, '任务已办结或不存在', 'the task is no longer open');
    const group = rt.groups.get(task.stepId);
    if (!group || !group.taskIds.includes(taskId))
      reject(STALE, '任务已办结或不存在', 'the task is no longer open');
    return { task, group };
  };
  const mayAct = (task: TaskState, actor: Actor) => {
    if (task.assigneeUser && task.assigneeUser !== actor.userId) {
      reject(FORBIDDEN, '该任务已指派给他人', 'the task is assigned to someone else');
    }
  };

  /** Refuse an action on a task that cannot be taken now (the validator's checks, also run by submitApplication). */
  const checkComplete = (args: CompleteTaskArgs) => {
    const { task, group } = openTask(args.taskId);
    mayAct(task, args.actor);
    const action = group.actions.find((a) => a.id === args.action);
    if (!action)
      reject(
        INVALID,
        `此环节不允许操作“${args.action}”`,
        `action "${args.action}" is not allowed at this step`,
      );
    if (action.commentRequired && !args.comment?.trim()) {
      reject(
        INVALID,
        `“${action.label.zh}”必须填写意见`,
        `a comment is required to ${action.label.en ?? action.id}`,
      );
    }
    if (action.kind === 'return') {
      if (!args.returnTo || !(action.returnTargets ?? []).includes(args.returnTo)) {
        reject(
          INVALID,
          '请选择可退回的环节',
          `returnTo must be one of ${(action.returnTargets ?? []).join(', ')}`,
        );
      }
    }
    if (task.signers.some((s) => s.userId === args.actor.userId)) {
      reject(
        STALE,
        '您已签署过此任务，需由另一人会签',
        'you already signed this task; another person must co-sign',
      );
    }
    const step = rt.step(task.stepId);
    if (
      step.type === 'task' &&
      step.evidence &&
      (action.kind === 'submit' || action.kind === 'approve') &&
      action.requiresForm !== false &&
      !args.evidence
    ) {
      reject(INVALID, '请填写您本人的佐证材料', 'your own evidence record is required at this step');
    }
    if (step.type === 'task' && 'posts' in step.assignee) {
      // 按岗位会签: each post signs once, by a different person (one person holding both posts signs once)
      const signedOther = group.taskIds.some(
        (id) => id !== task.id && rt.tasks.get(id)?.signers.some((s) => s.userId === args.actor.userId),
      );
      if (signedOther)
        reject(
          STALE,
          '您已以另一岗位签署此环节，需由该岗位的其他人签署',
          'you already signed this step for another post',
        );
    }
    const blockers = [...rt.tasks.values()].filter(
      (t) => t.status === 'open' && t.id !== task.id && blocks(t, task),
    );
    if (blockers.length > 0)
      reject(STALE, '前加签人员尚未办理', 'a signer added before you has not acted yet');
  };
  const complete = (args: CompleteTaskArgs) => {
    const { task, group } = openTask(args.taskId);
    const action = group.actions.find((a) => a.id === args.action)!;
    if (task.delegatedFrom && task.assigneeUser === args.actor.userId) {
      // 委派 the delegate answers; the task goes back to the delegator to decide
      rt.emit({
        kind: 'task.signed',
        taskId: task.id,
        stepId: task.stepId,
        actorId: args.actor.userId,
        actorName: args.actor.name,
        action: 'delegate-reply',
        comment: args.comment,
        final: false,
      });
      task.assigneeUser = task.delegatedFrom;
      task.delegatedFrom = undefined;
      rt.emit({
        kind: 'task.updated',
        taskId: task.id,
        assigneeUser: task.assigneeUser,
        delegatedFrom: null,
      });
    } else {
      if (args.data && action.requiresForm !== false && task.formKey) {
        const step = rt.step(task.stepId);
        const store = (step.type === 'task' && step.store) || task.formKey;
        // `data[store]` keeps the latest form (what later steps of old definitions read); each signer's own
        // signature is also kept in `data.signatures[stepId]`, so a 会签 no longer loses the first opinion.
        // This changes only the payload of the `case.data` event this branch already emitted: the same
        // projection call is made at the same point, so old histories replay unchanged.
        rt.data[store] = args.data;
        if (args.evidence && step.type === 'task' && step.evidence) {
          // 佐证材料 each actor's own record, beside the shared form (same event, no new command)
          const at = evidenceStore(step.evidence);
          const kept = (rt.data[at] ?? {}) as { byActor?: Record<string, unknown> };
          rt.data[at] = { ...kept, byActor: { ...kept.byActor, [args.actor.userId]: args.evidence } };
        }
        recordSignature(rt, task, action.id, args.actor, args.data, args.comment);
        rt.emit({ kind: 'case.data', data: rt.data });
      }
      applyDecision(rt, group, task, action, args.actor, args.comment, args.returnTo);
    }
  };

  setHandler(
    completeTaskUpdate,
    async (args) => {
      rt.remember(args.requestId);
      complete(args);
      return rt.settle();
    },
    {
      validator: (args) => {
        fresh(args.requestId);
        checkComplete(args);
      },
    },
  );

  /** the open task of the start step, once the case has created it (its assignees come from an activity) */
  const firstTask = () => {
    const group = rt.groups.get(rt.def.start);
    return group?.taskIds.map((id) => rt.tasks.get(id)).find((t) => t?.status === 'open');
  };
  // 提交申请 sent together with the start (Update-with-Start): waits for the first task, then completes it,
  // so a case never exists without its application however the start was cut short
  setHandler(
    submitApplicationUpdate,
    async (args) => {
      rt.remember(args.requestId);
      // …and the case rests on it, so the answer below comes once the case has moved on (as completeTask's does)
      await condition(
        () =>
          (firstTask() !== undefined && rt.atRest) ||
          rt.status !== 'running' ||
          rt.visited.includes(rt.def.start),
      );
      const task = firstTask();
      if (!task || rt.status !== 'running')
        reject(STALE, '申请已提交或案件已办结', 'the application step is over');
      const full = {
        requestId: args.requestId,
        taskId: task.id,
        actor: args.actor,
        action: args.action,
        data: args.data,
      };
      checkComplete(full);
      complete(full);
      return rt.settle();
    },
    {
      validator: (args) => {
        fresh(args.requestId);
        if (args.actor.userId !== rt.input.initiator.userId)
          reject(FORBIDDEN, '只有发起人可以提交申请', 'only the initiator submits the application');
        if (rt.visited.includes(rt.def.start))
          reject(STALE, '申请已提交', 'the application was already submitted');
      },
    },
  );

  setHandler(
    claimTaskUpdate,
    async (args) => {
      rt.remember(args.requestId);
      const { task } = openTask(args.taskId);
      task.assigneeUser = args.actor.userId;
      task.claimedBy = args.actor.userId;
      rt.emit({
        kind: 'task.updated',
        taskId: task.id,
        assigneeUser: args.actor.userId,
        claimedBy: args.actor.userId,
      });
      return rt.settle();
    },
    {
      validator: (args) => {
        fresh(args.requestId);
        const { task } = openTask(args.taskId);
        if (task.claimedBy && task.claimedBy !== args.actor.userId)
          reject(STALE, '任务已被他人认领', 'someone else claimed the task');
        mayAct(task, args.actor);
      },
    },
  );

  for (const [update, delegate] of [
    [transferTaskUpdate, false],
    [delegateTaskUpdate, true],
  ] as const) {
    setHandler(
      update,
      async (args) => {
        rt.remember(args.requestId);
        const { task } = openTask(args.taskId);
        task.delegatedFrom = delegate ? args.actor.userId : undefined;
        task.assigneeUser = args.to.userId;
        rt.emit({
          kind: 'task.updated',
          taskId: task.id,
          assigneeUser: args.to.userId,
          delegatedFrom: task.delegatedFrom ?? null,
        });
        rt.emit({
          kind: 'notify',
          notifyKind: delegate ? 'delegate' : 'transfer',
          userIds: [args.to.userId],
          taskId: task.id,
          message: `${args.actor.name}${delegate ? '委派' : '转办'}给您一项任务`,
        });
        rt.emit({
          kind: 'audit',
          action: delegate ? 'task.delegate' : 'task.transfer',
          actorId: args.actor.userId,
          target: task.id,
          detail: { to: args.to.userId },
        });
        return rt.settle();
      },
      {
        validator: (args) => {
          fresh(args.requestId);
          const { task } = openTask(args.taskId);
          mayAct(task, args.actor);
          if (args.to.userId === args.actor.userId)
            reject(INVALID, '不能转给自己', 'cannot hand a task to yourself');
        },
      },
    );
  }

  setHandler(
    addSignerUpdate,
    async (args) => {
      rt.remember(args.requestId);
      const { task, group } = openTask(args.taskId);
      const step = rt.step(task.stepId);
      if (args.position === 'after') {
        group.after.push(args.to);
      } else if (step.type === 'task') {
        const added = createTask(rt, step, group, { assigneeUser: args.to.userId, minSigners: 1 });
        added.before = task.id;
      }
      rt.emit({
        kind: 'audit',
        action: `task.add-signer-${args.position}`,
        actorId: args.actor.userId,
        target: task.id,
        detail: { to: args.to.userId },
      });
      return rt.settle();
    },
    {
      validator: (args) => {
        fresh(args.requestId);
        const { task } = openTask(args.taskId);
        mayAct(task, args.actor);
      },
    },
  );

  setHandler(
    withdrawUpdate,
    async (args) => {
      rt.remember(args.requestId);
      rt.abortOutcome = { status: 'withdrawn', outcome: 'withdrawn' };
      rt.emit({
        kind: 'audit',
        action: 'case.withdraw',
        actorId: args.actor.userId,
        target: rt.caseId,
        detail: { comment: args.comment },
      });
      abort();
      return rt.settle();
    },
    {
      validator: (args) => {
        fresh(args.requestId);
        if (args.actor.userId !== rt.input.initiator.userId)
          reject(FORBIDDEN, '只有发起人可以撤回', 'only the initiator may withdraw');
        const acted = [...rt.tasks.values()].some((t) => t.status === 'open' && t.signers.length > 0);
        const started = rt.visited.some((id) => rt.step(id).type === 'task' && id !== rt.def.start);
        if (acted || started || rt.notices.size > 0) {
          reject(
            STALE,
            '下一环节已办理，不能撤回',
            'the next step has already acted; the case can no longer be withdrawn',
          );
        }
      },
    },
  );

  setHandler(
    cancelUpdate,
    async (args) => {
      rt.remember(args.requestId);
      rt.abortOutcome = { status: 'cancelled', outcome: 'cancelled' };
      rt.emit({
        kind: 'audit',
        action: 'case.cancel',
        actorId: args.actor.userId,
        target: rt.caseId,
        detail: { comment: args.comment },
      });
      abort();
      return rt.settle();
    },
    {
      validator: (args) => {
        fresh(args.requestId);
        if (!args.comment?.trim())
          reject(INVALID, '终止案件必须填写原因', 'a reason is required to cancel a case');
      },
    },
  );

  setHandler(
    urgeUpdate,
    async (args) => {
      rt.remember(args.requestId);
      const open = [...rt.tasks.values()].filter((t) => t.status === 'open');
      for (const t of open) {
        rt.emit({
          kind: 'notify',
          notifyKind: 'urge',
          taskId: t.id,
          userIds: t.assigneeUser ? [t.assigneeUser] : undefined,
          role: t.assigneeUser ? undefined : t.role,
          orgId: t.orgId,
          message: `${args.actor.name}催办：${rt.input.title}`,
        });
      }
      rt.emit({ kind: 'audit', action: 'case.urge', actorId: args.actor.userId, target: rt.caseId });
      return rt.settle();
    },
    { validator: (args) => fresh(args.requestId) },
  );

  setHandler(
    ccUpdate,
    async (args) => {
      rt.remember(args.requestId);
      rt.emit({ kind: 'cc', actorId: args.actor.userId, userIds: args.userIds ?? [] });
      rt.emit({
        kind: 'notify',
        notifyKind: 'cc',
        userIds: args.userIds ?? [],
        message: `${args.actor.name}抄送给您：${rt.input.title}`,
      });
      return rt.settle();
    },
    {
      validator: (args) => {
        fresh(args.requestId);
        if (!args.userIds?.length) reject(INVALID, '请选择抄送人', 'choose at least one person to copy');
      },
    },
  );

  setHandler(
    fileObjectionUpdate,
    async (args) => {
      rt.remember(args.requestId);
      const notice = openNotice(args.noticeId)!;
      notice.objections.push({ receipt: args.receipt, content: args.content, at: Date.now() });
      rt.emit({
        kind: 'objection.filed',
        stepId: notice.stepId,
        noticeId: notice.id,
        receipt: args.receipt,
        content: args.content,
        name: args.name,
        contact: args.contact,
      });
      rt.emit({
        kind: 'audit',
        action: 'objection.file',
        target: notice.id,
        detail: { receipt: args.receipt },
      });
      return rt.settle();
    },
    {
      validator: (args) => {
        fresh(args.requestId);
        if (!args.content?.trim()) reject(INVALID, '异议内容不能为空', 'the objection needs content');
        if (!openNotice(args.noticeId))
          reject(STALE, '公示期已结束，不能再提出异议', 'the notice window is closed');
      },
    },
  );

  /** 前加签 a task added before another blocks it until done */
  const blocks = (blocker: TaskState, task: TaskState) => blocker.before === task.id;

  function openNotice(noticeId?: string) {
    const now = Date.now();
    return [...rt.notices.values()].find(
      (n) => !n.closed && now < (n.closesAt ?? Infinity) && (noticeId === undefined || n.id === noticeId),
    );
  }
}

/** 签名记录 one signer's signature on this visit of the step, from the form they submitted. */
function recordSignature(
  rt: CaseRuntime,
  task: TaskState,
  action: string,
  actor: Actor,
  form: Record<string, unknown>,
  comment: string | undefined,
): void {
  const step = rt.step(task.stepId);
  const post =
    task.role ?? (step.type === 'task' && 'role' in step.assignee ? step.assignee.role : undefined);
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);
  const record: SignatureRecord = {
    userId: actor.userId,
    name: actor.name,
    ...(post ? { post } : {}),
    action,
    ...((text(form.opinion) ?? text(comment)) ? { opinion: text(form.opinion) ?? text(comment) } : {}),
    ...(form.signature !== undefined ? { signature: form.signature } : {}),
    // the date written on the form, else the day of signing in China time (UTC+8)
    date:
      text(form.signDate) ??
      text(form.date) ??
      new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
    at: Date.now(),
    round: rt.visited.filter((id) => id === task.stepId).length,
    taskId: task.id,
  };
  const all = (rt.data.signatures ??= {}) as Record<string, SignatureRecord[]>;
  all[task.stepId] = [...(all[task.stepId] ?? []), record];
}
