/**
 * 复制为… a process copied under a new key, with some of its forms replaced by copies under new keys:
 * every internal reference to an old form key moves with it — the steps' form keys, what a step's form
 * is stored under (when it was the form key), `data.<store>` in every `var`, and the notice `publish`
 * paths — and each rewrite is reported, so the administrator sees what changed. Pure.
 */
import type { ProcessDefinition } from '../../workflows/definition.js';

export interface Rewrite {
  stepId: string;
  /** JSON pointer in the copied definition */
  path: string;
  from: string;
  to: string;
}

export function copyProcessDefinition(
  source: ProcessDefinition,
  opts: { key: string; title?: ProcessDefinition['title']; forms?: Record<string, string> },
): { definition: ProcessDefinition; rewrites: Rewrite[] } {
  const def = structuredClone(source) as ProcessDefinition & Record<string, unknown>;
  const { version: _v, ...rest } = def;
  const out = { ...rest, key: opts.key, ...(opts.title ? { title: opts.title } : {}) } as ProcessDefinition;
  const forms = opts.forms ?? {};
  const rewrites: Rewrite[] = [];
  // which stores move: a step that stored its form under the form key stores the copy under the new key
  const stores: Record<string, string> = {};
  for (const s of out.steps) {
    if (s.type === 'task' && s.form && forms[s.form.key] && !s.store) stores[s.form.key] = forms[s.form.key]!;
  }
  const moveStore = (p: string, prefix: string) => {
    if (!p.startsWith(prefix)) return p;
    const [store, ...restPath] = p.slice(prefix.length).split('.');
    const to = store !== undefined ? stores[store] : undefined;
    return to ? prefix + [to, ...restPath].join('.') : p;
  };
  const rewriteVars = (x: unknown, stepId: string, at: string): unknown => {
    if (Array.isArray(x)) return x.map((v, i) => rewriteVars(v, stepId, `${at}/${i}`));
    if (!x || typeof x !== 'object') return x;
    return Object.fromEntries(
      Object.entries(x).map(([op, arg]) => {
        if (op !== 'var') return [op, rewriteVars(arg, stepId, `${at}/${op}`)];
        const path = Array.isArray(arg) ? arg[0] : arg;
        if (typeof path !== 'string') return [op, arg];
        const moved = moveStore(path, 'data.');
        if (moved === path) return [op, arg];
        rewrites.push({ stepId, path: `${at}/var`, from: path, to: moved });
        return [op, Array.isArray(arg) ? [moved, ...arg.slice(1)] : moved];
      }),
    );
  };
  out.steps.forEach((s, i) => {
    const at = `/steps/${i}`;
    if (s.type === 'task') {
      if (s.form && forms[s.form.key]) {
        rewrites.push({ stepId: s.id, path: `${at}/form/key`, from: s.form.key, to: forms[s.form.key]! });
        // the copy is a new form: its first version, not the source's pinned one
        const { version: _fv, ...form } = s.form;
        s.form = { ...form, key: forms[s.form.key]! };
      }
      if (s.prefill)
        s.prefill = Object.fromEntries(
          Object.entries(s.prefill).map(([f, e]) => [f, rewriteVars(e, s.id, `${at}/prefill/${f}`)]),
        );
      s.checks = s.checks?.map((c, j) => ({
        ...c,
        logic: rewriteVars(c.logic, s.id, `${at}/checks/${j}/logic`),
      }));
      if (s.checks === undefined) delete s.checks;
    } else if (s.type === 'activity') {
      s.input = Object.fromEntries(
        Object.entries(s.input).map(([f, e]) => [f, rewriteVars(e, s.id, `${at}/input/${f}`)]),
      ) as typeof s.input;
    } else if (s.type === 'decision') {
      s.branches = s.branches.map((b, j) => ({
        ...b,
        when: rewriteVars(b.when, s.id, `${at}/branches/${j}/when`) as typeof b.when,
      }));
    } else if (s.type === 'notice' && s.publish) {
      s.publish = s.publish.map((p, j) => {
        const moved = moveStore(p, '');
        if (moved !== p) rewrites.push({ stepId: s.id, path: `${at}/publish/${j}`, from: p, to: moved });
        return moved;
      });
    }
  });
  return { definition: out, rewrites };
}
