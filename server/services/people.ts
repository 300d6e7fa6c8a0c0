/** 组织与人员（读）the organisation tree and people as staff and the public see them, and who I am. */
import type { Items, OrgNode, PersonRole } from '../../shared/api-types.js';
import type pg from 'pg';
import { IN_REGION, regionOf, type Principal } from './principal.js';

/** The whole tree (staff only; the public board has `publicOrgs`). */
export async function listOrgs(db: pg.Pool): Promise<Items<OrgNode>> {
  const { rows } = await db.query('SELECT id, parent_id, level, name FROM org_nodes ORDER BY path');
  return { items: rows };
}

/** Counties, townships and villages: what the public board lets one pick. */
export async function publicOrgs(db: pg.Pool) {
  const { rows } = await db.query(
    `SELECT id, parent_id, level, name FROM org_nodes WHERE level IN ('county','township','village') ORDER BY path`,
  );
  return { items: rows };
}

/** 当前用户 the signed-in person with each role's node. */
export async function me(db: pg.Pool, who: Principal) {
  const orgs = await db.query('SELECT id, name, level FROM org_nodes WHERE id = ANY($1)', [
    who.roles.map((x) => x.orgId),
  ]);
  const names = Object.fromEntries(orgs.rows.map((o) => [o.id, o]));
  return {
    user: { id: who.userId, username: who.username, name: who.name },
    roles: who.roles.map((x) => ({
      role: x.role,
      org: names[x.orgId],
      department: x.department || undefined,
    })),
  };
}

/** Staff with roles in the principal's region (optionally one role): whom to transfer, delegate or CC to. */
export async function staffInRegion(
  db: pg.Pool,
  who: Principal,
  role: string | null,
): Promise<Items<PersonRole>> {
  const { rows } = await db.query(
    `SELECT DISTINCT u.id, u.display_name AS name, r.role, r.org_id FROM users u JOIN user_roles r ON r.user_id = u.id
       JOIN org_nodes o ON o.id = r.org_id WHERE ${IN_REGION('o.path', '$1')} AND ($2::text IS NULL OR r.role = $2) ORDER BY u.display_name LIMIT 200`,
    [regionOf(who), role],
  );
  return { items: rows };
}
