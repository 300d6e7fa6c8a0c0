/**
 * 组织机构树 the administrative divisions as data: an import of a division list (code, name, parent
 * code, level — CSV, Excel or rows) that is previewed and idempotent, adding and renaming nodes, and
 * closing a node, refused while cases are open or accounts hold roles under it (with the list).
 * A division's code is its node id.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type pg from 'pg';
import { orgMovedSignal, type CaseOrg } from '../../workflows/contract.js';
import { appendAudit } from '../../store/audit.js';
import { inTransaction } from '../db.js';
import { domain, DomainError, type FieldError } from '../errors.js';
import { caseOrg } from './directory.js';
import { parseCsv } from './department-import.js';
import { readXlsxLimited, type Table } from './spreadsheet.js';

export const LEVELS = ['province', 'city', 'county', 'township', 'village', 'group'] as const;
const LEVEL_ZH: Record<string, string> = {
  province: '省',
  city: '市',
  county: '县',
  township: '乡镇',
  village: '村（社区）',
  group: '组',
};
const LEVEL_OF_ZH: Record<string, string> = {
  省: 'province',
  市: 'city',
  县: 'county',
  区: 'county',
  乡: 'township',
  镇: 'township',
  乡镇: 'township',
  街道: 'township',
  村: 'village',
  社区: 'village',
  '村（社区）': 'village',
  组: 'group',
};
const HEADERS: Record<string, keyof DivisionRow> = {
  code: 'code',
  区划代码: 'code',
  代码: 'code',
  name: 'name',
  名称: 'name',
  parentcode: 'parentCode',
  parent: 'parentCode',
  上级代码: 'parentCode',
  上级区划代码: 'parentCode',
  level: 'level',
  层级: 'level',
  级别: 'level',
};

export interface DivisionRow {
  code: string;
  name: string;
  parentCode?: string;
  level: string;
}

/** A table (header row first) as division rows; a header it does not know is an error. */
function rowsOfTable(table: Table): DivisionRow[] {
  const [header, ...rest] = table;
  if (!header) return [];
  const cols = header.map((h) => HEADERS[h.trim().replace(/\s/g, '').toLowerCase()] ?? HEADERS[h.trim()]);
  const missing = (['code', 'name', 'level'] as const).filter((k) => !cols.includes(k));
  if (missing.length)
    throw domain.invalid([
      {
        path: 'file',
        message: `缺少列：${missing.join('、')}（须有 区划代码、名称、上级代码、层级）`,
        message_en: `missing columns: ${missing.join(', ')} (code, name, parent code, level)`,
      },
    ]);
  return rest.map((r) => {
    const row: Record<string, string> = {};
    cols.forEach((c, i) => {
      if (c) row[c] = (r[i] ?? '').trim();
    });
    return row as unknown as DivisionRow;
  });
}

export async function divisionRows(body: {
  rows?: unknown;
  csv?: unknown;
  xlsx?: unknown;
}): Promise<DivisionRow[]> {
  if (Array.isArray(body.rows))
    return body.rows.map((r) => ({
      code: String((r as DivisionRow)?.code ?? '').trim(),
      name: String((r as DivisionRow)?.name ?? '').trim(),
      parentCode: String((r as DivisionRow)?.parentCode ?? '').trim(),
      level: String((r as DivisionRow)?.level ?? '').trim(),
    }));
  if (typeof body.csv === 'string') return rowsOfTable(parseCsv(body.csv.replace(/^\uFEFF/, '')));
  if (typeof body.xlsx === 'string')
    return rowsOfTable(await readXlsxLimited(Buffer.from(body.xlsx, 'base64')));
  throw domain.invalid([
    { path: 'rows', message: '请提供区划清单（rows、csv 或 xlsx）', message_en: 'give rows, csv or xlsx' },
  ]);
}

export interface DivisionPreview {
  added: { code: string; name: string; level: string; parentCode: string | null }[];
  renamed: { code: string; from: string; to: string }[];
  unchanged: number;
  errors: FieldError[];
}

/** What importing the list would do (nothing is written); rows with problems are listed by row number. */
export async function previewDivisions(
  db: pg.Pool | pg.ClientBase,
  rows: DivisionRow[],
): Promise<DivisionPreview> {
  const out: DivisionPreview = { added: [], renamed: [], unchanged: 0, errors: [] };
  if (rows.length > 20000)
    out.errors.push({ path: 'rows', message: '一次最多导入 20000 个区划', message_en: 'at most 20000 rows' });
  const existing = new Map(
    (
      await db.query('SELECT id, parent_id, level, name, closed_at FROM org_nodes WHERE id = ANY($1)', [
        [...new Set(rows.flatMap((r) => [r.code, r.parentCode ?? '']))],
      ])
    ).rows.map((r) => [r.id as string, r]),
  );
  const listed = new Map<string, DivisionRow & { level: string }>();
  rows.forEach((r, i) => {
    const at = `rows.${i + 1}`;
    const level = LEVEL_OF_ZH[r.level] ?? r.level;
    const bad = (field: string, zh: string, en: string) =>
      out.errors.push({
        path: `${at}.${field}`,
        message: `第 ${i + 1} 行：${zh}`,
        message_en: `row ${i + 1}: ${en}`,
      });
    if (!/^[0-9]{2,15}$/.test(r.code) && !existing.has(r.code))
      return bad('code', '区划代码须为2–15位数字', 'code: 2–15 digits');
    if (listed.has(r.code)) return bad('code', `区划代码 ${r.code} 重复`, `duplicate code ${r.code}`);
    if (!r.name || r.name.length > 100)
      return bad('name', '请填写名称（不超过100字）', 'name: 1–100 characters');
    if (!(LEVELS as readonly string[]).includes(level))
      return bad('level', `层级“${r.level}”不可识别（省、市、县、乡镇、村、组）`, `unknown level ${r.level}`);
    const parentLevel = (code: string) => listed.get(code)?.level ?? existing.get(code)?.level;
    if (r.parentCode) {
      const pl = parentLevel(r.parentCode);
      if (!pl)
        return bad(
          'parentCode',
          `上级代码 ${r.parentCode} 不存在（上级须在本行之前或已在系统中）`,
          `unknown parent ${r.parentCode}`,
        );
      if (LEVELS.indexOf(pl as (typeof LEVELS)[number]) >= LEVELS.indexOf(level as (typeof LEVELS)[number]))
        return bad(
          'level',
          `${LEVEL_ZH[level]}不能在${LEVEL_ZH[pl]}之下`,
          `a ${level} cannot sit under a ${pl}`,
        );
      if (existing.get(r.parentCode)?.closed_at)
        return bad('parentCode', `上级 ${r.parentCode} 已撤销`, `parent ${r.parentCode} is closed`);
    } else if (level !== 'province')
      return bad('parentCode', '只有省级可以没有上级', 'only a province has no parent');
    listed.set(r.code, { ...r, level });
    const now = existing.get(r.code);
    if (!now) out.added.push({ code: r.code, name: r.name, level, parentCode: r.parentCode || null });
    else if ((now.parent_id ?? '') !== (r.parentCode ?? '') || now.level !== level)
      bad(
        'parentCode',
        `区划 ${r.code} 已在“${now.parent_id ?? '无'}”之下，层级或上级的变动请在机构树中调整`,
        `node ${r.code} exists under another parent or level; move it in the tree editor`,
      );
    else if (now.name !== r.name) out.renamed.push({ code: r.code, from: now.name, to: r.name });
    else out.unchanged++;
  });
  return out;
}

/** 导入区划 preview, or (unless dryRun) apply: all or nothing, a second import of the same list changes nothing. */
export async function importDivisions(
  db: pg.Pool,
  actorId: string,
  body: { rows?: unknown; csv?: unknown; xlsx?: unknown; dryRun?: unknown },
) {
  const rows = await divisionRows(body);
  const preview = await previewDivisions(db, rows);
  if (preview.errors.length)
    throw domain.invalid(
      preview.errors,
      '区划清单有误，未导入',
      'the division list has errors; nothing was imported',
    );
  if (body.dryRun === true) return { dryRun: true, ...preview };
  await inTransaction(db, async (tx) => {
    for (const a of preview.added) {
      const parentPath = a.parentCode
        ? (await tx.query('SELECT path FROM org_nodes WHERE id = $1', [a.parentCode])).rows[0].path
        : [];
      await tx.query(
        'INSERT INTO org_nodes (id, parent_id, level, name, path, code) VALUES ($1,$2,$3,$4,$5,$1)',
        [a.code, a.parentCode, a.level, a.name, [...parentPath, a.code]],
      );
    }
    for (const r of preview.renamed)
      await tx.query('UPDATE org_nodes SET name = $2 WHERE id = $1', [r.code, r.to]);
    await appendAudit(tx, [
      {
        id: `org.import:${Date.now()}:${rows.length}`,
        actorId,
        action: 'org.import',
        target: preview.added[0]?.code ?? rows[0]?.code ?? '',
        detail: {
          added: preview.added.length,
          renamed: preview.renamed.length,
          unchanged: preview.unchanged,
        },
      },
    ]);
  });
  return { dryRun: false, ...preview };
}

/** The tree under a node (or all of it): id, code, name, level, parent, closed. */
export async function orgTree(db: pg.Pool | pg.ClientBase, root?: string) {
  const { rows } = await db.query(
    `SELECT id, code, parent_id, level, name, closed_at FROM org_nodes
      WHERE ($1::text IS NULL OR $1 = ANY(path)) ORDER BY path LIMIT 20000`,
    [root ?? null],
  );
  return rows;
}

/** 新增 / 更名 one node; the id is its division code. */
export async function saveOrgNode(
  db: pg.Pool,
  actorId: string,
  b: { code?: unknown; name?: unknown; parentCode?: unknown; level?: unknown },
) {
  const code = String(b.code ?? '');
  const existing = (await db.query('SELECT id, parent_id, level FROM org_nodes WHERE id = $1', [code]))
    .rows[0];
  const row: DivisionRow = {
    code,
    name: String(b.name ?? '').trim(),
    parentCode: String(b.parentCode ?? existing?.parent_id ?? ''),
    level: String(b.level ?? existing?.level ?? ''),
  };
  return importDivisions(db, actorId, { rows: [row] });
}

/** 撤销 close a node: refused while cases are open or accounts hold roles under it (listed). */
export async function closeOrgNode(db: pg.Pool, actorId: string, id: string) {
  const node = (await db.query('SELECT id, name, closed_at FROM org_nodes WHERE id = $1', [id])).rows[0];
  if (!node) throw domain.notFound('组织机构不存在', 'no such organisation node');
  if (node.closed_at) return { id, closedAt: node.closed_at };
  const cases = await db.query(
    `SELECT id, title FROM cases WHERE status = 'running' AND $1 = ANY(org_path) ORDER BY id LIMIT 50`,
    [id],
  );
  const users = await db.query(
    `SELECT DISTINCT r.user_id, r.role, r.org_id FROM user_roles r JOIN org_nodes o ON o.id = r.org_id
      JOIN users u ON u.id = r.user_id WHERE $1 = ANY(o.path) AND NOT u.disabled ORDER BY r.user_id LIMIT 50`,
    [id],
  );
  if (cases.rowCount || users.rowCount)
    throw new DomainError(
      'conflict',
      'node_in_use',
      `“${node.name}”下仍有在办案件或账号，不能撤销`,
      `${id} still has open cases or accounts; it cannot be closed`,
      [
        ...cases.rows.map((c) => ({
          path: `cases/${c.id}`,
          message: `在办案件：${c.title}`,
          message_en: `open case ${c.id}`,
        })),
        ...users.rows.map((u) => ({
          path: `users/${u.user_id}`,
          message: `账号 ${u.user_id} 在 ${u.org_id} 任 ${u.role}`,
          message_en: `account ${u.user_id} holds ${u.role} at ${u.org_id}`,
        })),
      ],
    );
  return inTransaction(db, async (tx) => {
    const r = await tx.query(
      'UPDATE org_nodes SET closed_at = now() WHERE $1 = ANY(path) AND closed_at IS NULL RETURNING id',
      [id],
    );
    await appendAudit(tx, [
      {
        id: `org.close:${id}:${Date.now()}`,
        actorId,
        action: 'org.close',
        target: id,
        detail: { nodes: r.rowCount },
      },
    ]);
    return { id, closed: r.rows.map((x) => x.id) };
  });
}

/** The tables that store a node's path (`text[]`, root first): each row under a moved node follows it. */
const PATH_COLUMNS = [
  ['org_nodes', 'path'],
  ['cases', 'org_path'],
  ['households', 'org_path'],
  ['notices', 'org_path'],
] as const;

/**
 * 移动 move a node (with its subtree) under another parent, in one transaction: the paths of the nodes,
 * cases, households and notices under it follow (accounts' roles and tasks hold the node id, their paths
 * are read through `org_nodes`), audited. Refused, with the list, under its own subtree, under a node of
 * its level or below, under a closed node, or for a closed node.
 */
export async function moveOrgNode(
  db: pg.Pool,
  actorId: string,
  id: string,
  b: { parentCode?: unknown },
  temporal?: Client,
) {
  const parentCode = String(b.parentCode ?? '').trim();
  const answer = await moveInTransaction(db, actorId, id, parentCode);
  // the running cases under the node are told their new org once the move is committed (see deliverOrgSyncs):
  // the first INLINE_SYNCS before the answer, any more right after it in the background (a province's move can
  // concern thousands of cases), and what Temporal could not take by the hourly round
  let told = 0;
  if (temporal && answer.runningCases) {
    told = await deliverOrgSyncs(db, temporal, answer.id, INLINE_SYNCS);
    if (answer.runningCases > INLINE_SYNCS)
      void deliverOrgSyncs(db, temporal, answer.id).catch(() => {
        // the hourly round sends what is left
      });
  }
  return { ...answer, told };
}

/** Running cases told their new org before a move answers; the rest follow in the background. */
const INLINE_SYNCS = 200;

async function moveInTransaction(db: pg.Pool, actorId: string, id: string, parentCode: string) {
  return inTransaction(db, async (tx) => {
    // the whole tree is locked for the move: two moves at once cannot make a cycle
    await tx.query('LOCK TABLE org_nodes IN SHARE ROW EXCLUSIVE MODE');
    const node = (
      await tx.query('SELECT id, name, level, parent_id, path, closed_at FROM org_nodes WHERE id = $1', [id])
    ).rows[0];
    if (!node) throw domain.notFound('组织机构不存在', 'no such organisation node');
    const parent = parentCode
      ? (await tx.query('SELECT id, name, level, path, closed_at FROM org_nodes WHERE id = $1', [parentCode]))
          .rows[0]
      : undefined;
    const errors: FieldError[] = [];
    const bad = (zh: string, en: string, path = 'parentCode') =>
      errors.push({ path, message: zh, message_en: en });
    if (node.closed_at) bad(`“${node.name}”已撤销，不能移动`, `${id} is closed`, 'id');
    if (!parentCode) {
      if (node.level !== 'province') bad('请选择新的上级（只有省级可以没有上级）', 'give the new parent');
    } else if (!parent) bad(`上级代码 ${parentCode} 不存在`, `unknown parent ${parentCode}`);
    else {
      if ((parent.path as string[]).includes(id)) {
        const chain = (parent.path as string[]).slice((parent.path as string[]).indexOf(id));
        bad(
          `不能移到自身或其下级之下：${chain.join(' → ')}`,
          `a node cannot move under itself or its own subtree: ${chain.join(' → ')}`,
        );
      }
      const at = (l: string) => LEVELS.indexOf(l as (typeof LEVELS)[number]);
      if (at(parent.level) < 0 || at(node.level) < 0 || at(parent.level) >= at(node.level))
        bad(
          `${LEVEL_ZH[node.level] ?? node.level}“${node.name}”不能在${LEVEL_ZH[parent.level] ?? parent.level}“${parent.name}”之下`,
          `a ${node.level} cannot sit under a ${parent.level}`,
          'level',
        );
      if (parent.closed_at) bad(`上级“${parent.name}”已撤销`, `parent ${parentCode} is closed`);
    }
    if (errors.length) throw domain.invalid(errors, '不能移动该机构', 'the node cannot be moved');
    if ((node.parent_id ?? '') === parentCode)
      return { id, parentCode: parentCode || null, moved: {}, runningCases: 0 };

    const from = node.path as string[];
    const to = [...((parent?.path as string[] | undefined) ?? []), id];
    const moved: Record<string, number> = {};
    for (const [table, column] of PATH_COLUMNS) {
      const r = await tx.query(
        `UPDATE ${table} SET ${column} = $2::text[] || ${column}[array_position(${column}, $1) + 1:]
          WHERE $1 = ANY(${column})`,
        [id, to],
      );
      moved[table] = r.rowCount ?? 0;
    }
    await tx.query('UPDATE org_nodes SET parent_id = $2 WHERE id = $1', [id, parentCode || null]);
    // a running case's workflow holds the org it started with (its input): each running case under the node is
    // told the new one after the commit (deliverOrgSyncs); the answer says how many cases that concerns
    const running =
      (
        await tx.query(
          `INSERT INTO case_org_syncs (case_id)
           SELECT id FROM cases WHERE status = 'running' AND $1 = ANY(org_path)
           ON CONFLICT (case_id) DO UPDATE SET since = now()`,
          [id],
        )
      ).rowCount ?? 0;
    await appendAudit(tx, [
      {
        id: `org.move:${id}:${Date.now()}`,
        actorId,
        action: 'org.move',
        target: id,
        detail: { from: node.parent_id, to: parentCode || null, fromPath: from, toPath: to, moved, running },
      },
    ]);
    return { id, parentCode: parentCode || null, moved, runningCases: running };
  });
}

/**
 * 区划调整 tell running cases their org after a move (`orgMovedSignal`): the rows the move wrote, those under
 * `node` or all of them (the hourly housekeeping), the oldest `limit` of them when given. A row goes once its
 * case has the signal or has ended; one that Temporal could not take now stays for the next round. Returns how
 * many cases were told.
 */
export async function deliverOrgSyncs(
  db: pg.Pool,
  temporal: Client,
  node?: string,
  limit?: number,
): Promise<number> {
  // `since` as text: a timestamp read into a JS Date loses its microseconds and would no longer match
  const { rows } = await db.query<{ case_id: string; org_id: string; since: string }>(
    `SELECT s.case_id, c.org_id, s.since::text AS since FROM case_org_syncs s JOIN cases c ON c.id = s.case_id
      WHERE $1::text IS NULL OR $1 = ANY(c.org_path)
      ORDER BY s.since, s.case_id LIMIT $2`,
    [node ?? null, limit ?? null],
  );
  const orgs = new Map<string, CaseOrg | undefined>();
  let told = 0;
  for (const { case_id, org_id, since } of rows) {
    if (!orgs.has(org_id)) orgs.set(org_id, await caseOrg(db, org_id));
    try {
      await temporal.workflow.getHandle(case_id).signal(orgMovedSignal, orgs.get(org_id)!);
      told++;
    } catch (err) {
      // an ended case needs nothing any more; anything else (Temporal away) is tried again next round
      if (!(err instanceof WorkflowNotFoundError)) continue;
    }
    // the row goes only if no later move rewrote it meanwhile (that one sends the newer org)
    await db.query('DELETE FROM case_org_syncs WHERE case_id = $1 AND since = $2::timestamptz', [
      case_id,
      since,
    ]);
  }
  return told;
}
