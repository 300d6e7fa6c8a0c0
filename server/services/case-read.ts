/**
 * 案件查看 reading one case: the case page (data, definition, progress, tasks, timeline, notices, calendar
 * waits, objections) and its documents (the print view and the A4 PDF). Visibility is `visibleCase`
 * (cases.ts, the region rule of principal.ts); personal data goes through `readCaseData` (personal-data.ts).
 */
import { activityTimeline, withActivities } from './activity-runs.js';
import type { CaseView } from '../../shared/api-types.js';
import { visibleCase } from './cases.js';
import { processVersion } from './catalog.js';
import type { ServiceDeps } from './deps.js';
import { maskString } from './masking.js';
import { readCaseData } from './personal-data.js';
import type { Principal } from './principal.js';
import { noticeObjectionCount } from './public-board.js';

const maskComment = <T extends { comment?: unknown }>(x: T): T =>
  typeof x?.comment === 'string' ? { ...x, comment: maskString(x.comment) } : x;

async function caseRow(deps: ServiceDeps, id: string) {
  return (
    await deps.db.query(
      'SELECT c.*, o.name AS org_name FROM cases c JOIN org_nodes o ON o.id = c.org_id WHERE c.id = $1',
      [id],
    )
  ).rows[0];
}

/** 案件详情 the case page; personal data masked unless `unmask` is asked for by a role that may (audited). */
export async function readCase(
  deps: ServiceDeps,
  who: Principal,
  id: string,
  opts: { unmask: boolean },
): Promise<CaseView> {
  const db = deps.db;
  await visibleCase(deps, who, id);
  const c = await caseRow(deps, id);
  const def = await processVersion(db, c.process_key, c.process_version);
  const timeline = await db.query(
    `SELECT e.seq, e.kind, e.step_id, e.actor_id, u.display_name AS actor_name, e.payload, e.at
       FROM case_events e LEFT JOIN users u ON u.id = e.actor_id
       WHERE e.case_id = $1 AND e.kind IN ('case.started','task.created','task.signed','task.closed','notice.opened','notice.scheduled','notice.closed',
                                           'calendar.waiting','calendar.resolved','objection.filed','case.ended','cc','notify')
       ORDER BY e.seq`,
    [id],
  );
  const taskRows = await db.query(
    `SELECT id, step_id, step_title, status, role, org_id, assignee_user, signers, created_at, completed_at, due_at, outcome_action
       FROM tasks WHERE case_id = $1 ORDER BY created_at, id`,
    [id],
  );
  const notices = await db.query(
    `SELECT id, step_id, title, level, days, calendar, opens_at, closes_at, closed_at, ${noticeObjectionCount('notices')} AS objection_count,
              calendar_note
       FROM notices WHERE case_id = $1 ORDER BY opens_at`,
    [id],
  );
  // windows and SLAs waiting for a year of the holiday calendar nobody has published yet
  const calendarWaits = await db.query(
    'SELECT step_id, purpose, year, message, since FROM calendar_waits WHERE case_id = $1 ORDER BY since',
    [id],
  );
  const objections = await db.query(
    'SELECT receipt, notice_id, content, status, filed_at, decided_at FROM objections WHERE case_id = $1 ORDER BY filed_at LIMIT 1000',
    [id],
  );
  const visited = new Set(taskRows.rows.filter((t) => t.status === 'completed').map((t) => t.step_id));
  for (const n of notices.rows) if (n.closed_at) visited.add(n.step_id);
  // 个人信息 the one read path: masked unless asked for in full by a role that may, and then audited
  // (objection text, and the timeline's objection events with the objector's contact, are personal data too)
  const shown = await readCaseData(
    deps,
    who,
    c,
    {
      data: c.data,
      objections: objections.rows,
      // activity steps (省平台数据比对 …) with their attempts, duration and result summary
      timeline: withActivities(timeline.rows, await activityTimeline(db, id, def)),
    },
    { purpose: 'case', unmask: opts.unmask, strict: true },
  );
  return {
    case: {
      id: c.id,
      title: c.title,
      processKey: c.process_key,
      processVersion: c.process_version,
      orgId: c.org_id,
      orgName: c.org_name,
      subjectKind: c.subject_kind,
      subjectId: c.subject_id,
      subjectName: c.subject_name,
      initiatorId: c.initiator_id,
      status: c.status,
      outcome: c.outcome,
      currentSteps: c.current_steps,
      startedAt: c.started_at,
      endedAt: c.ended_at,
    },
    data: shown.value.data,
    unmasked: shown.unmasked,
    definition: def,
    progress: { done: [...visited], current: (c.current_steps as { id: string }[]).map((s) => s.id) },
    // comments are free text: numbers typed into them are masked like the case data (ids stay as they are)
    tasks: shown.unmasked
      ? taskRows.rows
      : taskRows.rows.map((t) => ({ ...t, signers: (t.signers ?? []).map(maskComment) })),
    timeline: shown.unmasked
      ? shown.value.timeline
      : shown.value.timeline.map((e: { payload?: { comment?: unknown } }) => ({
          ...e,
          payload: e.payload && maskComment(e.payload),
        })),
    notices: notices.rows,
    calendarWaits: calendarWaits.rows,
    // objection text is written by the public: masked like the case data (the one read path)
    objections: shown.value.objections,
    // 撤回 only while nobody but the initiator has acted and no notice has opened (the workflow checks it again)
    canWithdraw:
      c.initiator_id === who.userId &&
      c.status === 'running' &&
      notices.rows.length === 0 &&
      !(
        await db.query('SELECT 1 FROM task_actions WHERE case_id = $1 AND actor_id <> $2 LIMIT 1', [
          id,
          who.userId,
        ])
      ).rowCount,
  };
}
