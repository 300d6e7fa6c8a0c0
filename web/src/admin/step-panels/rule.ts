/**
 * 办理规则 what a task step really requires, in the words a clerk uses:
 * "至少 2 名不同入户核实人员办理", "乡镇党委（街道）书记、乡镇长（街道主任）各签一次",
 * "或签（一人办理即可）". Shown on the step in the graph and in its panel.
 */
import type { NumberOrParam } from '../../../../workflows/definition';
import type { DesignerContext, StepOf } from './types';

export function paramValue(ctx: Pick<DesignerContext, 'paramValues'>, key: string): unknown {
  return ctx.paramValues[key];
}

function count(ctx: Pick<DesignerContext, 'paramValues'>, n: NumberOrParam): string {
  if (typeof n === 'number') return String(n);
  const v = paramValue(ctx, n.param);
  return typeof v === 'number' ? String(v) : `N（政策参数 ${n.param}）`;
}

export function taskRule(step: StepOf<'task'>, ctx: Pick<DesignerContext, 'paramValues' | 'meta'>): string {
  const role = (key: string) => ctx.meta.roles.find((r) => r.key === key)?.title.zh ?? key;
  const a = step.assignee;
  if ('posts' in a) return `${a.posts.map((p) => role(p.role)).join('、')}各签一次（会签）`;
  const who = 'role' in a ? role(a.role) : '指定人员';
  if (step.minDistinctActors !== undefined)
    return `至少 ${count(ctx, step.minDistinctActors)} 名不同${who}办理`;
  if (step.mode === 'all') return `${who}全部办理（会签）`;
  if (step.mode === 'sequential') return `${who}依次审批`;
  return `${who}一人办理即可（或签）`;
}
