/** Read endpoints for the staff app: cases, households, organisation tree, people, dashboard. */
import { activityTimeline, withActivities } from '../services/activity-runs.js';
import { offeredProcesses } from '../services/catalog.js';
import express from 'express';
import { randomUUID } from 'node:crypto';
import type { AppDeps } from '../app.js';
import type { ServiceDeps } from '../services/deps.js';
import { visibleCase } from '../services/cases.js';
import { inboxCounts } from '../services/tasks.js';
import { exportCases, listCases, type CaseListQuery } from '../services/case-list.js';
import { processVersion } from '../services/catalog.js';
import { maskString, maskValue } from '../services/masking.js';
import { noticeObjectionCount } from '../services/public-board.js';
import { appendAudit } from '../audit/chain.js';
import { inTransaction } from '../db.js';
import { requireUser } from './session.js';
import { resolvedForm } from '../services/form-check.js';
import { renderFormPdf } from '../documents/pdf.js';
import { handle } from './routes.js';
import { readCaseData } from '../services/personal-data.js';
import { exportCasesCsv } from '../services/exports.js';
import { householdPrefillContext } from '../services/household-store.js';
import { problems } from './problem.js';
import { intQuery } from './edge.js';

const maskComment = <T extends { comment?: unknown }>(x: T): T =>
  typeof x?.comment === 'string' ? { ...x, comment: maskString(x.comment) } : x;

/** Nodes a principal's roles cover (their own nodes; children are matched through org_path). */
const regionIds = (roles: { orgId: string; role: string }[]) =>
  roles.filter((r) => !['security_admin', 'auditor'].includes(r.role)).map((r) => r.orgId);

export function readRoutes(deps: AppDeps, svc: ServiceDeps): express.Router {
  const r = express.Router();
  const db = deps.db;

  r.get(
    '/cases',
    handle(async (req) => {
      const who = requireUser(req);
      return { items: await listCases(svc, who, req.query as CaseListQuery) };
    }),
  );

  /** 导出 the current case list (same filters) as Excel; masked unless ?unmask=1, which is audited */
  r.get('/cases/export.xlsx', async (req, res, next) => {
    try {
      const who = requireUser(req);
      const file = await exportCases(svc, who, req.query as CaseListQuery & { unmask?: string });
      const name = `案件清单-${new Date().toISOString().slice(0, 10)}.xlsx`;
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader(
        'content-disposition',
        `attachment; filename="cases.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
      );
      res.send(file);
    } catch (err) {
      next(err);
    }
  });

  /** 案件清单导出 the region's cases as CSV: personal data masked unless asked for in full (audited), formulas neutralised */
  r.get('/cases/export.csv', async (req, res, next) => {
    try {
      const who = requireUser(req);
      const q = req.query as Record<string, string>;
      const csv = await exportCasesCsv(svc, who, {
        process: q.process || undefined,
        status: q.status || undefined,
        unmask: q.unmask === '1',
      });
      res
        .type('text/csv; charset=utf-8')
        .setHeader(
          'content-disposition',
          `attachment; filename="cases-${new Date().toISOString().slice(0, 10)}.csv"`,
        );
      res.send(csv);
    } catch (err) {
      next(err);
    }
  });

  r.get(
    '/cases/:id',
    handle(async (req) => {
      const who = requireUser(req);
      const id = String(req.params.id);
      await visibleCase(svc, who, id);
      const c = (
        await db.query(
          'SELECT c.*, o.name AS org_name FROM cases c JOIN org_nodes o ON o.id = c.org_id WHERE c.id = $1',
          [id],
        )
      ).rows[0];
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
      const unmask = req.query.unmask === '1';
      // (objection text, and the timeline's objection events with the objector's contact, are personal data too)
      const shown = await readCaseData(
        svc,
        who,
        c,
        {
          data: c.data,
          objections: objections.rows,
          // activity steps (省平台数据比对 …) with their attempts, duration and result summary
          timeline: withActivities(timeline.rows, await activityTimeline(db, id, def)),
        },
        { purpose: 'case', unmask, strict: true },
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
    }),
  );

  /** 文书 a form of the case as an A4 PDF (the frozen snapshot when the step was signed, else the case data) */
  r.get('/cases/:id/documents/:form.pdf', async (req, res, next) => {
    try {
      const who = requireUser(req);
      const id = String(req.params.id);
      const key = String(req.params.form);
      await visibleCase(svc, who, id);
      const c = (
        await db.query(
          'SELECT c.*, o.name AS org_name FROM cases c JOIN org_nodes o ON o.id = c.org_id WHERE c.id = $1',
          [id],
        )
      ).rows[0];
      const snap = await db.query(
        'SELECT data, form_version FROM documents WHERE case_id = $1 AND form_key = $2 ORDER BY created_at DESC LIMIT 1',
        [id, key],
      );
      const data = snap.rows[0]?.data ?? c.data?.[key];
      if (!data) throw problems.notFound('该案件还没有这份文书', 'the case has no such document yet');
      const form = await resolvedForm(db, key, snap.rows[0]?.form_version ?? undefined);
      if (!form) throw problems.notFound('表单不存在', 'no such form');
      // an official document is printed in full for those who may read it so (audited), masked for the rest
      const shown = await readCaseData(svc, who, c, data, {
        purpose: 'document.print',
        unmask: true,
        form: key,
      });
      const pdf = await renderFormPdf(form, shown.value, {
        id,
        title: c.title,
        orgName: c.org_name,
        subjectName: c.subject_name,
      });
      res
        .type('application/pdf')
        .setHeader('content-disposition', `inline; filename="${encodeURIComponent(key)}-${id}.pdf"`);
      res.send(pdf);
    } catch (err) {
      next(err);
    }
  });

  /** 文书 a form of the case for the A4 print view: the form, its data (the signed snapshot, else the case data) and the case header */
  r.get(
    '/cases/:id/documents/:form',
    handle(async (req) => {
      const who = requireUser(req);
      const id = String(req.params.id);
      const key = String(req.params.form);
      await visibleCase(svc, who, id);
      const c = (
        await db.query(
          'SELECT c.*, o.name AS org_name FROM cases c JOIN org_nodes o ON o.id = c.org_id WHERE c.id = $1',
          [id],
        )
      ).rows[0];
      const snap = await db.query(
        'SELECT data, form_version FROM documents WHERE case_id = $1 AND form_key = $2 ORDER BY created_at DESC LIMIT 1',
        [id, key],
      );
      const data = snap.rows[0]?.data ?? c.data?.[key];
      if (!data) throw problems.notFound('该案件还没有这份文书', 'the case has no such document yet');
      const form = await resolvedForm(db, key, snap.rows[0]?.form_version ?? undefined);
      if (!form) throw problems.notFound('表单不存在', 'no such form');
      // an official document shows the full data to those who may read it so, like the PDF (audited); masked for the rest
      const shown = await readCaseData(svc, who, c, data, {
        purpose: 'document.view',
        unmask: true,
        form: key,
      });
      return {
        form,
        data: shown.value,
        unmasked: shown.unmasked,
        signed: Boolean(snap.rows[0]),
        case: { id, title: c.title, orgName: c.org_name, subjectName: c.subject_name },
      };
    }),
  );

  // staff only; the public board has its own list (/api/public/orgs)
  r.get(
    '/orgs',
    handle(async (req) => {
      requireUser(req);
      const { rows } = await db.query('SELECT id, parent_id, level, name FROM org_nodes ORDER BY path');
      return { items: rows };
    }),
  );

  r.get(
    '/processes',
    handle(async (req) => {
      const who = requireUser(req);
      return { items: await offeredProcesses(db, who) };
    }),
  );

  r.get(
    '/users',
    handle(async (req) => {
      const who = requireUser(req);
      const q = req.query as Record<string, string>;
      const { rows } = await db.query(
        `SELECT DISTINCT u.id, u.display_name AS name, r.role, r.org_id FROM users u JOIN user_roles r ON r.user_id = u.id
       JOIN org_nodes o ON o.id = r.org_id WHERE o.path && $1::text[] AND ($2::text IS NULL OR r.role = $2) ORDER BY u.display_name LIMIT 200`,
        [regionIds(who.roles), q.role ?? null],
      );
      return { items: rows };
    }),
  );

  /** 一次采集、多次复用 the household's known data to prefill a new application (an audited full read). */
  r.get(
    '/households/:id/prefill',
    handle(async (req) => {
      const who = requireUser(req);
      const { rows } = await db.query(
        `SELECT h.id, h.head_name, h.head_id_number, h.members, h.org_path FROM households h WHERE h.id = $1 AND h.org_path && $2::text[]`,
        [String(req.params.id), regionIds(who.roles)],
      );
      const h = rows[0];
      if (!h) throw problems.notFound('农户不存在', 'household not found');
      const names = await db.query('SELECT level, name FROM org_nodes WHERE id = ANY($1)', [h.org_path]);
      const at = (level: string) => names.rows.find((n) => n.level === level)?.name ?? '';
      await inTransaction(db, (tx) =>
        appendAudit(tx, [
          {
            id: `prefill:${h.id}:${Date.now()}:${who.userId}`,
            actorId: who.userId,
            action: 'household.read-unmasked',
            target: h.id,
          },
        ]),
      );
      // 一份附件2贯穿始终 a procedure that starts with 附件2 (elimination) opens from the household's latest one
      const known = await householdPrefillContext(db, h.id);
      return {
        collection: known?.collection ?? { members: known?.members ?? [] },
        application: {
          name: h.head_name,
          idNumber: h.head_id_number,
          householdSize: (h.members ?? []).length || undefined,
          address: {
            city: at('city'),
            county: at('county'),
            township: at('township'),
            village: at('village'),
          },
          filedBy: 'self',
          signDate: new Date().toISOString().slice(0, 10),
        },
      };
    }),
  );

  /**
   * 实时刷新 server-sent events: the signed-in person's inbox counts, pushed when they change
   * (checked every 2 s against PostgreSQL, so any API server can serve any user).
   */
  r.get('/events', async (req, res, next) => {
    try {
      const who = requireUser(req);
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let last = '';
      let stopped = false;
      const tick = async () => {
        if (stopped) return;
        try {
          const counts = JSON.stringify(await inboxCounts(svc, who));
          if (counts !== last) {
            last = counts;
            res.write(`event: inbox\ndata: ${counts}\n\n`);
          } else {
            res.write(': keep-alive\n\n');
          }
        } catch {
          // the database is briefly away: try again on the next tick
        }
      };
      const timer = setInterval(() => void tick(), 2000);
      void tick();
      req.on('close', () => {
        stopped = true;
        clearInterval(timer);
      });
    } catch (err) {
      next(err);
    }
  });

  /** the notifications addressed to me: to me by name, or to a role I hold at its node */
  const MINE = `(n.user_id = $1 OR (n.user_id IS NULL AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = $1 AND r.role = n.role AND r.org_id = n.org_id)))`;
  r.get(
    '/notifications',
    handle(async (req) => {
      const who = requireUser(req);
      const { rows } = await db.query(
        `SELECT n.id, n.kind, n.message, n.case_id, n.task_id, n.created_at, nr.read_at, c.title AS case_title,
              COALESCE(t.due_at, d.due_at) AS due_at
         FROM notifications n LEFT JOIN notification_reads nr ON nr.notification_id = n.id AND nr.user_id = $1
         LEFT JOIN cases c ON c.id = n.case_id
         LEFT JOIN tasks t ON t.id = n.task_id
         -- a reminder or an escalation names no task: the case's nearest open deadline
         LEFT JOIN LATERAL (SELECT due_at FROM tasks t2 WHERE t2.case_id = n.case_id AND t2.status = 'open' AND t2.due_at IS NOT NULL
                            ORDER BY t2.due_at LIMIT 1) d ON n.task_id IS NULL
        WHERE ${MINE} ORDER BY n.created_at DESC LIMIT 50`,
        [who.userId],
      );
      const unread = await db.query(
        `SELECT count(*)::int AS n FROM notifications n WHERE ${MINE}
          AND NOT EXISTS (SELECT 1 FROM notification_reads nr WHERE nr.notification_id = n.id AND nr.user_id = $1)`,
        [who.userId],
      );
      return { items: rows.map((r) => ({ ...r, read: r.read_at !== null })), unread: unread.rows[0].n };
    }),
  );
  r.post(
    '/notifications/:id/read',
    handle(async (req) => {
      const who = requireUser(req);
      const r = await db.query(
        `INSERT INTO notification_reads (notification_id, user_id)
       SELECT n.id, $1 FROM notifications n WHERE n.id = $2 AND ${MINE} ON CONFLICT DO NOTHING RETURNING notification_id`,
        [who.userId, String(req.params.id)],
      );
      if (!r.rowCount) {
        const mine = await db.query(`SELECT 1 FROM notifications n WHERE n.id = $2 AND ${MINE}`, [
          who.userId,
          String(req.params.id),
        ]);
        if (!mine.rowCount) throw problems.notFound('通知不存在', 'no such notification');
      }
      return { read: true };
    }),
  );
  r.post(
    '/notifications/read-all',
    handle(async (req) => {
      const who = requireUser(req);
      const r = await db.query(
        `INSERT INTO notification_reads (notification_id, user_id) SELECT n.id, $1 FROM notifications n WHERE ${MINE} ON CONFLICT DO NOTHING`,
        [who.userId],
      );
      return { marked: r.rowCount ?? 0 };
    }),
  );

  // ---- saved inbox views ----
  const VIEW_KEYS = ['view', 'process', 'org', 'due', 'step'] as const;
  r.get(
    '/views',
    handle(async (req) => {
      const who = requireUser(req);
      const { rows } = await db.query(
        'SELECT id, name, query, created_at FROM saved_views WHERE user_id = $1 ORDER BY created_at',
        [who.userId],
      );
      return { items: rows };
    }),
  );
  r.post(
    '/views',
    handle(async (req, res) => {
      const who = requireUser(req);
      const name = typeof req.body?.name === 'string' ? req.body.name.trim() : '';
      const q = req.body?.query;
      const errors = [];
      if (!name || name.length > 30)
        errors.push({ path: 'name', message: '名称为1–30个字', message_en: 'name: 1–30 characters' });
      if (
        !q ||
        typeof q !== 'object' ||
        Array.isArray(q) ||
        Object.entries(q).some(
          ([k, v]) =>
            !(VIEW_KEYS as readonly string[]).includes(k) ||
            (v !== undefined && v !== null && typeof v !== 'string'),
        )
      ) {
        errors.push({
          path: 'query',
          message: `筛选条件只能包含 ${VIEW_KEYS.join('、')}`,
          message_en: `query may only hold ${VIEW_KEYS.join(', ')} as text`,
        });
      }
      if (errors.length) throw problems.invalid(errors);
      const count = await db.query('SELECT count(*)::int AS n FROM saved_views WHERE user_id = $1', [
        who.userId,
      ]);
      if (count.rows[0].n >= 20)
        throw problems.conflict('最多保存20个常用筛选', 'at most 20 saved views', 'too_many_views');
      const query = Object.fromEntries(Object.entries(q).filter(([, v]) => v));
      const { rows } = await db.query(
        `INSERT INTO saved_views (id, user_id, name, query) VALUES ($1,$2,$3,$4)
       ON CONFLICT (user_id, name) DO UPDATE SET query = EXCLUDED.query RETURNING id, name, query, created_at`,
        [`sv_${randomUUID()}`, who.userId, name, JSON.stringify(query)],
      );
      res.status(201);
      return rows[0];
    }),
  );
  r.post(
    '/views/:id/delete',
    handle(async (req) => {
      const who = requireUser(req);
      const r2 = await db.query('DELETE FROM saved_views WHERE id = $1 AND user_id = $2', [
        String(req.params.id),
        who.userId,
      ]);
      if (!r2.rowCount) throw problems.notFound('常用筛选不存在', 'no such saved view');
      return { deleted: true };
    }),
  );

  r.get(
    '/dashboard',
    handle(async (req) => {
      const who = requireUser(req);
      const regions = regionIds(who.roles);
      const org = (req.query.org as string) || null;
      const scope = `c.org_path && $1::text[] AND ($2::text IS NULL OR c.org_path @> ARRAY[$2]::text[])`;
      const [byStatus, byStep, overdue, openNotices, monthly, byRegion] = await Promise.all([
        db.query(
          `SELECT c.process_key, c.status, count(*)::int AS n FROM cases c WHERE ${scope} GROUP BY 1, 2`,
          [regions, org],
        ),
        db.query(
          `SELECT c.process_key, t.step_title, count(*)::int AS n FROM tasks t JOIN cases c ON c.id = t.case_id
         WHERE t.status = 'open' AND ${scope} GROUP BY 1, 2 ORDER BY 3 DESC`,
          [regions, org],
        ),
        db.query(
          `SELECT count(*)::int AS n FROM tasks t JOIN cases c ON c.id = t.case_id WHERE t.status = 'open' AND t.due_at < now() AND ${scope}`,
          [regions, org],
        ),
        db.query(
          `SELECT count(*)::int AS n FROM notices n JOIN cases c ON c.id = n.case_id WHERE n.closed_at IS NULL AND ${scope}`,
          [regions, org],
        ),
        db.query(
          `SELECT to_char(date_trunc('month', c.ended_at), 'YYYY-MM') AS month, c.process_key, count(*)::int AS n FROM cases c
         WHERE c.status = 'approved' AND c.ended_at IS NOT NULL AND ${scope} GROUP BY 1, 2 ORDER BY 1`,
          [regions, org],
        ),
        db.query(
          `SELECT o.id, o.name, count(c.id)::int AS n FROM org_nodes o LEFT JOIN cases c ON c.org_path @> ARRAY[o.id]::text[] AND ${scope}
         WHERE o.level = 'township' AND o.path && $1::text[] GROUP BY o.id, o.name ORDER BY o.name`,
          [regions, org],
        ),
      ]);
      return {
        byStatus: byStatus.rows,
        byStep: byStep.rows,
        overdueTasks: overdue.rows[0].n,
        openNotices: openNotices.rows[0].n,
        monthly: monthly.rows,
        byRegion: byRegion.rows,
      };
    }),
  );
  return r;
}
