/** Small process definitions that exercise one engine feature each. */
import type { ProcessDefinition, Step } from '../../workflows/definition.js';

const t = (zh: string) => ({ zh, en: zh });

export const approve = (next: string, extra: object = {}) => ({ id: 'approve', kind: 'approve' as const, label: t('同意'), next, ...extra });
export const submit = (next: string) => ({ id: 'submit', kind: 'submit' as const, label: t('提交'), next });
export const rejectTo = (next: string) => ({ id: 'reject', kind: 'reject' as const, label: t('不同意'), next, commentRequired: true });
export const returnTo = (...targets: string[]) => ({
  id: 'return', kind: 'return' as const, label: t('退回'), returnTargets: targets, commentRequired: true,
});

export function def(key: string, steps: Step[], start = steps[0].id): ProcessDefinition {
  return { key, version: 1, title: t(key), subject: 'household', start, steps };
}

const ends: Step[] = [
  { id: 'approved', type: 'end', title: t('通过'), outcome: 'approved' },
  { id: 'rejected', type: 'end', title: t('不通过'), outcome: 'rejected' },
];

/** village application → home verification (≥2 verifiers) → 7-day notice → township review (both sign) */
export const identification = def('identification-mini', [
  { id: 'apply', type: 'task', title: t('提交申请'), assignee: { role: 'village_cadre', level: 'village' }, actions: [submit('verify')] },
  {
    id: 'verify', type: 'task', title: t('入户核实'), assignee: { role: 'verifier', level: 'township' },
    minDistinctActors: { param: 'minVerifiers' }, actions: [submit('notice'), rejectTo('rejected')],
  },
  {
    id: 'notice', type: 'notice', title: t('村级公示'), level: 'village', days: { param: 'villageNoticeDays' }, calendar: 'calendar',
    next: 'township', onObjection: 'investigate',
  },
  {
    id: 'investigate', type: 'task', title: t('异议核查'), assignee: { role: 'village_cadre', level: 'village' },
    actions: [
      { id: 'unfounded', kind: 'custom', label: t('异议不成立'), next: 'township' },
      { id: 'upheld', kind: 'custom', label: t('异议成立'), next: 'rejected' },
    ],
  },
  {
    id: 'township', type: 'task', title: t('乡镇审核'), assignee: { role: 'township_reviewer', level: 'township' }, mode: 'all',
    actions: [approve('approved'), rejectTo('rejected'), returnTo('verify')],
  },
  ...ends,
]);
