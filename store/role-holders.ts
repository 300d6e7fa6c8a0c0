/**
 * 办理人 who holds a role at an organisation node: active accounts with the role there (and in the department,
 * when one is named). One place for the rule, used by the assignee look-up and by the projection when it
 * opens a task that falls to the administrators above if nobody holds its role.
 */
import type pg from 'pg';

export interface RoleAt {
  role: string;
  orgId: string;
  department?: string;
}

/** The holders' condition over `user_roles r JOIN users u`, with the role, node and department as $k+1…$k+3. */
export function holdersWhere(k: number): string {
  return `r.role = $${k + 1} AND r.org_id = $${k + 2} AND ($${k + 3}::text IS NULL OR r.department = $${k + 3}) AND NOT u.disabled`;
}

export function holderParams(at: RoleAt): unknown[] {
  return [at.role, at.orgId, at.department ?? null];
}

export async function roleHolders(
  db: pg.Pool | pg.ClientBase,
  at: RoleAt,
): Promise<{ userId: string; name: string }[]> {
  const { rows } = await db.query<{ userId: string; name: string }>(
    `SELECT u.id AS "userId", u.display_name AS name FROM user_roles r JOIN users u ON u.id = r.user_id
     WHERE ${holdersWhere(0)} ORDER BY u.username`,
    holderParams(at),
  );
  return rows;
}
