/**
 * The one document layout (print view and PDF): 附件3's sections in the paper's order whatever order the
 * stored form keeps, signers matched to their handwritten signatures, 附件2 items in their numbered order on
 * a landscape sheet, an address in its order; and the board's remaining time is never rounded up.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentLayout } from '../../forms/document-layout.js';
import { remaining } from '../../web/src/remaining.js';
import { ROOT } from '../../server/config.js';

const form = (key: string) =>
  JSON.parse(readFileSync(join(ROOT, `forms/packs/hunan/forms/${key}.json`), 'utf8'));
/** the form as PostgreSQL's jsonb gives it back: keys shortest first, then by bytes */
function asJsonb<T>(v: T): T {
  if (Array.isArray(v)) return v.map(asJsonb) as T;
  if (!v || typeof v !== 'object') return v;
  const keys = Object.keys(v).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, asJsonb((v as Record<string, unknown>)[k])])) as T;
}
const ctx = { caseId: 'ZX-1', orgName: '和平村', subjectName: '罗翠萍', signed: true };
const SIG = (n: number) => `att_${String(n).repeat(32)}`;

describe('document layout', () => {
  it('lays 附件3 out in the paper order with both township signers and their handwritten signatures', () => {
    const f = asJsonb(form('identification-approval'));
    expect(Object.keys(f.schema.properties).indexOf('countyApproval')).toBeLessThan(
      Object.keys(f.schema.properties).indexOf('townshipReview'),
    );
    const layout = documentLayout(
      'identification-approval',
      f,
      {
        townshipReview: {
          opinion: '同意',
          signer: '刘书记',
          opinion2: '同意',
          signer2: '张镇长',
          date: '2026-12-05',
        },
        countyApproval: { opinion: '同意纳入', signer: '周局长', date: '2026-12-06', sealed: true },
        verification: { opinion: '属实', signer: '王核实、李核实', date: '2026-11-26' },
        villageReview: { opinion: '通过', signer: '李书记', date: '2026-11-27' },
        monitoringType: '2',
      },
      {
        ...ctx,
        signatures: {
          township_review: [
            { name: '张镇长', post: 'township_head', signature: SIG(2) },
            { name: '刘书记', post: 'township_secretary', signature: SIG(1) },
          ],
        },
      },
    );
    const opinions = layout.blocks.filter((b) => b.kind === 'opinion');
    expect(opinions.map((b) => b.title)).toEqual([
      '入户核实意见',
      '村级评议意见',
      '乡镇（街道）审核意见',
      '县级审定意见',
    ]);
    const township = opinions[2];
    expect(township.kind === 'opinion' && township.signers).toEqual([
      { label: '乡镇党委（街道）书记（签字）', name: '刘书记', signature: SIG(1) },
      { label: '乡镇长（街道主任）（签字）', name: '张镇长', signature: SIG(2) },
    ]);
    expect(opinions[3].kind === 'opinion' && opinions[3].seal).toEqual({ sealed: true });
    expect(layout.status).toBe('已签署');
    expect(documentLayout('identification-approval', f, {}, { ...ctx, signed: false }).status).toMatch(
      /^尚未签署/,
    );
  });

  it('lays 附件2 out on a landscape sheet, items in their numbered order, members as a table', () => {
    const f = asJsonb(form('collection'));
    delete f.uiSchema['ui:order'];
    const layout = documentLayout(
      'collection',
      f,
      { A27: ['01'], A27a: ['01'], A28: 1, members: [{ A5: '甲' }] },
      ctx,
    );
    expect(layout.orientation).toBe('landscape');
    const labels = layout.blocks.flatMap((b) =>
      b.kind === 'fields' ? b.rows.map((r) => r.label.split(' ')[0]) : [],
    );
    expect(labels.indexOf('A27')).toBeLessThan(labels.indexOf('A27a'));
    expect(labels.indexOf('A27a')).toBeLessThan(labels.indexOf('A28'));
    expect(labels.indexOf('A4')).toBeLessThan(labels.indexOf('A23'));
    const members = layout.blocks.find((b) => b.kind === 'table');
    expect(members?.kind === 'table' && members.columns.slice(0, 3)).toEqual(['序号', '姓名', '性别']);
  });

  it('writes an address in its order and shows signatures and photos as images', () => {
    const f = asJsonb(form('application'));
    const layout = documentLayout(
      'application',
      f,
      {
        address: {
          group: '第一村民小组',
          village: '竹山村',
          city: '衡阳市',
          county: '衡南县',
          township: '云集街道',
        },
        applicantSignature: SIG(3),
      },
      ctx,
    );
    const rows = layout.blocks.flatMap((b) => (b.kind === 'fields' ? b.rows : []));
    expect(rows.find((r) => r.label === '家庭住址')?.value.text).toBe(
      '衡阳市 衡南县 云集街道 竹山村 第一村民小组',
    );
    expect(rows.find((r) => r.label === '申请人签字（手写）')?.value).toEqual({ text: '', images: [SIG(3)] });
  });
});

describe('remaining time on the board', () => {
  const now = Date.parse('2026-12-02T00:00:00Z');
  const later = (h: number) => new Date(now + h * 3_600_000);
  it('never rounds up', () => {
    expect(remaining(later(0.5), now)).toBe('不足1小时');
    expect(remaining(later(7.9), now)).toBe('7 小时');
    expect(remaining(later(24), now)).toBe('1 天');
    expect(remaining(later(25.5), now)).toBe('1 天 1 小时');
    expect(remaining(later(-1), now)).toBe('即将结束');
  });
});
