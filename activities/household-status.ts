/**
 * 监测状态 set a household's monitoring status and type (three types, seeds/000…
 * line 2274) and its monitor contact (line 2360) when a procedure decides it; and
 * 一份附件2贯穿始终 (line 2563) write the case's approved 附件2 back to the registry:
 * kept under its stage (versioned per case), its members become the household's
 * members, so the next procedure and the department comparison see them.
 */
import { Context } from '@temporalio/activity';
import type pg from 'pg';
import {
  DuplicateMemberError,
  closeWarningsForCase,
  STAGES,
  fromCollectionMember,
  mirrorMembers,
  recordHistory,
  removeMember,
  storeCollection,
  syncMembers,
  type CollectionStage,
} from '../store/household-store.js';
import { inTransaction } from '../store/transaction.js';
import { defineActivity } from './define.js';

/** the loop of a department warning closes where case outcomes reach the registry */
export { closeWarningsForCase };

const schemas = {
  inputSchema: {
    type: 'object',
    required: ['householdId', 'status'],
    additionalProperties: false,
    properties: {
      householdId: { type: 'string', minLength: 1 },
      status: { enum: ['warning', 'monitored', 'eliminated', 'none'] },
      /** the monitoring type (three types, line 2274); absent or null keeps the one recorded */
      type: { type: ['string', 'null'] },
      monitorContact: {
        type: ['object', 'null'],
        properties: { name: { type: 'string' }, phone: { type: 'string' } },
      },
      /** the case's approved 附件2, written back to the registry */
      collection: { type: ['object', 'null'], title: '附件2（写回农户档案）' },
      /** which stage of 附件2 the case filled */
      stage: { enum: STAGES, title: '附件2填写阶段' },
    },
  },
  outputSchema: {
    type: 'object',
    required: ['updated'],
    additionalProperties: false,
    properties: {
      updated: { type: 'boolean' },
      /** the version of 附件2 stored for the household, when the case wrote one back */
      collectionVersion: { type: 'integer', minimum: 1 },
    },
  },
} as const;

export const setHouseholdStatus = defineActivity<typeof schemas>({
  name: 'setHouseholdStatus',
  title: {
    zh: '更新农户监测状态（附件2写回农户档案）',
    en: 'Set household monitoring status (write form 2 back)',
  },
  ...schemas,
  create:
    ({ db }) =>
    async (input) => {
      const info = Context.current().info;
      const caseId = info.workflowExecution?.workflowId ?? info.activityId;
      return inTransaction(db, async (client) => {
        // setting the same values again is harmless: every write below is idempotent by nature
        const before = (
          await client.query('SELECT monitoring_status FROM households WHERE id = $1 FOR UPDATE', [
            input.householdId,
          ])
        ).rows[0]?.monitoring_status as string | undefined;
        const r = await client.query(
          `UPDATE households SET monitoring_status = $2,
             monitoring_type = COALESCE($3, monitoring_type),
             monitor_contact = COALESCE($4, monitor_contact),
             -- the date monitoring began: kept while monitored, cleared when the risk is gone
             monitored_since = CASE WHEN $2 = 'monitored' THEN COALESCE(monitored_since, current_date) ELSE NULL END,
             updated_at = now()
           WHERE id = $1`,
          [
            input.householdId,
            input.status,
            input.type ?? null,
            input.monitorContact ? JSON.stringify(input.monitorContact) : null,
          ],
        );
        // 状态变化 kept in the household's history (a retry finds the status already set and records nothing)
        if (r.rowCount && before !== input.status)
          await recordHistory(
            client,
            input.householdId,
            'status.changed',
            { actorId: null, caseId },
            { detail: { from: before ?? null, to: input.status } },
          );
        let collectionVersion: number | undefined;
        if (r.rowCount && input.collection && typeof input.collection === 'object') {
          // the approved 附件2 carries the type the approval decided (附件3 may differ from what the verifiers proposed)
          const approved = input.type ? { ...input.collection, A3: input.type } : input.collection;
          collectionVersion = await writeBack(
            client,
            input.householdId,
            caseId,
            input.stage ?? 'identification',
            approved,
          );
        }
        return { updated: (r.rowCount ?? 0) > 0, ...(collectionVersion ? { collectionVersion } : {}) };
      });
    },
});

async function writeBack(
  tx: pg.ClientBase,
  householdId: string,
  caseId: string,
  stage: CollectionStage,
  collection: Record<string, unknown>,
) {
  const stored = await storeCollection(tx, householdId, stage, caseId, collection);
  const ctx = { actorId: null, caseId, reason: `案件 ${caseId} 审定的附件2` };
  if (stored.fresh)
    await recordHistory(tx, householdId, 'collection.written', ctx, {
      detail: { stage, version: stored.version },
    });
  const rows = Array.isArray(collection.members) ? (collection.members as Record<string, unknown>[]) : [];
  // 附件2注3 (seed line 2464): a member who died during identification stays on the form and is
  // marked deceased in the registry — left with reason 'death', never as 'verified_out'
  const deceased = rows.filter((r) => r?.deceased === true).map(fromCollectionMember);
  const members = rows
    .filter((r) => r?.deceased !== true)
    .map(fromCollectionMember)
    .filter((m) => m.idNumber && m.name);
  for (const m of deceased)
    if (m.idNumber)
      await removeMember(tx, householdId, String(m.idNumber).trim().toUpperCase(), 'death', {
        ...ctx,
        reason: `案件 ${caseId} 入户核实：识别过程中死亡`,
      });
  if (!members.length) {
    if (deceased.length) await mirrorMembers(tx, householdId);
    return stored.version;
  }
  try {
    // the verified members are the household's members; those the verifiers did not list leave
    await tx.query('SAVEPOINT members');
    await syncMembers(tx, householdId, members, {
      ...ctx,
      removeMissing: 'verified_out',
      addReason: `案件 ${caseId} 入户核实新增`,
    });
    await tx.query('RELEASE SAVEPOINT members');
  } catch (err) {
    if (!(err instanceof DuplicateMemberError)) throw err;
    // a person registered in another household is not moved silently: the history says so
    await tx.query('ROLLBACK TO SAVEPOINT members');
    await recordHistory(tx, householdId, 'collection.members-conflict', ctx, {
      idNumber: err.idNumber,
      detail: { existingHousehold: err.householdId },
    });
  }
  return stored.version;
}
