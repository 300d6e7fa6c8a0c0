/**
 * 流程定义 process definition: an approval chain as data.
 *
 * A definition is a flat graph of steps addressed by id. The interpreter
 * (`case-workflow.ts`) walks it; the designer edits it; the validator
 * (`server/definitions/`) checks it before it can be published. Pure types:
 * this file is imported by the workflow bundle, the server and the web app.
 */

/** JSON Logic expression (https://jsonlogic.com), evaluated without eval. */
export type Logic = unknown;

/** 组织层级 organisation level, from the case's node upwards. */
export type OrgLevel = 'village' | 'township' | 'county' | 'city' | 'province';

/** Where a rule comes from: a seed document and line(s). */
export interface Source {
  file: string;
  lines: string;
  note?: string;
}

export interface Text {
  zh: string;
  en?: string;
}

/** A number fixed in the definition, or a policy parameter looked up when the case starts. */
export type NumberOrParam = number | { param: string };

/**
 * 签名记录 one signer's signature on one visit of a step, kept in case data under
 * `signatures[stepId]` so documents (附件3, 附件5) compose their sections from who actually signed.
 */
export interface SignatureRecord {
  userId: string;
  name: string;
  /** the post (role) the signer signed for */
  post?: string;
  action: string;
  opinion?: string;
  /** handwritten signature (attachment reference), when the form has one */
  signature?: unknown;
  /** the date written on the form, else the day of signing (China time) */
  date: string;
  at: number;
  /** visit of the step (0 = first; a return makes a new visit) */
  round: number;
  taskId: string;
}

/**
 * The step kinds live one module each in `kinds/<kind>.ts`, registered in `kinds/index.ts`; their types are
 * re-exported here for the many places that import them from the definition.
 */
export type {
  Step,
  StepType,
  TaskStep,
  TaskAction,
  TaskMode,
  TaskEvidence,
  Sla,
  Assignee,
  Post,
  NoticeStep,
  ActivityStep,
  DecisionStep,
  ParallelStep,
  EndStep,
} from './kinds/index.js';
export { modeOf, transitions, evidenceStore } from './kinds/index.js';
import type { Step } from './kinds/index.js';

/** 办理对象 what a case is about. */
export type SubjectKind = 'household' | 'project' | 'asset' | 'campaign';

/** 监测状态 a household's monitoring status: 未纳入 / 预警 / 监测中 / 风险已消除 */
export type SubjectStatus = 'none' | 'warning' | 'monitored' | 'eliminated';

export interface ProcessDefinition {
  key: string;
  version: number;
  title: Text;
  subject: SubjectKind;
  /** a household case holds its household while it runs (default); follow-ups set false to run beside it */
  exclusive?: boolean;
  /** 适用对象 household statuses a case may start from (identification: not monitored; elimination: monitored); any when absent */
  subjectStatuses?: SubjectStatus[];
  /** the level of the node a case starts at (usually village) */
  startLevel?: OrgLevel;
  /** roles that may start a case */
  starters?: string[];
  start: string;
  steps: Step[];
  source?: Source;
}

export const JOIN = '$join';

export function stepById(def: ProcessDefinition, id: string): Step | undefined {
  return def.steps.find((s) => s.id === id);
}
