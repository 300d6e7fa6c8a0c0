/** 站内通知 an in-app notification to users or to a role at an organisation node. */
import { Context } from '@temporalio/activity';
import { defineActivity } from './define.js';

const schemas = {
  inputSchema: {
    type: 'object',
    required: ['message'],
    additionalProperties: false,
    properties: {
      message: { type: 'string', minLength: 1 },
      userIds: { type: 'array', items: { type: 'string' } },
      role: { type: 'string' },
      orgId: { type: 'string' },
    },
  },
  outputSchema: {
    type: 'object',
    required: ['sent'],
    additionalProperties: false,
    properties: { sent: { type: 'integer', minimum: 0 } },
  },
} as const;

export const notify = defineActivity<typeof schemas>({
  name: 'notify',
  title: { zh: '发送站内通知', en: 'Send an in-app notification' },
  ...schemas,
  create:
    ({ db }) =>
    async (input) => {
      const info = Context.current().info;
      // the key is the same on every retry of this activity, so a retry never sends twice
      const key = `${info.workflowExecution?.workflowId ?? info.activityId}:${info.activityId}`;
      const targets = input.userIds?.length ? input.userIds : [null];
      let sent = 0;
      for (const [i, userId] of targets.entries()) {
        const r = await db.query(
          `INSERT INTO notifications (id, user_id, role, org_id, case_id, kind, message)
           VALUES ($1,$2,$3,$4,$5,'activity',$6) ON CONFLICT (id) DO NOTHING`,
          [
            `${key}#${i}`,
            userId,
            input.role ?? null,
            input.orgId ?? null,
            info.workflowExecution?.workflowId ?? info.activityId,
            input.message,
          ],
        );
        sent += r.rowCount ?? 0;
      }
      return { sent };
    },
});
