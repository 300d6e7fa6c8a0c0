import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  idCheckDigit,
  parseDisabilityCert,
  parseResidentId,
  residentIdSex,
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

/**
 * The resident-ID check is character arithmetic (validation runs it for every member row on every save);
 * this is the earlier regex-and-Date version, kept as the reference it must agree with on every input.
 */
function referenceParse(raw: string, today: Date) {
  const id = String(raw ?? '')
    .trim()
    .toUpperCase();
  const bad = (reason: string, message: string, message_en: string) => ({
    valid: false,
    reason,
    message,
    message_en,
  });
  if (/^\d{15}$/.test(id))
    return bad(
      'legacy',
      '15位旧身份证号不再使用，请填写18位身份证号',
      '15-digit legacy IDs are not accepted; enter the 18-character ID',
    );
  if (id.length !== 18) return bad('length', '身份证号应为18位', 'the ID must have 18 characters');
  if (!/^\d{17}[\dX]$/.test(id))
    return bad(
      'characters',
      '身份证号只能包含数字，最后一位可为X',
      'the ID is 17 digits followed by a digit or X',
    );
  if (!/^[1-9]\d{5}$/.test(id.slice(0, 6)) || Number(id.slice(0, 2)) < 11 || Number(id.slice(0, 2)) > 82)
    return bad('region', '身份证号的地区码无效', 'the region code of the ID is invalid');
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  if (!real || y < 1900 || date.getTime() > today.getTime())
    return bad('birth-date', '身份证号中的出生日期无效', 'the birth date in the ID is not a real past date');
  if (idCheckDigit(id.slice(0, 17)) !== id[17])
    return bad('checksum', '身份证号校验位错误', 'the check digit of the ID is wrong');
  return {
    valid: true,
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    sex: Number(id[16]) % 2 === 1 ? 'male' : 'female',
    region: id.slice(0, 6),
    normalised: id,
  };
}

describe('resident ID check without allocation agrees with the reference', () => {
  const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
  const candidate = fc.oneof(
    // well-formed pieces with edge dates (29 Feb, day 0/31/32, month 0/13, years 1899–2099) and any check character
    fc
      .tuple(
        fc.constantFrom('430422', '110101', '820000', '830000', '100000', '050101', '0a0101'),
        fc.oneof(fc.integer({ min: 1850, max: 2100 }), fc.constantFrom(1899, 1900, 2000, 2004, 2026, 2027)),
        fc.oneof(fc.integer({ min: 0, max: 13 }), fc.constantFrom(2, 12)),
        fc.oneof(fc.integer({ min: 0, max: 32 }), fc.constantFrom(2, 3, 28, 29, 30, 31)),
        digits(3),
        fc.constantFrom('', 'X', 'x', 'Y', ' '),
        fc.boolean(),
      )
      .map(([region, y, m, d, seq, tail, good]) => {
        const id17 = `${region}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${seq}`;
        return good ? id17 + idCheckDigit(id17) + tail.trim() : id17 + (tail || '0');
      }),
    digits(15),
    digits(18),
    fc.string({ maxLength: 20 }),
  );
  it('gives the same answer, message and sex for any input', () => {
    const today = new Date(Date.UTC(2026, 11, 2, 12));
    fc.assert(
      fc.property(candidate, (raw) => {
        const ref = referenceParse(raw, today);
        expect(parseResidentId(raw, today)).toEqual(ref);
        expect(residentIdSex(raw, today.getTime())).toBe('sex' in ref ? ref.sex : null);
        if (String(raw).trim().length !== 20) {
          const either = checkIdOrDisability(raw);
          expect(either.valid).toBe(referenceParse(raw, new Date()).valid);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
