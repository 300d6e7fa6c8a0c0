/**
 * 离线同步冲突 a completion made offline carries the `baseVersion` of the bundle it was filled from. When the
 * task changed meanwhile the server says how — reassigned, withdrawn, completed by someone else, or a shared
 * field the person changed was changed on the server too — with both versions, and changes nothing. Fields
 * only the server changed are taken over (three-way merge), so nothing the other verifier entered is lost.
 */
import type { ServiceDeps } from './deps.js';
import { DomainError, domain } from '../errors.js';
import { canonical, fieldTask, stepOf, versionOf, versionRow, type FieldTask } from './field.js';
import { IN_MY_INBOX, type Principal } from './principal.js';
import { resolvedForm } from './form-check.js';
import { stripDerived } from '../../forms/derive.js';
import { completeTask, type CompleteRequest } from './tasks.js';

export type ConflictKind = 'reassigned' | 'withdrawn' | 'completed' | 'field_changed';

export interface FieldConflict {
  kind: ConflictKind;
  fields?: { path: string; yours: unknown; theirs: unknown }[];
  /** the task as the bundle shows it now (null when the person may no longer see it) */
  current: FieldTask | null;
}

const MESSAGES: Record<ConflictKind, [string, string]> = {
  reassigned: [
    '离线期间该任务已转给他人办理，您的填写未提交',
    'the task was reassigned while you were offline',
  ],
  withdrawn: [
    '离线期间该案件已撤回或任务已取消，您的填写未提交',
    'the case was withdrawn while you were offline',
  ],
  completed: [
    '离线期间该任务已由他人办结，您的填写未提交',
    'someone else completed the task while you were offline',
  ],
  field_changed: [
    '离线期间其他人修改了您也修改过的字段，请选择保留哪一方的内容',
    'someone changed fields you changed too; choose which version to keep',
  ],
};

async function conflict(
  deps: ServiceDeps,
  who: Principal,
  taskId: string,
  kind: ConflictKind,
  fields?: FieldConflict['fields'],
): Promise<DomainError> {
  const current = await fieldTask(deps, who, taskId).catch((err) => {
    if (err instanceof DomainError) return null;
    throw err;
  });
  const [zh, en] = MESSAGES[kind];
  const body: FieldConflict = { kind, ...(fields ? { fields } : {}), current };
  return new DomainError('conflict', `offline_${kind}`, zh, en, [], {
    message: zh,
    message_en: en,
    conflict: body,
  });
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/**
 * Check an offline submission against the task now. Returns the form to submit (the person's, with fields
 * only the server changed taken from the server), or throws a 409 `conflict` and changes nothing.
 */
export async function reconcileOffline(
  deps: ServiceDeps,
  who: Principal,
  taskId: string,
  baseVersion: string,
  data: Record<string, unknown> | undefined,
): Promise<Record<string, unknown> | undefined> {
  const row = await versionRow(deps.db, taskId);
  if (!row) throw domain.notFound('任务不存在', 'task not found');
  const { store } = await stepOf(deps.db, row);
  if (versionOf(row, store) === baseVersion) return data;

  if (row.status === 'completed') throw await conflict(deps, who, taskId, 'completed');
  if (row.status === 'cancelled' || row.case_status !== 'running')
    throw await conflict(deps, who, taskId, 'withdrawn');
  const mine = await deps.db.query(`SELECT ${IN_MY_INBOX} AS mine FROM tasks t WHERE t.id = $2`, [
    who.userId,
    taskId,
  ]);
  if ((row.assignee_user && row.assignee_user !== who.userId) || !mine.rows[0]?.mine)
    throw await conflict(deps, who, taskId, 'reassigned');

  const snap = await deps.db.query(
    'SELECT initial, shared FROM field_snapshots WHERE version = $1 AND user_id = $2 AND task_id = $3',
    [baseVersion, who.userId, taskId],
  );
  if (!snap.rows[0])
    throw domain.invalid([
      {
        path: 'baseVersion',
        message: '未知的任务版本，请重新下载今日任务',
        message_en: 'unknown baseVersion: download the task again',
      },
    ]);
  // derived fields (A33, members[*].A6 …) follow from the others and are recomputed: compared without them
  const doc = row.form_key
    ? await resolvedForm(deps.db, row.form_key, row.form_version ?? undefined)
    : undefined;
  const plain = (v: unknown): Record<string, unknown> => {
    const copy = structuredClone((v ?? {}) as Record<string, unknown>);
    if (doc?.derived) stripDerived(copy, doc.derived);
    return copy;
  };
  const initial = plain(snap.rows[0].initial);
  const shared = plain(snap.rows[0].shared);
  const server = plain(store && (row.case_data ?? {})[store]);
  const yours = plain(data);
  const merged: Record<string, unknown> = { ...yours };
  const fields: NonNullable<FieldConflict['fields']> = [];
  for (const path of new Set([...Object.keys(yours), ...Object.keys(server)])) {
    const theirs = server[path];
    // the server's value moved away from what this person started from (and from what it held then)
    const serverChanged = theirs !== undefined && !same(theirs, initial[path]) && !same(theirs, shared[path]);
    if (!serverChanged) continue;
    const youChanged = !same(yours[path], initial[path]);
    if (!youChanged) merged[path] = theirs;
    else if (!same(yours[path], theirs)) fields.push({ path, yours: yours[path], theirs });
  }
  if (fields.length) throw await conflict(deps, who, taskId, 'field_changed', fields);
  return data === undefined ? undefined : merged;
}

/**
 * 办理 `POST /api/tasks/{id}/complete`: with a `baseVersion` (a submission made offline) the task is first
 * reconciled with what changed meanwhile; a resend of the same requestId still answers the first result.
 */
export function completeWithVersion(
  deps: ServiceDeps,
  who: Principal,
  taskId: string,
  body: CompleteRequest,
) {
  const base = body.baseVersion;
  if (base === undefined) return completeTask(deps, who, taskId, body);
  if (typeof base !== 'string' || !base)
    throw domain.invalid([
      {
        path: 'baseVersion',
        message: '任务版本无效',
        message_en: 'baseVersion must be a token from the bundle',
      },
    ]);
  return completeTask(deps, who, taskId, body, {
    reconcile: (data) => reconcileOffline(deps, who, taskId, base, data),
  });
}
