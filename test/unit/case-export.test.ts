import { describe, expect, it } from 'vitest';
import { neutralise } from '../../server/services/case-list.js';

describe('an exported case list cannot run formulas in a spreadsheet', () => {
  it.each([
    ['=HYPERLINK("http://x","点我")', `'=HYPERLINK("http://x","点我")`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['谭建华', '谭建华'],
    ['2026/12/2 08:00:00', '2026/12/2 08:00:00'],
  ])('writes %j as %j', (input, output) => {
    expect(neutralise(input)).toBe(output);
  });

  it('leaves numbers and empty cells alone', () => {
    expect(neutralise(12)).toBe(12);
    expect(neutralise(undefined)).toBeUndefined();
  });
});
