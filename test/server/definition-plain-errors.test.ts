/**
 * What an administrator reads when a process cannot be published: the step by
 * its number and title and the control of the designer, in Chinese — never a
 * JSON pointer or a schema keyword.
 */
import { describe, expect, it } from 'vitest';
import identification from '../../forms/packs/hunan/processes/identification.json' with { type: 'json' };
import { validateDefinition } from '../../server/definitions/validate.js';
import type { DefinitionRegistry } from '../../server/definitions/registry.js';
import type { ProcessDefinition } from '../../workflows/definition.js';
import { ACTIVITIES } from '../../activities/registry.js';

const registry: DefinitionRegistry = {
  forms: () => ({ fields: [] }),
  activities: (name) => ACTIVITIES.find((a) => a.name === name),
  roles: new Set([
    'village_cadre',
    'verifier',
    'village_secretary',
    'township_secretary',
    'township_head',
    'county_rural_bureau',
  ]),
  params: new Set(['villageNoticeDays', 'minVerifiers', 'noticeCalendar']),
};

// this registry knows no form fields, so the process's prefill and stages are reported: leave those out
const known = (() => {
  const r = validateDefinition(structuredClone(identification), registry);
  return new Set(r.ok ? [] : r.errors.map((e) => `${e.path}|${e.code}`));
})();
function broken(fn: (d: ProcessDefinition) => void) {
  const d = structuredClone(identification) as unknown as ProcessDefinition;
  fn(d);
  const r = validateDefinition(d, registry);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors.filter((e) => !known.has(`${e.path}|${e.code}`));
}
const step = (d: ProcessDefinition, id: string) => d.steps.find((s) => s.id === id)!;

describe('definition errors in plain Chinese', () => {
  it('an action without a next step names the step and the action', () => {
    const errors = broken((d) => {
      const s = step(d, 'township_review');
      if (s.type === 'task') s.actions[0].next = '';
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      stepId: 'township_review',
      path: '/steps/6/actions/0/next',
      message: '第7步「乡镇（街道）审核」的「同意」没有设置下一步',
    });
    expect(errors[0].message).not.toMatch(/\/steps|must|格式不符合要求/);
  });

  it('an activity without its next step, and a notice whose objection target is empty', () => {
    const errors = broken((d) => {
      const a = step(d, 'compute_income');
      if (a.type === 'activity') a.next = '';
      const n = step(d, 'village_notice');
      if (n.type === 'notice') n.onObjection = '';
    });
    expect(errors.map((e) => e.message).sort()).toEqual([
      '第3步「计算家庭人均纯收入」没有设置下一步',
      '第5步「村级公示（7天）」的「有异议时」没有设置下一步',
    ]);
  });

  it('a semantic error (a target that does not exist) names the step and the control too', () => {
    const errors = broken((d) => {
      const s = step(d, 'apply');
      if (s.type === 'task') s.actions[0].next = 'nowhere';
    });
    const hit = errors.find((e) => e.code === 'unknown_target');
    expect(hit?.message).toBe('第1步「提交申请（附件1）」的「提交申请」：指向的步骤“nowhere”不存在');
  });
});
