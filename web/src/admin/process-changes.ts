/**
 * 变更摘要 what publishing would change, against the latest published version,
 * in the designer's words: steps added, removed, and for a changed step which
 * of its settings changed ("「乡镇（街道）审核」：操作「同意」的下一步").
 */
import type { ProcessDefinition, Step } from '../../../workflows/definition';

const FIELD: Record<string, string> = {
  title: '名称',
  assignee: '办理人',
  mode: '审批方式',
  minDistinctActors: '至少不同人数',
  form: '表单',
  sla: '办理时限',
  fieldPermissions: '字段权限',
  prefill: '预填',
  checks: '提交检查',
  level: '公示层级',
  days: '公示天数',
  calendar: '计算方式',
  next: '下一步',
  onObjection: '有异议时',
  activity: '活动',
  input: '输入',
  branches: '分支',
  otherwise: '否则',
  join: '汇合方式',
  outcome: '结果',
  publish: '公示内容',
  store: '存放位置',
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function stepChanges(a: Step, b: Step): string[] {
  const out: string[] = [];
  if (a.type === 'task' && b.type === 'task') {
    const before = new Map(a.actions.map((x) => [x.id, x]));
    for (const x of b.actions) {
      const old = before.get(x.id);
      if (!old) out.push(`新增操作「${x.label.zh}」`);
      else if (!same(old, x)) {
        const what = (['label', 'next', 'returnTargets', 'commentRequired'] as const)
          .filter((k) => !same(old[k], x[k]))
          .map(
            (k) =>
              ({ label: '名称', next: '下一步', returnTargets: '退回到', commentRequired: '须填意见' })[k],
          );
        out.push(`操作「${x.label.zh}」的${what.join('、') || '设置'}`);
      }
      before.delete(x.id);
    }
    for (const x of before.values()) out.push(`删除操作「${x.label.zh}」`);
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (k === 'actions' || k === 'source' || k === 'id') continue;
    if (!same((a as unknown as Record<string, unknown>)[k], (b as unknown as Record<string, unknown>)[k]))
      out.push(FIELD[k] ?? k);
  }
  return out;
}

export interface ProcessChange {
  kind: 'added' | 'removed' | 'changed' | 'process';
  text: string;
}

export function processChanges(before: ProcessDefinition, after: ProcessDefinition): ProcessChange[] {
  const out: ProcessChange[] = [];
  const old = new Map(before.steps.map((s) => [s.id, s]));
  after.steps.forEach((s, i) => {
    const o = old.get(s.id);
    if (!o) out.push({ kind: 'added', text: `新增第${i + 1}步「${s.title.zh}」` });
    else if (!same(o, s))
      out.push({ kind: 'changed', text: `第${i + 1}步「${s.title.zh}」：${stepChanges(o, s).join('、')}` });
  });
  const now = new Set(after.steps.map((s) => s.id));
  for (const s of before.steps)
    if (!now.has(s.id)) out.push({ kind: 'removed', text: `删除步骤「${s.title.zh}」` });
  if (before.start !== after.start) out.push({ kind: 'process', text: '起始步骤' });
  if (!same(before.title, after.title))
    out.push({ kind: 'process', text: `流程名称改为「${after.title.zh}」` });
  if (!same(before.starters, after.starters)) out.push({ kind: 'process', text: '可发起的角色' });
  return out;
}
