/**
 * What a process definition may refer to, read from the database and the
 * activity registry: the validator checks definitions against this.
 */
import type pg from 'pg';
import type { DefinitionRegistry } from '../definitions/registry.js';
import { activityByName } from '../../activities/registry.js';
import { installedRoles } from './packs.js';
import { SEPARATED_ROLES } from './principal.js';

export const BUILT_IN_ROLES = [
  'applicant',
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
  'security_admin',
  'auditor',
];

export async function loadDefinitionRegistry(
  db: pg.Pool | pg.ClientBase,
  extra?: {
    forms?: Record<string, any>[];
    params?: string[];
    roles?: string[];
    /** the roles a process may name are these (a pack's own) and the separated ones, not every pack's */
    onlyRoles?: string[];
  },
): Promise<DefinitionRegistry> {
  const forms = await db.query(
    `SELECT key, version, status, document FROM form_versions ORDER BY key, version`,
  );
  const docs = [
    ...forms.rows.map((r) => ({ ...r.document, version: r.version, status: r.status })),
    ...(extra?.forms ?? []),
  ];
  const params = await db.query('SELECT DISTINCT key FROM parameters');
  const roles = new Set<string>();
  if (extra?.onlyRoles) for (const r of [...SEPARATED_ROLES, ...extra.onlyRoles]) roles.add(r);
  else {
    for (const r of [...BUILT_IN_ROLES, ...(extra?.roles ?? [])]) roles.add(r);
    for (const r of await installedRoles(db)) roles.add(r.key);
  }
  return {
    forms: (key, version) => {
      const matching = docs.filter((d) => d.key === key && (version === undefined || d.version === version));
      const doc = matching.at(-1);
      if (!doc) return undefined;
      return { fields: topLevelFields(doc.schema), stages: doc.stages };
    },
    activities: (name) => activityByName(name),
    roles,
    params: new Set([...params.rows.map((r) => r.key), ...(extra?.params ?? [])]),
  };
}

/** Field paths a step may set permissions on: top-level properties and their nested properties (a.b). */
function topLevelFields(schema: any): string[] {
  const out: string[] = [];
  const walk = (s: any, prefix: string) => {
    for (const [k, v] of Object.entries<any>(s?.properties ?? {})) {
      const path = prefix ? `${prefix}.${k}` : k;
      out.push(path);
      if (v?.type === 'object') walk(v, path);
    }
  };
  walk(schema, '');
  return out;
}
