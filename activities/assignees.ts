/** 办理人解析 who holds a role at an organisation node (for 会签 / 依次 and no-approver checks). */
import type pg from 'pg';

export function assigneeActivities(db: pg.Pool) {
  return {
    async resolveAssignees(args: { role: string; orgId: string; department?: string }) {
      const { rows } = await db.query<{ userId: string; name: string }>(
        `SELECT u.id AS "userId", u.display_name AS name FROM user_roles r JOIN users u ON u.id = r.user_id
         WHERE r.role = $1 AND r.org_id = $2 AND ($3::text IS NULL OR r.department = $3) AND NOT u.disabled
         ORDER BY u.username`,
        [args.role, args.orgId, args.department ?? null],
      );
      return rows;
    },
  };
}
