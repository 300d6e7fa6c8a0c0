/** JSON Schema pieces the route declarations and the legacy endpoint table share. */

export const requestId = {
  type: 'string',
  minLength: 1,
  maxLength: 100,
  description: '客户端生成的请求编号（幂等）',
};
/** every free-text field a user can send has a maxLength */
export const id = { type: 'string', maxLength: 100 };
export const comment = { type: 'string', maxLength: 2000 };
export const ADMIN = { roles: ['admin'] };
/** a year of the holiday calendar: date ranges as entered, or an .ics / CSV / JSON file's text */
export const CALENDAR_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    scope: { type: 'string', minLength: 1, maxLength: 100 },
    ranges: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        required: ['name', 'kind', 'from'],
        properties: {
          name: { type: 'string', maxLength: 30 },
          kind: { enum: ['holiday', 'workday'] },
          from: { type: 'string', maxLength: 10 },
          to: { type: 'string', maxLength: 10 },
        },
      },
    },
    file: {
      type: 'object',
      required: ['kind', 'text'],
      properties: { kind: { enum: ['ics', 'csv', 'json'] }, text: { type: 'string', maxLength: 200000 } },
    },
    note: { type: 'string', maxLength: 500 },
  },
};
export const SECURITY = { roles: ['security_admin'] };
export const AUDITOR = { roles: ['auditor'] };
