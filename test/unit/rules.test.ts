/** The rules kernel (forms/rules.ts): one JSON Logic dialect and one money arithmetic for every room. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compiledRule, div2, evaluate, holds, perCapita, round2 } from '../../forms/rules.js';
import { computeDerived, type DerivedField } from '../../forms/derive.js';
import { perCapitaIncome } from '../../activities/income.js';
import { idCheckDigit } from '../../forms/formats.js';

const ROOT = join(import.meta.dirname, '..', '..');
const collection = JSON.parse(
  readFileSync(join(ROOT, 'forms/packs/hunan/forms/collection.json'), 'utf8'),
) as { derived: DerivedField[] };

/** The exact answer in whole fen: total (in fen) ÷ members, half a fen away from zero, in BigInt. */
function exactPerCapitaFen(totalFen: number, members: number): number {
  const t = BigInt(Math.abs(totalFen));
  const m = BigInt(members);
  const q = t / m + (2n * (t % m) >= m ? 1n : 0n);
  return Math.sign(totalFen) * Number(q) || 0;
}

describe('one JSON Logic dialect', () => {
  it('is extended in one place only: no add_operation or json-logic-js import outside forms/rules.ts', () => {
    const hits = execFileSync(
      'git',
      [
        'grep',
        '--untracked',
        '-l',
        '-E',
        'add_operation|rm_operation|[\'"]json-logic-js[\'"]',
        '--',
        '*.ts',
        '*.tsx',
        '*.js',
        '*.mjs',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean);
    expect(hits.filter((f) => f !== 'test/unit/rules.test.ts')).toEqual(['forms/rules.ts']);
  });

  it('counts table rows and characters the same in a form formula and a process decision', () => {
    const data = { members: [{}, {}, {}], name: '王小明' };
    expect(evaluate({ count: [{ var: 'members' }] }, data)).toBe(3);
    expect(evaluate({ count: [{ var: 'name' }] }, data)).toBe(3);
    expect(evaluate({ count: [{ var: 'missing' }] }, data)).toBe(0);
    computeDerived(data as Record<string, any>, [{ path: 'n', logic: { count: [{ var: 'members' }] } }]);
    expect((data as Record<string, unknown>).n).toBe(3);
    expect(holds({ '>=': [{ count: [{ var: 'members' }] }, 3] }, data)).toBe(true);
    const first17 = '43042219900101123';
    expect(evaluate({ sexFromId: [first17 + idCheckDigit(first17)] }, {})).toBe('1');
  });
});

describe('money to the fen (四舍五入)', () => {
  it('rounds half a fen away from zero, for losses as for gains', () => {
    expect([
      round2(0.125),
      round2(-0.125),
      round2(1.005),
      round2(-1.005),
      round2(-100.125),
      round2(2.675),
    ]).toEqual([0.13, -0.13, 1.01, -1.01, -100.13, 2.68]);
    expect([round2(0.124), round2(-0.124), round2(0), round2(-0.001)]).toEqual([0.12, -0.12, 0, 0]);
    expect(Object.is(round2(-0.001), -0)).toBe(false);
  });

  it('divides in whole fen, so a quotient that lands on half a fen rounds up however the double prints', () => {
    // 0.21 ÷ 6 = 0.035 (the double prints 0.034999…), 4.27 ÷ 2 = 2.135 (the double prints 2.135)
    expect([div2(0.21, 6), div2(4.27, 2), div2(-4.27, 2), div2(36299.5, 6), div2(1, 0)]).toEqual([
      0.04,
      2.14,
      -2.14,
      6049.92,
      null,
    ]);
    expect([perCapita(100, 0), perCapita(100, 1.5), perCapita(-7, 2)]).toEqual([null, null, -3.5]);
  });

  it('agrees with exact arithmetic for any total and household size', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e10, max: 1e10 }), fc.integer({ min: 1, max: 30 }), (fen, members) => {
        expect(Math.round(perCapita(fen / 100, members)! * 100)).toBe(exactPerCapitaFen(fen, members));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('one per-capita income formula', () => {
  const yuan = fc.integer({ min: -5_000_000, max: 20_000_000 }).map((f) => f / 100);
  it('gives the same A33, A34, A37 and A38 in 附件2 (derived fields) and in the computeIncome activity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(yuan, { minLength: 7, maxLength: 7 }),
        (members, [A28, A29, A30, A31, A32, A35, A36]) => {
          const doc: Record<string, any> = {
            members: Array.from({ length: members }, () => ({})),
            A28,
            A29,
            A30,
            A31,
            A32,
            A35,
            A36,
          };
          computeDerived(
            doc,
            collection.derived.filter((d) => /^A3[3-8]$/.test(d.path)),
          );
          const activity = perCapitaIncome({ members, A28, A29, A30, A31, A32, A35, A36 });
          expect({ A33: doc.A33, A34: doc.A34, A37: doc.A37, A38: doc.A38 }).toEqual(activity);
          expect(Math.round(activity.A38 * 100)).toBe(
            exactPerCapitaFen(Math.round(activity.A37 * 100), members),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('a compiled rule computes what the interpreter computes', () => {
  // every formula, rule and display condition of the seed packs, and rules over each operator kind
  const packRules = readdirSync(join(ROOT, 'forms/packs'))
    .flatMap((pack) => {
      const dir = join(ROOT, 'forms/packs', pack, 'forms');
      return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
    })
    .flatMap((file) => {
      const form = JSON.parse(readFileSync(file, 'utf8'));
      const conditions = Object.values(form.schema?.properties ?? {})
        .map((p: any) => p?.['x-visibleWhen'])
        .filter((w) => w !== undefined);
      return [
        ...(form.derived ?? []).map((d: DerivedField) => d.logic),
        ...(form.rules ?? []).flatMap((r: any) => [r.when, r.logic].filter((x) => x !== undefined)),
        ...conditions,
      ];
    });
  const handRules: unknown[] = [
    { var: 'a' },
    { var: ['a.b', 'dflt'] },
    { var: '' },
    { var: [] },
    { var: 1 },
    { '+': [{ var: 'a' }, '2', { var: 'b' }] },
    { '+': [] },
    { '-': [{ var: 'a' }] },
    { '*': [{ var: 'a' }, { var: 'b' }] },
    { '/': [{ var: 'a' }, { var: 'b' }] },
    { '%': [{ var: 'a' }, 3] },
    { '<': [0, { var: 'a' }, 10] },
    { '<=': [{ var: 'a' }, { var: 'b' }] },
    { '==': [{ var: 'a' }, '1'] },
    { '!==': [{ var: 'a' }, null] },
    { '!': [{ var: 'list' }] },
    { '!!': [{ var: 'list' }] },
    { and: [{ var: 'a' }, { var: 'b' }, { var: 'c' }] },
    { or: [{ var: 'a' }, { var: 'b' }] },
    { and: [] },
    { if: [{ var: 'a' }, 'yes', { var: 'b' }, 'b', 'no'] },
    { '?:': [{ var: 'a' }, 1] },
    { if: [] },
    { some: [{ var: 'list' }, { '>': [{ var: '' }, 1] }] },
    { some: [{ var: 'a' }] },
    { all: [{ var: 'list' }, { '>': [{ var: '' }, 1] }] },
    { map: [{ var: 'list' }, { '*': [{ var: '' }, 2] }] },
    { min: [{ var: 'a' }, { var: 'b' }] },
    { max: [] },
    { in: [{ var: 'a' }, { var: 'list' }] },
    { cat: [{ var: 'a' }, '-', { var: 'b' }] },
    { count: { var: 'list' } },
    { sum: [{ var: 'list' }] },
    { round2: [{ '/': [{ var: 'a' }, 3] }] },
    { div2: [{ var: 'a' }, { count: [{ var: 'list' }] }] },
    { sexFromId: [{ var: 'id' }] },
    { coalesce: [{ var: 'x' }, { var: 'a' }, 0] },
    [{ var: 'a' }, { var: 'b' }, 3],
    { a: 1, b: 2 },
    'text',
    7,
    null,
  ];
  const value = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -5, max: 5 }),
    fc.double({ noNaN: false }),
    fc.constantFrom('', '0', '1', '02', 'x', '430422198001010014'),
    fc.array(fc.integer({ min: -2, max: 3 }), { maxLength: 4 }),
  );
  const data = fc.record(
    {
      a: value,
      b: value,
      c: value,
      list: value,
      id: value,
      members: fc.array(fc.record({ A17: value, A7: value }, { requiredKeys: [] }), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );
  const outcome = (f: () => unknown) => {
    try {
      return { value: f() };
    } catch (err) {
      return { threw: String(err) };
    }
  };
  it.each([...packRules, ...handRules].map((r) => [JSON.stringify(r).slice(0, 80), r]))(
    '%s',
    (_name, rule) => {
      fc.assert(
        fc.property(data, (d) => {
          expect(outcome(() => compiledRule(rule)(d))).toEqual(outcome(() => evaluate(rule, d)));
        }),
        { numRuns: 300 },
      );
    },
  );
});
