/**
 * 接口响应类型 the shapes of the API's JSON answers, shared by the server (the services and handlers that
 * build them declare these return types) and the web app (`web/src/api.ts` calls name them). Types only:
 * no code, no imports but types, so the web may import it (`import type`) without reaching the server.
 *
 * Times are ISO text on the wire (`Instant`): the server builds some of these from PostgreSQL rows whose
 * timestamps are `Date`s until they are serialised.
 */
import type { ProcessDefinition, TaskAction, Text } from '../workflows/definition.js';
import type { FormDocument } from '../forms/validate.js';

/** A point in time as the JSON carries it (ISO 8601). */
export type Instant = string;

/** `{ items }`, the list envelope of most reads. */
export interface Items<T> {
  items: T[];
}

// ---- organisation, people, processes, forms ----

/** GET /api/orgs: one node of the organisation tree. */
export interface OrgNode {
  id: string;
  parent_id: string | null;
  level: string;
  name: string;
}

/** GET /api/users: a person holding a role in the asker's region (one row per role). */
export interface PersonRole {
  id: string;
  name: string;
  role: string;
  org_id: string;
}

/** GET /api/processes: the latest published version of each procedure. */
export interface ProcessSummary {
  key: string;
  version: number;
  title: Text;
  subject: string;
  starters?: string[] | null;
}

/** GET /api/forms/:key: the latest version with its code lists resolved, and every version. */
export interface FormVersions {
  latest: FormDocument;
  versions: { version: number; status: string; created_at: Instant }[];
}

// ---- cases ----

/** One step a case is at (`cases.current_steps`). */
export interface CurrentStep {
  id: string;
  title?: string;
}

/** GET /api/cases: one row of the case list. */
export interface CaseListItem {
  id: string;
  title: string;
  process_key: string;
  process_version: number;
  org_id: string;
  org_name: string;
  subject_id: string | null;
  subject_name: string | null;
  status: string;
  outcome: string | null;
  current_steps: CurrentStep[];
  started_at: Instant;
  ended_at: Instant | null;
  /** an open task of the case is past its due time */
  overdue: boolean;
}

/** POST /api/cases: the case started (or found again for a repeated request). */
export interface StartedCase {
  id: string;
  [more: string]: unknown;
}

/** What a case event carries; each kind fills its own part. */
export interface CaseEventPayload {
  taskId?: string;
  stepTitle?: string;
  action?: string;
  actorName?: string;
  comment?: string;
  /** the last signature of a step: the step is done */
  final?: boolean;
  notifyKind?: string;
  message?: string;
  days?: number;
  closesAt?: number | string | null;
  calendarNote?: string;
  objectionCount?: number;
  [more: string]: unknown;
}

/** One line of a case's timeline. */
/** 自动环节 one activity step of a case as the timeline shows it (kind `activity.*`): attempts, duration, summaries. */
export interface ActivityRunPayload {
  stepTitle?: string;
  activity: string;
  attempts: number;
  startedAt: string;
  durationMs: number | null;
  inputSummary: string;
  outputSummary: string | null;
  error: string | null;
}

export interface CaseEvent {
  seq: number;
  kind: string;
  step_id: string | null;
  actor_id: string | null;
  actor_name: string | null;
  payload: CaseEventPayload | null;
  at: Instant;
}

/** A signature on a task (`tasks.signers`). */
export interface Signer {
  userId?: string;
  name: string;
  action: string;
  comment?: string;
  at: number;
}

/** A task of a case as the case page lists it. */
export interface CaseTask {
  id: string;
  step_id: string;
  step_title: string;
  status: string;
  role: string | null;
  org_id: string | null;
  assignee_user: string | null;
  signers: Signer[] | null;
  created_at: Instant;
  completed_at: Instant | null;
  due_at: Instant | null;
  outcome_action: string | null;
}

/** A 公示 window of a case. */
export interface CaseNotice {
  id: string;
  step_id: string;
  title: string;
  level: string;
  days: number;
  calendar: string;
  opens_at: Instant;
  /** null while the close time waits for the holiday calendar */
  closes_at: Instant | null;
  closed_at: Instant | null;
  objection_count: number;
  calendar_note: string | null;
}

/** A window or SLA waiting for a year of the holiday calendar nobody has published yet. */
export interface CalendarWait {
  step_id: string;
  purpose: 'notice' | 'sla' | string;
  year: number;
  message: string;
  since: Instant;
}

/** An objection filed on the public board, as the case page shows it (text masked like case data). */
export interface CaseObjection {
  receipt: string;
  notice_id: string;
  content: string;
  status: string;
  filed_at: Instant;
  decided_at: Instant | null;
}

/** GET /api/cases/:id: a case with its definition, progress, timeline, notices and objections. */
export interface CaseView {
  case: {
    id: string;
    title: string;
    processKey: string;
    processVersion: number;
    orgId: string;
    orgName: string;
    subjectKind: string;
    subjectId: string | null;
    subjectName: string | null;
    initiatorId: string;
    status: string;
    outcome: string | null;
    currentSteps: CurrentStep[];
    startedAt: Instant;
    endedAt: Instant | null;
  };
  data: Record<string, unknown>;
  /** the personal data is in full (an audited read), else masked */
  unmasked: boolean;
  definition: ProcessDefinition | undefined;
  progress: { done: string[]; current: string[] };
  tasks: CaseTask[];
  timeline: CaseEvent[];
  notices: CaseNotice[];
  calendarWaits: CalendarWait[];
  objections: CaseObjection[];
  /** 撤回 the initiator may still withdraw */
  canWithdraw: boolean;
}

// ---- tasks ----

/** A document of the case shown read-only beside a task's form. */
export interface EvidenceDocument {
  /** where the case keeps it (case data key) */
  key: string;
  formKey: string;
  title: string;
  stepTitle: string;
  form: { schema: unknown; uiSchema?: unknown } | null;
  data: Record<string, unknown>;
  /** who signed it off and when (the last action on its step) */
  signedBy?: { name: string; at: string; action: string };
}

/** An objection filed during one of the case's notices, beside a task. */
export interface EvidenceObjection {
  receipt: string;
  content: string;
  status: string;
  filedAt: Instant;
  noticeTitle: string;
}

/** An earlier opinion on the case. */
export interface OpinionLine {
  actor_name: string;
  action: string;
  comment: string | null;
  at: Instant;
  step_title: string;
}

/** GET /api/tasks/:id: one task with its form, allowed actions, earlier opinions and the case's documents. */
export interface TaskView {
  task: {
    id: string;
    caseId: string;
    stepId: string;
    stepTitle: string;
    status: string;
    role: string | null;
    orgId: string | null;
    assigneeUser: string | null;
    createdAt: Instant;
    dueAt: Instant | null;
    signers: Signer[] | null;
    minSigners: number;
    draft: Record<string, unknown> | null;
  };
  case: {
    id: string;
    title: string;
    processKey: string;
    processVersion: number;
    status: string;
    subjectName: string | null;
  };
  form: { key: string; version: number; stage?: string; document: FormDocument | null } | null;
  data: Record<string, unknown>;
  prefill: Record<string, unknown>;
  /** what the form opens with: the draft, else what was submitted before over the prefilled values */
  initialData: Record<string, unknown>;
  fieldPermissions: Record<string, string>;
  unmasked: boolean;
  actions: TaskAction[];
  returnTargets: { id: string; title: string }[];
  history: OpinionLine[];
  returnedComment?: string;
  evidence: { documents: EvidenceDocument[]; objections: EvidenceObjection[] };
  /**
   * 佐证材料 the step's per-actor form (入户核实记录: photos, signatures), sent as `evidence` with the form
   * action, and the reader's own earlier record; null when the step has none
   */
  ownRecord?: { form: FormDocument | null; data: Record<string, unknown> | null } | null;
  /** 收入参考 the year's income threshold and period (a hint for verifiers and reviewers, never a refusal) */
  incomeHint?: IncomeHint;
}

/** The income hint on a task of a process that computes income. */
export interface IncomeHint {
  threshold: number;
  year: number;
  period: { from: string; to: string } | null;
  A34?: number | null;
  A38?: number | null;
  belowThreshold?: boolean;
}

/** GET /api/tasks: one line of an inbox tab. */
export interface InboxItem {
  task_id: string;
  step_id: string;
  step_title: string;
  task_status: string;
  created_at: Instant;
  due_at: Instant | null;
  role: string | null;
  org_id: string | null;
  assignee_user: string | null;
  form_key: string | null;
  case_id: string;
  title: string;
  process_key: string;
  case_status: string;
  subject_name: string | null;
  case_org: string;
  /** 会签 how many must sign and how many have (not on the plain 待办 page) */
  min_signers?: number;
  signed_count?: number;
}

/** GET /api/tasks: a page of an inbox tab. */
export interface InboxPage {
  items: InboxItem[];
  nextCursor: string | null;
}

/** GET /api/tasks/counts: how many lines each inbox tab has. */
export interface InboxCounts {
  todo: number;
  done: number;
  initiated: number;
  cc: number;
}

// ---- the household registry (农户档案) ----

/** GET /api/households: one household found (ID numbers masked). */
export interface HouseholdListItem {
  id: string;
  head_name: string;
  head_id_number: string;
  org_id: string;
  org_name: string;
  /** none | warning | monitored | eliminated */
  monitoring_status: string;
  monitoring_type: string | null;
  active_case_id: string | null;
  /** how many members */
  size: number;
  closed_at: Instant | null;
}

/** POST /api/households: the new household's number and how many members it was registered with. */
export interface HouseholdCreated {
  id: string;
  members: number;
}

/** The household's own row on its page (masked; the stored member list is also sent, `HouseholdView.members` is the one to read). */
export interface HouseholdRecord {
  id: string;
  org_id: string;
  org_path: string[];
  org_name: string;
  head_name: string;
  head_id_number: string;
  monitoring_status: string;
  monitoring_type: string | null;
  monitored_since: string | null;
  monitor_contact: { name: string; phone?: string | null } | null;
  active_case_id: string | null;
  phone: string | null;
  address: string | null;
  created_at: Instant;
  updated_at: Instant;
  closed_at: Instant | null;
  close_reason: 'moved_away' | 'merged' | 'all_deceased' | null;
  close_note: string | null;
}

/** A member, current or former, with the other 附件2 member indicators (`health`, `labour`, …). */
export interface HouseholdMember {
  idNumber: string;
  name: string;
  relation: string;
  health?: string;
  labour?: string;
  active: boolean;
  joinedOn: string | null;
  leftOn: string | null;
  leftReason: string | null;
  [indicator: string]: unknown;
}

/** One change of the household's record (newest first). */
export interface HouseholdHistoryEntry {
  seq: number;
  kind: string;
  id_number: string | null;
  member_name: string | null;
  reason: string | null;
  effective_on: string | null;
  detail: unknown;
  case_id: string | null;
  at: Instant;
  actor_name: string | null;
}

/** A signed form kept when a step of the household's case completed. */
export interface HouseholdCaseDocument {
  id: string;
  case_id: string;
  step_id: string;
  form_key: string;
  form_title: string | null;
  created_at: Instant;
}

export interface HouseholdCase {
  id: string;
  title: string;
  process_key: string;
  status: string;
  outcome: string | null;
  started_at: Instant;
  ended_at: Instant | null;
  documents: HouseholdCaseDocument[];
}

/** An approved 附件2 written back to the household. */
export interface HouseholdCollection {
  stage: string;
  case_id: string;
  version: number;
  written_at: Instant;
}

/** A department warning about the household. */
export interface HouseholdWarning {
  id: string;
  kinds: string[];
  raised_case_id: string | null;
  raised_at: Instant;
  status: string;
  identification_case_id: string | null;
  reason: string | null;
  closed_at: Instant | null;
  escalated_at: Instant | null;
}

/** What a sweep's visit found at the household. */
export interface HouseholdSweepVisit {
  sweep_case_id: string;
  sweep_title: string;
  result: 'at_risk' | 'not_at_risk';
  note: string | null;
  visited_at: Instant;
  visited_by: string | null;
}

/** 户的历程 one event of the household's timeline. */
export interface HouseholdTimelineEntry {
  at: Instant;
  kind: string;
  text: string;
  case_id?: string | null;
  process_key?: string;
  status?: string;
  outcome?: string | null;
  documents?: { form_key: string; form_title: string | null; step_id: string }[];
  actor_name?: string | null;
}

/** GET /api/households/:id: the household page. */
export interface HouseholdView {
  household: HouseholdRecord;
  members: HouseholdMember[];
  history: HouseholdHistoryEntry[];
  cases: HouseholdCase[];
  collections: HouseholdCollection[];
  warnings: HouseholdWarning[];
  sweeps: HouseholdSweepVisit[];
  timeline: HouseholdTimelineEntry[];
}

/** GET /api/warnings: a department warning of my region, with when it is due to be checked. */
export interface WarningListItem extends HouseholdWarning {
  household_id: string;
  head_name: string;
  village_id: string | null;
  village_name: string | null;
  due_at: Instant;
  overdue: boolean;
}

/** GET /api/sweeps: a sweep of my region and how far its register got. */
export interface SweepListItem {
  id: string;
  title: string;
  org_id: string;
  org_name: string;
  status: string;
  started_at: Instant;
  ended_at: Instant | null;
  households: number;
  visited: number;
  at_risk: number;
}

/** One household of a sweep's register: what the visit found, and the identification after it. */
export interface SweepRegisterRow {
  id: string;
  head_name: string;
  monitoring_status: string;
  active_case_id: string | null;
  result: 'at_risk' | 'not_at_risk' | null;
  note: string | null;
  visited_at: Instant | null;
  visited_by: string | null;
  identification_case_id: string | null;
}

/** GET /api/sweeps/:id/register */
export interface SweepRegister {
  sweep: { id: string; title: string; org_id: string; status: string; started_at: Instant };
  summary: { households: number; visited: number; at_risk: number; not_at_risk: number };
  items: SweepRegisterRow[];
}

/** One change a household file would make. */
export interface ImportChange {
  household: string;
  kind: 'household.new' | 'household.field' | 'member.added' | 'member.removed' | 'member.field';
  field?: string;
  member?: string;
  from?: unknown;
  to?: unknown;
  message: string;
}

/** POST /api/households/import-preview: what the file would change (nothing written). */
export interface ImportPreview {
  /** confirm the import with this */
  sha256: string;
  households: number;
  members: number;
  changed: number;
  unchanged: number;
  /** the first 1,000 changes */
  changes: ImportChange[];
  totalChanges: number;
}

/** POST /api/households/import: what the import did. */
export interface ImportResult {
  importId: string;
  created: number;
  updated: number;
  unchanged: number;
  /** how many changes were written */
  changes: number;
}

// ---- administration (/api/admin) ----

/** The policy text a rule, parameter or schedule comes from (a seed file and its lines, or a note). */
export interface PolicySource {
  file?: string;
  lines?: string;
  note?: string;
}

/** GET /api/admin/forms and /api/admin/processes: every version of every form or process, by key and version. */
export interface VersionRow {
  key: string;
  version: number;
  status: 'published' | 'draft';
  title: Text | null;
  created_at: Instant;
  /** processes only */
  created_by?: string | null;
}

/** GET /api/admin/forms/:key/versions/:version: one form version as stored. */
export interface FormVersionRow {
  key: string;
  version: number;
  status: 'published' | 'draft';
  document: FormDocument;
}

/** A new version published (forms, code lists, processes): its number. */
export interface Published {
  version: number;
}

/** GET /api/admin/parameters: one yearly value of a policy parameter (rows by key, then year). */
export interface ParameterRow {
  key: string;
  year: number;
  value: unknown;
  title: Text | null;
  source: PolicySource | null;
  created_by: string | null;
  created_at: Instant;
}

/** One round a schedule fired (the newest five are listed). */
export interface ScheduleRound {
  id: string;
  startedAt: Instant;
  finishedAt: Instant | null;
  /** how many targets the round chose */
  targets: number;
  started: number;
  /** how many targets were skipped (their case of the previous round still running) */
  skipped: number;
}

/** GET /api/admin/schedules: a pack schedule with its next runs (Asia/Shanghai) and recent rounds. */
export interface ScheduleView {
  id: string;
  process: string;
  title: Text;
  calendar: { month?: number[]; dayOfMonth?: number[]; hour?: number[] };
  targets: string;
  targetsTitle?: Text;
  timezone: string;
  source?: PolicySource;
  /** false: the Temporal schedule is missing (it cannot be run now) */
  registered: boolean;
  paused: boolean;
  nextRuns: Instant[];
  rounds: ScheduleRound[];
}

/** GET /api/calendar/status: the years of the holiday calendar still missing, and cases waiting for them. */
export interface CalendarStatus {
  today: string;
  missing: number[];
  daysLeft: number;
  waiting: { year: number; cases: number }[];
  /** what the administrator is told, or null when nothing is missing */
  message: string | null;
}
