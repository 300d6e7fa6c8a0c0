/**
 * 长期公告 a long-term announcement on the public board: an admitted project, an adjustment, a county
 * asset ledger (seeds/000…, lines 3335, 3417, 3419: 在政府门户网站长期公告). Unlike a notice window it
 * has no end and takes no objections; it stays in the board's long-term section. Idempotent per case
 * and announcement key, so a retry never posts it twice.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { FromSchema } from 'json-schema-to-ts';
import { defineActivity } from './define.js';

const schemas = {
  inputSchema: {
    type: 'object',
    required: ['key', 'title', 'orgId', 'form', 'content'],
    additionalProperties: false,
    properties: {
      /** which announcement of the case this is (e.g. "admitted"): one board entry per key */
      key: { type: 'string', pattern: '^[a-z][a-z0-9_-]*$' },
      title: { type: 'string', minLength: 1 },
      /** the organisation node whose board shows it (a county, usually) */
      orgId: { type: 'string', minLength: 1 },
      /** the form the fields come from: content keys are shown as "<form>.<field>" with the form's labels */
      form: { type: 'string', minLength: 1 },
      content: { type: 'object' },
    },
  },
  outputSchema: {
    type: 'object',
    required: ['noticeId'],
    additionalProperties: false,
    properties: { noticeId: { type: 'string', minLength: 1 } },
  },
} as const;

export type AnnouncementInput = FromSchema<typeof schemas.inputSchema>;

export const publishAnnouncement = defineActivity<typeof schemas>({
  name: 'publishAnnouncement',
  title: { zh: '长期公告（公示栏长期公开）', en: 'Publish a long-term announcement' },
  ...schemas,
  create:
    ({ db }) =>
    async (input) => {
      const info = Context.current().info;
      const caseId = info.workflowExecution?.workflowId ?? 'standalone';
      const org = (await db.query('SELECT id, level, path FROM org_nodes WHERE id = $1', [input.orgId]))
        .rows[0];
      if (!org)
        throw ApplicationFailure.nonRetryable(`unknown organisation node ${input.orgId}`, 'InvalidInput');
      const noticeId = `${caseId}:long-term:${input.key}`;
      const content = Object.fromEntries(
        Object.entries(input.content ?? {}).map(([k, v]) => [`${input.form}.${k}`, v]),
      );
      // policy time: the workflow's clock when the activity was scheduled (demo and test time included)
      const at = new Date(info.currentAttemptScheduledTimestampMs);
      await db.query(
        `INSERT INTO notices (id, case_id, step_id, org_id, org_path, level, title, content, days, calendar, opens_at, closes_at, kind)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,0,'calendar',$9,$9,'long-term')
         ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, content = EXCLUDED.content`,
        [noticeId, caseId, input.key, org.id, org.path, org.level, input.title, JSON.stringify(content), at],
      );
      return { noticeId };
    },
});
