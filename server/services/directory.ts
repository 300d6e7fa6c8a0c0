/**
 * 组织与人员 the organisation tree and users with their roles at nodes.
 * Used by the demo loader, the admin API and the tests.
 */
import { hash } from '@node-rs/argon2';
import type pg from 'pg';
import type { CaseOrg } from '../../workflows/contract.js';
import type { OrgLevel } from '../../workflows/definition.js';
import { separationConflict } from './principal.js';

export interface OrgNodeInput {
  id: string;
  parent?: string | null;
  level: OrgLevel | 'group' | 'department';
  name: string;
}

export interface UserInput {
  id?: string;
  username: string;
  name: string;
  password: string;
  phone?: string;
  roles: { role: string; org: string; department?: string }[];
}

/** Insert or update nodes given parents first. */
export async function upsertOrgs(db: pg.ClientBase | pg.Pool, nodes: OrgNodeInput[]): Promise<void> {
  for (const n of nodes) {
    const parentPath = n.parent
      ? (await db.query<{ path: string[] }>('SELECT path FROM org_nodes WHERE id = $1', [n.parent])).rows[0]
          ?.path
      : [];
    if (!parentPath) throw new Error(`org ${n.id}: parent ${n.parent} not found`);
    await db.query(
      `INSERT INTO org_nodes (id, parent_id, level, name, path) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (id) DO UPDATE SET parent_id = EXCLUDED.parent_id, level = EXCLUDED.level, name = EXCLUDED.name, path = EXCLUDED.path`,
      [n.id, n.parent ?? null, n.level, n.name, [...parentPath, n.id]],
    );
  }
}

export const hashPassword = (password: string) => hash(password, { algorithm: 2 /* argon2id */ });

/** Every way a user gets roles comes here (demo loader, security administrator, installation command). */
export async function upsertUser(db: pg.ClientBase | pg.Pool, u: UserInput): Promise<string> {
  const id = u.id ?? u.username;
  const conflict = separationConflict(u.roles);
  if (conflict)
    throw new Error(
      `user ${u.username}: separation of powers forbids holding ${conflict[0]} with ${conflict[1]}`,
    );
  const passwordHash = await hashPassword(u.password);
  await db.query(
    `INSERT INTO users (id, username, display_name, password_hash, phone) VALUES ($1,$2,$3,$4,$5)
     ON CONFLICT (id) DO UPDATE SET display_name = EXCLUDED.display_name, phone = EXCLUDED.phone`,
    [id, u.username, u.name, passwordHash, u.phone ?? null],
  );
  for (const r of u.roles) {
    await db.query(
      'INSERT INTO user_roles (user_id, role, org_id, department) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING',
      [id, r.role, r.org, r.department ?? ''],
    );
  }
  return id;
}

/** The case's node with its ancestors by level, as the workflow needs it. */
export async function caseOrg(db: pg.ClientBase | pg.Pool, orgId: string): Promise<CaseOrg | undefined> {
  const { rows } = await db.query<{ id: string; level: OrgLevel; name: string; path: string[] }>(
    'SELECT id, level, name, path FROM org_nodes WHERE id = $1',
    [orgId],
  );
  const node = rows[0];
  if (!node) return undefined;
  const anc = await db.query<{ id: string; level: OrgLevel }>(
    'SELECT id, level FROM org_nodes WHERE id = ANY($1)',
    [node.path],
  );
  const ancestors: CaseOrg['ancestors'] = {};
  for (const a of anc.rows) ancestors[a.level] = a.id;
  return { id: node.id, level: node.level, name: node.name, path: node.path, ancestors };
}
