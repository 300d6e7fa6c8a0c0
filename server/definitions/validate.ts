/**
 * 流程定义校验 a process definition may be published only when it is sound:
 * the JSON Schema holds, and the graph makes sense — every target exists,
 * every step is reachable and can reach an end, loops contain a person or a
 * timer, parallel branches join, and every form, activity, role, parameter
 * and expression it names exists. Each error names the step and JSON path.
 *
 * The schema is assembled from the step kinds' fragments (`schema.ts`); the graph checks are here, and
 * each kind's own checks are in its module (`workflows/kinds/<kind>.ts`), called from here.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { definitionSchema } from './schema.js';
import { JOIN, type ProcessDefinition } from '../../workflows/definition.js';
import { kindOf, transitions, type CheckContext, type Step } from '../../workflows/kinds/index.js';
import { OPERATORS } from '../../forms/rules.js';
import type { DefinitionError, DefinitionRegistry } from './registry.js';
import { plainError, plainSchemaError, usefulSchemaErrors } from './plain-errors.js';
import { checkDataPaths } from './data-paths.js';

const ajv = new Ajv2020.default({ allErrors: true, strict: false });
const checkSchema = ajv.compile(definitionSchema);

type Result = { ok: true } | { ok: false; errors: DefinitionError[] };

export function validateDefinition(input: unknown, registry: DefinitionRegistry): Result {
  if (!checkSchema(input)) {
    const errors = usefulSchemaErrors(checkSchema.errors ?? [])
      .slice(0, 20)
      .map((e) => plainSchemaError(input, e));
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
  if (!def.steps.some((s) => kindOf(s).terminal)) {
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
  for (const p of def.steps) {
    for (const start of kindOf(p).branchStarts?.(p) ?? []) {
      const seen = new Set<string>();
      const stack = [start];
      while (stack.length) {
        const id = stack.pop()!;
        if (id === JOIN || seen.has(id) || !byId(id)) continue;
        seen.add(id);
        branchOf.set(id, p.id);
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
    kindOf(s).check?.(s, checkContext(s, at(s), byId, registry, errors));
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
  const canEnd = new Set(def.steps.filter((s) => kindOf(s).terminal).map((s) => s.id));
  for (let changed = true; changed;) {
    changed = false;
    for (const s of def.steps) {
      if (canEnd.has(s.id)) continue;
      const targets = transitions(s).map((t) => t.target);
      const viaJoin = targets.includes(JOIN) && branchOf.has(s.id) && canEnd.has(branchOf.get(s.id)!);
      // a step with branches ends through the steps after its join, once every branch joins
      const starts = kindOf(s).branchStarts?.(s);
      const ok = starts
        ? targets.filter((t) => !starts.includes(t)).some((t) => canEnd.has(t)) &&
          starts.every((b) => reachesJoin(b, byId))
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
  return errors.length
    ? { ok: false, errors: dedupe(errors).map((e) => plainError(input, e)) }
    : { ok: true };
}

/** What a kind's checks get: the step's pointer, the names to check against, and how to report. */
function checkContext(
  s: Step,
  at: string,
  byId: (id: string) => Step | undefined,
  registry: DefinitionRegistry,
  errors: DefinitionError[],
): CheckContext {
  const error: CheckContext['error'] = (path, code, zh, en) => errors.push(err(s, path, code, zh, en));
  return {
    at,
    byId,
    registry,
    error,
    param: (v, path) => {
      if (v && typeof v === 'object' && 'param' in v) {
        const name = (v as { param: string }).param;
        if (!registry.params.has(name))
          error(path, 'unknown_param', `政策参数“${name}”不存在`, `unknown parameter "${name}"`);
      }
    },
    logic: (expr, path) => {
      const bad = unknownOperator(expr);
      if (bad)
        error(
          path,
          'bad_expression',
          `条件表达式使用了未知运算“${bad}”`,
          `the expression uses an unknown operator "${bad}"`,
        );
    },
    reachesJoin: (start) => reachesJoin(start, byId),
  };
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
    if (kindOf(s).terminal) return false;
    stack.push(...transitions(s).map((t) => t.target));
  }
  return joins;
}

/** Cycles made only of automatic steps (decision, activity, parallel). */
function automaticCycles(def: ProcessDefinition, byId: (id: string) => Step | undefined): string[][] {
  const auto = (s: Step) => kindOf(s).automatic === true;
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

function dedupe(errors: DefinitionError[]): DefinitionError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.path}|${e.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
