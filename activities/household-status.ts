/**
 * 监测状态 set a household's monitoring status and type (three types, seeds/000…
 * line 2274) and its monitor contact (line 2360) when a procedure decides it.
 */
import type { ActivityDefinition } from './registry.js';

export interface HouseholdStatusInput {
  householdId: string;
  status: 'warning' | 'monitored' | 'eliminated' | 'none';
  type?: string | null;
  monitorContact?: { name?: string; phone?: string } | null;
}

export const setHouseholdStatus: ActivityDefinition<HouseholdStatusInput, { updated: boolean }> = {
  name: 'setHouseholdStatus',
  title: { zh: '更新农户监测状态', en: 'Set household monitoring status' },
  inputSchema: {
    type: 'object',
    required: ['householdId', 'status'],
    additionalProperties: false,
    properties: {
      householdId: { type: 'string' },
      status: { enum: ['warning', 'monitored', 'eliminated', 'none'] },
      type: { type: ['string', 'null'] },
      monitorContact: { type: ['object', 'null'] },
    },
  },
  outputSchema: { type: 'object', properties: { updated: { type: 'boolean' } } },
  create:
    ({ db }) =>
    async (input) => {
      // setting the same values again is harmless: the activity is idempotent by nature
      const r = await db.query(
        `UPDATE households SET monitoring_status = $2,
           monitoring_type = COALESCE($3, monitoring_type),
           monitor_contact = COALESCE($4, monitor_contact),
           -- the date monitoring began: kept while monitored, cleared when the risk is gone
           monitored_since = CASE WHEN $2 = 'monitored' THEN COALESCE(monitored_since, current_date) ELSE NULL END,
           updated_at = now()
         WHERE id = $1`,
        [input.householdId, input.status, input.type ?? null, input.monitorContact ? JSON.stringify(input.monitorContact) : null],
      );
      return { updated: (r.rowCount ?? 0) > 0 };
    },
};
