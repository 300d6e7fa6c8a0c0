/**
 * 项目库择优 the annual plan starts from the project library (seeds/000…, line 3429: 从项目库中择优选择
 * 项目): this activity lists the admitted projects of the county, with year and funding, for the plan
 * form to select and rank. Read-only, so a retry is harmless.
 */
import { ledgerEntries, projectEntries } from '../server/services/registers.js';
import type { ActivityDefinition } from './registry.js';

export interface LibraryInput {
  /** the county (or any node) whose admitted projects are listed */
  orgId: string;
  /** only projects planned to start in this year, when given */
  year?: number | null;
}

export const listAdmittedProjects: ActivityDefinition<
  LibraryInput,
  {
    projects: {
      caseId: string;
      name: string;
      year: number | null;
      funding: number | null;
      location: string | null;
    }[];
  }
> = {
  name: 'listAdmittedProjects',
  title: { zh: '读取项目库已入库项目', en: 'List the admitted projects of the library' },
  inputSchema: {
    type: 'object',
    required: ['orgId'],
    additionalProperties: false,
    properties: {
      orgId: { type: 'string', minLength: 1, title: '县（或其他组织机构）' },
      year: { type: ['integer', 'null'], title: '计划年度' },
    },
  },
  outputSchema: { type: 'object', properties: { projects: { type: 'array' } } },
  create:
    ({ db }) =>
    async ({ orgId, year }) => {
      const entries = await projectEntries(db, {
        orgIds: [orgId],
        admittedOnly: true,
        ...(year ? { year } : {}),
      });
      return {
        projects: entries.map((e) => ({
          caseId: e.caseId,
          name: e.name,
          year: e.year,
          funding: e.funding,
          location: e.location,
        })),
      };
    },
};

/**
 * 县级台账 the county ledger is compiled from the published village and township ledgers
 * (seeds/000…, line 3335); read-only, so a retry is harmless.
 */
export const listAssetLedgers: ActivityDefinition<{ orgId: string }, { ledgers: Record<string, unknown>[] }> =
  {
    name: 'listAssetLedgers',
    title: { zh: '读取已公开的资产台账', en: 'List the published asset ledgers' },
    inputSchema: {
      type: 'object',
      required: ['orgId'],
      additionalProperties: false,
      properties: { orgId: { type: 'string', minLength: 1, title: '县（或其他组织机构）' } },
    },
    outputSchema: { type: 'object', properties: { ledgers: { type: 'array' } } },
    create:
      ({ db }) =>
      async ({ orgId }) => ({
        ledgers: (await ledgerEntries(db, [orgId], true)).map(
          ({ caseId, assetName, assetType, value, owner, manager, orgName }) => ({
            caseId,
            assetName,
            assetType,
            value,
            owner,
            manager,
            orgName,
          }),
        ),
      }),
  };
