/**
 * 校验结果的白话说明: every definition error as an administrator reads it —
 * "第7步「乡镇（街道）审核」的「同意」没有设置下一步" instead of a JSON pointer
 * and a schema keyword. One place maps an error's data path to the step (by its
 * position, 1-based, and title) and the control of the designer that holds the
 * value, so the API and the process designer say the same thing.
 */
import type { ErrorObject } from 'ajv';
import type { DefinitionError } from './registry.js';

interface LooseStep {
  id?: string;
  type?: string;
  title?: { zh?: string };
  actions?: { label?: { zh?: string } }[];
  branches?: { title?: { zh?: string } }[];
}
interface LooseDefinition {
  steps?: LooseStep[];
}

/** The designer's names for the fields of a step (what the properties panel labels them). */
const CONTROL: Record<string, string> = {
  id: '步骤编号',
  title: '名称',
  type: '步骤类型',
  next: '下一步',
  onObjection: '有异议时',
  otherwise: '否则',
  assignee: '办理人',
  mode: '审批方式',
  minDistinctActors: '至少不同人数',
  form: '表单',
  sla: '办理时限',
  days: '公示天数',
  calendar: '计算方式',
  level: '公示层级',
  activity: '活动',
  input: '输入',
  join: '汇合方式',
  outcome: '结果',
  fieldPermissions: '字段权限',
  prefill: '预填',
  actions: '操作',
  branches: '分支',
};

const label = (zh: string | undefined, fallback: string) => (zh && zh.trim() ? zh : fallback);

/** Where a data path points: "第N步「title」" and, below it, the control, e.g. "「同意」" or "「公示期满」的「下一步」". */
export function describePath(
  input: unknown,
  path: string,
): { stepId?: string; step?: string; control?: string; target?: boolean } {
  const m = /^\/steps\/(\d+)(?:\/(.*))?$/.exec(path);
  if (!m) {
    if (path === '/start') return { control: '起始步骤' };
    return {};
  }
  const index = Number(m[1]);
  const s = (input as LooseDefinition)?.steps?.[index];
  const step = `第${index + 1}步「${label(s?.title?.zh, s?.id ?? '未命名')}」`;
  const rest = (m[2] ?? '').split('/').filter(Boolean);
  if (!rest.length) return { stepId: s?.id, step };
  const [head, i, sub, j] = rest;
  if (head === 'actions' && i !== undefined) {
    const a = `「${label(s?.actions?.[Number(i)]?.label?.zh, `操作${Number(i) + 1}`)}」`;
    if (sub === 'next') return { stepId: s?.id, step, control: a, target: true };
    if (sub === 'returnTargets')
      return {
        stepId: s?.id,
        step,
        control: `${a}的「退回到」${j !== undefined ? `第${Number(j) + 1}项` : ''}`,
        target: true,
      };
    if (sub === 'label') return { stepId: s?.id, step, control: `${a}的「名称」` };
    return { stepId: s?.id, step, control: a };
  }
  if (head === 'branches' && i !== undefined) {
    const n = Number(i) + 1;
    if (s?.type === 'decision')
      return sub === 'next'
        ? { stepId: s?.id, step, control: `「条件${n}成立时」`, target: true }
        : { stepId: s?.id, step, control: `「条件${n}」` };
    const b = `「${label(s?.branches?.[Number(i)]?.title?.zh, `分支${n}`)}」`;
    return sub === 'start'
      ? { stepId: s?.id, step, control: `${b}的「第一步」`, target: true }
      : { stepId: s?.id, step, control: b };
  }
  if (head === 'input' && i !== undefined) return { stepId: s?.id, step, control: `「输入 ${i}」` };
  if (head === 'fieldPermissions' && i !== undefined)
    return { stepId: s?.id, step, control: `「字段权限 ${i}」` };
  if (head === 'next' && s?.type === 'notice')
    return { stepId: s?.id, step, control: '「公示期满」', target: true };
  if (head === 'next' && s?.type === 'parallel')
    return { stepId: s?.id, step, control: '「汇合后下一步」', target: true };
  const target = head === 'next' || head === 'onObjection' || head === 'otherwise';
  return { stepId: s?.id, step, control: `「${CONTROL[head] ?? head}」`, target };
}

/** What went wrong, in words, from an ajv error (the keyword, not ajv's English sentence). */
function schemaProblem(e: ErrorObject, target: boolean): { zh: string; en: string } {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'minLength':
    case 'minItems':
      return target
        ? { zh: '没有设置下一步', en: 'has no next step' }
        : { zh: '不能为空', en: 'must not be empty' };
    case 'required': {
      const f = String(p.missingProperty);
      return { zh: `缺少「${CONTROL[f] ?? f}」`, en: `is missing "${f}"` };
    }
    case 'enum':
      return { zh: '所选的值不在允许范围内', en: 'is not one of the allowed values' };
    case 'type':
      return { zh: '填写的类型不对', en: `must be ${String(p.type)}` };
    case 'minimum':
    case 'exclusiveMinimum':
      return { zh: `不能小于 ${String(p.limit)}`, en: `must be at least ${String(p.limit)}` };
    case 'maximum':
      return { zh: `不能大于 ${String(p.limit)}`, en: `must be at most ${String(p.limit)}` };
    case 'pattern':
    case 'format':
      return { zh: '格式不对', en: 'has the wrong format' };
    case 'additionalProperties':
      return {
        zh: `含有不认识的设置“${String(p.additionalProperty)}”`,
        en: `has an unknown setting "${String(p.additionalProperty)}"`,
      };
    default:
      return { zh: '填写不正确', en: 'is not valid' };
  }
}

const where = (d: ReturnType<typeof describePath>) =>
  `${d.step ?? ''}${d.step && d.control ? '的' : ''}${d.control ?? ''}`;

/** One ajv error of the definition's JSON Schema, in plain words naming the step and the control. */
export function plainSchemaError(input: unknown, e: ErrorObject): DefinitionError {
  const path = e.instancePath || '/';
  const d = describePath(input, path);
  const { zh, en } = schemaProblem(e, !!d.target);
  // "第3步「x」的「下一步」没有设置下一步" says it twice
  const at = d.control === '「下一步」' && d.target ? (d.step ?? '') : where(d);
  return {
    stepId: d.stepId,
    path,
    code: 'schema',
    message: at ? `${at}${zh}` : `流程定义${zh}`,
    message_en: `${d.stepId ? `Step "${d.stepId}" ` : 'The definition '}${path} ${en}`,
  };
}

/**
 * The ajv errors worth telling: "must match then schema" and the like only repeat, at the step, what a
 * more precise error below it says.
 */
export function usefulSchemaErrors(errors: ErrorObject[]): ErrorObject[] {
  const noise = new Set(['if', 'then', 'else', 'oneOf', 'anyOf', 'allOf']);
  return errors.filter(
    (e) =>
      !noise.has(e.keyword) ||
      !errors.some((o) => o !== e && !noise.has(o.keyword) && o.instancePath.startsWith(e.instancePath)),
  );
}

/** A semantic error ("步骤“x”(id)：…") restated as "第N步「x」的「control」：…". */
export function plainError(input: unknown, e: DefinitionError): DefinitionError {
  if (e.code === 'schema') return e;
  const d = describePath(input, e.path);
  if (!d.step) return e;
  const what = e.message.replace(/^步骤“[^”]*”\([^)]*\)：/, '');
  return { ...e, message: `${where(d)}：${what}` };
}
