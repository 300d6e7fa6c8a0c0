/**
 * 新建 / 复制为… variants made by an administrator: a form or a process copied under a new key (the process
 * copy rewrites its references to copied forms and reports each rewrite), a new code list, a new
 * parameter with its yearly values, and new versions of existing keys only (unknown key → 404).
 * Each variant belongs to a pack: the source's, or the one named.
 */
import type pg from 'pg';
import { appendAudit } from '../../store/audit.js';
import { publishVersioned } from './versioned.js';
import { inTransaction } from '../db.js';
import { domain, type FieldError } from '../errors.js';
import { copyProcessDefinition } from '../definitions/rewrite.js';
import type { ProcessDefinition } from '../../workflows/definition.js';
import { publishForm } from './form-check.js';
import { publishProcess } from './process-publish.js';
import { installedPacks } from './packs.js';

const KEY = /^[a-z][a-z0-9-]*$/;

const keyError = (path: string): FieldError => ({
  path,
  message: '编码须为小写字母开头的英文、数字或连字符',
  message_en: 'a key is lower-case letters, digits and dashes, starting with a letter',
});

async function ownerOf(db: pg.Pool, table: string, key: string) {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n, max(pack_id) AS pack_id FROM ${table} WHERE key = $1`,
    [key],
  );
  return { exists: rows[0].n > 0, pack: rows[0].pack_id as string | null };
}

async function packFor(db: pg.Pool, named: unknown, fallback: string | null): Promise<string | null> {
  if (named === undefined || named === null || named === '') return fallback;
  if (typeof named !== 'string' || !(await installedPacks(db)).some((p) => p.id === named))
    throw domain.invalid([{ path: 'pack', message: '政策包不存在', message_en: 'no such pack' }]);
  return named;
}

const exists = (what: string, key: string) =>
  domain.conflict(`编码“${key}”已被使用`, `${what} ${key} exists`, 'exists');

/** 复制表单 the latest version of a form under a new key, in the source's pack (or the one named). */
export async function copyForm(
  db: pg.Pool,
  actorId: string,
  source: string,
  body: { key?: unknown; title?: unknown; pack?: unknown },
) {
  if (typeof body.key !== 'string' || !KEY.test(body.key)) throw domain.invalid([keyError('key')]);
  const src = await db.query(
    `SELECT document FROM form_versions WHERE key = $1 ORDER BY (status = 'published') DESC, version DESC LIMIT 1`,
    [source],
  );
  if (!src.rows[0]) throw domain.notFound('表单不存在', `no form ${source}`);
  if ((await ownerOf(db, 'form_versions', body.key)).exists) throw exists('form', body.key);
  const pack = await packFor(db, body.pack, (await ownerOf(db, 'form_versions', source)).pack);
  const { version: _v, ...doc } = src.rows[0].document;
  const title = body.title as { zh?: unknown } | undefined;
  if (title !== undefined && (typeof title !== 'object' || typeof title?.zh !== 'string' || !title.zh.trim()))
    throw domain.invalid([{ path: 'title', message: '请填写中文名称', message_en: 'title.zh is required' }]);
  const copy = { ...doc, key: body.key, ...(title ? { title } : {}) };
  const r = await publishForm(db, copy, actorId, 'published');
  await db.query('UPDATE form_versions SET pack_id = $3 WHERE key = $1 AND version = $2', [
    r.key,
    r.version,
    pack,
  ]);
  return { ...r, copiedFrom: source, pack };
}

/**
 * 复制流程 the latest version of a process under a new key; `forms` maps a form key to its copy, and every
 * reference moves with it (reported in `rewrites`). Published when sound, else refused; `draft` saves it
 * with its warnings.
 */
export async function copyProcess(
  db: pg.Pool,
  actorId: string,
  source: string,
  body: { key?: unknown; title?: unknown; forms?: unknown; pack?: unknown; draft?: unknown },
) {
  const errors: FieldError[] = [];
  if (typeof body.key !== 'string' || !KEY.test(body.key)) errors.push(keyError('key'));
  const forms = (body.forms ?? {}) as Record<string, unknown>;
  if (typeof forms !== 'object' || Array.isArray(forms))
    errors.push({
      path: 'forms',
      message: '须为“原表单编码→新表单编码”',
      message_en: 'forms: old key → new key',
    });
  else
    for (const [from, to] of Object.entries(forms)) {
      if (typeof to !== 'string' || !KEY.test(to)) errors.push(keyError(`forms.${from}`));
      else if (!(await ownerOf(db, 'form_versions', to)).exists)
        errors.push({
          path: `forms.${from}`,
          message: `表单“${to}”不存在，请先复制表单`,
          message_en: `no form ${to}: copy the form first`,
        });
    }
  const title = body.title as { zh?: unknown } | undefined;
  if (title !== undefined && (typeof title !== 'object' || typeof title?.zh !== 'string' || !title.zh.trim()))
    errors.push({ path: 'title', message: '请填写中文名称', message_en: 'title.zh is required' });
  if (errors.length) throw domain.invalid(errors);
  const src = await db.query(
    `SELECT definition FROM process_versions WHERE key = $1 ORDER BY (status = 'published') DESC, version DESC LIMIT 1`,
    [source],
  );
  if (!src.rows[0]) throw domain.notFound('流程不存在', `no process ${source}`);
  const key = body.key as string;
  if ((await ownerOf(db, 'process_versions', key)).exists) throw exists('process', key);
  const pack = await packFor(db, body.pack, (await ownerOf(db, 'process_versions', source)).pack);
  const sourceDef = src.rows[0].definition as ProcessDefinition;
  // every step names a form the source used: a map entry for a form the process does not use is a mistake
  const used = new Set(sourceDef.steps.flatMap((s) => (s.type === 'task' && s.form ? [s.form.key] : [])));
  const unused = Object.keys(forms).filter((k) => !used.has(k));
  if (unused.length)
    throw domain.invalid(
      unused.map((k) => ({
        path: `forms.${k}`,
        message: `流程“${source}”没有使用表单“${k}”`,
        message_en: `process ${source} does not use form ${k}`,
      })),
    );
  const { definition, rewrites } = copyProcessDefinition(sourceDef, {
    key,
    title: title as ProcessDefinition['title'] | undefined,
    forms: forms as Record<string, string>,
  });
  const r = await publishProcess(
    db,
    definition as unknown as Record<string, unknown>,
    actorId,
    body.draft === true ? 'draft' : 'published',
    { packId: pack ?? undefined },
  );
  return { ...r, copiedFrom: source, pack, rewrites };
}

/** 新建代码表 a code list under a new key, in a pack. */
export async function createCodeList(db: pg.Pool, actorId: string, doc: Record<string, any>) {
  if (typeof doc.key !== 'string' || !KEY.test(doc.key)) throw domain.invalid([keyError('key')]);
  if ((await ownerOf(db, 'code_lists', doc.key)).exists) throw exists('code list', doc.key);
  const pack = await packFor(db, doc.pack, null);
  const { pack: _p, ...rest } = doc;
  return publishCodeList(db, actorId, rest, { create: true, pack });
}

/** 代码表新版本 (or, with `create`, its first version): 1–1000 items, unique codes, a Chinese label each. */
export async function publishCodeList(
  db: pg.Pool,
  actorId: string,
  doc: Record<string, any>,
  opts: { create?: boolean; pack?: string | null } = {},
) {
  if (!Array.isArray(doc.items) || doc.items.length === 0 || doc.items.length > 1000) {
    throw domain.invalid([
      { path: 'items', message: '代码表须有 1–1000 项', message_en: 'a code list has 1 to 1000 items' },
    ]);
  }
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  doc.items.forEach((i: any, n: number) => {
    if (typeof i?.code !== 'string' || !/^[0-9A-Za-z_.-]{1,20}$/.test(i.code))
      errors.push({
        path: `items.${n}.code`,
        message: '代码须为1–20位字母或数字',
        message_en: 'code: 1–20 letters or digits',
      });
    else if (seen.has(i.code))
      errors.push({
        path: `items.${n}.code`,
        message: `代码“${i.code}”重复`,
        message_en: `duplicate code ${i.code}`,
      });
    else seen.add(i.code);
    if (typeof i?.label?.zh !== 'string' || !i.label.zh.trim())
      errors.push({
        path: `items.${n}.label`,
        message: '请填写中文名称',
        message_en: 'label.zh is required',
      });
  });
  if (errors.length) throw domain.invalid(errors);
  const owner = await ownerOf(db, 'code_lists', doc.key);
  if (!opts.create && !owner.exists)
    throw domain.notFound('代码表不存在（新代码表请用“新建”）', 'no such code list (create it first)');
  const pack = opts.create ? (opts.pack ?? null) : owner.pack;
  const version = await inTransaction(db, async (tx) => {
    const { version: v } = await publishVersioned(tx, {
      table: 'code_lists',
      of: { key: doc.key as string },
      row: (v) => ({ document: JSON.stringify({ ...doc, version: v }), pack_id: pack }),
      audit: (v) => ({
        id: `codelist:${doc.key}:${v}`,
        actorId,
        action: 'codelist.publish',
        target: doc.key as string,
        detail: { version: v, ...(opts.create ? { created: true } : {}) },
      }),
    });
    return v;
  });
  return { key: doc.key as string, version, pack };
}

/** A new version of an existing form: 404 for a key no form has. */
export async function publishFormVersion(
  db: pg.Pool,
  actorId: string,
  doc: Record<string, any>,
  status: 'published' | 'draft',
) {
  const owner = await ownerOf(db, 'form_versions', String(doc.key));
  if (!owner.exists) throw domain.notFound('表单不存在（新表单请用“新建”）', `no form ${doc.key}`);
  const r = await publishForm(db, doc, actorId, status);
  if (owner.pack)
    await db.query('UPDATE form_versions SET pack_id = $3 WHERE key = $1 AND version = $2', [
      r.key,
      r.version,
      owner.pack,
    ]);
  return r;
}

/**
 * 设置参数 a yearly value of a parameter. A new key needs its pack, a title and a value; an existing key
 * keeps its pack, title and type. Returns the value set.
 */
export async function setParameter(db: pg.Pool, actorId: string, b: Record<string, any>) {
  const errors: FieldError[] = [];
  if (typeof b.key !== 'string' || !/^[a-zA-Z][a-zA-Z0-9]{0,63}$/.test(b.key))
    errors.push({
      path: 'key',
      message: '参数编码须为英文字母和数字',
      message_en: 'key: letters and digits, starting with a letter',
    });
  if (!Number.isInteger(b.year) || b.year < 2000 || b.year > 2100)
    errors.push({
      path: 'year',
      message: '年度必须是2000–2100的整数',
      message_en: 'year must be an integer 2000–2100',
    });
  if (!['number', 'string', 'boolean'].includes(typeof b.value))
    errors.push({
      path: 'value',
      message: '参数值必须是数字、文本或布尔值',
      message_en: 'value must be a number, string or boolean',
    });
  if (errors.length) throw domain.invalid(errors);
  const known = await db.query(
    'SELECT value, title, source, pack_id FROM parameters WHERE key = $1 ORDER BY year DESC LIMIT 1',
    [b.key],
  );
  const prev = known.rows[0];
  if (!prev) {
    // 新参数 a new parameter: which pack it belongs to and what it is called
    if (b.pack === undefined)
      throw domain.invalid([
        {
          path: 'key',
          message: '未知的参数（新参数须指定政策包）',
          message_en: 'unknown parameter (a new one needs its pack)',
        },
      ]);
    const pack = await packFor(db, b.pack, null);
    if (typeof b.title?.zh !== 'string' || !b.title.zh.trim())
      throw domain.invalid([
        { path: 'title', message: '请填写参数名称', message_en: 'title.zh is required' },
      ]);
    await writeParameter(db, actorId, b, { title: b.title, source: b.source ?? null, pack, created: true });
    return { key: b.key, year: b.year, value: b.value, pack };
  }
  if (typeof prev.value !== typeof b.value)
    throw domain.invalid([
      {
        path: 'value',
        message: '参数值类型与原值不一致',
        message_en: 'value has a different type from the existing one',
      },
    ]);
  await writeParameter(db, actorId, b, { title: prev.title, source: prev.source, pack: prev.pack_id });
  return { key: b.key, year: b.year, value: b.value, pack: prev.pack_id as string | null };
}

async function writeParameter(
  db: pg.Pool,
  actorId: string,
  b: Record<string, any>,
  meta: { title: unknown; source: unknown; pack: string | null; created?: boolean },
) {
  await inTransaction(db, async (tx) => {
    await tx.query(
      `INSERT INTO parameters (key, year, value, title, source, pack_id, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7)
       ON CONFLICT (key, year) DO UPDATE SET value = EXCLUDED.value, created_by = EXCLUDED.created_by, created_at = now()`,
      [
        b.key,
        b.year,
        JSON.stringify(b.value),
        JSON.stringify(meta.title ?? null),
        JSON.stringify(meta.source ?? null),
        meta.pack,
        actorId,
      ],
    );
    await appendAudit(tx, [
      {
        id: `param:${b.key}:${b.year}:${Date.now()}`,
        actorId,
        action: 'parameter.set',
        target: b.key,
        detail: { year: b.year, value: b.value, ...(meta.created ? { created: true, pack: meta.pack } : {}) },
      },
    ]);
  });
}
