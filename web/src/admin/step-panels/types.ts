/** What every step panel of the process designer receives, and the labels the panels share. */
import type { OrgLevel, Step } from '../../../../workflows/definition';

export type StepKind = Step['type'];
export type StepOf<K extends StepKind> = Extract<Step, { type: K }>;

/** An activity the designer may offer: its name, title and input schema. */
export interface ActivityInfo {
  name: string;
  title: { zh: string };
  inputSchema?: {
    properties?: Record<string, { title?: string; type?: string | string[] }>;
    required?: string[];
  };
}

export interface DesignerContext {
  meta: {
    forms: string[];
    roles: { key: string; title: { zh: string } }[];
    activities: ActivityInfo[];
  };
  /** steps a transition may go to (the step itself left out) */
  targets: { value: string; label: string }[];
  /** case values a condition or an input may read */
  variables: string[];
  /** policy parameter keys */
  params: string[];
  /** this year's value of each policy parameter (for the rule shown, e.g. minVerifiers = 2) */
  paramValues: Record<string, unknown>;
  /** per form used by the process: its top-level fields and the stages it is filled in */
  formInfo: Record<string, { fields: string[]; stages: string[] }>;
}

export interface PanelProps<K extends StepKind> {
  step: StepOf<K>;
  /** change the selected step (the patch mutates a copy; undo/redo keep the history) */
  setStep: (patch: (s: StepOf<K>) => void) => void;
  ctx: DesignerContext;
}

export const TYPE_ZH: Record<StepKind, string> = {
  task: '人工审批',
  notice: '公示',
  activity: '自动活动',
  decision: '条件分支',
  parallel: '并行',
  end: '结束',
};

export const LEVELS: { value: OrgLevel; label: string }[] = [
  { value: 'village', label: '村' },
  { value: 'township', label: '乡镇' },
  { value: 'county', label: '县' },
];

/** 分阶段填写 the stages of 附件2 (other forms name their own) */
export const STAGE_LABELS: Record<string, string> = {
  identification: '识别阶段',
  measures: '帮扶措施阶段',
  elimination: '风险消除阶段',
};
