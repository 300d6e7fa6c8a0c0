/** 公示 a public-notice window on the public board of an organisation level. Runner: `steps/notice.ts`. */
import type { NumberOrParam, OrgLevel, Source, Text } from '../definition.js';
import { LEVEL_ENUM, stepSchema, TARGET, type StepKind } from './kind.js';

export interface NoticeStep {
  id: string;
  type: 'notice';
  title: Text;
  level: OrgLevel;
  days: NumberOrParam;
  calendar?: 'calendar' | 'working' | { param: string };
  /** which case data is shown on the board (masked by the server) */
  publish?: string[];
  next: string;
  /** task step that investigates objections when the window closes with any */
  onObjection: string;
  source?: Source;
}

const param = {
  type: 'object',
  required: ['param'],
  properties: { param: { type: 'string' } },
  additionalProperties: false,
};

export const notice: StepKind<NoticeStep> = {
  type: 'notice',
  label: { zh: '公示', en: 'Public notice' },
  authored: true,
  milestone: () => true,
  schema: stepSchema('notice', ['level', 'days', 'next', 'onObjection'], {
    level: LEVEL_ENUM,
    days: { oneOf: [{ type: 'integer', minimum: 1 }, param] },
    calendar: { oneOf: [{ enum: ['calendar', 'working'] }, param] },
    publish: { type: 'array', items: { type: 'string' } },
    next: TARGET,
    onObjection: TARGET,
  }),
  transitions: (step) => [
    { target: step.next, path: 'next' },
    { target: step.onObjection, path: 'onObjection' },
  ],
  check: (s, { at, byId, error, param }) => {
    param(s.days, `${at}/days`);
    if (typeof s.calendar === 'object') param(s.calendar, `${at}/calendar`);
    const inv = byId(s.onObjection);
    if (inv && inv.type !== 'task') {
      error(
        `${at}/onObjection`,
        'objection_not_task',
        `异议核查步骤“${s.onObjection}”必须是人工步骤`,
        `onObjection "${s.onObjection}" must be a task step`,
      );
    }
  },
  newStep: (id) => ({
    id,
    type: 'notice',
    title: { zh: '公示' },
    level: 'village',
    days: 7,
    calendar: 'calendar',
    next: '',
    onObjection: '',
  }),
  connect: (s, target) => ({ ...s, next: target }),
  edgeLabel: (_s, path) => (path === 'onObjection' ? '有异议' : '期满'),
};
