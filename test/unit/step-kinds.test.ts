import { describe, expect, it } from 'vitest';
import {
  AUTHORED_TYPES,
  DESIGNER_KINDS,
  connect,
  edgeLabel,
  isMilestone,
  KINDS,
  newStep,
  transitions,
} from '../../workflows/kinds/index.js';
import { validateDefinition } from '../../server/definitions/validate.js';
import type { DefinitionRegistry } from '../../server/definitions/registry.js';
import type { ProcessDefinition, Step } from '../../workflows/definition.js';

const registry: DefinitionRegistry = {
  forms: () => undefined,
  activities: (name) => (name === 'notify' ? { inputSchema: {}, outputSchema: {} } : undefined),
  roles: new Set(['township_reviewer', 'admin']),
  params: new Set(),
};

const def = (steps: unknown[]): ProcessDefinition =>
  ({
    key: 'demo',
    version: 1,
    title: { zh: '演示' },
    subject: 'household',
    start: steps.length ? 'a' : 'x',
    steps,
  }) as ProcessDefinition;

describe('the step kind table', () => {
  it('offers the designer the kinds an administrator may add, in its order, with their names', () => {
    expect(DESIGNER_KINDS.map((k) => `${k.type}:${k.label.zh}`)).toEqual([
      'task:人工审批',
      'notice:公示',
      'activity:自动活动',
      'decision:条件分支',
      'parallel:并行',
      'end:结束',
    ]);
    // the repair task is the engine's own: never offered, never accepted in a definition
    expect(AUTHORED_TYPES).not.toContain('repair');
    const r = validateDefinition(def([{ id: 'a', type: 'repair', title: { zh: '修复' } }]), registry);
    expect(r.ok).toBe(false);
  });

  it('makes a new step of every kind that, once its targets are filled in, passes the validator', () => {
    for (const type of AUTHORED_TYPES) {
      const step = newStep(type, 'a') as Step & Record<string, unknown>;
      expect(step.type).toBe(type);
      const s = structuredClone(step) as Record<string, unknown>;
      if (type === 'task') (s.actions as { next: string }[])[0].next = 'z';
      if (type === 'decision') {
        (s.branches as { next: string }[])[0].next = 'z';
        s.otherwise = 'z';
      }
      if (type === 'notice') Object.assign(s, { next: 'z', onObjection: 'i' });
      if (type === 'activity') s.next = 'z';
      if (type === 'parallel')
        Object.assign(s, {
          next: 'z',
          branches: [
            { id: 'b1', start: 'j1' },
            { id: 'b2', start: 'j2' },
          ],
        });
      const join = (id: string) => ({
        id,
        type: 'task',
        title: { zh: id },
        assignee: { role: 'township_reviewer', level: 'township' },
        actions: [{ id: 'ok', kind: 'approve', label: { zh: '同意' }, next: '$join' }],
      });
      const extra =
        type === 'end'
          ? []
          : [
              { id: 'z', type: 'end', title: { zh: '结束' }, outcome: 'approved' },
              ...(type === 'notice'
                ? [
                    {
                      ...join('i'),
                      actions: [{ id: 'ok', kind: 'approve', label: { zh: '同意' }, next: 'z' }],
                    },
                  ]
                : []),
              ...(type === 'parallel' ? [join('j1'), join('j2')] : []),
            ];
      const r = validateDefinition(def([s, ...extra]), registry);
      expect({ type, r }).toEqual({ type, r: { ok: true } });
    }
  });

  it('labels the edges the way the designer draws them, from the transitions each kind names', () => {
    const notice = newStep('notice', 'n');
    Object.assign(notice, { next: 'ok', onObjection: 'check' });
    expect(transitions(notice).map((t) => `${t.target}:${edgeLabel(notice, t.path)}`)).toEqual([
      'ok:期满',
      'check:有异议',
    ]);
    const task = newStep('task', 't');
    expect(transitions(task)).toEqual([]);
    expect(edgeLabel(task, 'actions/0/next')).toBe('同意');
  });

  it('draws an edge from a step as its main transition, the way the designer connects two steps', () => {
    const main = (s: Step) => transitions(s).map((t) => `${t.path}=${t.target}`);
    expect(main(connect(newStep('task', 't'), 'next_one'))).toEqual(['actions/0/next=next_one']);
    expect(main(connect(newStep('decision', 'd'), 'no'))).toContain('otherwise=no');
    expect(main(connect(newStep('notice', 'n'), 'after'))).toContain('next=after');
    const end = newStep('end', 'e');
    expect(connect(end, 'x')).toBe(end);
  });

  it('shows tasks, notices and the approved end as the stages of a case', () => {
    expect(isMilestone(newStep('task', 't'))).toBe(true);
    expect(isMilestone(newStep('decision', 'd'))).toBe(false);
    expect(isMilestone({ id: 'r', type: 'end', title: { zh: '不予纳入' }, outcome: 'rejected' })).toBe(false);
    expect(isMilestone(newStep('end', 'e'))).toBe(true);
  });

  it('has a schema fragment for every kind a definition may use', () => {
    for (const type of AUTHORED_TYPES) expect(KINDS[type].schema, type).toBeDefined();
  });
});
