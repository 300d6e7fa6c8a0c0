/** 文书存档 freeze the form data of a signed step, with its hash, for print and audit. */
import { Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { defineActivity } from './define.js';

const schemas = {
  inputSchema: {
    type: 'object',
    required: ['formKey', 'stepId', 'data'],
    additionalProperties: false,
    properties: {
      formKey: { type: 'string' },
      formVersion: { type: 'integer' },
      stepId: { type: 'string' },
      data: { type: 'object' },
    },
  },
  outputSchema: {
    type: 'object',
    required: ['documentId', 'sha256'],
    additionalProperties: false,
    properties: {
      documentId: { type: 'string' },
      sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    },
  },
} as const;

export const snapshotDocument = defineActivity<typeof schemas>({
  name: 'snapshotDocument',
  title: { zh: '文书存档（冻结签署内容）', en: 'Snapshot a signed document' },
  ...schemas,
  create:
    ({ db }) =>
    async (input) => {
      const caseId = Context.current().info.workflowExecution?.workflowId ?? 'standalone';
      const documentId = `${caseId}:${input.stepId}:${input.formKey}`;
      const body = JSON.stringify(input.data ?? {});
      const sha256 = createHash('sha256').update(body).digest('hex');
      await db.query(
        `INSERT INTO documents (id, case_id, step_id, form_key, form_version, data, sha256) VALUES ($1,$2,$3,$4,$5,$6,$7)
         ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, sha256 = EXCLUDED.sha256, created_at = now()`,
        [documentId, caseId, input.stepId, input.formKey, input.formVersion ?? null, body, sha256],
      );
      return { documentId, sha256 };
    },
});
