import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveCodeLists, type CodeList } from '../../forms/registry.js';
import { labelOf, showValue } from '../../forms/labels.js';
import type { FormDocument } from '../../forms/validate.js';
import { ROOT } from '../../server/config.js';

const pack = join(ROOT, 'forms/packs/hunan');
const lists: CodeList[] = readdirSync(join(pack, 'codelists')).map((f) =>
  JSON.parse(readFileSync(join(pack, 'codelists', f), 'utf8')),
);
const form = (key: string) =>
  resolveCodeLists(
    JSON.parse(readFileSync(join(pack, 'forms', `${key}.json`), 'utf8')) as FormDocument,
    lists,
  );

describe('codes are shown by their labels', () => {
  it('shows a department-data hit on 附件3 as 民政部门 / 低保, not civil_affairs / dibao', () => {
    const hit = form('identification-approval').schema.properties.hitDecisions.items.properties;
    expect(labelOf(hit.department, 'civil_affairs')).toBe('民政部门');
    expect(labelOf(hit.kind, 'dibao')).toBe('低保');
    expect(labelOf(hit.kind, 'medical_expense')).toBe('大额医疗费用');
    // a code the list does not know yet is kept as it came (department data is never refused for it)
    expect(labelOf(hit.kind, 'new_kind')).toBe('new_kind');
  });

  it('names every department and kind in the demo department data', () => {
    const hit = form('identification-approval').schema.properties.hitDecisions.items.properties;
    const rows = readFileSync(join(pack, 'demo/department-records.csv'), 'utf8').trim().split('\n').slice(1);
    for (const r of rows) {
      const [department, kind] = r.split(',');
      expect(labelOf(hit.department, department), department).not.toBe(department);
      expect(labelOf(hit.kind, kind), kind).not.toBe(kind);
    }
  });

  it('shows 与户主关系 and multiple choices by label', () => {
    const c = form('collection').schema.properties;
    expect(showValue(c.members.items.properties.A8, '02')).toBe('配偶');
    expect(showValue(c.A27, ['01'])).toMatch(/因病/); // A27's own list (seed 2812–2819)
    expect(showValue(c.A1, false)).toBe('否');
  });
});
