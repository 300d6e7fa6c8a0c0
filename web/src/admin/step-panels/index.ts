/**
 * 步骤属性面板 one panel component per step kind, in one table keyed by kind.
 * Adding a step kind: its module under workflows/steps, its panel here, and its
 * row in this table (the designer renders `STEP_PANELS[step.type]`).
 */
import type { ComponentType } from 'react';
import type { PanelProps, StepKind } from './types';
import TaskPanel from './task';
import NoticePanel from './notice';
import ActivityPanel from './activity';
import DecisionPanel from './decision';
import ParallelPanel from './parallel';
import EndPanel from './end';

export const STEP_PANELS: { [K in StepKind]: ComponentType<PanelProps<K>> } = {
  task: TaskPanel,
  notice: NoticePanel,
  activity: ActivityPanel,
  decision: DecisionPanel,
  parallel: ParallelPanel,
  end: EndPanel,
};

export { TYPE_ZH, LEVELS, type DesignerContext, type StepKind, type StepOf } from './types';
