/**
 * 流程定义校验 a process definition may be published only when it is sound:
 * the JSON Schema holds, and the graph makes sense — every target exists,
 * every step is reachable and can reach an end, loops contain a person or a
 * timer, parallel branches join, and every form, activity, role, parameter
 * and expression it names exists. Each error names the step and JSON path.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import schema from './process-definition.schema.json' with { type: 'json' };
import { JOIN, transitions, type ProcessDefinition, type Step } from '../../workflows/definition.js';
import { OPERATORS } from '../../forms/rules.js';
import type { DefinitionError, DefinitionRegistry } from './registry.js';
import { checkDataPaths } from './data-paths.js';

const ajv = new Ajv2020.default({ allErrors: true, strict: false });
const checkSchema = ajv.compile(schema);

type Result = { ok: true } | { ok: false; errors: DefinitionError[] };

export function validateDefinition(input: unknown, registry: DefinitionRegistry): Result {
  if (!checkSchema(input)) {
    const errors = (checkSchema.errors ?? [])
      .slice(0, 20)
      .map((e) => schemaError(input, e.instancePath, e.message ?? ''));
    return { ok: false, errors: dedupe(errors) };
  }
  const def = input as unknown as ProcessDefinition;
  const errors: DefinitionError[] = [];
  const index = new Map<string, number>();
  def.steps.forEach((s, i) => {
    if (index.has(s.id))
      errors.push(err(s, `/steps/${i}/id`, 'duplicate_id', '步骤编号重复', 'duplicate step id'));
    else index.set(s.id, i);
  });
  const at = (s: Step) => `/steps/${index.get(s.id)}`;
  const byId = (id: string) => (index.has(id) ? def.steps[index.get(id)!] : undefined);

  if (!byId(def.start)) {
    errors.push({
      path: '/start',
      code: 'unknown_start',
      message: `起始步骤“${def.start}”不存在`,
      message_en: `start step "${def.start}" does not exist`,
    });
  }
  if (!def.steps.some((s) => s.type === 'end')) {
    errors.push({
      path: '/steps',
      code: 'no_end',
      message: '流程没有结束步骤',
      message_en: 'the process has no end step',
    });
  }
  if (def.subjectStatuses && def.subject !== 'household') {
    errors.push({
      path: '/subjectStatuses',
      code: 'statuses_without_household',
      message: '只有以农户为对象的流程才能限定适用的监测状态',
      message_en: 'subjectStatuses applies to household processes only',
    });
  }

  // which steps sit inside a parallel branch (they may target "$join")
  const branchOf = new Map<string, string>();
  for (const p of def.steps.filter((s) => s.type === 'parallel')) {
    for (const b of p.branches) {
      const seen = new Set<string>();
      const stack = [b.start];
      while (stack.length) {
        const id = stack.pop()!;
        if (id === JOIN || seen.has(id) || !byId(id)) continue;
        seen.add(id);
        branchOf.set(id, `${p.id}/${b.id}`);
        stack.push(...transitions(byId(id)!).map((t) => t.target));
      }
    }
  }

  for (const s of def.steps) {
    for (const t of transitions(s)) {
      if (t.target === JOIN) {
        if (!branchOf.has(s.id)) {
          errors.push(
            err(
              s,
              `${at(s)}/${t.path}`,
              'join_outside_parallel',
              '只有并行分支内的步骤可以指向汇合（$join）',
              '"$join" may only be targeted inside a parallel branch',
            ),
          );
        }
      } else if (!byId(t.target)) {
        errors.push(
          err(
            s,
            `${at(s)}/${t.path}`,
            'unknown_target',
            `指向的步骤“${t.target}”不存在`,
            `target step "${t.target}" does not exist`,
          ),
        );
      }
    }
    checkStep(s, at(s), def, byId, registry, errors);
  }

  // reachability from start
  const reachable = new Set<string>();
  const stack = byId(def.start) ? [def.start] : [];
  while (stack.length) {
    const id = stack.pop()!;
    if (reachable.has(id) || !byId(id)) continue;
    reachable.add(id);
    stack.push(
      ...transitions(byId(id)!)
        .map((t) => t.target)
        .filter((x) => x !== JOIN),
    );
  }
  for (const s of def.steps) {
    if (!reachable.has(s.id))
      errors.push(
        err(s, at(s), 'unreachable', '从起始步骤无法到达此步骤', 'no path from the start reaches this step'),
      );
  }

  // every step can reach an end (a parallel's branch steps reach the join, which continues to the parallel's next)
  const canEnd = new Set(def.steps.filter((s) => s.type === 'end').map((s) => s.id));
  for (let changed = true; changed;) {
    changed = false;
    for (const s of def.steps) {
      if (canEnd.has(s.id)) continue;
      const targets = transitions(s).map((t) => t.target);
      const viaJoin =
        targets.includes(JOIN) && branchOf.has(s.id) && canEnd.has(branchOf.get(s.id)!.split('/')[0]);
      const ok =
        s.type === 'parallel'
          ? canEnd.has(s.next) && s.branches.every((b) => reachesJoin(b.start, byId))
          : viaJoin || targets.some((t) => canEnd.has(t));
      if (ok) {
        canEnd.add(s.id);
        changed = true;
      }
    }
  }
  for (const s of def.steps) {
    if (!canEnd.has(s.id) && reachable.has(s.id)) {
      errors.push(
        err(s, at(s), 'no_way_out', '没有通往结束的路径', 'no path leads from this step to an end step'),
      );
    }
  }

  // loops must contain a person or a timer, or they would spin forever
  for (const cycle of automaticCycles(def, byId)) {
    const s = byId(cycle[0])!;
    errors.push(
      err(
        s,
        at(s),
        'automatic_loop',
        `循环 ${cycle.join(' → ')} 中没有人工或公示步骤`,
        `the loop ${cycle.join(' → ')} has no task or notice step`,
      ),
    );
  }
  // every path read from case data or parameters names something the process produces (data-paths.ts)
  errors.push(...checkDataPaths(def, registry));
  return errors.length ? { ok: false, errors: dedupe(errors) } : { ok: true };
}

function checkStep(
  s: Step,
  at: string,
  def: ProcessDefinition,
  byId: (id: string) => Step | undefined,
  registry: DefinitionRegistry,
  errors: DefinitionError[],
): void {
  const param = (v: unknown, path: string) => {
    if (v && typeof v === 'object' && 'param' in v) {
      const name = (v as { param: string }).param;
      if (!registry.params.has(name))
        errors.push(err(s, path, 'unknown_param', `政策参数“${name}”不存在`, `unknown parameter "${name}"`));
    }
  };
  const logic = (expr: unknown, path: string) => {
    const bad = unknownOperator(expr);
    if (bad)
      errors.push(
        err(
          s,
          path,
          'bad_expression',
          `条件表达式使用了未知运算“${bad}”`,
          `the expression uses an unknown operator "${bad}"`,
        ),
      );
  };
  switch (s.type) {
    case 'task': {
      if ('role' in s.assignee && !registry.roles.has(s.assignee.role)) {
        errors.push(
          err(
            s,
            `${at}/assignee/role`,
            'unknown_role',
            `角色“${s.assignee.role}”不存在`,
            `unknown role "${s.assignee.role}"`,
          ),
        );
      }
      if ('posts' in s.assignee) {
        const seen = new Set<string>();
        s.assignee.posts.forEach((p, i) => {
          if (!registry.roles.has(p.role)) {
            errors.push(
              err(
                s,
                `${at}/assignee/posts/${i}/role`,
                'unknown_role',
                `角色“${p.role}”不存在`,
                `unknown role "${p.role}"`,
              ),
            );
          }
          const key = `${p.role}@${p.level}/${p.department ?? ''}`;
          if (seen.has(key)) {
            errors.push(
              err(
                s,
                `${at}/assignee/posts/${i}`,
                'duplicate_post',
                `岗位“${p.role}”重复：每个岗位只签一次`,
                `post "${p.role}" is listed twice; each post signs once`,
              ),
            );
          }
          seen.add(key);
        });
        if (s.mode !== undefined && s.mode !== 'all') {
          errors.push(
            err(
              s,
              `${at}/mode`,
              'posts_need_all',
              '按岗位会签的步骤只能是“会签”方式',
              'a step that names posts is 会签 (mode "all")',
            ),
          );
        }
        if (s.minDistinctActors !== undefined) {
          errors.push(
            err(
              s,
              `${at}/minDistinctActors`,
              'posts_with_min_actors',
              '按岗位会签时每个岗位签一次，不能再设最少人数',
              'with posts each post signs once; minDistinctActors does not apply',
            ),
          );
        }
      }
      const form = s.form ? registry.forms(s.form.key, s.form.version) : undefined;
      if (s.form && !form)
        errors.push(
          err(s, `${at}/form`, 'unknown_form', `表单“${s.form.key}”不存在`, `unknown form "${s.form.key}"`),
        );
      if (form && s.form?.stage !== undefined && !(form.stages ?? []).includes(s.form.stage)) {
        errors.push(
          err(
            s,
            `${at}/form/stage`,
            'unknown_stage',
            `表单“${s.form.key}”没有填写阶段“${s.form.stage}”`,
            `form "${s.form.key}" has no stage "${s.form.stage}"`,
          ),
        );
      }
      if (form) {
        for (const field of Object.keys(s.fieldPermissions ?? {})) {
          if (!form.fields.includes(field)) {
            errors.push(
              err(
                s,
                `${at}/fieldPermissions/${field}`,
                'unknown_field',
                `表单“${s.form!.key}”没有字段“${field}”`,
                `form "${s.form!.key}" has no field "${field}"`,
              ),
            );
          }
        }
        for (const field of Object.keys(s.prefill ?? {})) {
          if (!form.fields.includes(field.split('.')[0])) {
            errors.push(
              err(
                s,
                `${at}/prefill/${field}`,
                'unknown_field',
                `表单“${s.form!.key}”没有字段“${field}”`,
                `form "${s.form!.key}" has no field "${field}"`,
              ),
            );
          }
        }
      }
      if ((s.prefill || s.checks?.length) && !s.form) {
        errors.push(
          err(
            s,
            `${at}/form`,
            'prefill_without_form',
            '预填或校验需要该步骤有表单',
            'prefill and checks need a form on the step',
          ),
        );
      }
      for (const [field, expr] of Object.entries(s.prefill ?? {})) logic(expr, `${at}/prefill/${field}`);
      (s.checks ?? []).forEach((c, i) => logic(c.logic, `${at}/checks/${i}/logic`));
      param(s.minDistinctActors, `${at}/minDistinctActors`);
      if (typeof s.minDistinctActors === 'number' && s.minDistinctActors < 1) {
        errors.push(
          err(
            s,
            `${at}/minDistinctActors`,
            'bad_min_actors',
            '最少办理人数必须至少为1',
            'minDistinctActors must be at least 1',
          ),
        );
      }
      const ids = new Set<string>();
      s.actions.forEach((a, i) => {
        if (ids.has(a.id))
          errors.push(
            err(
              s,
              `${at}/actions/${i}/id`,
              'duplicate_action',
              `操作“${a.id}”重复`,
              `duplicate action "${a.id}"`,
            ),
          );
        ids.add(a.id);
        if (a.kind === 'return') {
          if (!a.returnTargets?.length)
            errors.push(
              err(
                s,
                `${at}/actions/${i}/returnTargets`,
                'no_return_target',
                '退回操作必须指定可退回的步骤',
                'a return action needs returnTargets',
              ),
            );
          (a.returnTargets ?? []).forEach((t, j) => {
            const target = byId(t);
            if (target && target.type !== 'task') {
              errors.push(
                err(
                  s,
                  `${at}/actions/${i}/returnTargets/${j}`,
                  'return_not_task',
                  `只能退回到人工步骤，“${t}”不是`,
                  `returns go to task steps; "${t}" is not one`,
                ),
              );
            }
          });
        } else if (!a.next) {
          errors.push(
            err(
              s,
              `${at}/actions/${i}/next`,
              'no_next',
              `操作“${a.label.zh}”没有指定下一步`,
              `action "${a.id}" has no next step`,
            ),
          );
        }
      });
      if (s.sla) {
        param(s.sla.days, `${at}/sla/days`);
        if (s.sla.autoAction && !ids.has(s.sla.autoAction)) {
          errors.push(
            err(
              s,
              `${at}/sla/autoAction`,
              'unknown_action',
              `超时自动操作“${s.sla.autoAction}”不是本步骤的操作`,
              `autoAction "${s.sla.autoAction}" is not an action of this step`,
            ),
          );
        }
        if (s.sla.escalateTo && !registry.roles.has(s.sla.escalateTo.role)) {
          errors.push(
            err(
              s,
              `${at}/sla/escalateTo/role`,
              'unknown_role',
              `角色“${s.sla.escalateTo.role}”不存在`,
              `unknown role "${s.sla.escalateTo.role}"`,
            ),
          );
        }
      }
      return;
    }
    case 'notice': {
      param(s.days, `${at}/days`);
      if (typeof s.calendar === 'object') param(s.calendar, `${at}/calendar`);
      const inv = byId(s.onObjection);
      if (inv && inv.type !== 'task') {
        errors.push(
          err(
            s,
            `${at}/onObjection`,
            'objection_not_task',
            `异议核查步骤“${s.onObjection}”必须是人工步骤`,
            `onObjection "${s.onObjection}" must be a task step`,
          ),
        );
      }
      return;
    }
    case 'activity': {
      const act = registry.activities(s.activity);
      if (!act) {
        errors.push(
          err(
            s,
            `${at}/activity`,
            'unknown_activity',
            `自动活动“${s.activity}”未注册`,
            `activity "${s.activity}" is not registered`,
          ),
        );
        return;
      }
      const input = act.inputSchema as {
        required?: string[];
        properties?: Record<string, unknown>;
        additionalProperties?: boolean;
      };
      for (const req of input.required ?? []) {
        if (!(req in s.input))
          errors.push(
            err(
              s,
              `${at}/input/${req}`,
              'missing_input',
              `自动活动“${s.activity}”缺少输入“${req}”`,
              `activity "${s.activity}" needs input "${req}"`,
            ),
          );
      }
      for (const [field, expr] of Object.entries(s.input)) {
        if (input.additionalProperties === false && !(field in (input.properties ?? {}))) {
          errors.push(
            err(
              s,
              `${at}/input/${field}`,
              'unknown_input',
              `自动活动“${s.activity}”没有输入“${field}”`,
              `activity "${s.activity}" has no input "${field}"`,
            ),
          );
        }
        logic(expr, `${at}/input/${field}`);
      }
      return;
    }
    case 'decision':
      s.branches.forEach((b, i) => logic(b.when, `${at}/branches/${i}/when`));
      return;
    case 'parallel':
      s.branches.forEach((b, i) => {
        if (!reachesJoin(b.start, byId)) {
          errors.push(
            err(
              s,
              `${at}/branches/${i}`,
              'branch_never_joins',
              `分支“${b.id}”不会汇合（没有指向 $join 的路径）`,
              `branch "${b.id}" never reaches "$join"`,
            ),
          );
        }
      });
      void def;
      return;
    case 'end':
      return;
  }
}

/** Does every path from a branch's start reach "$join" (and none leave the branch for an end)? */
function reachesJoin(start: string, byId: (id: string) => Step | undefined): boolean {
  const seen = new Set<string>();
  const stack = [start];
  let joins = false;
  while (stack.length) {
    const id = stack.pop()!;
    if (id === JOIN) {
      joins = true;
      continue;
    }
    const s = byId(id);
    if (!s || seen.has(id)) continue;
    seen.add(id);
    if (s.type === 'end') return false;
    stack.push(...transitions(s).map((t) => t.target));
  }
  return joins;
}

/** Cycles made only of automatic steps (decision, activity, parallel). */
function automaticCycles(def: ProcessDefinition, byId: (id: string) => Step | undefined): string[][] {
  const auto = (s: Step) => s.type === 'decision' || s.type === 'activity' || s.type === 'parallel';
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string) => {
    const s = byId(id);
    if (!s || !auto(s)) return;
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      cycles.push(path.slice(path.indexOf(id)));
      return;
    }
    state.set(id, 'visiting');
    path.push(id);
    for (const t of transitions(s)) visit(t.target);
    path.pop();
    state.set(id, 'done');
  };
  for (const s of def.steps) visit(s.id);
  return cycles;
}

function unknownOperator(expr: unknown): string | undefined {
  if (Array.isArray(expr)) {
    for (const e of expr) {
      const bad = unknownOperator(e);
      if (bad) return bad;
    }
    return undefined;
  }
  if (expr && typeof expr === 'object') {
    const keys = Object.keys(expr);
    if (keys.length !== 1) return keys.length === 0 ? undefined : `{${keys.join(',')}}`;
    if (!OPERATORS.has(keys[0])) return keys[0];
    return unknownOperator((expr as Record<string, unknown>)[keys[0]]);
  }
  return undefined;
}

function err(s: Step, path: string, code: string, zh: string, en: string): DefinitionError {
  return {
    stepId: s.id,
    path,
    code,
    message: `步骤“${s.title?.zh ?? s.id}”(${s.id})：${zh}`,
    message_en: `Step "${s.id}": ${en}`,
  };
}

function schemaError(input: unknown, instancePath: string, message: string): DefinitionError {
  const m = /^\/steps\/(\d+)/.exec(instancePath);
  const step = m
    ? (input as { steps?: { id?: string; title?: { zh?: string } }[] }).steps?.[Number(m[1])]
    : undefined;
  const where = step?.id ? `步骤“${step.title?.zh ?? step.id}”(${step.id})：` : '';
  return {
    stepId: step?.id,
    path: instancePath || '/',
    code: 'schema',
    message: `${where}${instancePath || '定义'} 格式不符合要求（${message}）`,
    message_en: `${step?.id ? `Step "${step.id}": ` : ''}${instancePath || 'definition'} ${message}`,
  };
}

function dedupe(errors: DefinitionError[]): DefinitionError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.path}|${e.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
