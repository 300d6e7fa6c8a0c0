/**
 * 版本发布 the one way a new immutable version of something is written (forms, processes, code lists, a year
 * of the holiday calendar): under an advisory lock on the thing, the next version number (gapless: max + 1),
 * the row, and its audit entry — all in the caller's transaction.
 */
import { appendAudit, type AuditEntry } from '../audit/chain.js';
import type { Tx } from '../db.js';

/** Tables of versioned things (named here: a table name is never taken from input). */
export type VersionedTable = 'form_versions' | 'process_versions' | 'code_lists' | 'holiday_calendars';

export interface VersionedWrite<L> {
  table: VersionedTable;
  /** the columns that name the thing, e.g. `{ key }` or `{ scope, year }` */
  of: Record<string, string | number>;
  /**
   * The new row's further columns, given its version and the latest row (any status; undefined for the
   * first). Return undefined to write nothing (unchanged); throw to refuse.
   */
  row: (version: number, latest: L | undefined) => Record<string, unknown> | undefined;
  /** the audit entry of the new version (none when absent) */
  audit?: (version: number) => AuditEntry;
}

export async function publishVersioned<L extends { version: number } = { version: number }>(
  tx: Tx,
  w: VersionedWrite<L>,
): Promise<{ version: number; written: boolean }> {
  const keys = Object.keys(w.of);
  const values = Object.values(w.of);
  // one publisher of a thing at a time: versions stay gapless
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${w.table}:${values.join(':')}`]);
  const where = keys.map((k, i) => `${k} = $${i + 1}`).join(' AND ');
  const latest = (
    await tx.query(`SELECT * FROM ${w.table} WHERE ${where} ORDER BY version DESC LIMIT 1`, values)
  ).rows[0] as L | undefined;
  const version = Number(latest?.version ?? 0) + 1;
  const row = w.row(version, latest);
  if (!row) return { version: Number(latest?.version), written: false };
  const columns = [...keys, 'version', ...Object.keys(row)];
  const params = [...values, version, ...Object.values(row)];
  await tx.query(
    `INSERT INTO ${w.table} (${columns.join(', ')}) VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')})`,
    params,
  );
  if (w.audit) await appendAudit(tx, [w.audit(version)]);
  return { version, written: true };
}
