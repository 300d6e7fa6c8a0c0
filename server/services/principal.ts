/**
 * 当前用户 who is acting, with each role at its node (and that node's path),
 * and the region rule: a role held at a node covers that node and everything
 * under it (a township reviewer sees the township's villages).
 */
import type pg from 'pg';

export interface RoleAt {
  role: string;
  orgId: string;
  orgPath: string[];
  department: string;
}

export interface Principal {
  userId: string;
  username: string;
  name: string;
  roles: RoleAt[];
}

export async function loadPrincipal(
  db: pg.Pool | pg.ClientBase,
  userId: string,
): Promise<Principal | undefined> {
  const u = await db.query('SELECT id, username, display_name FROM users WHERE id = $1 AND NOT disabled', [
    userId,
  ]);
  if (!u.rows[0]) return undefined;
  const r = await db.query(
    `SELECT r.role, r.org_id, r.department, o.path FROM user_roles r JOIN org_nodes o ON o.id = r.org_id WHERE r.user_id = $1`,
    [userId],
  );
  return {
    userId: u.rows[0].id,
    username: u.rows[0].username,
    name: u.rows[0].display_name,
    roles: r.rows.map((x) => ({ role: x.role, orgId: x.org_id, orgPath: x.path, department: x.department })),
  };
}

/** Roles that work on no region (the separated security roles): they see no case, task or household. */
export const REGIONLESS_ROLES: readonly string[] = ['security_admin', 'auditor'];

/** Does the principal hold one of `roles` at a node that is `orgPath`'s node or one of its ancestors? */
export function holdsRoleOver(p: Principal, roles: readonly string[] | '*', orgPath: string[]): boolean {
  return p.roles.some((r) => (roles === '*' || roles.includes(r.role)) && orgPath.includes(r.orgId));
}

/**
 * 辖区 the nodes whose region a principal works in: the node of each role (its subtree is matched through
 * `org_path`). The separated security roles work on no region. Pass it to `IN_REGION`.
 */
export function regionOf(p: Principal): string[] {
  return p.roles.filter((r) => !REGIONLESS_ROLES.includes(r.role)).map((r) => r.orgId);
}

/** May the principal see a thing at `orgPath` (a case, a task's case, a household)? The one region rule. */
export function canSee(p: Principal, orgPath: readonly string[]): boolean {
  return regionOf(p).some((id) => orgPath.includes(id));
}

/** The region rule in SQL (`store/region.ts`): bind `regionOf(who)` at its parameter. */
export { IN_REGION } from '../../store/region.js';

/** a 会签 task I have already signed waits for the others: it is no longer mine to do (it shows under 已办). `$1` is my user id. */
export const NOT_SIGNED_BY_ME = `NOT t.signers @> jsonb_build_array(jsonb_build_object('userId', $1::text))`;
/**
 * 待办 the inbox rule in SQL (tasks aliased `t`, `$1` my user id): assigned to me, or unassigned and my role
 * at its node (and department), and not yet signed by me.
 */
export const IN_MY_INBOX = `((t.assignee_user = $1 OR (t.assignee_user IS NULL AND EXISTS (
  SELECT 1 FROM user_roles r WHERE r.user_id = $1 AND r.role = t.role AND r.org_id = t.org_id AND (t.department = '' OR r.department = t.department))))
  AND ${NOT_SIGNED_BY_ME})`;
/** 通知 a notification addressed to me (aliased `n`, `$1` my user id): to me by name, or to a role I hold at its node. */
export const ADDRESSED_TO_ME = `(n.user_id = $1 OR (n.user_id IS NULL AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = $1 AND r.role = n.role AND r.org_id = n.org_id)))`;

export function hasRole(p: Principal, roles: readonly string[]): boolean {
  return p.roles.some((r) => roles.includes(r.role));
}

/** Staff roles that work on cases (the separated security roles do not). */
export const CASE_ROLES = [
  'village_cadre',
  'village_secretary',
  'verifier',
  'township_reviewer',
  'township_secretary',
  'township_head',
  'county_rural_bureau',
  'county_finance',
  'county_industry_dept',
  'county_leading_group',
  'monitor_contact',
  'admin',
] as const;

/**
 * 三权分立 separation of powers: the system administrator, the security administrator and the auditor
 * are three different people, and none of them works cases. An account holding one of these roles holds
 * no other role (it may hold the same role at several nodes). The database trigger of migration 0013
 * enforces the same rule on every write.
 */
export const SEPARATED_ROLES = ['admin', 'security_admin', 'auditor'] as const;
/** Granted only by the installation command (`npm run users -- grant-security-admin|grant-auditor`), never online. */
export const INSTALL_ONLY_ROLES = ['security_admin', 'auditor'] as const;

const isSeparated = (role: string) => (SEPARATED_ROLES as readonly string[]).includes(role);

/** The first pair of roles that one account may not hold together, or undefined when the set is allowed. */
export function separationConflict(roles: readonly { role: string }[]): [string, string] | undefined {
  for (const a of roles) {
    if (!isSeparated(a.role)) continue;
    const b = roles.find((x) => x.role !== a.role);
    if (b) return [a.role, b.role];
  }
  return undefined;
}
