/**
 * 项目库择优 the annual plan starts from the project library (seeds/000…, line 3429: 从项目库中择优选择
 * 项目): `listAdmittedProjects` lists the admitted projects of the county, with year and funding, for the
 * plan form to select and rank. 县级台账 the county ledger is compiled from the published village and
 * township ledgers (line 3335): `listAssetLedgers`. Both read only, so a retry is harmless.
 */
import { ledgerEntries, projectEntries } from '../store/registers.js';
import { defineActivity } from './define.js';

const orgId = { type: 'string', minLength: 1, title: '县（或其他组织机构）' } as const;
const text = { type: ['string', 'null'] } as const;
const amount = { type: ['number', 'null'] } as const;

const librarySchemas = {
  inputSchema: {
    type: 'object',
    required: ['orgId'],
    additionalProperties: false,
    properties: {
      /** the county (or any node) whose admitted projects are listed */
      orgId,
      /** only projects planned to start in this year, when given */
      year: { type: ['integer', 'null'], title: '计划年度' },
    },
  },
  outputSchema: {
    type: 'object',
    required: ['projects'],
    additionalProperties: false,
    properties: {
      projects: {
        type: 'array',
        items: {
          type: 'object',
          required: ['caseId', 'name', 'year', 'funding', 'location'],
          additionalProperties: false,
          properties: {
            caseId: { type: 'string' },
            name: { type: 'string' },
            year: { type: ['integer', 'null'] },
            /** 总投资（万元） */
            funding: amount,
            location: text,
          },
        },
      },
    },
  },
} as const;

export const listAdmittedProjects = defineActivity<typeof librarySchemas>({
  name: 'listAdmittedProjects',
  title: { zh: '读取项目库已入库项目', en: 'List the admitted projects of the library' },
  ...librarySchemas,
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
});

const ledgerSchemas = {
  inputSchema: {
    type: 'object',
    required: ['orgId'],
    additionalProperties: false,
    properties: { orgId },
  },
  outputSchema: {
    type: 'object',
    required: ['ledgers'],
    additionalProperties: false,
    properties: {
      ledgers: {
        type: 'array',
        items: {
          type: 'object',
          required: ['caseId', 'assetName', 'assetType', 'value', 'owner', 'manager', 'orgName'],
          additionalProperties: false,
          properties: {
            caseId: { type: 'string' },
            assetName: { type: 'string' },
            assetType: text,
            value: amount,
            owner: text,
            manager: text,
            /** the village or township that published the ledger */
            orgName: { type: 'string' },
          },
        },
      },
    },
  },
} as const;

export const listAssetLedgers = defineActivity<typeof ledgerSchemas>({
  name: 'listAssetLedgers',
  title: { zh: '读取已公开的资产台账', en: 'List the published asset ledgers' },
  ...ledgerSchemas,
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
});
