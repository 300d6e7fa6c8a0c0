/**
 * 待办服务 the task inbox and the actions on a task. The inbox reads
 * PostgreSQL (keyset pages); actions are validated here (who, where, form
 * data, field permissions) and then sent to the case workflow as Updates.
 */
import type { InboxCounts, InboxPage, TaskView } from '../../shared/api-types.js';
import type { UpdateDefinition } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import {
  addSignerUpdate,
  claimTaskUpdate,
  completeTaskUpdate,
  delegateTaskUpdate,
  transferTaskUpdate,
  type ActionResult,
} from '../../workflows/contract.js';
import {
  evidenceStore,
  modeOf,
  type SignatureRecord,
  type TaskAction,
  type TaskStep,
} from '../../workflows/definition.js';
import { DomainError, domain, type FieldError } from '../errors.js';
import { fromWorkflowFailure } from '../temporal/failures.js';
import { paramsForYear, processVersion } from './catalog.js';
import { incomeHint } from './income-hint.js';
import { evaluate, truthy } from '../../forms/rules.js';
import type { ServiceDeps } from './deps.js';
import { resolvedForm, validateForStep } from './form-check.js';
import { laterStageFields, validateFormData, type FormDocument } from '../../forms/validate.js';
import { canSee, IN_MY_INBOX, NOT_SIGNED_BY_ME, type Principal } from './principal.js';
import { findRequestKey, once } from './idempotency.js';
import { readCaseData } from './personal-data.js';
import { checkAttachmentRefs } from './attachments.js';
import { caseEvidence } from './evidence.js';
import { householdPrefillContext } from '../../store/household-store.js';

export type InboxView = 'todo' | 'done' | 'initiated' | 'cc';

export interface InboxQuery {
  view?: InboxView;
  process?: string;
  step?: string;
  org?: string;
  due?: 'overdue' | 'today' | 'week';
  cursor?: string;
  limit?: number;
}

interface Cursor {
  at: string;
  id: string;
}
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (typeof c.at === 'string' && typeof c.id === 'string' && !Number.isNaN(Date.parse(c.at))) return c;
  } catch {
    /* fall through */
  }
  throw domain.invalid([{ path: 'cursor', message: '分页游标无效', message_en: 'invalid cursor' }]);
}

const MINE = IN_MY_INBOX;

export async function listTasks(deps: ServiceDeps, who: Principal, q: InboxQuery): Promise<InboxPage> {
  const view = q.view ?? 'todo';
  if (!['todo', 'done', 'initiated', 'cc'].includes(view)) {
    throw domain.invalid([
      {
        path: 'view',
        message: 'view 只能是 todo/done/initiated/cc',
        message_en: 'view must be todo, done, initiated or cc',
      },
    ]);
  }
  const limit = Math.min(Math.max(Number(q.limit ?? 20) || 20, 1), 100);
  if (view === 'todo' && !q.process && !q.step && !q.org && !q.due)
    return todoFastPath(deps, who, limit, q.cursor);
  const params: unknown[] = [who.userId];
  const where: string[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replaceAll('$?', `$${params.length}`));
  };
  let from: string;
  let atCol: string;
  let idCol: string;
  if (view === 'todo') {
    from = `tasks t JOIN cases c ON c.id = t.case_id`;
    where.push(`t.status = 'open'`, MINE);
    atCol = 't.created_at';
    idCol = 't.id';
  } else if (view === 'done') {
    from = `task_actions a JOIN tasks t ON t.id = a.task_id JOIN cases c ON c.id = t.case_id`;
    where.push('a.actor_id = $1');
    atCol = 'a.at';
    idCol = 'a.id';
  } else if (view === 'initiated') {
    from = `cases c LEFT JOIN LATERAL (SELECT * FROM tasks t0 WHERE t0.case_id = c.id ORDER BY t0.created_at DESC LIMIT 1) t ON true`;
    where.push('c.initiator_id = $1');
    atCol = 'c.started_at';
    idCol = 'c.id';
  } else {
    from = `case_ccs cc JOIN cases c ON c.id = cc.case_id LEFT JOIN LATERAL (SELECT * FROM tasks t0 WHERE t0.case_id = c.id ORDER BY t0.created_at DESC LIMIT 1) t ON true`;
    where.push('cc.user_id = $1');
    atCol = 'cc.at';
    idCol = 'c.id';
  }
  const order = `${atCol} DESC, ${idCol} DESC`;
  if (q.process) add('c.process_key = $?', q.process);
  if (q.step) add('t.step_id = $?', q.step);
  if (q.org) add('c.org_path @> ARRAY[$?]::text[]', q.org);
  if (q.due === 'overdue') where.push(`t.status = 'open' AND t.due_at < now()`);
  if (q.due === 'today') where.push(`t.due_at < date_trunc('day', now()) + interval '1 day'`);
  if (q.due === 'week') where.push(`t.due_at < now() + interval '7 days'`);
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    params.push(c.at, c.id);
    where.push(`(${atCol}, ${idCol}) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(limit + 1);
  const sql = `SELECT t.id AS task_id, t.step_id, t.step_title, t.status AS task_status, t.created_at, t.due_at, t.role, t.org_id,
      t.assignee_user, t.form_key, c.id AS case_id, c.title, c.process_key, c.status AS case_status, c.subject_name,
      c.org_id AS case_org, t.min_signers, jsonb_array_length(t.signers) AS signed_count, ${atCol} AS sort_at, ${idCol} AS sort_id
    FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $${params.length}`;
  const { rows } = await deps.db.query(sql, params);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ sort_at: _a, sort_id: _i, ...r }) => r),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ at: new Date(last.sort_at).toISOString(), id: last.sort_id })
        : null,
  };
}

/**
 * The plain 待办 page, the hottest query: two index-driven halves — tasks assigned to me, and unassigned
 * tasks of each (role, node) I hold — each already ordered and limited, merged, then joined to cases.
 */
async function todoFastPath(
  deps: ServiceDeps,
  who: Principal,
  limit: number,
  cursor?: string,
): Promise<InboxPage> {
  const params: unknown[] = [who.userId, limit + 1];
  let after = '';
  if (cursor) {
    const c = decodeCursor(cursor);
    params.push(c.at, c.id);
    after = `AND (t.created_at, t.id) < ($3::timestamptz, $4)`;
  }
  const { rows } = await deps.db.query(
    `SELECT t.id AS task_id, t.step_id, t.step_title, t.status AS task_status, t.created_at, t.due_at, t.role, t.org_id,
            t.assignee_user, t.form_key, c.id AS case_id, c.title, c.process_key, c.status AS case_status, c.subject_name, c.org_id AS case_org
     FROM (
       (SELECT t.* FROM tasks t WHERE t.status = 'open' AND t.assignee_user = $1 AND ${NOT_SIGNED_BY_ME} ${after}
        ORDER BY t.created_at DESC, t.id DESC LIMIT $2)
       UNION ALL
       (SELECT t.* FROM user_roles r CROSS JOIN LATERAL (
          SELECT t.* FROM tasks t
          WHERE t.status = 'open' AND t.assignee_user IS NULL AND t.role = r.role AND t.org_id = r.org_id
            AND (t.department = '' OR t.department = r.department) AND ${NOT_SIGNED_BY_ME} ${after}
          ORDER BY t.created_at DESC, t.id DESC LIMIT $2) t
        WHERE r.user_id = $1)
     ) t JOIN cases c ON c.id = t.case_id
     ORDER BY t.created_at DESC, t.id DESC LIMIT $2`,
    params,
  );
  // one task can match two of my roles: keep it once
  const seen = new Set<string>();
  const unique = rows.filter((r) => !seen.has(r.task_id) && seen.add(r.task_id));
  const page = unique.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page,
    nextCursor:
      unique.length > limit && last
        ? encodeCursor({ at: new Date(last.created_at).toISOString(), id: last.task_id })
        : null,
  };
}

export async function inboxCounts(deps: ServiceDeps, who: Principal): Promise<InboxCounts> {
  const { rows } = await deps.db.query(
    `SELECT
       (SELECT count(*) FROM tasks t WHERE t.status = 'open' AND ${MINE})::int AS todo,
       (SELECT count(*) FROM task_actions a WHERE a.actor_id = $1)::int AS done,
       (SELECT count(*) FROM cases c WHERE c.initiator_id = $1)::int AS initiated,
       (SELECT count(*) FROM case_ccs cc WHERE cc.user_id = $1)::int AS cc`,
    [who.userId],
  );
  return rows[0];
}

/** Load a task the principal may act on (open, in their inbox) or read (their region). */
export async function loadTask(deps: ServiceDeps, who: Principal, taskId: string, forAction: boolean) {
  const { rows } = await deps.db.query(
    `SELECT t.*, c.process_key, c.process_version, c.title AS case_title, c.org_path AS case_org_path, c.data AS case_data,
            c.status AS case_status, c.subject_name, c.subject_kind, c.subject_id, c.initiator_id, ${MINE} AS mine,
            NOT ${NOT_SIGNED_BY_ME} AS signed_by_me
     FROM tasks t JOIN cases c ON c.id = t.case_id WHERE t.id = $2`,
    [who.userId, taskId],
  );
  const t = rows[0];
  if (!t) throw domain.notFound('任务不存在', 'task not found');
  const inRegion = canSee(who, t.case_org_path);
  if (!t.mine && !inRegion && t.initiator_id !== who.userId)
    throw domain.notFound('任务不存在', 'task not found');
  if (forAction) {
    if (t.status !== 'open')
      throw domain.conflict('任务已办结', 'the task is no longer open', 'stale_action');
    if (t.signed_by_me)
      throw domain.conflict(
        '您已签署，正在等待其他人会签',
        'you have signed this task; it waits for the other signers',
        'stale_action',
      );
    if (!t.mine) throw domain.forbidden('该任务不在您的待办中', 'this task is not in your inbox');
  }
  return t;
}

export async function getTask(deps: ServiceDeps, who: Principal, taskId: string): Promise<TaskView> {
  const t = await loadTask(deps, who, taskId, false);
  const def = await processVersion(deps.db, t.process_key, t.process_version);
  const step = def?.steps.find((s) => s.id === t.step_id);
  const store = step?.type === 'task' ? (step.store ?? step.form?.key) : undefined;
  // 会签: each signer starts from their own earlier signature, never from another signer's form
  const cosigned = step?.type === 'task' && modeOf(step) === 'all';
  const current = !store
    ? {}
    : cosigned
      ? ownForm(t.case_data, t.step_id, who.userId)
      : ((t.case_data ?? {})[store] ?? {});
  // the pinned version with its code lists resolved, so choices are drawn as selects with their labels
  const document: FormDocument | undefined = t.form_key
    ? await resolvedForm(deps.db, t.form_key, t.form_version)
    : undefined;
  // 分阶段填写 fields of a later stage of the form are hidden at this step; the step's own permissions come first
  const stage = step?.type === 'task' ? step.form?.stage : undefined;
  const notYet = document ? laterStageFields(document, stage) : [];
  const perms: Record<string, string> = {
    ...Object.fromEntries(notYet.map((k) => [k, 'hidden'])),
    ...(t.field_permissions ?? {}),
  };
  const actions = (t.actions as TaskAction[]).filter(() => t.status === 'open' && t.mine);
  // earlier opinions on this case, newest first (a returned task shows why it came back)
  const history = await deps.db.query(
    `SELECT a.actor_name, a.action, a.comment, a.at, t2.step_title FROM task_actions a JOIN tasks t2 ON t2.id = a.task_id
     WHERE a.case_id = $1 ORDER BY a.at DESC LIMIT 20`,
    [t.case_id],
  );
  // the latest action before this task arrived was a return: show who sent it back and why
  const before = history.rows.filter((h) => new Date(h.at) <= new Date(t.created_at));
  const returned = before[0]?.action === 'return' ? before[0] : undefined;
  // 复用已采集数据: fields the step fills from the case, shown until the task has its own data
  const prefilled = step?.type === 'task' ? await prefillFor(deps, t, step, who) : {};
  // 个人信息 the one read path: the step's hidden fields go; whoever holds the open task sees the form they
  // fill in full, the earlier data only if their role may unmask it; every full read is audited
  const holder = t.status === 'open' && t.mine;
  const personal = await readCaseData(
    deps,
    who,
    { id: t.case_id, org_path: t.case_org_path },
    {
      data: current,
      draft: t.draft ?? undefined,
      initialData: t.draft ?? fillIn(prefilled, current),
      prefill: t.case_data ?? {},
    },
    {
      purpose: 'task',
      stepFieldPermissions: perms,
      formAt: ['data', 'draft', 'initialData', ...(store ? [`prefill.${store}`] : [])],
      own: holder ? ['data', 'draft', 'initialData'] : undefined,
      unmask: true,
      form: t.form_key ?? undefined,
    },
  );
  const shown = personal.value;
  return {
    task: {
      id: t.id,
      caseId: t.case_id,
      stepId: t.step_id,
      stepTitle: t.step_title,
      status: t.status,
      role: t.role,
      orgId: t.org_id,
      assigneeUser: t.assignee_user,
      createdAt: t.created_at,
      dueAt: t.due_at,
      signers: t.signers,
      minSigners: t.min_signers,
      draft: shown.draft ?? null,
    },
    case: {
      id: t.case_id,
      title: t.case_title,
      processKey: t.process_key,
      processVersion: t.process_version,
      status: t.case_status,
      subjectName: t.subject_name,
    },
    form: t.form_key ? { key: t.form_key, version: t.form_version, stage, document: document ?? null } : null,
    data: shown.data,
    prefill: shown.prefill,
    /** what the form opens with: the draft, else what was submitted before (a returned task) over the prefilled values */
    initialData: shown.initialData,
    fieldPermissions: perms,
    /** the personal data above is in full (an audited read), else masked */
    unmasked: personal.unmasked,
    actions,
    returnTargets: def ? returnTargetsOf(def.steps, actions) : [],
    history: history.rows,
    returnedComment: returned
      ? `${returned.step_title}退回：${returned.comment ?? ''}（${returned.actor_name}）`
      : undefined,
    /** 收入参考提示 the year's income threshold and the income period, for procedures that compute income */
    incomeHint: await incomeHint(deps.db, def, t.case_data, deps.now?.() ?? new Date()),
    /** the case's earlier documents and objections, read-only beside the step's form */
    evidence: await caseEvidence(deps, { caseId: t.case_id, caseData: t.case_data, ownStore: store }, def),
    ownRecord:
      step?.type === 'task' && step.evidence
        ? {
            form: (await resolvedForm(deps.db, step.evidence.form, step.evidence.version)) ?? null,
            data:
              ((t.case_data ?? {})[evidenceStore(step.evidence)]?.byActor?.[who.userId] as
                Record<string, unknown> | undefined) ?? null,
          }
        : null,
  };
}

/**
 * 佐证材料 a step with `evidence` (入户核实记录) takes each actor's own record with every form action: checked
 * against the evidence form like any form (422 per field, paths under `evidence.`), its photos and
 * signatures held to the attachment ownership rule.
 */
async function checkEvidence(
  deps: ServiceDeps,
  who: Principal,
  step: TaskStep,
  record: Record<string, unknown> | undefined,
  t: Record<string, any>,
): Promise<Record<string, unknown> | undefined> {
  if (!step.evidence) return undefined;
  if (record === undefined)
    throw domain.invalid([
      {
        path: 'evidence',
        message: '请填写您本人的入户核实记录（照片、签字）',
        message_en: 'your own evidence record (photos, signatures) is required at this step',
      },
    ]);
  const doc: FormDocument | undefined = await resolvedForm(
    deps.db,
    step.evidence.form,
    step.evidence.version,
  );
  if (!doc) throw domain.unavailable('表单版本不存在', `form ${step.evidence.form} is missing`);
  const result = validateFormData(doc, record, {});
  if (!result.ok)
    throw domain.invalid(
      result.errors.map((e) => ({
        path: `evidence.${e.path}`.replace(/\.$/, ''),
        message: e.message,
        message_en: e.message_en,
      })),
    );
  try {
    await checkAttachmentRefs(deps.db, who, result.data, { id: t.case_id, org_path: t.case_org_path });
  } catch (err) {
    if (err instanceof DomainError)
      throw domain.invalid(err.errors.map((e) => ({ ...e, path: `evidence.${e.path}` })));
    throw err;
  }
  return result.data;
}

function returnTargetsOf(steps: { id: string; title: { zh: string } }[], actions: TaskAction[]) {
  const ids = new Set(actions.flatMap((a) => a.returnTargets ?? []));
  return steps.filter((s) => ids.has(s.id)).map((s) => ({ id: s.id, title: s.title.zh }));
}

export interface CompleteRequest {
  requestId?: string;
  action?: string;
  data?: Record<string, unknown>;
  comment?: string;
  returnTo?: string;
  /** 佐证材料 the actor's own evidence record, at a step with `evidence` (入户核实记录) */
  evidence?: Record<string, unknown>;
  /** the task's version in the offline bundle the form was filled from (`field-sync.ts`) */
  baseVersion?: string;
}

export interface CompleteOptions {
  /**
   * an offline submission's check against the task now: returns the form to submit, or throws a conflict
   * (run after the requestId's first answer is looked up, so a resend still gets that answer)
   */
  reconcile?: (data: Record<string, unknown> | undefined) => Promise<Record<string, unknown> | undefined>;
}

export async function completeTask(
  deps: ServiceDeps,
  who: Principal,
  taskId: string,
  request: CompleteRequest,
  opts: CompleteOptions = {},
) {
  let body = request;
  const errors: FieldError[] = [];
  if (!body.requestId || typeof body.requestId !== 'string')
    errors.push({ path: 'requestId', message: '缺少请求编号', message_en: 'requestId is required' });
  if (!body.action || typeof body.action !== 'string')
    errors.push({ path: 'action', message: '请选择操作', message_en: 'action is required' });
  if (
    body.data !== undefined &&
    (typeof body.data !== 'object' || body.data === null || Array.isArray(body.data))
  ) {
    errors.push({ path: 'data', message: '表单数据格式错误', message_en: 'data must be an object' });
  }
  if (body.comment !== undefined && typeof body.comment !== 'string')
    errors.push({ path: 'comment', message: '意见必须是文本', message_en: 'comment must be text' });
  if (
    body.evidence !== undefined &&
    (typeof body.evidence !== 'object' || body.evidence === null || Array.isArray(body.evidence))
  )
    errors.push({ path: 'evidence', message: '佐证材料格式错误', message_en: 'evidence must be an object' });
  if (errors.length) throw domain.invalid(errors);
  // the requestId is bound to this request: a repeat gets the first answer (even after the task closed)
  const key = {
    userId: who.userId,
    requestId: body.requestId!,
    route: `POST /api/tasks/${taskId}/complete`,
    body: {
      action: body.action,
      data: body.data,
      comment: body.comment,
      returnTo: body.returnTo,
      ...(body.evidence !== undefined ? { evidence: body.evidence } : {}),
    },
  };
  const prior = await findRequestKey(deps.db, key.userId, key.requestId, key.route, key.body);
  if (prior?.response !== undefined) return prior.response as ActionResult;
  if (opts.reconcile) body = { ...body, data: await opts.reconcile(body.data) };
  const t = await loadTask(deps, who, taskId, true);
  const action = (t.actions as TaskAction[]).find((a) => a.id === body.action);
  if (!action)
    throw domain.invalid([
      {
        path: 'action',
        message: `此环节不允许操作“${body.action}”`,
        message_en: `action ${body.action} is not allowed here`,
      },
    ]);
  if (action.commentRequired && !body.comment?.trim()) {
    throw domain.invalid([
      {
        path: 'comment',
        message: `“${action.label.zh}”必须填写意见`,
        message_en: 'a comment is required for this action',
      },
    ]);
  }
  let data: Record<string, unknown> | undefined;
  let evidence: Record<string, unknown> | undefined;
  // a custom decision (异议不成立 …) carries the step's form when something was filled in: checked and kept, never dropped
  const typed = body.data !== undefined && Object.keys(body.data).length > 0;
  const needsForm =
    t.form_key &&
    action.requiresForm !== false &&
    (action.kind === 'submit' || action.kind === 'approve' || (action.kind === 'custom' && typed));
  if (needsForm) {
    const def = await processVersion(deps.db, t.process_key, t.process_version);
    const step = def?.steps.find((s) => s.id === t.step_id);
    if (step?.type === 'task') {
      const store = step.store ?? t.form_key;
      // 只读预填 a read-only prefilled field is composed by the server from the case's records (who verified,
      // who signed at the village and the township): what the client sends for it is replaced, never trusted
      const compose = composer(
        step,
        await prefillFor(deps, t, step, who),
        t.field_permissions ?? step.fieldPermissions ?? {},
      );
      const previous = compose((t.case_data ?? {})[store] ?? {});
      data = await validateForStep(
        deps.db,
        step,
        t.form_version,
        compose(body.data ?? {}),
        previous,
        t.field_permissions,
      );
      await checkAttachmentRefs(deps.db, who, data, { id: t.case_id, org_path: t.case_org_path });
      if (action.kind === 'submit' || action.kind === 'approve')
        evidence = await checkEvidence(deps, who, step, body.evidence, t);
      // the step's checks between this form and what the case already holds (e.g. every department hit has a decision)
      const context = {
        data: t.case_data ?? {},
        form: data,
        case: caseContext(t),
        params: await paramsForYear(deps.db, new Date(t.created_at).getFullYear()),
      };
      const failed = (step.checks ?? []).filter((c) => !truthy(evaluate(c.logic, context)));
      if (failed.length) {
        throw domain.invalid(
          failed.map((c) => ({
            path: c.path ?? '',
            message: c.message.zh,
            message_en: c.message.en ?? c.message.zh,
          })),
        );
      }
    }
  }
  return once(deps.db, key, async () => {
    try {
      return await deps.temporal.workflow.getHandle(t.case_id).executeUpdate(completeTaskUpdate, {
        args: [
          {
            requestId: body.requestId!,
            taskId,
            actor: { userId: who.userId, name: who.name },
            action: body.action!,
            comment: body.comment,
            data,
            ...(evidence ? { evidence } : {}),
            returnTo: body.returnTo,
          },
        ],
        updateId: `${taskId}:${body.requestId}`,
      });
    } catch (err) {
      throw fromWorkflowFailure(err) ?? err;
    }
  });
}

export async function claimTask(
  deps: ServiceDeps,
  who: Principal,
  taskId: string,
  body: { requestId?: string },
) {
  const t = await loadTask(deps, who, taskId, true);
  const requestId = body.requestId ?? randomUUID();
  return once(
    deps.db,
    { userId: who.userId, requestId, route: `POST /api/tasks/${taskId}/claim`, body: {} },
    () =>
      send(
        deps,
        t.case_id,
        claimTaskUpdate,
        { requestId, taskId, actor: actorOf(who) },
        `${taskId}:claim:${requestId}`,
      ),
  );
}

export async function reassignTask(
  deps: ServiceDeps,
  who: Principal,
  taskId: string,
  kind: 'transfer' | 'delegate' | 'add-signer',
  body: { requestId?: string; to?: string; position?: 'before' | 'after' },
) {
  const t = await loadTask(deps, who, taskId, true);
  if (!body.to) throw domain.invalid([{ path: 'to', message: '请选择人员', message_en: 'choose a person' }]);
  const target = await deps.db.query(
    `SELECT u.id, u.display_name FROM users u WHERE u.id = $1 AND NOT u.disabled AND EXISTS (
       SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.org_id = ANY($2))`,
    [body.to, t.case_org_path],
  );
  if (!target.rows[0])
    throw domain.invalid([
      {
        path: 'to',
        message: '所选人员不在本案件所属地区',
        message_en: 'that person does not work in this case’s region',
      },
    ]);
  const to = { userId: target.rows[0].id, name: target.rows[0].display_name };
  const requestId = body.requestId ?? randomUUID();
  const key = {
    userId: who.userId,
    requestId,
    route: `POST /api/tasks/${taskId}/${kind}`,
    body: { to: body.to, position: body.position },
  };
  if (kind === 'add-signer') {
    const position = body.position === 'before' ? 'before' : 'after';
    return once(deps.db, key, () =>
      send(
        deps,
        t.case_id,
        addSignerUpdate,
        { requestId, taskId, actor: actorOf(who), to, position },
        `${taskId}:${requestId}`,
      ),
    );
  }
  const update = kind === 'transfer' ? transferTaskUpdate : delegateTaskUpdate;
  return once(deps.db, key, () =>
    send(deps, t.case_id, update, { requestId, taskId, actor: actorOf(who), to }, `${taskId}:${requestId}`),
  );
}

export async function saveDraft(deps: ServiceDeps, who: Principal, taskId: string, body: { data?: unknown }) {
  const t = await loadTask(deps, who, taskId, true);
  if (typeof body.data !== 'object' || body.data === null || Array.isArray(body.data)) {
    throw domain.invalid([
      { path: 'data', message: '草稿必须是表单对象', message_en: 'draft data must be an object' },
    ]);
  }
  // a draft makes its attachments readable to the case's region too: the same ownership rule as a submission
  await checkAttachmentRefs(deps.db, who, body.data, { id: t.case_id, org_path: t.case_org_path });
  await deps.db.query(`UPDATE tasks SET draft = $2 WHERE id = $1 AND status = 'open'`, [
    taskId,
    JSON.stringify(body.data),
  ]);
  return { saved: true };
}

export async function bulkComplete(
  deps: ServiceDeps,
  who: Principal,
  body: {
    items?: {
      taskId: string;
      requestId: string;
      action: string;
      comment?: string;
      data?: Record<string, unknown>;
    }[];
  },
) {
  if (!Array.isArray(body.items) || body.items.length === 0 || body.items.length > 100) {
    throw domain.invalid([
      { path: 'items', message: '请选择 1–100 项任务', message_en: 'send 1 to 100 items' },
    ]);
  }
  const results = [];
  for (const item of body.items) {
    try {
      const r = await completeTask(deps, who, item.taskId, item);
      results.push({ taskId: item.taskId, status: 200, result: r });
    } catch (err) {
      const p = err instanceof DomainError ? err : fromWorkflowFailure(err);
      if (!p) throw err;
      results.push({ taskId: item.taskId, status: p.status, code: p.code, title: p.title, errors: p.errors });
    }
  }
  return { results };
}

const actorOf = (who: Principal) => ({ userId: who.userId, name: who.name });

async function send<A>(
  deps: ServiceDeps,
  caseId: string,
  update: UpdateDefinition<ActionResult, [A]>,
  arg: A,
  updateId: string,
) {
  try {
    return await deps.temporal.workflow.getHandle(caseId).executeUpdate(update, { args: [arg], updateId });
  } catch (err) {
    throw fromWorkflowFailure(err) ?? err;
  }
}

/**
 * 复用已采集数据 the values a step's form is prefilled with: each `prefill` expression over
 * `{ data, case, params, user }` (`user` is the person opening or signing the task).
 */
async function prefillFor(
  deps: ServiceDeps,
  t: Record<string, any>,
  step: TaskStep,
  who: Principal,
): Promise<Record<string, unknown>> {
  const prefilled: Record<string, unknown> = {};
  if (!step.prefill) return prefilled;
  const user = { id: who.userId, name: who.name };
  // 一份附件2贯穿始终 `household.*`: the registry's members and the household's latest approved 附件2
  const household =
    t.subject_kind === 'household' && t.subject_id
      ? await householdPrefillContext(deps.db, t.subject_id)
      : undefined;
  const context = {
    data: t.case_data ?? {},
    case: caseContext(t),
    params: await paramsForYear(deps.db, new Date(t.created_at).getFullYear()),
    user,
    household,
  };
  for (const [field, expr] of Object.entries(step.prefill)) {
    const v = evaluate(expr, context);
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    // a dotted field fills one part of a group ("townshipReview.signer")
    const path = field.split('.');
    let at = prefilled;
    for (const k of path.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
    at[path.at(-1)!] = v;
  }
  return prefilled;
}

/**
 * Lays the prefilled values of read-only fields over a form: a read-only group ("townshipReview") is
 * replaced whole, a read-only part ("verification.signer") is set; the server composes them.
 */
function composer(step: TaskStep, prefilled: Record<string, unknown>, permissions: Record<string, string>) {
  const paths = Object.keys(step.prefill ?? {});
  const groups = [...new Set(paths.map((p) => p.split('.')[0]))].filter((g) => permissions[g] === 'readonly');
  const parts = paths.filter(
    (p) => p.includes('.') && !groups.includes(p.split('.')[0]) && permissions[p] === 'readonly',
  );
  return (form: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...form };
    for (const g of groups) {
      if (prefilled[g] === undefined) delete out[g];
      else out[g] = prefilled[g];
    }
    for (const p of parts) {
      const [g, ...rest] = p.split('.');
      let at = (out[g] = { ...((out[g] as Record<string, unknown>) ?? {}) }) as Record<string, unknown>;
      for (const k of rest.slice(0, -1))
        at = (at[k] = { ...((at[k] as Record<string, unknown>) ?? {}) }) as Record<string, unknown>;
      let v: unknown = prefilled;
      for (const k of p.split('.')) v = (v as Record<string, unknown> | undefined)?.[k];
      if (v === undefined) delete at[rest.at(-1)!];
      else at[rest.at(-1)!] = v;
    }
    return out;
  };
}

/** The form this user signed on the latest visit of a 会签 step (a returned task reopens with it). */
function ownForm(
  caseData: Record<string, any> | null,
  stepId: string,
  userId: string,
): Record<string, unknown> {
  const records: SignatureRecord[] = caseData?.signatures?.[stepId] ?? [];
  const mine = records.filter((r) => r.userId === userId).at(-1);
  if (!mine) return {};
  return {
    ...(mine.opinion ? { opinion: mine.opinion } : {}),
    signer: mine.name,
    ...(mine.date ? { signDate: mine.date } : {}),
  };
}

/** what `case.*` means in a step's prefill and checks */
function caseContext(t: Record<string, any>) {
  return { id: t.case_id, title: t.case_title, subject: { name: t.subject_name }, processKey: t.process_key };
}

/** `over` laid on `base`, group by group: what was already entered wins, prefilled values fill the gaps. */
function fillIn(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over ?? {})) {
    const b = out[k];
    const plain = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
    out[k] = plain(b) && plain(v) ? fillIn(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
