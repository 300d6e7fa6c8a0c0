/**
 * 代码表 code lists are data shared by several forms. A field names its list
 * with `"x-codelist": "risk-codes"`; resolving a form turns that into a
 * `oneOf` of `{ const: code, title: label }` (a single choice) or, on an
 * array field, into `items.oneOf` with `uniqueItems` (a multiple choice).
 * `"x-labels": "departments"` only names the labels of codes the field keeps as they come (`x-choices`,
 * not checked). Forms and code lists of the Hunan pack live in packs/hunan/.
 */
import type { FormDocument } from './validate.js';

export interface CodeList {
  key: string;
  version?: number;
  title: { zh: string; en?: string };
  items: { code: string; label: { zh: string; en?: string }; children?: CodeList['items'] }[];
}

function choices(list: CodeList) {
  return list.items.map((i) => ({ const: i.code, title: i.label.zh }));
}

export function resolveCodeLists<T extends FormDocument>(doc: T, lists: CodeList[]): T {
  const byKey = new Map(lists.map((l) => [l.key, l]));
  const walk = (node: any): any => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const out: any = {};
    for (const [k, v] of Object.entries(node)) out[k] = walk(v);
    const key = out['x-codelist'];
    if (typeof key === 'string' && byKey.has(key)) {
      const list = byKey.get(key)!;
      if (out.type === 'array') out.items = { ...(out.items ?? {}), type: 'string', oneOf: choices(list) };
      else out.oneOf = choices(list);
      if (out.type === 'array') out.uniqueItems = true;
    }
    // labels only: codes that come from outside (department data) are kept as they are, shown by their label
    const labels = out['x-labels'];
    if (typeof labels === 'string' && byKey.has(labels)) out['x-choices'] = choices(byKey.get(labels)!);
    return out;
  };
  return { ...doc, schema: walk(doc.schema) };
}
