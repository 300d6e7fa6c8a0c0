import { describe, expect, it } from 'vitest';
import {
  idCheckDigit,
  parseDisabilityCert,
  parseResidentId,
  checkIdOrDisability,
  maskId,
  maskPhone,
  isMoney,
  isHalfMonths,
} from '../../forms/formats.js';

/** Build a valid ID from region + birth date + sequence (the check digit computed). */
const make = (region: string, birth: string, seq: string) =>
  `${region}${birth}${seq}${idCheckDigit(region + birth + seq)}`;
const withCheck = (id17: string, check: string) => id17 + check;

const VALID = [
  make('430422', '19800101', '001'),
  make('430422', '19750615', '002'),
  make('430422', '20010229'.replace('0229', '0228'), '013'),
  make('110101', '19491001', '005'),
  make('430421', '20000229', '021'),
  make('440305', '19991231', '998'),
  make('510107', '19630704', '347'),
  make('430422', '19900101', '123'),
  make('650102', '20101010', '246'),
  make('820000', '19880808', '888'),
];
// an ID whose check digit is X, in both cases
const X17 = (() => {
  for (let s = 0; s < 1000; s++) {
    const id17 = `430422198802${String((s % 28) + 1).padStart(2, '0')}${String(s).padStart(3, '0')}`;
    if (idCheckDigit(id17) === 'X') return id17;
  }
  throw new Error('no X id');
})();

describe('resident ID (GB 11643)', () => {
  it.each(VALID)('accepts %s', (id) => {
    expect(parseResidentId(id, new Date('2026-11-24'))).toMatchObject({ valid: true });
  });

  it('accepts a trailing X, and a lower-case x normalised to X', () => {
    expect(parseResidentId(`${X17}X`)).toMatchObject({ valid: true, normalised: `${X17}X` });
    expect(parseResidentId(`${X17}x`)).toMatchObject({ valid: true, normalised: `${X17}X` });
  });

  it('reads the birth date and the sex (odd 17th digit = male)', () => {
    expect(parseResidentId(make('430422', '19800101', '001'))).toMatchObject({
      birthDate: '1980-01-01',
      sex: 'male',
      region: '430422',
    });
    expect(parseResidentId(make('430422', '19800101', '002'))).toMatchObject({ sex: 'female' });
  });

  const BAD: [string, string, RegExp][] = [
    ['wrong check digit', withCheck(VALID[0].slice(0, 17), VALID[0][17] === '1' ? '2' : '1'), /校验位错误/],
    [
      'check digit X where a digit belongs',
      withCheck(VALID[1].slice(0, 17), VALID[1][17] === 'X' ? '0' : 'X'),
      /校验位错误/,
    ],
    ['30 February', make('430422', '19990230', '001'), /出生日期无效/],
    ['month 13', make('430422', '19991301', '001'), /出生日期无效/],
    ['born in the future', make('430422', '20991231', '001'), /出生日期无效/],
    ['born before 1900', make('430422', '18991231', '001'), /出生日期无效/],
    ['15-digit legacy ID', '430422800101001', /15位旧身份证号/],
    ['17 characters', VALID[0].slice(0, 17), /应为18位/],
    ['19 characters', VALID[0] + '1', /应为18位/],
    ['a letter inside', VALID[0].slice(0, 5) + 'A' + VALID[0].slice(6), /只能包含数字/],
    ['X in the middle', VALID[0].slice(0, 10) + 'X' + VALID[0].slice(11), /只能包含数字/],
    ['region starting with 0', make('030422', '19800101', '001'), /地区码无效/],
    ['empty', '', /应为18位/],
    ['spaces only', '                  ', /应为18位/],
    ['all zeros', '000000000000000000', /地区码无效|出生日期无效/],
  ];
  it.each(BAD)('refuses %s with a clear message', (_name, id, message) => {
    const r = parseResidentId(id, new Date('2026-11-24'));
    expect(r.valid).toBe(false);
    if (!r.valid) expect(r.message).toMatch(message);
  });
});

describe('disability certificate (20 characters)', () => {
  const id = VALID[0];
  it.each([
    [`${id}11`, true],
    [`${id}74`, true],
    [`${id}31`, true],
    [`${id}81`, false],
    [`${id}05`, false],
    [`${id}15`, false],
    [`${id}1`, false],
    [`${withCheck(id.slice(0, 17), id[17] === '1' ? '2' : '1')}11`, false],
  ])('%s → %s', (cert, ok) => {
    expect(parseDisabilityCert(cert).valid).toBe(ok);
  });
  it('says what is wrong', () => {
    expect(parseDisabilityCert(`${id}81`)).toMatchObject({ message: '残疾类别应为1–7' });
    expect(parseDisabilityCert(`${id}15`)).toMatchObject({ message: '残疾等级应为1–4' });
  });
  it('is accepted where a member field takes an ID or a certificate', () => {
    expect(checkIdOrDisability(`${id}24`).valid).toBe(true);
    expect(checkIdOrDisability(id).valid).toBe(true);
    expect(checkIdOrDisability(`${id}2`).valid).toBe(false);
  });
});

describe('other formats and masking', () => {
  it('money has at most two decimals; months worked go in halves', () => {
    expect([12.5, 0, 100.25, -300.1].map(isMoney)).toEqual([true, true, true, true]);
    expect([0.125, 1.001, Number.NaN].map(isMoney)).toEqual([false, false, false]);
    expect([0, 0.5, 6, 12].map(isHalfMonths)).toEqual([true, true, true, true]);
    expect([0.3, 12.5, -1].map(isHalfMonths)).toEqual([false, false, false]);
  });
  it('masks ID numbers and phones for lists and the public board', () => {
    expect(maskId('430421198001011234')).toBe('430421********1234');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
});
