/**
 * 用户与角色 users and their role assignments, under the separation of powers: the security
 * administrator creates accounts and assigns roles online, but never the separated roles together with
 * anything else, and never security_admin or auditor at all — those come only from the installation
 * command (`npm run users`), run by whoever operates the server. Every change is audited.
 */
import type pg from 'pg';
import { appendAudit } from '../../store/audit.js';
import { inTransaction } from '../db.js';
import { domain, type FieldError } from '../errors.js';
import { upsertUser } from './directory.js';
import { installedRoles } from './packs.js';
import { INSTALL_ONLY_ROLES, SEPARATED_ROLES, separationConflict, type Principal } from './principal.js';

export interface RoleAssignment {
  role: string;
  org: string;
  department?: string;
}

const ROLE_ZH: Record<string, string> = {
  admin: '系统管理员',
  security_admin: '安全管理员',
  auditor: '审计员',
};
const zh = (role: string) => ROLE_ZH[role] ?? role;

/** The separated roles, which every pack has, and the installed packs' roles with the levels they sit at. */
async function assignable(db: pg.Pool | pg.ClientBase) {
  const roles = new Map<string, string[] | undefined>(
    (await installedRoles(db)).map((r) => [r.key, r.levels]),
  );
  for (const k of SEPARATED_ROLES) roles.set(k, undefined);
  return roles;
}

/**
 * Role assignments from a request body: each a known role at a node of a level the role sits at, no
 * install-only role (online), and a set one account may hold. 422 with a message per field otherwise.
 */
export async function checkRoles(
  db: pg.Pool | pg.ClientBase,
  list: unknown,
  opts: { online: boolean },
): Promise<RoleAssignment[]> {
  if (!Array.isArray(list) || list.length === 0) {
    throw domain.invalid([
      { path: 'roles', message: '请至少分配一个角色', message_en: 'assign at least one role' },
    ]);
  }
  const roles = await assignable(db);
  const orgIds = list.map((x: any) => String(x?.org ?? ''));
  const orgs = new Map(
    (await db.query('SELECT id, level FROM org_nodes WHERE id = ANY($1)', [orgIds])).rows.map((o) => [
      o.id,
      o.level,
    ]),
  );
  const errors: FieldError[] = [];
  list.forEach((x: any, i) => {
    const levels = roles.get(x?.role);
    if (!roles.has(x?.role))
      errors.push({
        path: `roles.${i}.role`,
        message: `角色“${x?.role}”不存在`,
        message_en: `unknown role ${x?.role}`,
      });
    else if (opts.online && (INSTALL_ONLY_ROLES as readonly string[]).includes(x.role)) {
      errors.push({
        path: `roles.${i}.role`,
        message: `${zh(x.role)}只能由服务器安装命令授予（npm run users），不能在线授予`,
        message_en: `${x.role} is granted only by the installation command (npm run users), never online`,
      });
    } else if (!orgs.has(x?.org))
      errors.push({
        path: `roles.${i}.org`,
        message: '组织机构不存在',
        message_en: 'unknown organisation node',
      });
    else if (levels && !levels.includes(orgs.get(x.org))) {
      errors.push({
        path: `roles.${i}.org`,
        message: `该角色只能设在${levels.join('、')}级`,
        message_en: `this role sits at ${levels.join(', ')} level`,
      });
    }
  });
  const conflict = separationConflict(list.filter((x: any) => typeof x?.role === 'string'));
  if (conflict) {
    const [a, b] = conflict;
    errors.push({
      path: 'roles',
      message: `三权分立：${zh(a)}不能与“${zh(b)}”由同一账号兼任（系统管理员、安全管理员、审计员互斥，且不办理案件）`,
      message_en: `separation of powers: ${a} cannot be held together with ${b} (admin, security_admin and auditor are exclusive and work no cases)`,
    });
  }
  if (errors.length) throw domain.invalid(errors);
  return list.map((x: any) => ({
    role: x.role,
    org: x.org,
    department: typeof x.department === 'string' ? x.department : '',
  }));
}

/** The database's own guard (migration 0013) refused a combination a concurrent request made: 422 as well. */
function separationRefused(err: unknown): never {
  const e = err as { code?: string; constraint?: string };
  if (e?.code === '23514' && e.constraint === 'user_roles_separation_of_powers') {
    throw domain.invalid([
      {
        path: 'roles',
        message: '三权分立：该账号已有互斥的角色',
        message_en: 'separation of powers: the account already holds an exclusive role',
      },
    ]);
  }
  throw err;
}

/** The separated role an account holds, if any. */
async function separatedRoleOf(db: pg.Pool | pg.ClientBase, userId: string): Promise<string | undefined> {
  const { rows } = await db.query(
    'SELECT role FROM user_roles WHERE user_id = $1 AND role = ANY($2) LIMIT 1',
    [userId, [...INSTALL_ONLY_ROLES]],
  );
  return rows[0]?.role;
}

/** 用户 the accounts with their roles, optionally those holding a role or a role at a node (at most 500). */
export async function listUsers(db: pg.Pool, filter: { role?: string | null; org?: string | null }) {
  const { rows } = await db.query(
    `SELECT u.id, u.username, u.display_name AS name, u.disabled, coalesce(json_agg(json_build_object('role', r.role, 'org', r.org_id, 'department', r.department)) FILTER (WHERE r.role IS NOT NULL), '[]') AS roles
       FROM users u LEFT JOIN user_roles r ON r.user_id = u.id
       WHERE ($1::text IS NULL OR EXISTS (SELECT 1 FROM user_roles x WHERE x.user_id = u.id AND x.role = $1))
         AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM user_roles x WHERE x.user_id = u.id AND x.org_id = $2))
       GROUP BY u.id ORDER BY u.username LIMIT 500`,
    [filter.role || null, filter.org || null],
  );
  return { items: rows };
}

export async function createUser(
  db: pg.Pool,
  who: Principal,
  b: { username?: unknown; name?: unknown; password?: unknown; roles?: unknown },
): Promise<string> {
  const errors: FieldError[] = [];
  if (typeof b.username !== 'string' || !/^[a-z][a-z0-9_.-]{2,31}$/.test(b.username)) {
    errors.push({
      path: 'username',
      message: '用户名须为3–32位小写字母、数字',
      message_en: 'username: 3–32 lower-case letters or digits',
    });
  }
  if (typeof b.name !== 'string' || !b.name.trim())
    errors.push({ path: 'name', message: '请填写姓名', message_en: 'name is required' });
  if (typeof b.password !== 'string' || b.password.length < 10) {
    errors.push({
      path: 'password',
      message: '密码至少10位',
      message_en: 'password needs at least 10 characters',
    });
  }
  if (!Array.isArray(b.roles))
    errors.push({ path: 'roles', message: '请分配角色', message_en: 'roles must be an array' });
  if (errors.length) throw domain.invalid(errors);
  const roles = await checkRoles(db, b.roles, { online: true });
  const dup = await db.query('SELECT 1 FROM users WHERE username = $1', [b.username]);
  if (dup.rowCount) throw domain.conflict('用户名已存在', 'username taken', 'exists');
  return inTransaction(db, async (tx) => {
    const uid = await upsertUser(tx, {
      username: b.username as string,
      name: b.name as string,
      password: b.password as string,
      roles,
    });
    await appendAudit(tx, [
      {
        id: `user:${uid}:create`,
        actorId: who.userId,
        action: 'user.create',
        target: uid,
        detail: { roles },
      },
    ]);
    return uid;
  }).catch(separationRefused);
}

async function otherUser(db: pg.Pool, who: Principal, id: string) {
  // nobody changes their own roles or switches themselves off
  if (id === who.userId)
    throw domain.forbidden('不能修改自己的角色或状态', 'you may not change your own roles or status');
  const u = await db.query('SELECT id FROM users WHERE id = $1', [id]);
  if (!u.rowCount) throw domain.notFound('用户不存在', 'no such user');
}

export async function setUserRoles(
  db: pg.Pool,
  who: Principal,
  id: string,
  list: unknown,
): Promise<RoleAssignment[]> {
  await otherUser(db, who, id);
  const held = await separatedRoleOf(db, id);
  if (held) {
    throw domain.forbidden(
      `${zh(held)}的角色只能由服务器安装命令修改（npm run users）`,
      `the roles of a ${held} account are changed only by the installation command (npm run users)`,
    );
  }
  const roles = await checkRoles(db, list, { online: true });
  await inTransaction(db, async (tx) => {
    const before = (
      await tx.query(
        'SELECT role, org_id AS org, department FROM user_roles WHERE user_id = $1 ORDER BY role, org_id',
        [id],
      )
    ).rows;
    await tx.query('DELETE FROM user_roles WHERE user_id = $1', [id]);
    for (const x of roles) {
      await tx.query(
        'INSERT INTO user_roles (user_id, role, org_id, department) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING',
        [id, x.role, x.org, x.department ?? ''],
      );
    }
    // a changed role takes effect at the next request: end the user's sessions
    await tx.query('DELETE FROM sessions WHERE user_id = $1', [id]);
    await appendAudit(tx, [
      {
        id: `user:${id}:roles:${Date.now()}`,
        actorId: who.userId,
        action: 'user.roles',
        target: id,
        detail: { before, after: roles },
      },
    ]);
  }).catch(separationRefused);
  return roles;
}

export async function setUserStatus(
  db: pg.Pool,
  who: Principal,
  id: string,
  disabled: unknown,
): Promise<boolean> {
  await otherUser(db, who, id);
  if (typeof disabled !== 'boolean')
    throw domain.invalid([
      { path: 'disabled', message: '请指定启用或停用', message_en: 'disabled must be true or false' },
    ]);
  await inTransaction(db, async (tx) => {
    await tx.query('UPDATE users SET disabled = $2 WHERE id = $1', [id, disabled]);
    if (disabled) await tx.query('DELETE FROM sessions WHERE user_id = $1', [id]);
    await appendAudit(tx, [
      {
        id: `user:${id}:status:${Date.now()}`,
        actorId: who.userId,
        action: disabled ? 'user.disable' : 'user.enable',
        target: id,
        detail: {},
      },
    ]);
  });
  return disabled;
}

/**
 * 安装命令 the installation command's grant of security_admin or auditor (or admin): the account is created
 * when it does not exist (then `password` is required), must hold no other role, and gets the role at
 * `org` (default: the root of the organisation tree). Audited with the operator as `system:install`.
 */
export async function grantSeparatedRole(
  db: pg.Pool,
  req: { username: string; role: string; org?: string; name?: string; password?: string },
): Promise<{ userId: string; created: boolean }> {
  if (!(SEPARATED_ROLES as readonly string[]).includes(req.role))
    throw new Error(`${req.role} is not one of ${SEPARATED_ROLES.join(', ')}`);
  const org =
    req.org ??
    (await db.query('SELECT id FROM org_nodes WHERE parent_id IS NULL ORDER BY id LIMIT 1')).rows[0]?.id;
  if (!org || !(await db.query('SELECT 1 FROM org_nodes WHERE id = $1', [org])).rowCount)
    throw new Error(`no organisation node ${org ?? '(the tree is empty)'}`);
  return inTransaction(db, async (tx) => {
    const existing = (await tx.query('SELECT id FROM users WHERE username = $1 FOR UPDATE', [req.username]))
      .rows[0];
    if (existing) {
      const others = (
        await tx.query('SELECT DISTINCT role FROM user_roles WHERE user_id = $1 AND role <> $2', [
          existing.id,
          req.role,
        ])
      ).rows.map((r) => r.role);
      if (others.length) {
        throw new Error(
          `separation of powers: ${req.username} holds ${others.join(', ')}; revoke those roles first (a security administrator can do it online)`,
        );
      }
      await tx.query(
        'INSERT INTO user_roles (user_id, role, org_id, department) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING',
        [existing.id, req.role, org, ''],
      );
      await tx.query('DELETE FROM sessions WHERE user_id = $1', [existing.id]);
    } else if (!req.password || req.password.length < 10) {
      throw new Error(
        `${req.username} does not exist: give a password of at least 10 characters to create it`,
      );
    }
    const userId =
      existing?.id ??
      (await upsertUser(tx, {
        username: req.username,
        name: req.name ?? req.username,
        password: req.password!,
        roles: [{ role: req.role, org }],
      }));
    await appendAudit(tx, [
      {
        id: `user:${userId}:grant:${req.role}:${Date.now()}`,
        actorId: 'system:install',
        action: 'user.grant',
        target: userId,
        detail: { role: req.role, org, created: !existing },
      },
    ]);
    return { userId, created: !existing };
  });
}
