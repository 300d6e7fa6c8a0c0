/**
 * 读模型 the read model writer: applies the case workflow's projection events
 * to PostgreSQL. Idempotent: each event is keyed by case id + sequence number
 * (case_events.id); a batch is applied in one transaction and an event whose
 * key already exists is skipped, so a retried activity never duplicates a
 * task, a timeline entry or an audit row.
 */
import type pg from 'pg';
import type { ProjectArgs, ProjectionEvent } from '../workflows/contract.js';
import { appendAudit, type AuditEntry } from '../server/audit/chain.js';
import { closeWarningsForCase } from './household-status.js';

const ts = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));

export function readModelActivities(db: pg.Pool) {
  return {
    async project({ caseId, events }: ProjectArgs): Promise<void> {
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        const audits: AuditEntry[] = [];
        for (const ev of events) {
          const id = `${caseId}/${ev.seq}`;
          const inserted = await client.query(
            `INSERT INTO case_events (id, case_id, seq, kind, step_id, actor_id, payload, at)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (id) DO NOTHING`,
            [id, caseId, ev.seq, ev.kind, ev.stepId ?? null, ev.actorId ?? null, JSON.stringify(payloadOf(ev)), ts(ev.at)],
          );
          if (!inserted.rowCount) continue; // applied by an earlier attempt
          if (ev.kind === 'audit') {
            audits.push({ id, actorId: ev.actorId, action: ev.action, target: ev.target, detail: { caseId, ...ev.detail }, at: new Date(ev.at) });
          } else {
            await apply(client, caseId, id, ev);
          }
        }
        await client.query('UPDATE cases SET last_seq = GREATEST(last_seq, $2), updated_at = now() WHERE id = $1', [
          caseId,
          events.at(-1)?.seq ?? 0,
        ]);
        await appendAudit(client, audits);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

/** The timeline keeps a small payload: no form data (that lives on the case row). */
function payloadOf(ev: ProjectionEvent): Record<string, unknown> {
  switch (ev.kind) {
    case 'case.started':
      return { processKey: ev.processKey, processVersion: ev.processVersion, title: ev.title };
    case 'case.data':
      return {};
    case 'task.created':
      return { taskId: ev.task.id, stepTitle: ev.task.stepTitle, role: ev.task.role, orgId: ev.task.orgId, assigneeUser: ev.task.assigneeUser };
    case 'notice.opened':
      return { noticeId: ev.noticeId, opensAt: ev.opensAt, closesAt: ev.closesAt, days: ev.days, calendar: ev.calendar, level: ev.level };
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
        [caseId, ev.processKey, ev.processVersion, ev.title, ev.org.id, ev.org.path, ev.subject.kind, ev.subject.id ?? null,
          ev.subject.name, ev.initiatorId, JSON.stringify(ev.data), ts(ev.at)],
      );
      if (ev.subject.kind === 'household' && ev.subject.id && ev.exclusive !== false) {
        await db.query('UPDATE households SET active_case_id = $2, updated_at = now() WHERE id = $1', [ev.subject.id, caseId]);
      }
      return;
    case 'case.steps':
      await db.query('UPDATE cases SET current_steps = $2 WHERE id = $1', [caseId, JSON.stringify(ev.current)]);
      return;
    case 'case.data':
      await db.query('UPDATE cases SET data = $2 WHERE id = $1', [caseId, JSON.stringify(ev.data)]);
      return;
    case 'case.ended':
      await db.query('UPDATE cases SET status = $2, outcome = $3, ended_at = $4, current_steps = $5 WHERE id = $1', [
        caseId, ev.status, ev.outcome, ts(ev.at), '[]',
      ]);
      // before the household is released: a rejected identification clears its warning (activities/household-status.ts)
      await closeWarningsForCase(db, caseId, ev.status);
      await db.query('UPDATE households SET active_case_id = NULL, updated_at = now() WHERE active_case_id = $1', [caseId]);
      await db.query(`UPDATE notices SET closed_at = COALESCE(closed_at, $2) WHERE case_id = $1`, [caseId, ts(ev.at)]);
      return;
    case 'task.created': {
      const t = ev.task;
      await db.query(
        `INSERT INTO tasks (id, case_id, step_id, step_title, role, org_id, department, assignee_user, status, form_key, form_version,
                            actions, field_permissions, min_signers, created_at, due_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'open',$9,$10,$11,$12,$13,$14,$15) ON CONFLICT (id) DO NOTHING`,
        [t.id, caseId, t.stepId, t.stepTitle, t.role ?? null, t.orgId ?? null, t.department ?? '', t.assigneeUser ?? null,
          t.formKey ?? null, t.formVersion ?? null, JSON.stringify(t.actions), JSON.stringify(t.fieldPermissions),
          t.minSigners, ts(t.createdAt), ts(t.dueAt)],
      );
      return;
    }
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
      if (sets.length) await db.query(`UPDATE tasks SET ${sets.join(', ')} WHERE id = $1`, values);
      return;
    }
    case 'task.signed':
      await db.query(
        `INSERT INTO task_actions (id, task_id, case_id, actor_id, actor_name, action, comment, at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (id) DO NOTHING`,
        [eventId, ev.taskId, caseId, ev.actorId ?? 'system', ev.actorName, ev.action, ev.comment ?? null, ts(ev.at)],
      );
      await db.query(`UPDATE tasks SET signers = signers || $2::jsonb, draft = NULL WHERE id = $1`, [
        ev.taskId,
        JSON.stringify([{ userId: ev.actorId, name: ev.actorName, action: ev.action, comment: ev.comment, at: ev.at }]),
      ]);
      return;
    case 'task.closed':
      await db.query(
        `UPDATE tasks SET status = $2, completed_at = $3, completed_by = $4, outcome_action = $5 WHERE id = $1 AND status = 'open'`,
        [ev.taskId, ev.status, ts(ev.at), ev.by ?? null, ev.action ?? null],
      );
      return;
    case 'notice.opened':
      await db.query(
        `INSERT INTO notices (id, case_id, step_id, org_id, org_path, level, title, content, days, calendar, opens_at, closes_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (id) DO NOTHING`,
        [ev.noticeId, caseId, ev.stepId, ev.orgId, ev.orgPath, ev.level, ev.title, JSON.stringify(ev.content), ev.days,
          ev.calendar, ts(ev.opensAt), ts(ev.closesAt)],
      );
      return;
    case 'notice.closed':
      await db.query('UPDATE notices SET closed_at = $2, objection_count = $3 WHERE id = $1', [ev.noticeId, ts(ev.at), ev.objectionCount]);
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
      await db.query(`UPDATE objections SET status = $2 WHERE notice_id = $1`, [ev.noticeId, ev.status]);
      return;
    case 'notify': {
      const users = ev.userIds ?? [null];
      for (const [i, userId] of users.entries()) {
        await db.query(
          `INSERT INTO notifications (id, user_id, role, org_id, case_id, task_id, kind, message, created_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (id) DO NOTHING`,
          [`${eventId}#${i}`, userId, ev.role ?? null, ev.orgId ?? null, caseId, ev.taskId ?? null, ev.notifyKind, ev.message, ts(ev.at)],
        );
      }
      return;
    }
    case 'cc':
      for (const userId of ev.userIds) {
        await db.query('INSERT INTO case_ccs (case_id, user_id, by_user, at) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING', [
          caseId, userId, ev.actorId ?? null, ts(ev.at),
        ]);
      }
      return;
    case 'audit':
      return;
  }
}
