/**
 * 代码转名称 a stored code shown as its label: every place that shows form data (the form read-only, the
 * print view, the PDF, the task page's evidence) goes through here, so "01" reads 本人或户主 and
 * "civil_affairs" reads 民政部门. A field's choices are its `oneOf` of `{const, title}` (a code list it must
 * use, from `x-codelist`) or its `x-choices` (labels for codes that come from outside and are kept as they
 * are, from `x-labels`, e.g. the department and kind of a department-data record).
 */
export interface LabelledSchema {
  oneOf?: unknown[];
  items?: LabelledSchema | LabelledSchema[] | boolean;
  'x-choices'?: { const: unknown; title: string }[];
}

/** the `{const, title}` choices of a field, or of the items of an array field */
export function choicesOf(
  schema: LabelledSchema | undefined,
): { const: unknown; title: string }[] | undefined {
  if (!schema) return undefined;
  const own = (s: LabelledSchema | undefined) => {
    const list = (s?.oneOf ?? s?.['x-choices']) as { const?: unknown; title?: unknown }[] | undefined;
    return Array.isArray(list) &&
      list.every((c) => c && typeof c === 'object' && 'const' in c && typeof c.title === 'string')
      ? (list as { const: unknown; title: string }[])
      : undefined;
  };
  const items =
    schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items)
      ? schema.items
      : undefined;
  return own(schema) ?? own(items);
}

/** The label of one code (the code itself when the field has no list or the list does not know it). */
export function labelOf(schema: LabelledSchema | undefined, value: unknown): string {
  const hit = choicesOf(schema)?.find((c) => c.const === value);
  return hit ? hit.title : String(value);
}

/** A value as text: a code by its label, several codes joined with 、 */
export function showValue(schema: LabelledSchema | undefined, value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (Array.isArray(value)) return value.map((v) => labelOf(schema, v)).join('、');
  return labelOf(schema, value);
}
