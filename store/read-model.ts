/**
 * 读模型 the read model writer: applies the case workflow's projection events
 * to PostgreSQL. Idempotent: each event is keyed by case id + sequence number
 * (case_events.id); a batch is applied in one transaction and an event whose
 * key already exists is skipped, so a retried activity never duplicates a
 * task, a timeline entry or an audit row. An event PostgreSQL refuses for good
 * goes to projection_dead_letters and the rest of its batch still applies.
 */
import type pg from 'pg';
import type { ProjectArgs, ProjectionEvent, ProjectResult, TaskRow } from '../workflows/contract.js';
import { appendAudit, type AuditEntry } from './audit.js';
import { closeWarningsForCase } from './household-store.js';
import { inTransaction } from './transaction.js';
import { holderParams, holdersWhere } from './role-holders.js';

const ts = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));

/**
 * A refusal retrying cannot cure: PostgreSQL's data exceptions (class 22, e.g. a NUL in text), integrity
 * violations (23; the idempotency conflicts are ON CONFLICT DO NOTHING and never raise) and program limits
 * (54, e.g. an index row too large). Connection loss, deadlocks, shutdowns … are transient: those still
 * fail the activity so that Temporal retries it.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|23|54)[0-9A-Z]{3}$/.test(code);
}

/**
 * Apply a batch in one transaction. When PostgreSQL refuses an event for good, the batch is applied
 * again event by event: each refused event goes to projection_dead_letters with its error and the
 * rest still apply, so one bad event never stops a case (the activity would otherwise retry forever).
 */
export async function projectEvents(db: pg.Pool, { caseId, events }: ProjectArgs): Promise<ProjectResult> {
  try {
    return await inTransaction(db, (client) => applyBatch(client, caseId, events, false));
  } catch (err) {
    if (!isDataError(err)) throw err;
    return inTransaction(db, (client) => applyBatch(client, caseId, events, true));
  }
}

/** What a batch found while writing: tasks opened for their `orElse`, and tasks with one already written. */
interface Found {
  unheld: string[];
  written: TaskRow[];
}

async function applyBatch(
  client: pg.ClientBase,
  caseId: string,
  events: ProjectionEvent[],
  oneByOne: boolean,
): Promise<ProjectResult> {
  const audits: AuditEntry[] = [];
  const found: Found = { unheld: [], written: [] };
  // the case's current steps are written with its sequence number below (one statement less per batch)
  let steps: string | null = null;
  if (!oneByOne) {
    // the batch's timeline rows (its idempotency keys) in one statement; then the effects of the new ones, in order
    const fresh = await insertTimeline(client, caseId, events);
    // a signature that completes its task: the task's close is written with the signature (one statement)
    const closedWithSignature = new Set<number>();
    for (const [i, ev] of events.entries()) {
      if (!fresh.has(ev.seq)) {
        if (ev.kind === 'task.created' && ev.task.orElse) found.written.push(ev.task);
      } else if (closedWithSignature.has(ev.seq)) {
        continue;
      } else if (ev.kind === 'task.signed') {
        const close = closingOf(events, i, fresh);
        if (close) closedWithSignature.add(close.seq);
        await signTask(client, caseId, ev, close);
        if (close) await closeEffects(client, caseId, close);
      } else if (ev.kind === 'case.steps') {
        steps = JSON.stringify(ev.current);
      } else {
        // the end of a case empties its steps itself: a list from earlier in the batch must not come back
        if (ev.kind === 'case.ended') steps = null;
        await applyEffect(client, caseId, ev, audits, found);
      }
    }
  } else {
    for (const ev of events) {
      await client.query('SAVEPOINT projection_event');
      try {
        await applyEvent(client, caseId, ev, null, found);
        await client.query('RELEASE SAVEPOINT projection_event');
      } catch (err) {
        if (!isDataError(err)) throw err;
        await client.query('ROLLBACK TO SAVEPOINT projection_event');
        await deadLetter(client, caseId, ev, err);
      }
    }
  }
  await client.query(
    `UPDATE cases SET last_seq = GREATEST(last_seq, $2), updated_at = now(),
       current_steps = COALESCE($3::jsonb, current_steps) WHERE id = $1`,
    [caseId, events.at(-1)?.seq ?? 0, steps],
  );
  await appendAudit(client, audits);
  return { unheld: [...found.unheld, ...(await unheldAmong(client, found.written))] };
}

/**
 * Of tasks an earlier attempt of the batch already wrote (a retried activity), those that went to their
 * `orElse`: read back, so a retry answers as the first attempt did.
 */
async function unheldAmong(client: pg.ClientBase, tasks: TaskRow[]): Promise<string[]> {
  if (tasks.length === 0) return [];
  const { rows } = await client.query<{ id: string; role: string | null; org_id: string | null }>(
    'SELECT id, role, org_id FROM tasks WHERE id = ANY($1)',
    [tasks.map((t) => t.id)],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return tasks
    .filter((t) => {
      const r = byId.get(t.id);
      return r !== undefined && t.orElse !== undefined && wentElsewhere(t, r.role, r.org_id);
    })
    .map((t) => t.id);
}

/** A task row opened for its `orElse` rather than for the role and node it asked for. */
function wentElsewhere(t: TaskRow, role: string | null, orgId: string | null): boolean {
  return role !== (t.role ?? null) || orgId !== (t.orgId ?? null);
}

const TIMELINE_COLUMNS = 'id, case_id, seq, kind, step_id, actor_id, payload, at';

/** An event's case_events row, in TIMELINE_COLUMNS order; its id (case id + sequence) is the idempotency key. */
function timelineRow(caseId: string, ev: ProjectionEvent): unknown[] {
  return [
    `${caseId}/${ev.seq}`,
    caseId,
    ev.seq,
    ev.kind,
    ev.stepId ?? null,
    ev.actorId ?? null,
    JSON.stringify(payloadOf(ev)),
    ts(ev.at),
  ];
}

/** `($k+1,…,$k+count)`: the parameter tuple of a row whose values follow the first k. */
function placeholders(k: number, count: number): string {
  return `(${Array.from({ length: count }, (_, j) => `$${k + j + 1}`).join(',')})`;
}

/**
 * One event: its timeline row (the idempotency key), then its effect. Audit entries are collected into
 * `audits` to be chained once per batch, or chained at once when `audits` is null.
 */
async function applyEvent(
  client: pg.ClientBase,
  caseId: string,
  ev: ProjectionEvent,
  audits: AuditEntry[] | null,
  found?: Found,
): Promise<void> {
  const row = timelineRow(caseId, ev);
  const inserted = await client.query(
    `INSERT INTO case_events (${TIMELINE_COLUMNS}) VALUES ${placeholders(0, row.length)} ON CONFLICT (id) DO NOTHING`,
    row,
  );
  if (!inserted.rowCount) {
    // applied by an earlier attempt
    if (found && ev.kind === 'task.created' && ev.task.orElse) found.written.push(ev.task);
    return;
  }
  await applyEffect(client, caseId, ev, audits, found);
}

/** The timeline rows of a batch, one statement per 500 events; returns the sequence numbers that were new. */
async function insertTimeline(client: pg.ClientBase, caseId: string, events: ProjectionEvent[]) {
  const fresh = new Set<number>();
  for (let i = 0; i < events.length; i += 500) {
    const chunk = events.slice(i, i + 500);
    const values: unknown[] = [];
    const tuples = chunk.map((ev) => {
      const row = timelineRow(caseId, ev);
      return placeholders(values.push(...row) - row.length, row.length);
    });
    const { rows } = await client.query<{ seq: number }>(
      `INSERT INTO case_events (${TIMELINE_COLUMNS})
       VALUES ${tuples.join(',')} ON CONFLICT (id) DO NOTHING RETURNING seq`,
      values,
    );
    for (const r of rows) fresh.add(Number(r.seq));
  }
  return fresh;
}

/** What an event does besides its timeline row: an audit entry (chained per batch, or at once) or its effect. */
async function applyEffect(
  client: pg.ClientBase,
  caseId: string,
  ev: ProjectionEvent,
  audits: AuditEntry[] | null,
  found?: Found,
): Promise<void> {
  const id = `${caseId}/${ev.seq}`;
  if (ev.kind === 'audit') {
    const entry = {
      id,
      actorId: ev.actorId,
      action: ev.action,
      target: ev.target,
      detail: { caseId, ...ev.detail },
      at: new Date(ev.at),
    };
    if (audits) audits.push(entry);
    else await appendAudit(client, [entry]);
  } else if (ev.kind === 'task.created') {
    await insertTask(client, caseId, ev.task, found);
  } else {
    await apply(client, caseId, id, ev);
  }
}

/**
 * A task row. One with `orElse` is opened for its role when somebody holds it there, and otherwise for its
 * `orElse` (one signer, no due date) — the holders checked in the same statement — which `found` records.
 */
async function insertTask(db: pg.ClientBase, caseId: string, t: TaskRow, found?: Found): Promise<void> {
  const values: unknown[] = [
    t.id,
    caseId,
    t.stepId,
    t.stepTitle,
    t.role ?? null,
    t.orgId ?? null,
    t.department ?? '',
    t.assigneeUser ?? null,
    t.formKey ?? null,
    t.formVersion ?? null,
    JSON.stringify(t.actions),
    JSON.stringify(t.fieldPermissions),
    t.minSigners,
    ts(t.createdAt),
    ts(t.dueAt),
  ];
  const columns = `id, case_id, step_id, step_title, role, org_id, department, assignee_user, status, form_key, form_version,
                   actions, field_permissions, min_signers, created_at, due_at`;
  if (!t.orElse) {
    await db.query(
      `INSERT INTO tasks (${columns})
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'open',$9,$10,$11,$12,$13,$14,$15) ON CONFLICT (id) DO NOTHING`,
      values,
    );
    return;
  }
  const { rows } = await db.query<{ role: string | null; org_id: string | null }>(
    `INSERT INTO tasks (${columns})
     SELECT $1,$2,$3,$4, CASE WHEN h.held THEN $5 ELSE $16 END, CASE WHEN h.held THEN $6 ELSE $17 END,
            CASE WHEN h.held THEN $7 ELSE '' END, $8,'open',$9,$10::int,$11::jsonb,$12::jsonb,
            CASE WHEN h.held THEN $13::int ELSE 1 END, $14::timestamptz, CASE WHEN h.held THEN $15::timestamptz END
     FROM (SELECT EXISTS (SELECT 1 FROM user_roles r JOIN users u ON u.id = r.user_id WHERE ${holdersWhere(17)}) AS held) h
     ON CONFLICT (id) DO NOTHING RETURNING role, org_id`,
    [
      ...values,
      t.orElse.role,
      t.orElse.orgId,
      ...holderParams({ role: t.role ?? '', orgId: t.orgId ?? '', department: t.department }),
    ],
  );
  if (rows[0] && found && wentElsewhere(t, rows[0].role, rows[0].org_id)) found.unheld.push(t.id);
}

type Signed = Extract<ProjectionEvent, { kind: 'task.signed' }>;
type Closed = Extract<ProjectionEvent, { kind: 'task.closed' }>;

/**
 * The close of the task `events[i]` signed, when it follows in the same batch with only audit entries between
 * (they are chained at the end of the batch) and is new: a signature that completes its task.
 */
function closingOf(events: ProjectionEvent[], i: number, fresh: Set<number>): Closed | undefined {
  const signed = events[i] as Signed;
  for (let j = i + 1; j < events.length; j++) {
    const ev = events[j];
    if (ev.kind === 'audit') continue;
    return ev.kind === 'task.closed' && ev.taskId === signed.taskId && fresh.has(ev.seq) ? ev : undefined;
  }
  return undefined;
}

/**
 * 签署 a signature: the action row and the task's signers in one statement (a data-modifying WITH), and the
 * task's close with them when the signature completes it (`close`; an open task only, as a close alone).
 */
async function signTask(db: pg.ClientBase, caseId: string, ev: Signed, close?: Closed): Promise<void> {
  const values: unknown[] = [
    `${caseId}/${ev.seq}`,
    ev.taskId,
    caseId,
    ev.actorId ?? 'system',
    ev.actorName,
    ev.action,
    ev.comment ?? null,
    ts(ev.at),
    JSON.stringify([
      { userId: ev.actorId, name: ev.actorName, action: ev.action, comment: ev.comment, at: ev.at },
    ]),
  ];
  const closing = close
    ? `, status = CASE WHEN status = 'open' THEN $10 ELSE status END,
         completed_at = CASE WHEN status = 'open' THEN $11::timestamptz ELSE completed_at END,
         completed_by = CASE WHEN status = 'open' THEN $12 ELSE completed_by END,
         outcome_action = CASE WHEN status = 'open' THEN $13 ELSE outcome_action END`
    : '';
  if (close) values.push(close.status, ts(close.at), close.by ?? null, close.action ?? null);
  await db.query(
    `WITH action AS (
       INSERT INTO task_actions (id, task_id, case_id, actor_id, actor_name, action, comment, at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (id) DO NOTHING)
     UPDATE tasks SET signers = signers || $9::jsonb, draft = NULL${closing} WHERE id = $2`,
    values,
  );
}

/** What a task's close does besides the task row. */
async function closeEffects(db: pg.ClientBase, caseId: string, ev: Closed): Promise<void> {
  if (ev.action === 'unfounded' || ev.action === 'upheld') {
    // 异议不成立 / 异议成立: the investigation's outcome, shown to the objector by receipt
    await db.query(
      `UPDATE objections SET status = $2, decided_at = $3 WHERE case_id = $1 AND status = 'investigating'`,
      [caseId, ev.action, ts(ev.at)],
    );
  }
}

async function deadLetter(
  client: pg.ClientBase,
  caseId: string,
  ev: ProjectionEvent,
  err: unknown,
): Promise<void> {
  const e = err as { code?: string; message?: string };
  // JSON.stringify escapes NUL and unpaired surrogates, so the text is storable and exact
  await client.query(
    `INSERT INTO projection_dead_letters (case_id, seq, kind, event, error, sqlstate) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (case_id, seq) DO NOTHING`,
    [
      caseId,
      ev.seq,
      String(ev.kind).replace(/[^\w.-]/g, '?'),
      JSON.stringify(ev),
      String(e.message ?? err).replace(/\u0000/g, ''),
      e.code ?? null,
    ],
  );
}

/** 重放 apply one event inside the caller's transaction (a dead letter's replay, after a fix). */
export async function applyProjectionEvent(
  client: pg.ClientBase,
  caseId: string,
  ev: ProjectionEvent,
): Promise<void> {
  await applyEvent(client, caseId, ev, null);
}

/** The timeline keeps a small payload: no form data (that lives on the case row). */
function payloadOf(ev: ProjectionEvent): Record<string, unknown> {
  switch (ev.kind) {
    case 'case.started':
      return { processKey: ev.processKey, processVersion: ev.processVersion, title: ev.title };
    case 'case.data':
      return {};
    case 'task.created':
      return {
        taskId: ev.task.id,
        stepTitle: ev.task.stepTitle,
        role: ev.task.role,
        orgId: ev.task.orgId,
        assigneeUser: ev.task.assigneeUser,
      };
    case 'notice.opened':
      return {
        noticeId: ev.noticeId,
        opensAt: ev.opensAt,
        closesAt: ev.closesAt,
        days: ev.days,
        calendar: ev.calendar,
        level: ev.level,
        ...(ev.calendarNote ? { calendarNote: ev.calendarNote } : {}),
      };
    case 'objection.filed':
      return { noticeId: ev.noticeId, receipt: ev.receipt };
    default: {
      const { seq: _s, at: _a, kind: _k, ...rest } = ev as Record<string, unknown>;
      return rest;
    }
  }
}

async function apply(db: pg.ClientBase, caseId: string, eventId: string, ev: ProjectionEvent): Promise<void> {
  switch (ev.kind) {
    case 'case.started':
      await db.query(
        `INSERT INTO cases (id, process_key, process_version, title, org_id, org_path, subject_kind, subject_id, subject_name,
                            initiator_id, data, started_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
         ON CONFLICT (id) DO NOTHING`,
        [
          caseId,
          ev.processKey,
          ev.processVersion,
          ev.title,
          ev.org.id,
          ev.org.path,
          ev.subject.kind,
          ev.subject.id ?? null,
          ev.subject.name,
          ev.initiatorId,
          JSON.stringify(ev.data),
          ts(ev.at),
        ],
      );
      if (ev.subject.kind === 'household' && ev.subject.id && ev.exclusive !== false) {
        await db.query('UPDATE households SET active_case_id = $2, updated_at = now() WHERE id = $1', [
          ev.subject.id,
          caseId,
        ]);
      }
      return;
    case 'case.steps':
      await db.query('UPDATE cases SET current_steps = $2 WHERE id = $1', [
        caseId,
        JSON.stringify(ev.current),
      ]);
      return;
    case 'case.data':
      await db.query('UPDATE cases SET data = $2 WHERE id = $1', [caseId, JSON.stringify(ev.data)]);
      return;
    case 'case.ended':
      await db.query(
        'UPDATE cases SET status = $2, outcome = $3, ended_at = $4, current_steps = $5 WHERE id = $1',
        [caseId, ev.status, ev.outcome, ts(ev.at), '[]'],
      );
      // before the household is released: a rejected identification clears its warning (activities/household-status.ts)
      await closeWarningsForCase(db, caseId, ev.status);
      await db.query(
        'UPDATE households SET active_case_id = NULL, updated_at = now() WHERE active_case_id = $1',
        [caseId],
      );
      await db.query(
        `UPDATE notices SET closed_at = COALESCE(closed_at, $2) WHERE case_id = $1 AND kind = 'window'`,
        [caseId, ts(ev.at)],
      );
      await db.query('DELETE FROM calendar_waits WHERE case_id = $1', [caseId]);
      return;
    case 'task.created':
      await insertTask(db, caseId, ev.task);
      return;
    case 'task.updated': {
      const sets: string[] = [];
      const values: unknown[] = [ev.taskId];
      const put = (col: string, v: unknown) => {
        values.push(v);
        sets.push(`${col} = $${values.length}`);
      };
      if (ev.assigneeUser !== undefined) put('assignee_user', ev.assigneeUser);
      if (ev.claimedBy !== undefined) put('claimed_by', ev.claimedBy);
      if (ev.delegatedFrom !== undefined) put('delegated_from', ev.delegatedFrom);
      if (ev.dueAt !== undefined) put('due_at', ts(ev.dueAt));
      if (sets.length) await db.query(`UPDATE tasks SET ${sets.join(', ')} WHERE id = $1`, values);
      return;
    }
    case 'task.signed':
      await signTask(db, caseId, ev);
      return;
    case 'task.closed':
      await db.query(
        `UPDATE tasks SET status = $2, completed_at = $3, completed_by = $4, outcome_action = $5 WHERE id = $1 AND status = 'open'`,
        [ev.taskId, ev.status, ts(ev.at), ev.by ?? null, ev.action ?? null],
      );
      await closeEffects(db, caseId, ev);
      return;
    case 'notice.opened':
      await db.query(
        `INSERT INTO notices (id, case_id, step_id, org_id, org_path, level, title, content, days, calendar, opens_at, closes_at,
                              calendar_note)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ON CONFLICT (id) DO NOTHING`,
        [
          ev.noticeId,
          caseId,
          ev.stepId,
          ev.orgId,
          ev.orgPath,
          ev.level,
          ev.title,
          JSON.stringify(ev.content),
          ev.days,
          ev.calendar,
          ts(ev.opensAt),
          ts(ev.closesAt),
          ev.calendarNote ?? null,
        ],
      );
      return;
    case 'notice.scheduled':
      await db.query('UPDATE notices SET closes_at = $2, calendar_note = $3 WHERE id = $1', [
        ev.noticeId,
        ts(ev.closesAt),
        ev.calendarNote,
      ]);
      return;
    case 'calendar.waiting':
      await db.query(
        `INSERT INTO calendar_waits (case_id, step_id, purpose, year, message, since) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (case_id, step_id, purpose) DO UPDATE SET year = EXCLUDED.year, message = EXCLUDED.message`,
        [caseId, ev.stepId ?? '', ev.purpose, ev.year, ev.message, ts(ev.at)],
      );
      return;
    case 'calendar.resolved':
      await db.query('DELETE FROM calendar_waits WHERE case_id = $1 AND step_id = $2 AND purpose = $3', [
        caseId,
        ev.stepId ?? '',
        ev.purpose,
      ]);
      return;
    case 'notice.closed':
      await db.query('UPDATE notices SET closed_at = $2, objection_count = $3 WHERE id = $1', [
        ev.noticeId,
        ts(ev.at),
        ev.objectionCount,
      ]);
      return;
    case 'objection.filed':
      await db.query(
        `INSERT INTO objections (receipt, notice_id, case_id, content, name, contact, filed_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (receipt) DO NOTHING`,
        [ev.receipt, ev.noticeId, caseId, ev.content, ev.name ?? null, ev.contact ?? null, ts(ev.at)],
      );
      await db.query('UPDATE notices SET objection_count = objection_count + 1 WHERE id = $1', [ev.noticeId]);
      return;
    case 'objection.resolved':
      await db.query(
        `UPDATE objections SET status = $2,
           investigating_at = CASE WHEN $2 = 'investigating' THEN COALESCE(investigating_at, $3) ELSE investigating_at END,
           decided_at = CASE WHEN $2 = 'investigating' THEN decided_at ELSE COALESCE(decided_at, $3) END
         WHERE notice_id = $1`,
        [ev.noticeId, ev.status, ts(ev.at)],
      );
      return;
    case 'notify': {
      const users = ev.userIds ?? [null];
      for (const [i, userId] of users.entries()) {
        await db.query(
          `INSERT INTO notifications (id, user_id, role, org_id, case_id, task_id, kind, message, created_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (id) DO NOTHING`,
          [
            `${eventId}#${i}`,
            userId,
            ev.role ?? null,
            ev.orgId ?? null,
            caseId,
            ev.taskId ?? null,
            ev.notifyKind,
            ev.message,
            ts(ev.at),
          ],
        );
      }
      return;
    }
    case 'cc':
      for (const userId of ev.userIds) {
        await db.query(
          'INSERT INTO case_ccs (case_id, user_id, by_user, at) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING',
          [caseId, userId, ev.actorId ?? null, ts(ev.at)],
        );
      }
      return;
    case 'audit':
      return;
  }
}
