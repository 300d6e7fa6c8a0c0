/**
 * First start: load the policy pack into an empty database and, in demo mode,
 * the demo county (organisation tree, users for every role, households,
 * department records). Never touches a database that already has data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { PACKS_DIR, readPackFolder } from './packs.js';
import { upsertOrgs, upsertUser, type OrgNodeInput } from './directory.js';
import { importDepartmentCsv } from './department-import.js';
import { importValidatedPack } from './process-publish.js';
import { syncMembers } from '../../store/household-store.js';

export const DEFAULT_PACK = 'hunan';

export async function bootstrapData(deps: { db: pg.Pool; config: Config; log: Logger }): Promise<void> {
  const { db, config, log } = deps;
  const packs = await db.query('SELECT 1 FROM packs LIMIT 1');
  if (!packs.rowCount) {
    const report = await importValidatedPack(db, readPackFolder(DEFAULT_PACK));
    log.info({ pack: report.pack, published: report.published.length }, 'policy pack loaded');
  }
  if (!config.demo) return;
  const orgs = await db.query('SELECT 1 FROM org_nodes LIMIT 1');
  if (orgs.rowCount) return;
  await loadDemoCounty(db, config.demoPassword);
  log.info('demo county loaded');
}

export async function loadDemoCounty(db: pg.Pool, password: string, pack = DEFAULT_PACK): Promise<void> {
  const dir = join(PACKS_DIR, pack, 'demo');
  const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const orgs: OrgNodeInput[] = read('orgs.json');
  await upsertOrgs(db, orgs);
  const users: {
    username: string;
    name: string;
    phone?: string;
    roles: { role: string; org: string; department?: string }[];
  }[] = read('users.json');
  // hash in parallel: argon2 is deliberately slow
  await Promise.all(users.map((u) => upsertUser(db, { ...u, password })));
  const households: any[] = read('households.json');
  for (const h of households) {
    const path = (await db.query('SELECT path FROM org_nodes WHERE id = $1', [h.org])).rows[0]?.path;
    if (!path) throw new Error(`demo household ${h.id}: unknown org ${h.org}`);
    await db.query(
      `INSERT INTO households (id, org_id, org_path, head_name, head_id_number, members, monitoring_status, monitoring_type, monitor_contact, monitored_since)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (id) DO NOTHING`,
      [
        h.id,
        h.org,
        path,
        h.headName,
        h.headIdNumber,
        JSON.stringify(h.members ?? []),
        h.monitoringStatus ?? 'none',
        h.monitoringType ?? null,
        h.monitorContact ? JSON.stringify(h.monitorContact) : null,
        h.monitoredSince ?? (h.monitoringStatus === 'monitored' ? '2025-06-01' : null),
      ],
    );
    await syncMembers(db, h.id, h.members ?? [], { actorId: null, reason: '演示数据' });
  }
  const csv = join(dir, 'department-records.csv');
  if (existsSync(csv)) {
    const r = await importDepartmentCsv(db, readFileSync(csv, 'utf8'));
    if (r.errors.length)
      throw new Error(`demo department records: ${r.errors.map((e) => e.message).join('; ')}`);
  }
}
