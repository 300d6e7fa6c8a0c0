import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compileForm,
  hiddenFields,
  validateFormData,
  validateFormDocument,
  type FormDocument,
} from '../../forms/validate.js';
import { application } from '../support/demo.js';
import { resolveCodeLists, type CodeList } from '../../forms/registry.js';
import { idCheckDigit } from '../../forms/formats.js';

const dir = join(import.meta.dirname, '../../forms/packs/hunan');
const lists: CodeList[] = readdirSync(join(dir, 'codelists')).map((f) =>
  JSON.parse(readFileSync(join(dir, 'codelists', f), 'utf8')),
);
const forms: FormDocument[] = readdirSync(join(dir, 'forms')).map((f) =>
  resolveCodeLists(JSON.parse(readFileSync(join(dir, 'forms', f), 'utf8')), lists),
);
const form = (key: string) => forms.find((f) => f.key === key)!;

const id = (birth: string, seq: number) => {
  const s = `430422${birth}${String(seq).padStart(3, '0')}`;
  return s + idCheckDigit(s);
};
const member = (n: number, relation: string, birth: string) => ({
  A5: `成员${n}`,
  A7: id(birth, n),
  A8: relation,
  A9: '01',
  A10: '06',
  A11: '03',
  A12: '00',
  A13: '01',
  A14: '01',
  A15: '01',
  A16: 6,
  A17: '01',
  A18: '01',
  A19: '01',
  A20: '02',
  A21: '02',
  A22: '02',
});
function collection6() {
  return {
    A1: false,
    A3: '2',
    A4: false,
    members: [
      member(1, '01', '19700101'),
      member(2, '02', '19720303'),
      member(3, '03', '19950505'),
      member(4, '04', '19980707'),
      member(5, '07', '20150909'),
      member(6, '11', '19450202'),
    ],
    A23: '02',
    A24: '02',
    A25: '02',
    A27: ['01', '07'],
    A28: 36000,
    A29: -2000,
    A30: 500,
    A31: 3600,
    A32: 1800.5,
    A35: 2000,
    A36: 9000,
    A39: ['01'],
    A40: ['02'],
    A41: [],
    A42: [],
    A43: [],
    A44: true,
    A45: [],
    A46: [],
    A47: [],
    A48: [],
    A49: [],
    A50: false,
    A51: false,
    A52: false,
    A53: '1',
    A54: '2026-11-01',
    A55: { name: '周联系', phone: '13900001111' },
  };
}

describe('附件2 information collection', () => {
  it('validates a complete 6-member household and computes A6, A26 and A33–A38', () => {
    const r = validateFormData(form('collection'), collection6());
    expect(r.ok, JSON.stringify(!r.ok && r.errors)).toBe(true);
    if (!r.ok) return;
    const d = r.data as any;
    // A33 = 36000 − 2000 + 500 + 3600 − 1800.5 = 36299.5; A34 = ÷ 6; A37 = A33 + 2000 − 9000; A38 = ÷ 6
    expect([d.A33, d.A34, d.A37, d.A38]).toEqual([36299.5, 6049.92, 29299.5, 4883.25]);
    expect(d.members.map((m: any) => m.A6)).toEqual(['1', '2', '1', '2', '1', '2']); // odd 17th digit = male
    expect(d.A26).toBe('02');
  });

  it('ignores derived values sent by the client and recomputes them', () => {
    const doc: any = { ...collection6(), A33: 999999, A38: 999999, A26: '01' };
    doc.members[0].A6 = '2';
    const r = validateFormData(form('collection'), doc);
    expect(r.ok && (r.data as any).A33).toBe(36299.5);
    expect(r.ok && (r.data as any).members[0].A6).toBe('1');
  });

  it('returns exactly the five seeded mistakes, each with its path and a Chinese message', () => {
    const doc: any = collection6();
    doc.members[2].A7 = doc.members[2].A7.slice(0, 17) + (doc.members[2].A7[17] === '1' ? '2' : '1'); // bad check digit
    doc.members[4].A16 = 13; // months worked over 12
    doc.members[1].A17 = '03'; // not in the yes/no list
    doc.A28 = 100.123; // three decimals
    delete doc.A23; // required
    const r = validateFormData(form('collection'), doc);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path).sort()).toEqual(
      ['A23', 'A28', 'members.1.A17', 'members.2.A7', 'members.4.A16'].sort(),
    );
    const by = Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
    expect(by['members.2.A7']).toBe('“身份证（残疾人证）号码”：身份证号校验位错误');
    expect(by['members.4.A16']).toBe('“务工时间（月）”不能大于12');
    expect(by['members.1.A17']).toBe('“参加城乡居民（职工）基本医疗保险”请从列表中选择');
    expect(by.A28).toBe('“A28 工资性收入（元）”金额最多保留两位小数');
    expect(by.A23).toBe('“A23 住房出现安全问题”为必填项');
    for (const e of r.errors) expect(e.message_en).toMatch(/\w/);
  });

  it('reports a household with no members clearly instead of dividing by zero', () => {
    const r = validateFormData(form('collection'), { ...collection6(), members: [] });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.find((e) => e.path === 'members')?.message).toBe('“家庭成员信息”至少需要1项');
    expect(!r.ok && JSON.stringify(r.errors)).not.toMatch(/Infinity|NaN/);
  });

  it('needs the free text when risk ⑭ is chosen on the application, and a disaster type for ⑨', () => {
    const app = validateFormData(form('application'), { riskReasons: ['14'] });
    expect(!app.ok && app.errors.find((e) => e.path === 'otherRisk')?.message).toMatch(/⑭其他/);
    // A27 has its own list (seed 2812–2819): 04 因自然灾害 needs the disaster type, 09 其他 its text
    const col = validateFormData(form('collection'), { ...collection6(), A27: ['04'] });
    expect(!col.ok && col.errors.map((e) => e.path)).toEqual(['A27a']);
    const other = validateFormData(form('collection'), { ...collection6(), A27: ['09'] });
    expect(!other.ok && other.errors.map((e) => e.path)).toEqual(['A27text']);
    expect(
      validateFormData(form('collection'), {
        ...collection6(),
        A27: ['09'],
        A27text: '家中房屋被征收后无固定住所',
      }).ok,
    ).toBe(true);
  });

  it('takes a landline with its area code as the monitor contact’s phone (line 2583), but not a short number', () => {
    for (const phone of ['0734-8123456', '07348123456', '13900001111']) {
      expect(
        validateFormData(form('collection'), { ...collection6(), A55: { name: '周联系', phone } }).ok,
        phone,
      ).toBe(true);
    }
    const bad = validateFormData(form('collection'), {
      ...collection6(),
      A55: { name: '周联系', phone: '8123456' },
    });
    expect(!bad.ok && bad.errors).toEqual([
      expect.objectContaining({ path: 'A55.phone', message: expect.stringMatching(/固定电话/) }),
    ]);
  });

  it('refuses an edit to a read-only field instead of silently dropping it', () => {
    const previous = collection6();
    const changed = { ...collection6(), A3: '1' };
    const r = validateFormData(form('collection'), changed, { permissions: { A3: 'readonly' }, previous });
    expect(!r.ok && r.errors).toEqual([
      expect.objectContaining({ path: 'A3', message: '“A3 监测对象类型”为只读字段，不可修改' }),
    ]);
    expect(
      validateFormData(form('collection'), collection6(), { permissions: { A3: 'readonly' }, previous }).ok,
    ).toBe(true);
  });
});

describe('附件2 filled in three stages (x-stage)', () => {
  it('at identification hides the measures and elimination parts: not accepted, not required; the monitor contact A55 is required', () => {
    const doc = form('collection');
    const { A55: _contact, ...noContact } = collection6();
    const r = validateFormData(doc, noContact, { stage: 'identification' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toEqual(['A55']);
    const ok = validateFormData(doc, collection6(), { stage: 'identification' });
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    // what a verifier cannot see is not stored: A39–A54 come later
    expect(Object.keys(ok.data).filter((k) => /^A(39|40|44|53|54)$/.test(k))).toEqual([]);
    expect((ok.data as any).A55.name).toBe('周联系');
  });
  it('keeps the assistance measures from the measures stage on, and the elimination data only at elimination', () => {
    const doc = form('collection');
    const measures = validateFormData(doc, collection6(), { stage: 'measures' });
    expect(measures.ok && [(measures.data as any).A39, (measures.data as any).A53]).toEqual([
      ['01'],
      undefined,
    ]);
    const elimination = validateFormData(doc, collection6(), { stage: 'elimination' });
    expect(elimination.ok && [(elimination.data as any).A39, (elimination.data as any).A53]).toEqual([
      ['01'],
      '1',
    ]);
  });
  it('requires each part at its own stage: nothing of A39–A54 at identification, the measures from stage 2, A53/A54 at elimination (line 2577)', () => {
    const doc = form('collection');
    const { A39: _a39, A44: _a44, A53: _a53, A54: _a54, ...without } = collection6();
    expect(validateFormData(doc, without, { stage: 'identification' }).ok).toBe(true);
    const measures = validateFormData(doc, without, { stage: 'measures' });
    expect(!measures.ok && measures.errors.map((e) => e.path).sort()).toEqual(['A39', 'A44']);
    const elimination = validateFormData(doc, without, { stage: 'elimination' });
    expect(!elimination.ok && elimination.errors.map((e) => e.path).sort()).toEqual([
      'A39',
      'A44',
      'A53',
      'A54',
    ]);
  });
  it('a later-stage field with a wrong value is no error at an earlier stage (it is dropped), but is at its own stage', () => {
    const bad = { ...collection6(), A54: '2026-13-45' };
    expect(validateFormData(form('collection'), bad, { stage: 'identification' }).ok).toBe(true);
    const r = validateFormData(form('collection'), bad, { stage: 'elimination' });
    expect(!r.ok && r.errors.map((e) => e.path)).toEqual(['A54']);
  });
});

describe('form versions', () => {
  it('requires a field added in v2 of 附件1 while v1 documents still validate against v1', () => {
    const v1 = form('application');
    const v2: FormDocument = structuredClone({ ...v1, version: 2 });
    v2.schema.properties.contactPhone = { type: 'string', title: '联系电话', format: 'mobile' };
    v2.schema.required = [...v2.schema.required, 'contactPhone'];
    const doc = {
      name: '张三',
      idNumber: id('19800101', 1),
      address: { city: '衡阳市', county: '衡南县', township: '云集', village: '竹山', group: '一组' },
      householdSize: 3,
      channel: 'self',
      riskReasons: ['06'],
      statement: '因病',
      filedBy: 'self',
      pledge: true,
      authorisation: true,
      signDate: '2026-11-24',
    };
    expect(validateFormData(v1, doc).ok).toBe(true);
    const r = validateFormData(v2, doc);
    expect(!r.ok && r.errors).toEqual([
      expect.objectContaining({ path: 'contactPhone', message: '“联系电话”为必填项' }),
    ]);
    expect(validateFormData(v2, { ...doc, contactPhone: '12345' }).ok).toBe(false);
    expect(validateFormData(v2, { ...doc, contactPhone: '13812345678' }).ok).toBe(true);
    expect(compileForm(v1)).toBe(compileForm(v1));
    expect(compileForm(v2)).not.toBe(compileForm(v1));
  });

  it.each(forms.map((f) => [f.key, f] as const))('%s is a well-formed form document', (_k, f) => {
    expect(validateFormDocument(f)).toEqual({ ok: true });
  });
});

describe('robustness', () => {
  it.each(forms.map((f) => [f.key, f] as const))(
    'never throws on 10,000 random documents for %s',
    (_k, f) => {
      const keys = Object.keys(f.schema.properties);
      const value = fc.oneof(
        fc.string(),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.oneof(fc.string(), fc.integer(), fc.object())),
        fc.object(),
      );
      const doc = fc.oneof(fc.dictionary(fc.constantFrom(...keys), value), fc.anything());
      fc.assert(
        fc.property(doc, (d) => {
          const r = validateFormData(f, d);
          return r.ok
            ? typeof r.data === 'object'
            : r.errors.every((e) => typeof e.path === 'string' && e.message.length > 0);
        }),
        { numRuns: 10_000 },
      );
      // 10,000 documents take 2–5 s on a busy 2-core machine: a generous limit, this is about crashes, not speed
    },
    60_000,
  );
});

describe('A33–A38 arithmetic', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('computes per-capita income for a household of %i', (n) => {
    const doc: any = collection6();
    doc.members = doc.members
      .concat(doc.members)
      .slice(0, n)
      .map((m: any, i: number) => ({ ...m, A7: id('19800101', 100 + i), A8: i === 0 ? '01' : '03' }));
    Object.assign(doc, { A28: 24000, A29: -3000, A30: 600, A31: 1200, A32: 800, A35: 1000, A36: 4000 });
    const r = validateFormData(form('collection'), doc);
    expect(r.ok, JSON.stringify(!r.ok && r.errors)).toBe(true);
    const d = (r as any).data;
    const A33 = 24000 - 3000 + 600 + 1200 - 800; // negative business income counts against the household
    const A37 = A33 + 1000 - 4000;
    expect(d.A33).toBe(A33);
    expect(d.A37).toBe(A37);
    expect(d.A34).toBe(Math.round((A33 / n) * 100) / 100);
    expect(d.A38).toBe(Math.round((A37 / n) * 100) / 100);
  });
});

describe('display conditions (x-visibleWhen)', () => {
  const app = (extra: Record<string, unknown>) => ({ ...application('HH-0001'), ...extra });
  it('drops a hidden field and does not require it; shows and requires it when its condition holds', () => {
    const self = validateFormData(form('application'), app({ filedBy: 'self', filerName: '不该保存' }));
    expect(self.ok).toBe(true);
    expect((self as { data: Record<string, unknown> }).data.filerName).toBeUndefined();
    expect(hiddenFields(form('application'), { filedBy: 'self' })).toEqual(
      expect.arrayContaining(['filerName']),
    );
    const other = validateFormData(form('application'), app({ filedBy: 'other' }));
    expect(other.ok).toBe(false);
    expect((other as { errors: { path: string; message: string }[] }).errors).toContainEqual(
      expect.objectContaining({ path: 'filerName', message: '他人代为申报时须填写代为申报人姓名' }),
    );
    expect(hiddenFields(form('application'), { filedBy: 'other', riskReasons: ['14'] })).not.toContain(
      'otherRisk',
    );
  });
});

describe('free text', () => {
  it('refuses text longer than 2,000 characters in a field that names no maxLength, in Chinese', () => {
    const doc: FormDocument = {
      key: 'free',
      version: 1,
      title: { zh: '自由文本', en: 'Free text' },
      schema: {
        type: 'object',
        properties: {
          note: { type: 'string', title: '备注' },
          short: { type: 'string', title: '简述', maxLength: 10 },
        },
      },
    } as FormDocument;
    expect(validateFormData(doc, { note: '字'.repeat(2000), short: '短' }).ok).toBe(true);
    const r = validateFormData(doc, { note: '字'.repeat(2001), short: '长'.repeat(11) });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => [e.path, e.keyword])).toEqual(
        expect.arrayContaining([
          ['note', 'maxLength'],
          ['short', 'maxLength'],
        ]),
      );
      expect(r.errors.find((e) => e.path === 'note')!.message).toMatch(/2000/);
    }
  });
});
