/**
 * The API contract: an OpenAPI 3.1 document built from one table of
 * endpoints. The same table drives the authorization matrix test
 * (test/integration/authz-matrix.test.ts): who may call what, where.
 */
import { CASE_ROLES } from '../services/principal.js';
import { REGISTRARS } from '../services/households.js';
import { IMPORT_ROLES } from '../services/household-import.js';

export type Access =
  | 'public'
  /** any signed-in staff member; data is filtered to their region */
  | 'staff'
  /** roles listed, at any node */
  | { roles: string[] };

export interface Endpoint {
  method: 'get' | 'post';
  path: string;
  summary: string;
  access: Access;
  /** request body schema (JSON Schema 2020-12) */
  body?: Record<string, unknown>;
  query?: Record<string, { type: string; enum?: string[]; description?: string }>;
  /** a file sent as the body, with these media types (instead of a JSON body) */
  upload?: string[];
  /** statuses this endpoint answers with besides the problem statuses every endpoint may use */
  ok: number;
}

const requestId = {
  type: 'string',
  minLength: 1,
  maxLength: 100,
  description: '客户端生成的请求编号（幂等）',
};
/** every free-text field a user can send has a maxLength */
const id = { type: 'string', maxLength: 100 };
const comment = { type: 'string', maxLength: 2000 };
const ADMIN = { roles: ['admin'] };
/** a year of the holiday calendar: date ranges as entered, or an .ics / CSV / JSON file's text */
const CALENDAR_BODY = {
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
const SECURITY = { roles: ['security_admin'] };
const AUDITOR = { roles: ['auditor'] };
/** 村（居）干部 keep the household registry of their village */
const REGISTRAR = { roles: [...REGISTRARS] };
const member = {
  type: 'object',
  required: ['name', 'idNumber', 'relation'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 30 },
    idNumber: { type: 'string' },
    relation: { type: 'string' },
  },
};

export const ENDPOINTS: Endpoint[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: '健康检查 Health of PostgreSQL and Temporal',
    access: 'public',
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/auth/login',
    summary: '登录 Log in',
    access: 'public',
    ok: 200,
    body: {
      type: 'object',
      required: ['username', 'password'],
      properties: {
        username: { type: 'string', maxLength: 100 },
        password: { type: 'string', maxLength: 200 },
      },
    },
  },
  { method: 'post', path: '/api/auth/logout', summary: '退出 Log out', access: 'public', ok: 200 },
  {
    method: 'get',
    path: '/api/me',
    summary: '当前用户及其角色 Current user and roles',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/tasks',
    summary: '待办列表 Inbox (keyset pages)',
    access: 'staff',
    ok: 200,
    query: {
      view: { type: 'string', enum: ['todo', 'done', 'initiated', 'cc'] },
      process: { type: 'string' },
      step: { type: 'string' },
      org: { type: 'string' },
      due: { type: 'string', enum: ['overdue', 'today', 'week'] },
      cursor: { type: 'string' },
      limit: { type: 'integer' },
    },
  },
  {
    method: 'get',
    path: '/api/tasks/counts',
    summary: '各页签数量 Inbox tab counts',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/tasks/{id}',
    summary: '任务详情 Task with form, permissions and actions',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/tasks/{id}/claim',
    summary: '认领 Claim',
    access: 'staff',
    ok: 200,
    body: { type: 'object', properties: { requestId } },
  },
  {
    method: 'post',
    path: '/api/tasks/{id}/complete',
    summary: '办理 Complete with an action',
    access: 'staff',
    ok: 200,
    body: {
      type: 'object',
      required: ['requestId', 'action'],
      properties: { requestId, action: id, data: { type: 'object' }, comment, returnTo: id },
    },
  },
  {
    method: 'post',
    path: '/api/tasks/{id}/transfer',
    summary: '转办 Transfer',
    access: 'staff',
    ok: 200,
    body: { type: 'object', required: ['to'], properties: { requestId, to: id } },
  },
  {
    method: 'post',
    path: '/api/tasks/{id}/delegate',
    summary: '委派 Delegate',
    access: 'staff',
    ok: 200,
    body: { type: 'object', required: ['to'], properties: { requestId, to: id } },
  },
  {
    method: 'post',
    path: '/api/tasks/{id}/add-signer',
    summary: '加签 Add a signer',
    access: 'staff',
    ok: 200,
    body: {
      type: 'object',
      required: ['to'],
      properties: { requestId, to: id, position: { enum: ['before', 'after'] } },
    },
  },
  {
    method: 'post',
    path: '/api/tasks/{id}/draft',
    summary: '保存草稿 Save a draft',
    access: 'staff',
    ok: 200,
    body: { type: 'object', required: ['data'], properties: { data: { type: 'object' } } },
  },
  {
    method: 'post',
    path: '/api/tasks/bulk-complete',
    summary: '批量办理 Bulk complete (per-item results)',
    access: 'staff',
    ok: 200,
    body: {
      type: 'object',
      required: ['items'],
      properties: { items: { type: 'array', maxItems: 100, items: { type: 'object' } } },
    },
  },
  {
    method: 'post',
    path: '/api/cases',
    summary: '发起案件 Start a case',
    access: 'staff',
    ok: 201,
    body: {
      type: 'object',
      required: ['process', 'org', 'requestId'],
      properties: { process: id, org: id, subject: { type: 'object' }, data: { type: 'object' }, requestId },
    },
  },
  {
    method: 'get',
    path: '/api/cases',
    summary: '案件列表 Cases in my region',
    access: 'staff',
    ok: 200,
    query: {
      process: { type: 'string' },
      status: { type: 'string' },
      org: { type: 'string' },
      from: { type: 'string', description: 'YYYY-MM-DD' },
      to: { type: 'string', description: 'YYYY-MM-DD' },
      overdue: { type: 'string', enum: ['0', '1'] },
    },
  },
  {
    method: 'get',
    path: '/api/cases/export.xlsx',
    summary: '导出案件清单（Excel，默认脱敏）Export the case list',
    access: 'staff',
    ok: 200,
    query: {
      process: { type: 'string' },
      status: { type: 'string' },
      org: { type: 'string' },
      from: { type: 'string', description: 'YYYY-MM-DD' },
      to: { type: 'string', description: 'YYYY-MM-DD' },
      overdue: { type: 'string', enum: ['0', '1'] },
      unmask: { type: 'string', enum: ['0', '1'] },
    },
  },
  {
    method: 'get',
    path: '/api/cases/export.csv',
    summary:
      '案件清单导出（CSV）Cases in my region as CSV (personal data masked unless unmask=1 and allowed)',
    access: 'staff',
    ok: 200,
    query: {
      process: { type: 'string' },
      status: { type: 'string' },
      unmask: { type: 'string', enum: ['1'] },
    },
  },
  {
    method: 'get',
    path: '/api/cases/{id}',
    summary: '案件详情 State, progress, timeline',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/cases/{id}/withdraw',
    summary: '撤回 Withdraw',
    access: 'staff',
    ok: 200,
    body: { type: 'object', required: ['requestId'], properties: { requestId, comment } },
  },
  {
    method: 'post',
    path: '/api/cases/{id}/urge',
    summary: '催办 Urge',
    access: 'staff',
    ok: 200,
    body: { type: 'object', required: ['requestId'], properties: { requestId } },
  },
  {
    method: 'post',
    path: '/api/cases/{id}/cc',
    summary: '抄送 Copy to',
    access: 'staff',
    ok: 200,
    body: {
      type: 'object',
      required: ['requestId', 'userIds'],
      properties: { requestId, userIds: { type: 'array', maxItems: 100, items: id } },
    },
  },
  {
    method: 'post',
    path: '/api/cases/{id}/cancel',
    summary: '终止 Cancel (administrator)',
    access: ADMIN,
    ok: 200,
    body: { type: 'object', required: ['requestId', 'comment'], properties: { requestId, comment } },
  },
  {
    method: 'get',
    path: '/api/cases/{id}/documents/{form}',
    summary: '文书（A4 打印视图的数据）A document for the print view',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/cases/{id}/documents/{form}.pdf',
    summary: '文书PDF Document as PDF',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/public/orgs',
    summary: '公示地区 Places with a notice board',
    access: 'public',
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/public/notices',
    summary: '公示栏 Notices of a place (masked)',
    access: 'public',
    ok: 200,
    query: { org: { type: 'string' } },
  },
  {
    method: 'post',
    path: '/api/public/notices/{id}/objections',
    summary: '提出异议 File an objection',
    access: 'public',
    ok: 201,
    body: {
      type: 'object',
      required: ['content'],
      properties: {
        content: { type: 'string', maxLength: 2000 },
        name: { type: 'string', maxLength: 50 },
        contact: {
          type: 'string',
          maxLength: 50,
          description: '11位手机号或带区号的固定电话 a mobile or a landline with its area code',
        },
      },
    },
  },
  {
    method: 'get',
    path: '/api/public/objections/{receipt}',
    summary: '异议进度 Objection status',
    access: 'public',
    ok: 200,
  },
  { method: 'get', path: '/api/orgs', summary: '组织机构 Organisation tree', access: 'staff', ok: 200 },
  {
    method: 'get',
    path: '/api/processes',
    summary: '可发起的流程 Published processes',
    access: 'staff',
    ok: 200,
  },
  { method: 'get', path: '/api/users', summary: '本地区人员 People in my region', access: 'staff', ok: 200 },
  {
    method: 'get',
    path: '/api/households',
    summary: '农户查询（姓名、户编号、身份证号全号或后几位）Search households in my region',
    access: 'staff',
    ok: 200,
    query: {
      q: { type: 'string', description: '姓名、户编号、18位身份证号或其后4位以上' },
      org: { type: 'string' },
      status: { type: 'string', enum: ['none', 'warning', 'monitored', 'eliminated'] },
      closed: { type: 'string', enum: ['include', 'only'] },
      limit: { type: 'integer' },
    },
  },
  {
    method: 'post',
    path: '/api/households',
    summary: '新增农户（含家庭成员）Register a household with its members',
    access: REGISTRAR,
    ok: 201,
    body: {
      type: 'object',
      required: ['org', 'members'],
      properties: {
        org: { type: 'string' },
        members: { type: 'array', minItems: 1, maxItems: 30, items: member },
        phone: { type: 'string' },
        address: { type: 'string', maxLength: 200 },
        reason: { type: 'string', maxLength: 500 },
      },
    },
  },
  {
    method: 'post',
    path: '/api/households/import-preview',
    summary:
      '农户导入预览：整份检查（逐行报错，不写入）并列出将发生的变更 Check a household file and preview its changes',
    access: { roles: [...IMPORT_ROLES] },
    ok: 200,
    query: { filename: { type: 'string' } },
    upload: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  },
  {
    method: 'post',
    path: '/api/households/import',
    summary: '农户导入（确认预览后；重复导入无变化）Apply a previewed household file',
    access: { roles: [...IMPORT_ROLES] },
    ok: 200,
    query: { filename: { type: 'string' }, confirm: { type: 'string', description: '预览返回的 sha256' } },
    upload: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  },
  {
    method: 'get',
    path: '/api/households/import-template',
    summary: '农户导入模板（户信息 + 家庭成员，附件2指标）Import template',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/households/export',
    summary: '导出农户及最新附件2（与导入同一格式；默认脱敏，unmask=1 须有权限并留痕）Export households',
    access: 'staff',
    ok: 200,
    query: {
      org: { type: 'string' },
      status: { type: 'string', enum: ['none', 'warning', 'monitored', 'eliminated'] },
      since: { type: 'string', description: 'YYYY-MM-DD 起有变更的' },
      unmask: { type: 'string', enum: ['1'] },
    },
  },
  {
    method: 'get',
    path: '/api/warnings',
    summary: '部门数据预警清单（默认未处理的）Department warnings of my region',
    access: 'staff',
    ok: 200,
    query: { status: { type: 'string', enum: ['open', 'started', 'dismissed', 'closed', 'all'] } },
  },
  {
    method: 'post',
    path: '/api/warnings/{id}/dismiss',
    summary: '入户核查后排除预警（须填原因）Dismiss a warning with the reason',
    access: REGISTRAR,
    ok: 200,
    body: {
      type: 'object',
      required: ['reason'],
      properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
    },
  },
  {
    method: 'get',
    path: '/api/households/{id}',
    summary: '农户档案：成员及变更记录、案件、附件2版本 Household with members, history, cases',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/households/{id}/start-check',
    summary: '发起前检查：该流程是否适用于此农户 May this process start for the household',
    access: 'staff',
    ok: 200,
    query: { process: { type: 'string' } },
  },
  {
    method: 'post',
    path: '/api/households/{id}/correct',
    summary: '信息更正（须填原因）Correct household or member data',
    access: REGISTRAR,
    ok: 200,
    body: {
      type: 'object',
      required: ['reason'],
      properties: {
        reason: { type: 'string', minLength: 1, maxLength: 500 },
        phone: { type: ['string', 'null'] },
        address: { type: ['string', 'null'] },
        members: {
          type: 'array',
          items: { type: 'object', required: ['idNumber'], properties: { idNumber: { type: 'string' } } },
        },
      },
    },
  },
  {
    method: 'post',
    path: '/api/households/{id}/members',
    summary: '成员增加（出生、婚迁、迁入、补录）Add a member',
    access: REGISTRAR,
    ok: 201,
    body: {
      type: 'object',
      required: ['member', 'reason'],
      properties: {
        member,
        reason: { enum: ['birth', 'marriage_in', 'moved_in', 'correction'] },
        date: { type: 'string' },
        note: { type: 'string', maxLength: 500 },
      },
    },
  },
  {
    method: 'post',
    path: '/api/households/{id}/members/remove',
    summary: '成员减少（死亡、婚迁、分户、迁出）Remove a member',
    access: REGISTRAR,
    ok: 200,
    body: {
      type: 'object',
      required: ['idNumber', 'reason'],
      properties: {
        idNumber: { type: 'string' },
        reason: { enum: ['death', 'marriage_out', 'split', 'moved_out'] },
        date: { type: 'string' },
        note: { type: 'string', maxLength: 500 },
      },
    },
  },
  {
    method: 'post',
    path: '/api/households/{id}/close',
    summary: '注销农户（迁出、并户、成员均已死亡）Close a household',
    access: REGISTRAR,
    ok: 200,
    body: {
      type: 'object',
      required: ['reason'],
      properties: {
        reason: { enum: ['moved_away', 'merged', 'all_deceased'] },
        mergedInto: { type: 'string' },
        date: { type: 'string' },
        note: { type: 'string', maxLength: 500 },
      },
    },
  },
  {
    method: 'get',
    path: '/api/households/{id}/prefill',
    summary: '预填 Known data for a new application (audited)',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/events',
    summary: '实时刷新 Server-sent events with inbox counts',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/views',
    summary: '我的常用筛选 My saved inbox views',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/views',
    summary: '保存常用筛选（同名覆盖）Save an inbox view',
    access: 'staff',
    ok: 201,
    body: {
      type: 'object',
      required: ['name', 'query'],
      properties: { name: { type: 'string', minLength: 1, maxLength: 30 }, query: { type: 'object' } },
    },
  },
  {
    method: 'post',
    path: '/api/views/{id}/delete',
    summary: '删除常用筛选 Delete a saved view',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/notifications',
    summary: '通知（含每人已读状态与未读数）Notifications with my read state',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/notifications/{id}/read',
    summary: '标为已读 Mark read',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/notifications/read-all',
    summary: '全部标为已读 Mark all read',
    access: 'staff',
    ok: 200,
  },
  { method: 'get', path: '/api/dashboard', summary: '统计 Dashboard figures', access: 'staff', ok: 200 },
  { method: 'get', path: '/api/forms', summary: '表单列表 Forms', access: 'staff', ok: 200 },
  {
    method: 'get',
    path: '/api/codelists',
    summary: '代码表（按编码）Code lists by key',
    access: 'staff',
    ok: 200,
    query: { keys: { type: 'string' } },
  },
  {
    method: 'get',
    path: '/api/forms/{key}',
    summary: '表单最新版 Latest published form',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/forms/{key}/versions/{version}',
    summary: '表单指定版本 A form version',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/forms/{key}/validate',
    summary: '校验 Validate form data',
    access: 'staff',
    ok: 200,
    body: { type: 'object' },
  },
  {
    method: 'get',
    path: '/api/calendar/status',
    summary: '节假日安排提醒 Whether a year of the holiday calendar is missing',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/admin/calendar',
    summary: '节假日安排 Years of the working-day calendar',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/admin/calendar/{year}',
    summary: '某年节假日安排及其版本 One year and its versions',
    access: ADMIN,
    ok: 200,
    query: { scope: { type: 'string', description: 'national，或地区节点（本地区增加的节日）' } },
  },
  {
    method: 'post',
    path: '/api/admin/calendar/{year}/preview',
    summary: '预览节假日安排 Check a year and show what would change',
    access: ADMIN,
    ok: 200,
    body: CALENDAR_BODY,
  },
  {
    method: 'post',
    path: '/api/admin/calendar/{year}/versions',
    summary: '发布节假日安排 Publish a new version of a year',
    access: ADMIN,
    ok: 201,
    body: CALENDAR_BODY,
  },
  {
    method: 'get',
    path: '/api/admin/processes',
    summary: '流程版本 Process versions',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/processes',
    summary: '新建流程 Create a process',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
  },
  {
    method: 'post',
    path: '/api/admin/processes/{key}/copy',
    summary: '复制流程 Copy a process under a new key (references rewritten)',
    access: ADMIN,
    ok: 201,
    body: {
      type: 'object',
      required: ['key'],
      properties: {
        key: { type: 'string', maxLength: 64 },
        title: { type: 'object' },
        forms: { type: 'object', additionalProperties: { type: 'string', maxLength: 64 } },
        pack: { type: 'string', maxLength: 40 },
        draft: { type: 'boolean' },
      },
    },
  },
  {
    method: 'post',
    path: '/api/admin/processes/validate',
    summary: '校验流程 Validate a definition',
    access: ADMIN,
    ok: 200,
    body: { type: 'object' },
  },
  {
    method: 'get',
    path: '/api/admin/processes/{key}/diff',
    summary: '流程版本对比 What changed between two versions',
    access: ADMIN,
    ok: 200,
    query: { from: { type: 'integer' }, to: { type: 'integer' } },
  },
  {
    method: 'get',
    path: '/api/admin/forms/{key}/diff',
    summary: '表单版本对比 What changed between two versions',
    access: ADMIN,
    ok: 200,
    query: { from: { type: 'integer' }, to: { type: 'integer' } },
  },
  {
    method: 'get',
    path: '/api/admin/processes/{key}/versions/{version}',
    summary: '流程版本详情 A process version',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/processes/{key}/versions',
    summary: '发布流程新版本 Validate and publish',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
  },
  {
    method: 'get',
    path: '/api/admin/activities',
    summary: '活动注册表 Activity registry',
    access: ADMIN,
    ok: 200,
  },
  { method: 'get', path: '/api/admin/forms', summary: '表单版本 Form versions', access: ADMIN, ok: 200 },
  {
    method: 'get',
    path: '/api/admin/forms/{key}/versions/{version}',
    summary: '表单版本原文 A form version as stored',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/admin/roles',
    summary: '角色 Roles and levels of the pack',
    access: { roles: ['admin', 'security_admin'] },
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/forms',
    summary: '新建表单 Create a form',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
  },
  {
    method: 'post',
    path: '/api/admin/forms/{key}/versions',
    summary: '发布表单新版本 Publish a form version',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
  },
  {
    method: 'post',
    path: '/api/admin/forms/{key}/copy',
    summary: '复制表单 Copy a form under a new key',
    access: ADMIN,
    ok: 201,
    body: {
      type: 'object',
      required: ['key'],
      properties: {
        key: { type: 'string', maxLength: 64 },
        title: { type: 'object' },
        pack: { type: 'string', maxLength: 40 },
      },
    },
  },
  {
    method: 'post',
    path: '/api/admin/packs/import',
    summary: '导入政策包 Import a pack',
    access: ADMIN,
    ok: 200,
    body: { type: 'object' },
  },
  {
    method: 'get',
    path: '/api/admin/packs',
    summary: '已安装政策包 Installed packs',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/packs/{id}/scope',
    summary: '政策包安装范围 Install a pack for an org subtree',
    access: ADMIN,
    ok: 200,
    body: { type: 'object', properties: { org: { type: ['string', 'null'], maxLength: 40 } } },
  },
  {
    method: 'get',
    path: '/api/admin/org-tree',
    summary: '组织机构树 The organisation tree',
    access: { roles: ['admin', 'security_admin'] },
    ok: 200,
    query: { root: { type: 'string' } },
  },
  {
    method: 'post',
    path: '/api/admin/org-tree/import',
    summary: '导入区划清单 Import a division list (previewed, idempotent)',
    access: ADMIN,
    ok: 200,
    body: {
      type: 'object',
      properties: {
        rows: { type: 'array', maxItems: 20000 },
        csv: { type: 'string', maxLength: 5000000 },
        xlsx: { type: 'string', maxLength: 10000000 },
        dryRun: { type: 'boolean' },
      },
    },
  },
  {
    method: 'post',
    path: '/api/admin/org-nodes',
    summary: '新增或更名机构 Add or rename a node',
    access: ADMIN,
    ok: 200,
    body: {
      type: 'object',
      required: ['code', 'name'],
      properties: {
        code: { type: 'string', maxLength: 15 },
        name: { type: 'string', maxLength: 100 },
        parentCode: { type: 'string', maxLength: 15 },
        level: { type: 'string', maxLength: 20 },
      },
    },
  },
  {
    method: 'post',
    path: '/api/admin/org-nodes/{id}/close',
    summary: '撤销机构 Close a node',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/admin/packs/{id}/export',
    summary: '导出政策包 Export a pack',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/admin/packs/{id}/diff',
    summary: '政策包差异 Diff two pack versions',
    access: ADMIN,
    ok: 200,
    query: { from: { type: 'string' }, to: { type: 'string' } },
  },
  {
    method: 'post',
    path: '/api/attachments',
    summary: '上传照片或手写签名（图片作为请求体）Upload a photo or signature',
    access: { roles: [...CASE_ROLES] },
    ok: 201,
    upload: ['image/jpeg', 'image/png', 'image/webp'],
  },
  {
    method: 'get',
    path: '/api/attachments/{id}',
    summary: '读取附件（上传人或案件所在地区的工作人员）Read an attachment',
    access: 'staff',
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/department-data/imports',
    summary: '导入部门数据（CSV 或 XLSX 作为请求体；整份文件有误则不导入）Import department records',
    access: { roles: ['county_rural_bureau'] },
    ok: 202,
    query: { filename: { type: 'string' } },
    upload: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  },
  {
    method: 'get',
    path: '/api/department-data/imports',
    summary: '部门数据导入批次 Recent imports',
    access: { roles: ['county_rural_bureau'] },
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/department-data/imports/{id}',
    summary: '导入进度 Progress of an import',
    access: { roles: ['county_rural_bureau'] },
    ok: 200,
  },
  {
    method: 'get',
    path: '/api/admin/schedules',
    summary: '定时任务 Pack schedules with next runs and recent rounds',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/schedules/{id}/run',
    summary: '立即执行定时任务 Run a schedule now',
    access: ADMIN,
    ok: 202,
  },
  {
    method: 'get',
    path: '/api/admin/parameters',
    summary: '政策参数 Parameters with history',
    access: ADMIN,
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/parameters',
    summary: '设置年度参数 Set a yearly parameter',
    access: ADMIN,
    ok: 201,
    body: {
      type: 'object',
      required: ['key', 'year', 'value'],
      properties: {
        key: { type: 'string', maxLength: 64 },
        year: { type: 'integer' },
        value: {},
        title: { type: 'object' },
        source: { type: 'object' },
        pack: { type: 'string', maxLength: 40 },
      },
    },
  },
  { method: 'get', path: '/api/admin/codelists', summary: '代码表 Code lists', access: ADMIN, ok: 200 },
  {
    method: 'post',
    path: '/api/admin/codelists',
    summary: '新建代码表 Create a code list',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
  },
  {
    method: 'post',
    path: '/api/admin/codelists/{key}/versions',
    summary: '发布代码表 Publish a code list',
    access: ADMIN,
    ok: 201,
    body: { type: 'object' },
  },
  {
    method: 'get',
    path: '/api/admin/users',
    summary: '用户 Users and roles',
    access: { roles: ['security_admin', 'admin'] },
    ok: 200,
  },
  {
    method: 'post',
    path: '/api/admin/users',
    summary: '新建用户 Create a user',
    access: SECURITY,
    ok: 201,
    body: {
      type: 'object',
      required: ['username', 'name', 'password', 'roles'],
      properties: {
        username: { type: 'string' },
        name: { type: 'string' },
        password: { type: 'string' },
        roles: {
          type: 'array',
          items: {
            type: 'object',
            required: ['role', 'org'],
            properties: { role: { type: 'string' }, org: { type: 'string' }, department: { type: 'string' } },
          },
        },
      },
    },
  },
  {
    method: 'post',
    path: '/api/admin/users/{id}/roles',
    summary: '分配角色（替换）Set a user’s roles',
    access: SECURITY,
    ok: 200,
    body: {
      type: 'object',
      required: ['roles'],
      properties: {
        roles: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['role', 'org'],
            properties: { role: { type: 'string' }, org: { type: 'string' }, department: { type: 'string' } },
          },
        },
      },
    },
  },
  {
    method: 'post',
    path: '/api/admin/users/{id}/status',
    summary: '启用/停用用户 Enable or disable a user',
    access: SECURITY,
    ok: 200,
    body: { type: 'object', required: ['disabled'], properties: { disabled: { type: 'boolean' } } },
  },
  {
    method: 'get',
    path: '/api/admin/projection-dead-letters',
    summary: '投影死信 Events the read model refused (masked)',
    access: ADMIN,
    ok: 200,
    query: {
      open: { type: 'string', enum: ['1'], description: '仅未重放的 only those not yet replayed' },
      limit: { type: 'integer' },
    },
  },
  {
    method: 'post',
    path: '/api/admin/projection-dead-letters/{id}/replay',
    summary: '重放死信 Replay a refused event after a fix',
    access: ADMIN,
    ok: 200,
  },
  { method: 'get', path: '/api/admin/audit', summary: '审计日志 Audit log', access: AUDITOR, ok: 200 },
  {
    method: 'get',
    path: '/api/admin/audit/verify',
    summary: '校验审计链 Verify the audit chain',
    access: AUDITOR,
    ok: 200,
  },
  { method: 'get', path: '/metrics', summary: '监控指标 Prometheus metrics', access: 'public', ok: 200 },
  { method: 'get', path: '/api/openapi.json', summary: '接口文档 This document', access: 'public', ok: 200 },
];

const problem = {
  description: 'application/problem+json',
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        required: ['status', 'code', 'title', 'errors'],
        properties: {
          status: { type: 'integer' },
          code: { type: 'string' },
          title: { type: 'string', description: '中文' },
          title_en: { type: 'string' },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                path: { type: 'string' },
                message: { type: 'string' },
                message_en: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
};

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of ENDPOINTS) {
    const params = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    for (const [name, schema] of Object.entries(e.query ?? {}))
      params.push({ name, in: 'query', required: false, schema: schema as never });
    const responses: Record<string, unknown> = {
      [String(e.ok)]: { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
    };
    // 415: any endpoint refuses a compressed body (the edge); upload endpoints also refuse other media types
    for (const s of ['400', '401', '403', '404', '409', '413', '415', '422', '429']) responses[s] = problem;
    paths[e.path] ??= {};
    paths[e.path][e.method] = {
      summary: e.summary,
      security: e.access === 'public' ? [] : [{ session: [] }],
      'x-access': e.access,
      parameters: params,
      ...(e.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: e.body } } } }
        : {}),
      ...(e.upload
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                e.upload.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }]),
              ),
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '振兴 Zhenxing API',
      version: '1.0.0',
      description: '巩固拓展脱贫攻坚成果流程平台接口。写操作需要会话 Cookie 与 x-csrf-token 请求头。',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'zx_session' } } },
    paths,
  };
}

/** A browsable page listing the endpoints (no external scripts: the machine may have no internet). */
export function docsPage(): string {
  const rows = ENDPOINTS.map((e) => {
    const who =
      e.access === 'public'
        ? '公开'
        : e.access === 'staff'
          ? '登录用户（按地区）'
          : e.access.roles.join(', ');
    return `<tr><td><code>${e.method.toUpperCase()}</code></td><td><code>${e.path}</code></td><td>${e.summary}</td><td>${who}</td></tr>`;
  }).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>振兴 API</title>
<style>body{font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif;margin:2rem;color:#1f1f1f}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #eee;padding:.4rem .6rem;text-align:left;font-size:14px}code{color:#0958d9}</style></head>
<body><h1>振兴 Zhenxing API</h1><p>机器可读文档：<a href="/api/openapi.json">/api/openapi.json</a>（OpenAPI 3.1）。错误统一为 application/problem+json。</p>
<table><thead><tr><th>方法</th><th>路径</th><th>说明</th><th>权限</th></tr></thead><tbody>${rows}</tbody></table></body></html>`;
}
