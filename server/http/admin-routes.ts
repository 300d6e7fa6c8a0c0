/**
 * /api/admin: configuration (admin), users and roles (security_admin), the
 * audit log (auditor). Three-way separation of powers: none can do the others' work.
 */
import express from 'express';
import type { AppDeps } from '../app.js';
import type { ServiceDeps } from '../services/deps.js';
import { describeActivities } from '../../activities/registry.js';
import { validateDefinition } from '../definitions/validate.js';
import { loadDefinitionRegistry } from '../services/definition-registry.js';
import { publishProcess } from '../services/process-publish.js';
import {
  changedPaths,
  diffPacks,
  exportPack,
  installedRoles,
  listPacks,
  setPackScope,
  type PackBundle,
} from '../services/packs.js';
import { installPack } from '../services/process-publish.js';
import { closeOrgNode, importDivisions, orgTree, saveOrgNode } from '../services/org-tree.js';
import {
  currentSchedules,
  listSchedules,
  scheduleParams,
  syncPackSchedules,
  triggerSchedule,
} from '../services/schedules.js';
import { publishForm } from '../services/form-check.js';
import {
  copyForm,
  copyProcess,
  createCodeList,
  publishCodeList,
  publishFormVersion,
  setParameter,
} from '../services/variants.js';
import * as users from '../services/users.js';
import { verifyAuditChain, appendAudit } from '../../store/audit.js';
import { inTransaction } from '../db.js';
import { hasRole, type Principal } from '../services/principal.js';
import { requireUser } from './session.js';
import { handle } from './handle.js';
import { problems } from './problem.js';
import { intQuery } from './edge.js';
import { listDeadLetters, replayDeadLetter } from '../services/projection-dead-letters.js';

function requireRole(req: express.Request, roles: string[]): Principal {
  const who = requireUser(req);
  if (!hasRole(who, roles)) throw problems.forbidden();
  return who;
}
const ADMIN = ['admin'];
const SECURITY = ['security_admin'];
const AUDITOR = ['auditor'];

const obj = (v: unknown, path: string): Record<string, any> => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw problems.invalid([{ path, message: '必须是 JSON 对象', message_en: 'must be a JSON object' }]);
  }
  return v as Record<string, any>;
};

export function adminRoutes(deps: AppDeps, svc: ServiceDeps): express.Router {
  const r = express.Router();
  const db = deps.db;

  // ---- processes ----
  r.get(
    '/processes',
    handle(async (req) => {
      requireRole(req, ADMIN);
      const { rows } = await db.query(
        `SELECT key, version, status, definition->'title' AS title, created_at, created_by FROM process_versions ORDER BY key, version`,
      );
      return { items: rows };
    }),
  );
  r.get(
    '/processes/:key/versions/:version',
    handle(async (req) => {
      requireRole(req, ADMIN);
      const { rows } = await db.query(
        'SELECT key, version, status, definition FROM process_versions WHERE key = $1 AND version = $2',
        [String(req.params.key), Number(req.params.version) || 0],
      );
      if (!rows[0]) throw problems.notFound('流程版本不存在', 'no such process version');
      return rows[0];
    }),
  );
  // 版本对比 what changed between two versions of a process or a form, path by path (steps and fields matched by id)
  for (const [kind, table, col] of [
    ['processes', 'process_versions', 'definition'],
    ['forms', 'form_versions', 'document'],
  ] as const) {
    r.get(
      `/${kind}/:key/diff`,
      handle(async (req) => {
        requireRole(req, ADMIN);
        const key = String(req.params.key);
        const v = async (name: 'from' | 'to') => {
          const n = Number(req.query[name]);
          if (!Number.isInteger(n) || n < 1)
            throw problems.invalid([
              { path: name, message: '版本号须为正整数', message_en: 'versions are positive integers' },
            ]);
          const { rows } = await db.query(
            `SELECT ${col} AS doc FROM ${table} WHERE key = $1 AND version = $2`,
            [key, n],
          );
          if (!rows[0]) throw problems.notFound(`第 ${n} 版不存在`, `no version ${n}`);
          const { version: _v, ...rest } = rows[0].doc;
          return rest;
        };
        const [a, b] = [await v('from'), await v('to')];
        return { key, from: Number(req.query.from), to: Number(req.query.to), paths: changedPaths(a, b) };
      }),
    );
  }
  r.post(
    '/processes/validate',
    handle(async (req) => {
      requireRole(req, ADMIN);
      const def = obj(req.body?.definition ?? req.body, 'definition');
      const result = validateDefinition({ version: 1, ...def }, await loadDefinitionRegistry(db));
      return result.ok ? { ok: true, errors: [] } : { ok: false, errors: result.errors };
    }),
  );
  r.post(
    '/processes',
    handle(async (req, res) => {
      const who = requireRole(req, ADMIN);
      const def = obj(req.body?.definition ?? req.body, 'definition');
      const exists = await db.query('SELECT 1 FROM process_versions WHERE key = $1', [def.key]);
      if (exists.rowCount)
        throw problems.conflict(
          '该流程编码已存在，请发布新版本',
          'a process with this key exists; publish a new version',
          'exists',
        );
      const r = await publishProcess(db, def, who.userId, req.body?.draft ? 'draft' : 'published', {
        packId: typeof req.body?.pack === 'string' ? req.body.pack : undefined,
      });
      res.status(201);
      return r;
    }),
  );
  r.post(
    '/processes/:key/versions',
    handle(async (req, res) => {
      const who = requireRole(req, ADMIN);
      const def = { ...obj(req.body?.definition ?? req.body, 'definition'), key: String(req.params.key) };
      const r = await publishProcess(db, def, who.userId, req.body?.draft ? 'draft' : 'published', {
        mustExist: true,
      });
      res.status(201);
      return r;
    }),
  );
  // 复制为… a process under a new key, its forms replaced by copies (references rewritten and reported)
  r.post(
    '/processes/:key/copy',
    handle(async (req, res) => {
      const who = requireRole(req, ADMIN);
      const r = await copyProcess(db, who.userId, String(req.params.key), obj(req.body, 'body'));
      res.status(201);
      return r;
    }),
  );
  r.get(
    '/activities',
    handle(async (req) => {
      requireRole(req, ADMIN);
      return { items: describeActivities() };
    }),
  );

  // ---- forms ----
  r.get(
    '/forms',
    handle(async (req) => {
      requireRole(req, ADMIN);
      const { rows } = await db.query(
        `SELECT key, version, status, document->'title' AS title, created_at FROM form_versions ORDER BY key, version`,
      );
      return { items: rows };
    }),
  );
  r.get(
    '/forms/:key/versions/:version',
    handle(async (req) => {
      requireRole(req, ADMIN);
      const { rows } = await db.query(
        'SELECT key, version, status, document FROM form_versions WHERE key = $1 AND version = $2',
        [String(req.params.key), Number(req.params.version) || 0],
      );
      if (!rows[0]) throw problems.notFound('表单版本不存在', 'no such form version');
      return rows[0];
    }),
  );
  r.get(
    '/roles',
    handle(async (req) => {
      requireRole(req, [...ADMIN, ...SECURITY]);
      return {
        items: await installedRoles(db),
        levels: ['village', 'township', 'county', 'city', 'province'],
      };
    }),
  );
  r.post(
    '/forms',
    handle(async (req, res) => {
      const who = requireRole(req, ADMIN);
      const doc = obj(req.body?.document ?? req.body, 'document');
      const exists = await db.query('SELECT 1 FROM form_versions WHERE key = $1', [doc.key]);
      if (exists.rowCount)
        throw problems.conflict(
          '该表单编码已存在，请发布新版本',
          'a form with this key exists; publish a new version',
          'exists',
        );
      res.status(201);
      return publishForm(db, doc, who.userId, req.body?.draft ? 'draft' : 'published');
    }),
  );
  r.post(
    '/forms/:key/versions',
    handle(async (req, res) => {
      const who = requireRole(req, ADMIN);
      const doc = { ...obj(req.body?.document ?? req.body, 'document'), key: String(req.params.key) };
      const r = await publishFormVersion(db, who.userId, doc, req.body?.draft ? 'draft' : 'published');
      res.status(201);
      return r;
    }),
  );
  r.post(
    '/forms/:key/copy',
    handle(async (req, res) => {
      const who = requireRole(req, ADMIN);
      const r = await copyForm(db, who.userId, String(req.params.key), obj(req.body, 'body'));
      res.status(201);
      return r;
    }),
  );

  // ---- packs ----
  r.post(
    '/packs/import',
    handle(async (req) => {
      const who = requireRole(req, ADMIN);
      return installPack(svc, obj(req.body, 'body'), { actorId: who.userId });
    }),
  );
  r.get(
    '/packs',
    handle(async (req) => {
      requireRole(req, ADMIN);
      return { items: await listPacks(db) };
    }),
  );

  r.post(
    '/packs/:id/scope',
    handle(async (req) => {
      const who = requireRole(req, ADMIN);
      return setPackScope(db, who.userId, String(req.params.id), obj(req.body, 'body').org ?? null);
    }),
  );

  // ---- organisation tree (administrative divisions) ----
  r.get(
    '/org-tree',
    handle(async (req) => {
      requireRole(req, [...ADMIN, ...SECURITY]);
      return { items: await orgTree(db, typeof req.query.root === 'string' ? req.query.root : undefined) };
    }),
  );
  r.post(
    '/org-tree/import',
    handle(async (req) => {
      const who = requireRole(req, ADMIN);
      return importDivisions(db, who.userId, obj(req.body, 'body'));
    }),
  );
  r.post(
    '/org-nodes',
    handle(async (req) => {
      const who = requireRole(req, ADMIN);
      return saveOrgNode(db, who.userId, obj(req.body, 'body'));
    }),
  );
  r.post(
    '/org-nodes/:id/close',
    handle(async (req) => {
      const who = requireRole(req, ADMIN);
      return closeOrgNode(db, who.userId, String(req.params.id));
    }),
  );

  // ---- schedules (S5 follow-ups) ----
  r.get(
    '/schedules',
    handle(async (req) => {
      requireRole(req, ADMIN);
      return { items: await listSchedules(svc, await currentSchedules(db)) };
    }),
  );
  r.post(
    '/schedules/:id/run',
    handle(async (req, res) => {
      const who = requireRole(req, ADMIN);
      const id = String(req.params.id);
      if (!(await currentSchedules(db)).some((e) => e.id === id))
        throw problems.notFound('定时任务不存在', 'no such schedule');
      await triggerSchedule(svc, id);
      await inTransaction(db, (tx) =>
        appendAudit(tx, [
          {
            id: `schedule:${id}:${Date.now()}`,
            actorId: who.userId,
            action: 'schedule.run',
            target: id,
            detail: {},
          },
        ]),
      );
      res.status(202);
      return { accepted: true };
    }),
  );
  r.get(
    '/packs/:id/export',
    handle(async (req) => {
      requireRole(req, ADMIN);
      return exportPack(db, String(req.params.id));
    }),
  );
  r.get(
    '/packs/:id/diff',
    handle(async (req) => {
      requireRole(req, ADMIN);
      const id = String(req.params.id);
      const version = async (v: unknown): Promise<PackBundle> => {
        if (!v) return exportPack(db, id);
        const { rows } = await db.query('SELECT bundle FROM packs WHERE id = $1 AND version = $2', [
          id,
          String(v),
        ]);
        if (!rows[0]?.bundle)
          throw problems.notFound(`政策包版本 ${String(v)} 不存在`, `no version ${String(v)} of pack ${id}`);
        return rows[0].bundle;
      };
      return { changes: diffPacks(await version(req.query.from), await version(req.query.to)) };
    }),
  );

  // ---- parameters ----
  r.get(
    '/parameters',
    handle(async (req) => {
      requireRole(req, ADMIN);
      const { rows } = await db.query(
        'SELECT key, year, value, title, source, created_by, created_at FROM parameters ORDER BY key, year',
      );
      return { items: rows };
    }),
  );
  r.post(
    '/parameters',
    handle(async (req, res) => {
      const who = requireRole(req, ADMIN);
      const set = await setParameter(db, who.userId, obj(req.body, 'body'));
      // a schedule derived from this parameter (assessment interval, sweeps per year, plan deadline) moves with it
      if ((await currentSchedules(db)).some((e) => scheduleParams(e).includes(set.key)))
        await syncPackSchedules(svc);
      res.status(201);
      return set;
    }),
  );
  r.get(
    '/codelists',
    handle(async (req) => {
      requireRole(req, ADMIN);
      const { rows } = await db.query(
        'SELECT DISTINCT ON (key) key, version, document FROM code_lists ORDER BY key, version DESC',
      );
      return { items: rows };
    }),
  );
  r.post(
    '/codelists',
    handle(async (req, res) => {
      const who = requireRole(req, ADMIN);
      const r = await createCodeList(db, who.userId, obj(req.body?.document ?? req.body, 'document'));
      res.status(201);
      return r;
    }),
  );
  r.post(
    '/codelists/:key/versions',
    handle(async (req, res) => {
      const who = requireRole(req, ADMIN);
      const doc = { ...obj(req.body?.document ?? req.body, 'document'), key: String(req.params.key) };
      const r = await publishCodeList(db, who.userId, doc);
      res.status(201);
      return r;
    }),
  );

  // ---- users and roles (security_admin; admin may list) ----
  r.get(
    '/users',
    handle(async (req) => {
      requireRole(req, [...SECURITY, ...ADMIN]);
      const q = req.query as Record<string, string>;
      const { rows } = await db.query(
        `SELECT u.id, u.username, u.display_name AS name, u.disabled, coalesce(json_agg(json_build_object('role', r.role, 'org', r.org_id, 'department', r.department)) FILTER (WHERE r.role IS NOT NULL), '[]') AS roles
       FROM users u LEFT JOIN user_roles r ON r.user_id = u.id
       WHERE ($1::text IS NULL OR EXISTS (SELECT 1 FROM user_roles x WHERE x.user_id = u.id AND x.role = $1))
         AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM user_roles x WHERE x.user_id = u.id AND x.org_id = $2))
       GROUP BY u.id ORDER BY u.username LIMIT 500`,
        [q.role || null, q.org || null],
      );
      return { items: rows };
    }),
  );
  r.post(
    '/users',
    handle(async (req, res) => {
      const who = requireRole(req, SECURITY);
      const id = await users.createUser(db, who, obj(req.body, 'body'));
      res.status(201);
      return { id };
    }),
  );
  r.post(
    '/users/:id/roles',
    handle(async (req) => {
      const who = requireRole(req, SECURITY);
      const id = String(req.params.id);
      return { id, roles: await users.setUserRoles(db, who, id, req.body?.roles) };
    }),
  );
  r.post(
    '/users/:id/status',
    handle(async (req) => {
      const who = requireRole(req, SECURITY);
      const id = String(req.params.id);
      return { id, disabled: await users.setUserStatus(db, who, id, req.body?.disabled) };
    }),
  );

  // ---- projection dead letters (admin): events the read model refused, and their replay after a fix ----
  r.get(
    '/projection-dead-letters',
    handle(async (req) => {
      requireRole(req, ADMIN);
      return listDeadLetters(db, {
        open: req.query.open === '1',
        limit: intQuery(req.query.limit, 100, 500),
      });
    }),
  );
  r.post(
    '/projection-dead-letters/:id/replay',
    handle(async (req) => replayDeadLetter(db, requireRole(req, ADMIN), String(req.params.id))),
  );

  // ---- audit (auditor) ----
  r.get(
    '/audit',
    handle(async (req) => {
      requireRole(req, AUDITOR);
      const q = req.query as Record<string, string>;
      const before = Number(q.before) || null;
      const { rows } = await db.query(
        `SELECT seq, at, actor_id, action, target, detail FROM audit_events WHERE ($1::bigint IS NULL OR seq < $1)
         AND ($2::text IS NULL OR action LIKE $2 || '%') AND ($3::text IS NULL OR actor_id = $3)
       ORDER BY seq DESC LIMIT 100`,
        [before, q.action || null, q.actor || null],
      );
      return { items: rows, nextBefore: rows.length === 100 ? rows.at(-1).seq : null };
    }),
  );
  r.get(
    '/audit/verify',
    handle(async (req) => {
      requireRole(req, AUDITOR);
      return verifyAuditChain(db);
    }),
  );
  return r;
}
