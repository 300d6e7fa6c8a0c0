/**
 * 部门数据预警 identification channel 3 (seeds/000… lines 2288, 2384: 部门筛查、
 * 集中交办、入户核查): each registered household with a department hit that is
 * not already monitored is marked 预警 (warning), and its village is told to
 * verify on site and, where it qualifies, start an identification with the
 * department-warning channel.
 */
import { Context } from '@temporalio/activity';
import { escalateOverdueWarnings, raiseWarning } from '../store/household-store.js';
import { defineActivity } from './define.js';

const schemas = {
  inputSchema: {
    type: 'object',
    required: ['hits'],
    additionalProperties: false,
    properties: {
      // the hits of compareDepartmentData (other fields of a hit are carried along and ignored)
      hits: {
        type: 'array',
        title: '比对命中',
        items: {
          type: 'object',
          required: ['department', 'kind'],
          properties: {
            householdId: { type: ['string', 'null'] },
            department: { type: 'string' },
            kind: { type: 'string' },
          },
        },
      },
    },
  },
  outputSchema: {
    type: 'object',
    required: ['warned'],
    additionalProperties: false,
    properties: { warned: { type: 'array', items: { type: 'string' }, uniqueItems: true } },
  },
} as const;

export const raiseDepartmentWarnings = defineActivity<typeof schemas>({
  name: 'raiseDepartmentWarnings',
  title: { zh: '发出部门数据预警（交办村级入户核查）', en: 'Raise department-data warnings' },
  description:
    '比对命中且尚未纳入监测的农户标为“预警”，并通知所在村入户核查；超期未核查的预警报乡镇督办；重复执行不会重复通知',
  ...schemas,
  create:
    ({ db }) =>
    async ({ hits }) => {
      const info = Context.current().info;
      const caseId = info.workflowExecution?.workflowId ?? info.activityId;
      const byHousehold = new Map<string, Set<string>>();
      for (const h of hits ?? []) {
        if (!h?.householdId) continue;
        (byHousehold.get(h.householdId) ?? byHousehold.set(h.householdId, new Set()).get(h.householdId)!).add(
          `${h.department}/${h.kind}`,
        );
      }
      const warned: string[] = [];
      for (const [householdId, kinds] of [...byHousehold].sort()) {
        // only households not yet monitored (or already warned) are warned; the update is the same on a retry
        const r = await db.query(
          `UPDATE households SET monitoring_status = 'warning', updated_at = now()
            WHERE id = $1 AND monitoring_status IN ('none', 'warning')
            RETURNING head_name, (SELECT o.id FROM org_nodes o WHERE o.id = ANY (org_path) AND o.level = 'village' LIMIT 1) AS village`,
          [householdId],
        );
        const row = r.rows[0];
        if (!row) continue;
        warned.push(householdId);
        // a tracked item: open until an identification follows it or the village dismisses it with a reason
        await raiseWarning(db, { householdId, villageId: row.village, kinds: [...kinds], caseId });
        await db.query(
          `INSERT INTO notifications (id, role, org_id, case_id, kind, message) VALUES ($1,'village_cadre',$2,$3,'warning',$4) ON CONFLICT (id) DO NOTHING`,
          [
            `${caseId}:${info.activityId}:${householdId}`,
            row.village,
            caseId,
            `部门数据预警：${row.head_name}户（${householdId}）命中 ${[...kinds].join('、')}，请入户核查；符合条件的按识别流程申报（渠道：部门数据预警）`,
          ],
        );
      }
      // 跟踪盯办 warnings of earlier comparisons the villages have not checked in time go to the township
      await escalateOverdueWarnings(db);
      return { warned };
    },
});
