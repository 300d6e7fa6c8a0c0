/** 脱敏 masking finds ID and mobile numbers however they are typed, and leaves other text alone. */
import { describe, expect, it } from 'vitest';
import { maskString, maskValue, normalisePhone } from '../../server/services/masking.js';

const ID = '430422199001011234';
const MASKED_ID = '430422********1234';

describe('masking personal numbers in free text', () => {
  it.each([
    ['a plain ID number', `身份证${ID}`, `身份证${MASKED_ID}`],
    ['an ID number glued to a letter', `ID${ID}abc`, `ID${MASKED_ID}abc`],
    ['an ID number ending in X', '43042219900101123X', '430422********123X'],
    ['an ID number ending in a lower-case x', '43042219900101123x', '430422********123x'],
    [
      'an ID number in full-width digits',
      '４３０４２２１９９００１０１１２３４',
      '４３０４２２********１２３４',
    ],
    ['an ID number in groups', '430422 19900101 1234', '430422 ******** 1234'],
    ['a disability certificate number (ID + 2)', `${ID}12`, `${MASKED_ID}12`],
    ['a mobile number', '电话13812345678', '电话138****5678'],
    ['a mobile number with +86', '+8613812345678', '+86138****5678'],
    ['a mobile number with +86 and a space', '+86 138 1234 5678', '+86 138 **** 5678'],
    ['a mobile number with 0086', '008613812345678', '0086138****5678'],
    ['a mobile number with dashes', '138-1234-5678', '138-****-5678'],
    [
      'a mobile number with full-width dashes and digits',
      '１３８－１２３４－５６７８',
      '１３８－****－５６７８',
    ],
    ['a mobile number glued to letters', 'tel13812345678x', 'tel138****5678x'],
    ['two mobile numbers in a row', '13812345678 13987654321', '138****5678 139****4321'],
  ])('masks %s', (_what, input, expected) => {
    expect(maskString(input)).toBe(expected);
  });

  it.each([
    ['a date', '2026-11-25'],
    ['an amount', '年收入15000元'],
    ['a receipt number', 'YY20261202A1B2C3D4'],
    ['a landline', '0734-1234567'],
    ['a 12-digit number that is no mobile number', '138123456789'],
    ['Chinese punctuation', '该户，家中有车：属实！'],
  ])('leaves %s as written', (_what, input) => {
    expect(maskString(input)).toBe(input);
  });

  it('masks every string of a nested value and keeps dates', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(maskValue({ a: [`${ID}`], b: { c: '13812345678' }, at, n: 13812345678 })).toEqual({
      a: [MASKED_ID],
      b: { c: '138****5678' },
      at,
      n: 13812345678,
    });
  });
});

describe('objector contact numbers', () => {
  it.each([
    ['13800000000', '13800000000'],
    ['138 0000 0000', '13800000000'],
    ['+86 138-0000-0000', '13800000000'],
    ['１３８００００００００', '13800000000'],
    ['0734-1234567', '0734-1234567'],
    ['07341234567', '0734-1234567'],
    ['010-12345678', '010-12345678'],
    ['(0734) 1234567', '0734-1234567'],
  ])('takes %s as %s', (raw, stored) => {
    expect(normalisePhone(raw)).toBe(stored);
  });

  it.each(['1380000', '23800000000', '1380000000000', '1234567', 'abc', '0734-123', '12345678901'])(
    'refuses %s',
    (raw) => {
      expect(normalisePhone(raw)).toBeUndefined();
    },
  );
});
