/**
 * 案件服务 start a case and act on it as a whole (withdraw, urge, CC, cancel),
 * and read cases for the case page. Checks who and where, validates, then
 * talks to the case workflow. The API and the scenario tests both call this.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import { createHash } from 'node:crypto';
import {
  ccUpdate,
  cancelUpdate,
  submitApplicationUpdate,
  urgeUpdate,
  withdrawUpdate,
  type CaseInput,
} from '../../workflows/contract.js';
import type { caseWorkflow } from '../../workflows/case-workflow.js';
import { inTransaction } from '../db.js';
import { domain, type FieldError } from '../errors.js';
import { fromWorkflowFailure } from '../temporal/failures.js';
import { workflowType } from '../temporal/workflow-types.js';
import { claimRequestKey, once, storeResponse } from './idempotency.js';
import { latestProcess, paramsForYear, pinnedForms } from './catalog.js';
import { processScope } from './packs.js';
import { incomePeriod } from '../../activities/income.js';
import type { ServiceDeps } from './deps.js';
import { caseOrg } from './directory.js';
import { canSee, holdsRoleOver, type Principal } from './principal.js';
import { validateForStep } from './form-check.js';
import { checkAttachmentRefs } from './attachments.js';
import { refusalProblem, startRefusal } from './households.js';
import { warningFollowedBy } from '../../store/household-store.js';

export interface StartCaseRequest {
  process: string;
  org: string;
  subject?: { kind?: string; id?: string; name?: string };
  data?: Record<string, unknown>;
  requestId: string;
  title?: string;
  /** submit the first task with `data` at once (the initiator holds its role); default true when data is given */
  submit?: boolean;
}

/** Case ids are stable per (user, requestId): a repeated request finds the same case. */
export function caseIdFor(userId: string, requestId: string): string {
  const h = createHash('sha256')
    .update(`${userId}\u0000${requestId}`)
    .digest('hex')
    .slice(0, 12)
    .toUpperCase();
  return `ZX-${h}`;
}

/**
 * 定时任务 the scheduler acts as this principal. It holds no role: the rounds
 * start cases with `{ system: true }`, which only server code can pass.
 */
export const SCHEDULER: Principal = {
  userId: 'system:scheduler',
  username: 'scheduler',
  name: '定时任务',
  roles: [],
};

export async function startCase(
  deps: ServiceDeps,
  who: Principal,
  req: StartCaseRequest,
  opts: { system?: boolean } = {},
) {
  const { db } = deps;
  const errors: FieldError[] = [];
  if (!req.requestId || typeof req.requestId !== 'string' || req.requestId.length > 100) {
    errors.push({
      path: 'requestId',
      message: '缺少请求编号',
      message_en: 'requestId is required (text, up to 100 characters)',
    });
  }
  const def = req.process ? await latestProcess(db, req.process) : undefined;
  if (!def)
    errors.push({
      path: 'process',
      message: '流程不存在或未发布',
      message_en: 'no published process with this key',
    });
  const org = req.org ? await caseOrg(db, req.org) : undefined;
  if (!org) errors.push({ path: 'org', message: '组织机构不存在', message_en: 'unknown organisation node' });
  if (errors.length) throw domain.invalid(errors);
  if (def!.startLevel && org!.level !== def!.startLevel) {
    throw domain.invalid([
      {
        path: 'org',
        message: `该流程须在${levelZh(def!.startLevel)}发起`,
        message_en: `this process starts at ${def!.startLevel} level`,
      },
    ]);
  }
  // 政策包范围 a process of a pack installed for a subtree starts only inside it (a Hunan village cannot
  // start the Guangdong process)
  const scope = await processScope(db, def!.key);
  if (scope && !org!.path.includes(scope))
    throw domain.forbidden('该流程不适用于本地区', 'this process is not offered in this region');
  const starters = def!.starters ?? ['village_cadre'];
  if (!opts.system && !holdsRoleOver(who, starters, org!.path))
    throw domain.forbidden('您无权在该地区发起此流程', 'you may not start this process here');

  // subject: a household must exist in the case's region; one active case per household at a time
  let subject = { kind: def!.subject as string, id: req.subject?.id, name: req.subject?.name ?? '' };
  if (def!.subject === 'household') {
    if (!req.subject?.id)
      throw domain.invalid([{ path: 'subject.id', message: '请选择农户', message_en: 'choose a household' }]);
    const hh = await db.query(
      'SELECT id, head_name, org_path, active_case_id FROM households WHERE id = $1',
      [req.subject.id],
    );
    const row = hh.rows[0];
    if (!row || !row.org_path.includes(org!.id)) {
      throw domain.invalid([
        {
          path: 'subject.id',
          message: '该农户不在所选村内',
          message_en: 'the household is not in this village',
        },
      ]);
    }
    subject = { kind: 'household', id: row.id, name: row.head_name };
    // 适用对象 refused before any form is checked: wrong monitoring status, closed, or held by an open case
    const refusal = await startRefusal(db, def!, row.id);
    if (
      refusal &&
      !(refusal.code === 'household_busy' && refusal.openCaseId === caseIdFor(who.userId, req.requestId))
    ) {
      throw refusalProblem(refusal);
    }
  } else if (!subject.name) {
    subject.name = String((req.data as Record<string, unknown> | undefined)?.name ?? def!.title.zh);
  }

  // the first step's form, when data comes with the request
  const forms = await pinnedForms(db);
  const first = def!.steps.find((s) => s.id === def!.start);
  let data: Record<string, unknown> = {};
  const submitNow = req.submit ?? req.data !== undefined;
  if (submitNow && first?.type === 'task' && first.form) {
    const checked = await validateForStep(
      db,
      first,
      first.form.version ?? forms[first.form.key],
      req.data ?? {},
      undefined,
    );
    await checkAttachmentRefs(db, who, checked, { org_path: org!.path });
    data = { [first.store ?? first.form.key]: checked };
  }

  const caseId = caseIdFor(who.userId, req.requestId);
  const now = deps.now?.() ?? new Date();
  const input: CaseInput = {
    caseId,
    definition: def!,
    forms,
    params: await paramsForYear(db, now.getFullYear()),
    org: org!,
    subject,
    title: req.title ?? `${def!.title.zh}：${subject.name}`,
    initiator: { userId: who.userId, name: who.name },
    // a household's procedure records the 12 months its 附件2 income figures cover (lines 2272, 2855)
    data: subject.kind === 'household' ? { incomePeriod: incomePeriod(now) } : {},
    daySeconds: deps.daySeconds,
  };

  // the requestId is bound to this request; its key and the household's claim are one transaction, so a
  // request refused here (another request's id, a busy household) leaves neither behind
  const { requestId, ...request } = req;
  const key = await inTransaction(db, async (tx) => {
    const k = await claimRequestKey(tx, who.userId, requestId, 'POST /api/cases', { ...request });
    if (k.response === undefined && subject.kind === 'household' && subject.id && def!.exclusive !== false) {
      // claim the household for this case (never again once this case has ended); a concurrent second case loses the race here
      const claimed = await tx.query(
        `UPDATE households SET active_case_id = $2 WHERE id = $1 AND (active_case_id IS NULL OR active_case_id = $2)
           AND NOT EXISTS (SELECT 1 FROM cases WHERE id = $2 AND status <> 'running') RETURNING id`,
        [subject.id, caseId],
      );
      // no claim but this very case exists: a retry after the case went on (or ended) — answer with it
      if (!claimed.rowCount && !(await tx.query('SELECT 1 FROM cases WHERE id = $1', [caseId])).rowCount) {
        const existing = (await tx.query('SELECT active_case_id FROM households WHERE id = $1', [subject.id]))
          .rows[0];
        throw domain.conflict(
          `该农户已有在办案件 ${existing?.active_case_id}`,
          `the household already has an open case ${existing?.active_case_id}`,
          'household_busy',
        );
      }
    }
    return k;
  });
  if (key.response !== undefined)
    return { case: key.response as Awaited<ReturnType<typeof getCaseRow>>, created: false };

  const workflowOptions = {
    taskQueue: deps.taskQueue,
    workflowId: caseId,
    args: [input] as [CaseInput],
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
  };
  try {
    if (submitNow && first?.type === 'task') {
      // 原子发起 the case and its application in one call (Update-with-Start): a crash at any moment leaves
      // either nothing or the case with its application, and a retry with the same requestId finishes it
      const action = first.actions.find((a) => a.kind === 'submit') ?? first.actions[0];
      await deps.temporal.workflow.executeUpdateWithStart(submitApplicationUpdate, {
        args: [
          {
            requestId: `${requestId}:start`,
            actor: { userId: who.userId, name: who.name },
            action: action.id,
            data: data[first.store ?? first.form?.key ?? ''] as Record<string, unknown> | undefined,
          },
        ],
        updateId: `${caseId}:start`,
        startWorkflowOperation: new WithStartWorkflowOperation<typeof caseWorkflow>(
          workflowType('caseWorkflow'),
          workflowOptions,
        ),
      });
    } else {
      await deps.temporal.workflow.start<typeof caseWorkflow>(workflowType('caseWorkflow'), workflowOptions);
    }
  } catch (err) {
    const p = fromWorkflowFailure(err);
    // a repeat after the case continued as new: its application was accepted long ago
    if (p?.code !== 'stale_action') {
      if (subject.id && !(await caseExists(deps, caseId))) {
        await db.query('UPDATE households SET active_case_id = NULL WHERE id = $1 AND active_case_id = $2', [
          subject.id,
          caseId,
        ]);
      }
      throw p ?? err;
    }
  }
  // 闭环 a department warning on this household is now followed by this identification (idempotent)
  if (subject.id && def!.subjectStatuses?.includes('warning'))
    await warningFollowedBy(db, subject.id, caseId);
  // the read model may lag the start by a few milliseconds: answer with the row once it exists
  const deadline = Date.now() + 15_000;
  for (;;) {
    const row = await getCaseRow(deps, caseId);
    if (row) {
      await storeResponse(db, who.userId, requestId, row);
      return { case: row, created: key.first };
    }
    if (Date.now() > deadline)
      throw domain.unavailable('流程引擎未响应', 'the workflow engine did not answer in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Did Temporal start this case (a failed call may still have started it)? */
async function caseExists(deps: ServiceDeps, caseId: string): Promise<boolean> {
  try {
    await deps.temporal.workflow.getHandle(caseId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    return true; // unknown: keep the household's claim; the retry with the same requestId finishes the case
  }
}

export async function getCaseRow(deps: ServiceDeps, caseId: string) {
  const { rows } = await deps.db.query(
    `SELECT id, process_key, process_version, title, org_id, org_path, subject_kind, subject_id, subject_name, initiator_id,
            status, outcome, current_steps, started_at, ended_at FROM cases WHERE id = $1`,
    [caseId],
  );
  return rows[0];
}

/** A case is visible to staff whose role node covers the case's node (or who started it, or were copied). */
export async function visibleCase(deps: ServiceDeps, who: Principal, caseId: string) {
  const { rows } = await deps.db.query(
    'SELECT id, org_path, initiator_id, data, process_key, process_version FROM cases WHERE id = $1',
    [caseId],
  );
  const row = rows[0];
  if (!row) throw domain.notFound('案件不存在', 'case not found');
  const cc = await deps.db.query('SELECT 1 FROM case_ccs WHERE case_id = $1 AND user_id = $2', [
    caseId,
    who.userId,
  ]);
  const covered = canSee(who, row.org_path);
  if (!covered && row.initiator_id !== who.userId && !cc.rowCount)
    throw domain.notFound('案件不存在', 'case not found');
  return row;
}

export async function caseAction(
  deps: ServiceDeps,
  who: Principal,
  caseId: string,
  kind: 'withdraw' | 'urge' | 'cc' | 'cancel',
  body: { requestId?: string; comment?: string; userIds?: string[] },
) {
  if (kind === 'cancel' && !who.roles.some((r) => r.role === 'admin')) throw domain.forbidden();
  await visibleCase(deps, who, caseId);
  if (!body.requestId)
    throw domain.invalid([
      { path: 'requestId', message: '缺少请求编号', message_en: 'requestId is required' },
    ]);
  const update = { withdraw: withdrawUpdate, urge: urgeUpdate, cc: ccUpdate, cancel: cancelUpdate }[kind];
  const key = {
    userId: who.userId,
    requestId: body.requestId,
    route: `POST /api/cases/${caseId}/${kind}`,
    body: { comment: body.comment, userIds: body.userIds },
  };
  return once(deps.db, key, () =>
    deps.temporal.workflow.getHandle(caseId).executeUpdate(update, {
      args: [
        {
          requestId: body.requestId!,
          actor: { userId: who.userId, name: who.name },
          comment: body.comment,
          userIds: body.userIds,
        },
      ],
      updateId: `${caseId}:${body.requestId}`,
    }),
  );
}

function levelZh(level: string): string {
  return (
    (
      { village: '村级', township: '乡镇', county: '县级', city: '市级', province: '省级' } as Record<
        string,
        string
      >
    )[level] ?? level
  );
}
