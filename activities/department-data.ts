/**
 * 部门数据比对 compare household members against imported department records
 * (medical costs, 低保/特困, disability, unemployment …): the 会商研判 input at
 * county approval, and the warning source of identification channel 3.
 */
import type { ActivityDefinition } from './registry.js';

export interface CompareInput {
  idNumbers: string[];
}
export interface DepartmentHit {
  department: string;
  kind: string;
  idNumber: string;
  name: string | null;
  amount: number | null;
  period: string | null;
}

export const compareDepartmentData: ActivityDefinition<CompareInput, { hits: DepartmentHit[]; checkedAt: string }> = {
  name: 'compareDepartmentData',
  title: { zh: '部门数据比对', en: 'Compare against department data' },
  inputSchema: {
    type: 'object',
    required: ['idNumbers'],
    additionalProperties: false,
    properties: { idNumbers: { type: 'array', items: { type: 'string' } } },
  },
  outputSchema: {
    type: 'object',
    properties: { hits: { type: 'array' }, checkedAt: { type: 'string' } },
  },
  create:
    ({ db }) =>
    async ({ idNumbers }) => {
      const ids = (idNumbers ?? []).filter((x) => typeof x === 'string' && x.length > 0);
      const { rows } = await db.query(
        `SELECT department, kind, id_number, name, amount, period FROM department_records
         WHERE id_number = ANY($1) ORDER BY department, kind, id_number`,
        [ids],
      );
      return {
        hits: rows.map((r) => ({
          department: r.department,
          kind: r.kind,
          idNumber: r.id_number,
          name: r.name,
          amount: r.amount,
          period: r.period,
        })),
        checkedAt: new Date().toISOString(),
      };
    },
};
