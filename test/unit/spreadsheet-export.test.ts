/** CSV/Excel injection: a cell a spreadsheet would run as a formula is exported as text. */
import { describe, expect, it } from 'vitest';
import { csvLine, neutraliseCell, toCsv } from '../../server/services/spreadsheet.js';

describe('exported cells that a spreadsheet would run as formulas are neutralised', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","点我")', `'=HYPERLINK("http://evil.example","点我")`],
    ['+SUM(A1:A9)', `'+SUM(A1:A9)`],
    ['-2+3', `'-2+3`],
    ['@SUM(1)', `'@SUM(1)`],
    ['\t=1+1', `'\t=1+1`],
    ['\r=1+1', `'\r=1+1`],
    ['罗翠萍', '罗翠萍'],
    ['a=b', 'a=b'],
    ['-12.5', '-12.5'],
    ['', ''],
  ])('%j → %j', (input, output) => {
    expect(neutraliseCell(input)).toBe(output);
  });

  it('keeps numbers, nulls and dates as values', () => {
    expect([
      neutraliseCell(-3),
      neutraliseCell(null),
      neutraliseCell(undefined),
      neutraliseCell(new Date('2026-12-02T00:00:00Z')),
    ]).toEqual(['-3', '', '', '2026-12-02T00:00:00.000Z']);
  });

  it('quotes what CSV needs quoted after neutralising, and writes a BOM for Excel', () => {
    expect(csvLine(['=1,2', 'say "hi"', 'x'])).toBe(`"'=1,2","say ""hi""",x`);
    expect(toCsv(['a'], [['=1']])).toBe("\uFEFFa\r\n'=1\r\n");
  });
});
