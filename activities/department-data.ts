/**
 * 部门数据比对 compare household members against imported department records
 * (medical costs, 低保/特困, disability, unemployment …): the 会商研判 input at
 * county approval, and the warning source of identification channel 3.
 */
import type { FromSchema } from 'json-schema-to-ts';
import { STATUS_KINDS } from '../store/household-store.js';
import { defineActivity } from './define.js';

/** one department record of a compared person */
const hitSchema = {
  type: 'object',
  required: ['department', 'kind', 'idNumber', 'name', 'amount', 'period', 'householdId'],
  additionalProperties: false,
  properties: {
    department: { type: 'string' },
    kind: { type: 'string' },
    idNumber: { type: 'string' },
    name: { type: ['string', 'null'] },
    amount: { type: ['number', 'null'] },
    period: { type: ['string', 'null'] },
    /** the registered household the person belongs to, when there is one */
    householdId: { type: ['string', 'null'] },
  },
} as const;

const schemas = {
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      /** compare these people … */
      idNumbers: { type: 'array', items: { type: 'string' }, title: '身份证号码' },
      /** … and/or every member of every household registered in this region (the monthly comparison of a county) */
      orgId: { type: 'string', title: '比对范围（组织机构）' },
    },
  },
  outputSchema: {
    type: 'object',
    required: ['hits', 'checkedAt'],
    additionalProperties: false,
    properties: {
      hits: { type: 'array', items: hitSchema },
      checkedAt: { type: 'string', format: 'date-time' },
    },
  },
} as const;

export type DepartmentHit = FromSchema<typeof hitSchema>;

export const compareDepartmentData = defineActivity<typeof schemas>({
  name: 'compareDepartmentData',
  title: { zh: '部门数据比对', en: 'Compare against department data' },
  ...schemas,
  create:
    ({ db }) =>
    async ({ idNumbers, orgId }) => {
      const ids = (idNumbers ?? []).filter((x) => typeof x === 'string' && x.length > 0);
      // people of the region's registered households: heads and members alike
      const { rows } = await db.query(
        `WITH people AS (
           SELECT h.id AS household_id, h.head_id_number AS id_number FROM households h WHERE $2::text IS NOT NULL AND $2 = ANY (h.org_path)
           UNION
           SELECT h.id, m->>'idNumber' FROM households h, jsonb_array_elements(h.members) m
            WHERE $2::text IS NOT NULL AND $2 = ANY (h.org_path) AND m ? 'idNumber'
           UNION
           SELECT (SELECT h.id FROM households h WHERE h.head_id_number = x OR h.members @> jsonb_build_array(jsonb_build_object('idNumber', x)) LIMIT 1), x
             FROM unnest($1::text[]) x
         )
         SELECT DISTINCT ON (r.id) r.department, r.kind, r.id_number, r.name, r.amount, r.period, p.household_id
           FROM department_records r JOIN people p ON p.id_number = r.id_number
          WHERE r.kind <> ALL ($3::text[])
          ORDER BY r.id, p.household_id NULLS LAST`,
        // 脱贫户/易地扶贫搬迁 records state a status (A4/A22), not a risk: they are no hit and raise no warning
        [ids, orgId ?? null, Object.values(STATUS_KINDS)],
      );
      rows.sort((a, b) =>
        `${a.department}|${a.kind}|${a.id_number}`.localeCompare(`${b.department}|${b.kind}|${b.id_number}`),
      );
      return {
        hits: rows.map((r) => ({
          department: r.department,
          kind: r.kind,
          idNumber: r.id_number,
          name: r.name,
          amount: r.amount === null ? null : Number(r.amount),
          period: r.period,
          householdId: r.household_id,
        })),
        checkedAt: new Date().toISOString(),
      };
    },
});
