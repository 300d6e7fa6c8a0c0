/**
 * 外业 field work offline (issue 21): the bundle a verifier's phone downloads before going out ("my tasks for
 * today", each as the task page shows it, with the household, the earlier documents, the code lists and what
 * the other verifiers already submitted), the at-rest key of the phone's store (one per login session), and
 * the version token of a task that lets a submission made offline find out what changed meanwhile
 * (`field-sync.ts`).
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { ServiceDeps } from './deps.js';
import { DomainError, domain } from '../errors.js';
import { listTasks, getTask } from './tasks.js';
import { processVersion, latestCodeLists } from './catalog.js';
import { resolvedForm } from './form-check.js';
import { getHousehold } from './households.js';
import { maskValue } from './masking.js';
import { evidenceStore, type TaskStep } from '../../workflows/definition.js';
import type { Principal } from './principal.js';
import type { TaskView } from '../../shared/api-types.js';

/** At most this many tasks go into one bundle (a day's visits; the inbox pages the rest). */
export const BUNDLE_MAX_TASKS = 50;

/**
 * 离线存储密钥 the key the browser encrypts its offline store with: 256 random bits made once per login session,
 * kept with the session (logout deletes the session, and the key with it), returned only to that session.
 */
export async function fieldKey(db: pg.Pool, sessionId: string | undefined): Promise<{ key: string }> {
  if (!sessionId) throw domain.unauthenticated();
  const { rows } = await db.query(
    `UPDATE sessions SET field_key = coalesce(field_key, $2) WHERE id = $1 RETURNING field_key`,
    [sessionId, randomBytes(32)],
  );
  if (!rows[0]) throw domain.unauthenticated();
  return { key: (rows[0].field_key as Buffer).toString('base64') };
}

/** The facts of a task whose change an offline submission must know about. */
export interface VersionFacts {
  taskId: string;
  status: string;
  assignee_user: string | null;
  delegated_from: string | null;
  case_status: string;
  /** the shared form of the step (`data[store]`) as the server holds it */
  shared: unknown;
}

/**
 * 版本 an opaque token that changes when the task is reassigned, withdrawn or completed, or when its shared
 * form changes on the server (another verifier signed).
 */
export function taskVersion(f: VersionFacts): string {
  const facts = [f.taskId, f.status, f.assignee_user, f.delegated_from, f.case_status, canonical(f.shared)];
  return createHash('sha256').update(JSON.stringify(facts)).digest('base64url').slice(0, 22);
}

/** JSON with object keys sorted, so equal data gives an equal token whatever order jsonb kept. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}

/** A task row with its case, as the version needs it. */
export async function versionRow(db: pg.Pool | pg.ClientBase, taskId: string) {
  const { rows } = await db.query(
    `SELECT t.id, t.status, t.assignee_user, t.delegated_from, t.step_id, t.form_key, t.form_version, t.case_id,
            c.status AS case_status, c.data AS case_data, c.process_key, c.process_version
       FROM tasks t JOIN cases c ON c.id = t.case_id WHERE t.id = $1`,
    [taskId],
  );
  return rows[0] as
    | {
        id: string;
        status: string;
        assignee_user: string | null;
        delegated_from: string | null;
        step_id: string;
        form_key: string | null;
        form_version: number | null;
        case_id: string;
        case_status: string;
        case_data: Record<string, unknown> | null;
        process_key: string;
        process_version: number;
      }
    | undefined;
}

/** The step of a task row and where its shared form is kept. */
export async function stepOf(
  db: pg.Pool,
  row: { process_key: string; process_version: number; step_id: string; form_key: string | null },
): Promise<{ step?: TaskStep; store?: string }> {
  const def = await processVersion(db, row.process_key, row.process_version);
  const step = def?.steps.find((s) => s.id === row.step_id);
  if (step?.type !== 'task') return {};
  return { step, store: step.store ?? step.form?.key ?? row.form_key ?? undefined };
}

export const versionOf = (
  row: NonNullable<Awaited<ReturnType<typeof versionRow>>>,
  store: string | undefined,
): string =>
  taskVersion({
    taskId: row.id,
    status: row.status,
    assignee_user: row.assignee_user,
    delegated_from: row.delegated_from,
    case_status: row.case_status,
    shared: store ? (row.case_data ?? {})[store] : undefined,
  });

/** 佐证材料 of one actor, as the bundle and the conflict answer show it. */
export interface EvidenceRecord {
  userId: string;
  name: string;
  record: Record<string, unknown>;
}

export interface FieldTask {
  /** the token to send back as `baseVersion` with the completion */
  version: string;
  /** what `GET /api/tasks/{id}` gives */
  view: TaskView;
  /** the step's per-actor evidence form (e.g. 入户核实记录), code lists resolved; null when the step has none */
  evidenceForm: Record<string, unknown> | null;
  /** my own evidence record, when I submitted one before (a returned task) */
  mine: Record<string, unknown> | null;
  /** what the other actors (the other verifier) already submitted at this step, masked */
  others: EvidenceRecord[];
  /** the household record (农户档案), masked as on the household page; null for other subjects */
  household: unknown;
}

/** One task as the bundle shows it (also the `current` of a conflict). Records the version it was shown at. */
export async function fieldTask(deps: ServiceDeps, who: Principal, taskId: string): Promise<FieldTask> {
  const view = await getTask(deps, who, taskId);
  const row = (await versionRow(deps.db, taskId))!;
  const { step, store } = await stepOf(deps.db, row);
  const version = versionOf(row, store);
  // what this person starts from offline and what the server held then: the three-way merge of field-sync.ts
  await deps.db.query(
    `INSERT INTO field_snapshots (version, user_id, task_id, initial, shared) VALUES ($1,$2,$3,$4,$5)
     ON CONFLICT (version, user_id) DO UPDATE SET initial = EXCLUDED.initial, created_at = now()`,
    [
      version,
      who.userId,
      taskId,
      JSON.stringify(view.initialData ?? {}),
      JSON.stringify((store && (row.case_data ?? {})[store]) || {}),
    ],
  );
  const evidence = step?.evidence;
  const byActor = evidence
    ? ((((row.case_data ?? {})[evidenceStore(evidence)] ?? {}) as { byActor?: Record<string, unknown> })
        .byActor ?? {})
    : {};
  const otherIds = Object.keys(byActor).filter((id) => id !== who.userId);
  const names = otherIds.length
    ? await deps.db.query('SELECT id, display_name FROM users WHERE id = ANY($1)', [otherIds])
    : { rows: [] };
  const nameOf = new Map(names.rows.map((r) => [r.id as string, r.display_name as string]));
  const t = await deps.db.query('SELECT subject_kind, subject_id FROM cases WHERE id = $1', [row.case_id]);
  const subject = t.rows[0];
  const household =
    subject?.subject_kind === 'household' && subject.subject_id
      ? await getHousehold(deps, who, subject.subject_id).catch((err) => {
          // a household outside the reader's region is not shown; anything else is a real failure
          if (err instanceof DomainError && err.kind === 'not_found') return null;
          throw err;
        })
      : null;
  return {
    version,
    view,
    evidenceForm: evidence ? ((await resolvedForm(deps.db, evidence.form, evidence.version)) ?? null) : null,
    mine: (byActor[who.userId] as Record<string, unknown> | undefined) ?? null,
    others: otherIds.map((id) => ({
      userId: id,
      name: nameOf.get(id) ?? id,
      record: maskValue(byActor[id] as Record<string, unknown>),
    })),
    household,
  };
}

/** Every `x-codelist` a form document refers to. */
function codeListKeys(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => codeListKeys(x, out));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      if (k === 'x-codelist' && typeof x === 'string') out.add(x);
      else codeListKeys(x, out);
    }
  return out;
}

/**
 * 今日任务 the offline bundle: my open and claimable tasks (the 待办 rule of `principal.ts`), each as the task
 * page shows it (masking and audit by `personal-data.ts`), with its version, household, earlier documents,
 * evidence form and the other verifiers' records; the code lists the forms use; the server's clock.
 */
export async function fieldToday(deps: ServiceDeps, who: Principal) {
  const page = await listTasks(deps, who, { view: 'todo', limit: BUNDLE_MAX_TASKS });
  const tasks: FieldTask[] = [];
  for (const item of page.items as { task_id: string }[])
    tasks.push(await fieldTask(deps, who, item.task_id));
  const forms = new Set<string>();
  for (const t of tasks) {
    if (t.view.form) forms.add(`${t.view.form.key}@${t.view.form.version}`);
  }
  const raw = forms.size
    ? await deps.db.query(`SELECT document FROM form_versions WHERE key || '@' || version = ANY($1)`, [
        [...forms],
      ])
    : { rows: [] };
  const keys = new Set<string>();
  for (const r of raw.rows) codeListKeys(r.document, keys);
  for (const t of tasks) if (t.evidenceForm) codeListKeys(t.evidenceForm, keys);
  return {
    serverTime: (deps.now?.() ?? new Date()).toISOString(),
    tasks,
    codeLists: await latestCodeLists(deps.db, [...keys]),
    /** more tasks wait in the inbox than one bundle takes */
    truncated: page.nextCursor !== null,
  };
}
