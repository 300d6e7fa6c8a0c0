/** 一次采集、多次复用 the household's known data to prefill a new application (an audited full read). */
import { appendAudit } from '../audit/chain.js';
import { inTransaction } from '../db.js';
import { domain } from '../errors.js';
import type { ServiceDeps } from './deps.js';
import { householdPrefillContext } from './household-store.js';
import { IN_REGION, regionOf, type Principal } from './principal.js';

export async function householdPrefill(deps: ServiceDeps, who: Principal, id: string) {
  const db = deps.db;
  const { rows } = await db.query(
    `SELECT h.id, h.head_name, h.head_id_number, h.members, h.org_path FROM households h WHERE h.id = $1 AND ${IN_REGION('h.org_path', '$2')}`,
    [id, regionOf(who)],
  );
  const h = rows[0];
  if (!h) throw domain.notFound('农户不存在', 'household not found');
  const names = await db.query('SELECT level, name FROM org_nodes WHERE id = ANY($1)', [h.org_path]);
  const at = (level: string) => names.rows.find((n) => n.level === level)?.name ?? '';
  await inTransaction(db, (tx) =>
    appendAudit(tx, [
      {
        id: `prefill:${h.id}:${Date.now()}:${who.userId}`,
        actorId: who.userId,
        action: 'household.read-unmasked',
        target: h.id,
      },
    ]),
  );
  // 一份附件2贯穿始终 a procedure that starts with 附件2 (elimination) opens from the household's latest one
  const known = await householdPrefillContext(db, h.id);
  return {
    collection: known?.collection ?? { members: known?.members ?? [] },
    application: {
      name: h.head_name,
      idNumber: h.head_id_number,
      householdSize: (h.members ?? []).length || undefined,
      address: {
        city: at('city'),
        county: at('county'),
        township: at('township'),
        village: at('village'),
      },
      filedBy: 'self',
      signDate: new Date().toISOString().slice(0, 10),
    },
  };
}
