/** 通知 the notifications addressed to a person (by name, or to a role they hold at its node), read marks. */
import { domain } from '../errors.js';
import type { ServiceDeps } from './deps.js';
import { ADDRESSED_TO_ME as MINE, type Principal } from './principal.js';

export async function listNotifications(deps: ServiceDeps, who: Principal) {
  const { rows } = await deps.db.query(
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
  const unread = await deps.db.query(
    `SELECT count(*)::int AS n FROM notifications n WHERE ${MINE}
          AND NOT EXISTS (SELECT 1 FROM notification_reads nr WHERE nr.notification_id = n.id AND nr.user_id = $1)`,
    [who.userId],
  );
  return { items: rows.map((r) => ({ ...r, read: r.read_at !== null })), unread: unread.rows[0].n };
}

export async function markRead(deps: ServiceDeps, who: Principal, id: string) {
  const r = await deps.db.query(
    `INSERT INTO notification_reads (notification_id, user_id)
       SELECT n.id, $1 FROM notifications n WHERE n.id = $2 AND ${MINE} ON CONFLICT DO NOTHING RETURNING notification_id`,
    [who.userId, id],
  );
  if (!r.rowCount) {
    const mine = await deps.db.query(`SELECT 1 FROM notifications n WHERE n.id = $2 AND ${MINE}`, [
      who.userId,
      id,
    ]);
    if (!mine.rowCount) throw domain.notFound('通知不存在', 'no such notification');
  }
  return { read: true };
}

export async function markAllRead(deps: ServiceDeps, who: Principal) {
  const r = await deps.db.query(
    `INSERT INTO notification_reads (notification_id, user_id) SELECT n.id, $1 FROM notifications n WHERE ${MINE} ON CONFLICT DO NOTHING`,
    [who.userId],
  );
  return { marked: r.rowCount ?? 0 };
}
