/**
 * 数据路径校验 every path a definition reads must name data the case will hold: a `var` in a condition,
 * prefill, check or activity input (`data.<store>.<field>`, `params.<key>`, `form.<field>`) and every
 * notice `publish` path (`<store>.<field>`). A store is what a task step's form is saved under
 * (`store` or the form key) or what an activity step stores; a field must be one of that form's
 * fields (or of the activity's output). Unknown → an error naming the step and the path.
 * Paths relative to a `map`/`filter`/`reduce`/`all`/`some`/`none` item are not checked.
 */
import type { ProcessDefinition, Step } from '../../workflows/definition.js';
import type { DefinitionError, DefinitionRegistry } from './registry.js';

/**
 * data the engine itself writes, besides forms and activity outputs (`scope`: the department comparison's
 * optional list of ID numbers, read with a fallback; nothing writes it yet)
 */
const ENGINE_DATA = new Set(['objections', 'objectionTotal', 'incomePeriod', 'scope']);
const ITERATORS = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);

interface Store {
  /** the form's (or output's) field paths; undefined: not known, any field is accepted */
  fields?: string[];
  /** what produces it, for messages */
  from: string;
}

/** Every store a process's steps produce, with its fields. */
export function storesOf(def: ProcessDefinition, registry: DefinitionRegistry): Map<string, Store> {
  const stores = new Map<string, Store>();
  for (const s of def.steps) {
    if (s.type === 'task' && s.form) {
      const key = s.store ?? s.form.key;
      const form = registry.forms(s.form.key, s.form.version);
      const prev = stores.get(key);
      const fields = form ? form.fields : undefined;
      stores.set(key, {
        fields: prev?.fields && fields ? [...new Set([...prev.fields, ...fields])] : fields,
        from: s.id,
      });
    } else if (s.type === 'activity' && s.store) {
      const out = registry.activities(s.activity)?.outputSchema as
        { properties?: Record<string, unknown> } | undefined;
      stores.set(s.store, { fields: out?.properties ? Object.keys(out.properties) : undefined, from: s.id });
    }
  }
  return stores;
}

/** The `var` paths of an expression with their JSON pointers, leaving out item-relative ones. */
export function varsOf(expr: unknown, at: string): { path: string; at: string }[] {
  const out: { path: string; at: string }[] = [];
  const walk = (x: unknown, p: string) => {
    if (Array.isArray(x)) return x.forEach((v, i) => walk(v, `${p}/${i}`));
    if (!x || typeof x !== 'object') return;
    for (const [op, arg] of Object.entries(x)) {
      if (op === 'var') {
        const path = Array.isArray(arg) ? arg[0] : arg;
        if (typeof path === 'string' && path !== '') out.push({ path, at: `${p}/var` });
        if (Array.isArray(arg)) arg.slice(1).forEach((v, i) => walk(v, `${p}/var/${i + 1}`));
      } else if (ITERATORS.has(op) && Array.isArray(arg)) {
        // only the collection is read from the case; the rest is about each item
        walk(arg[0], `${p}/${op}/0`);
        if (op === 'reduce') walk(arg[2], `${p}/${op}/2`);
      } else walk(arg, `${p}/${op}`);
    }
  };
  walk(expr, at);
  return out;
}

/** Whether `field` (dot path inside a form) names one of `fields`: its first segment, and nested ones as far as known. */
function knownField(fields: string[], field: string): boolean {
  const parts = field.split('.');
  if (!fields.includes(parts[0]!)) return false;
  for (let i = 2; i <= parts.length; i++) {
    const prefix = parts.slice(0, i - 1).join('.');
    // the parent has listed children (an object with properties): the child must be one of them
    if (!fields.some((f) => f.startsWith(`${prefix}.`))) return true;
    if (!fields.includes(parts.slice(0, i).join('.'))) return false;
  }
  return true;
}

export function checkDataPaths(def: ProcessDefinition, registry: DefinitionRegistry): DefinitionError[] {
  const stores = storesOf(def, registry);
  const errors: DefinitionError[] = [];
  const bad = (s: Step, at: string, path: string, zh: string, en: string) =>
    errors.push({
      stepId: s.id,
      path: at,
      code: 'unknown_data_path',
      message: `步骤“${s.id}”引用的数据路径“${path}”不存在：${zh}`,
      message_en: `step "${s.id}" reads "${path}", which does not exist: ${en}`,
    });
  /** `<store>.<field…>` against the stores; false when unknown (and reported) */
  const storePath = (s: Step, at: string, shown: string, rest: string) => {
    const [store, ...field] = rest.split('.');
    if (!store) return;
    if (store === 'signatures') {
      // 签字记录 data.signatures.<task step id>
      const step = def.steps.find((x) => x.id === field[0]);
      if (field.length && step?.type !== 'task')
        bad(s, at, shown, `没有人工步骤“${field[0]}”的签字`, `no task step "${field[0]}" signs`);
      return;
    }
    const known = stores.get(store);
    if (!known) {
      if (ENGINE_DATA.has(store)) return;
      bad(
        s,
        at,
        shown,
        `没有步骤产生“${store}”（可用：${[...stores.keys()].join('、') || '无'}）`,
        `no step produces "${store}" (known: ${[...stores.keys()].join(', ') || 'none'})`,
      );
      return;
    }
    if (field.length && known.fields && !knownField(known.fields, field.join('.')))
      bad(
        s,
        at,
        shown,
        `“${store}”（由步骤“${known.from}”产生）没有字段“${field.join('.')}”`,
        `"${store}" (produced by step "${known.from}") has no field "${field.join('.')}"`,
      );
  };
  const checkVar = (s: Step, v: { path: string; at: string }, own?: string[]) => {
    const [root, ...rest] = v.path.split('.');
    if (root === 'data' && rest.length) storePath(s, v.at, v.path, rest.join('.'));
    else if (root === 'params' && rest.length) {
      if (!registry.params.has(rest[0]!))
        bad(s, v.at, v.path, `政策参数“${rest[0]}”不存在`, `no parameter "${rest[0]}"`);
    } else if (root === 'form' && rest.length && own && !knownField(own, rest.join('.')))
      bad(
        s,
        v.at,
        v.path,
        `本步骤的表单没有字段“${rest.join('.')}”`,
        `the step's form has no field "${rest.join('.')}"`,
      );
  };
  def.steps.forEach((s, i) => {
    const at = `/steps/${i}`;
    const exprs: [unknown, string][] = [];
    let own: string[] | undefined;
    if (s.type === 'task') {
      own = s.form ? registry.forms(s.form.key, s.form.version)?.fields : undefined;
      for (const [f, e] of Object.entries(s.prefill ?? {})) exprs.push([e, `${at}/prefill/${f}`]);
      (s.checks ?? []).forEach((c, j) => exprs.push([c.logic, `${at}/checks/${j}/logic`]));
    } else if (s.type === 'activity') {
      for (const [f, e] of Object.entries(s.input ?? {})) exprs.push([e, `${at}/input/${f}`]);
    } else if (s.type === 'decision') {
      s.branches.forEach((b, j) => exprs.push([b.when, `${at}/branches/${j}/when`]));
    } else if (s.type === 'notice') {
      (s.publish ?? []).forEach((p, j) => storePath(s, `${at}/publish/${j}`, p, p));
    }
    for (const [e, p] of exprs) for (const v of varsOf(e, p)) checkVar(s, v, own);
  });
  return errors;
}
