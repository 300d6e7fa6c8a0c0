/**
 * 格式 formats of the seed forms: resident ID (GB 11643), disability
 * certificate (ID + category + grade), mobile phone, money in yuan.
 * Pure functions, shared by the validator, the server and the browser.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export type IdCheck =
  | { valid: true; birthDate: string; sex: 'male' | 'female'; region: string; normalised: string }
  | {
      valid: false;
      reason: 'length' | 'legacy' | 'characters' | 'region' | 'birth-date' | 'checksum';
      message: string;
      message_en: string;
    };

/** GB 11643-1999 check digit (ISO 7064 MOD 11-2) of the first 17 digits. */
export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

/**
 * 身份证号 an 18-character resident ID: 6-digit region, birth date YYYYMMDD
 * that exists and is not in the future, 3-digit sequence (odd = male), and
 * the check digit. A lower-case x is accepted and normalised to X (people
 * type it that way; the number is the same). 15-digit legacy IDs are refused.
 */
export function parseResidentId(raw: string, today: Date = new Date()): IdCheck {
  const id = String(raw ?? '')
    .trim()
    .toUpperCase();
  const bad = (reason: Extract<IdCheck, { valid: false }>['reason'], zh: string, en: string): IdCheck => ({
    valid: false,
    reason,
    message: zh,
    message_en: en,
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
  if (!/^[1-9]\d{5}$/.test(id.slice(0, 6)) || Number(id.slice(0, 2)) < 11 || Number(id.slice(0, 2)) > 82) {
    return bad('region', '身份证号的地区码无效', 'the region code of the ID is invalid');
  }
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  if (!real || y < 1900 || date.getTime() > today.getTime()) {
    return bad('birth-date', '身份证号中的出生日期无效', 'the birth date in the ID is not a real past date');
  }
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

/** 残疾人证号 20 characters: a valid resident ID, disability category 1–7, grade 1–4. */
export function parseDisabilityCert(
  raw: string,
): { valid: true; category: number; grade: number } | { valid: false; message: string; message_en: string } {
  const cert = String(raw ?? '')
    .trim()
    .toUpperCase();
  if (cert.length !== 20)
    return {
      valid: false,
      message: '残疾人证号应为20位',
      message_en: 'the disability certificate number has 20 characters',
    };
  const id = parseResidentId(cert.slice(0, 18));
  if (!id.valid)
    return {
      valid: false,
      message: `残疾人证号中的身份证号无效：${id.message}`,
      message_en: `the ID inside the certificate is invalid: ${id.message_en}`,
    };
  const category = Number(cert[18]);
  const grade = Number(cert[19]);
  if (!(category >= 1 && category <= 7))
    return { valid: false, message: '残疾类别应为1–7', message_en: 'the disability category is 1 to 7' };
  if (!(grade >= 1 && grade <= 4))
    return { valid: false, message: '残疾等级应为1–4', message_en: 'the disability grade is 1 to 4' };
  return { valid: true, category, grade };
}

/** A member's ID field accepts either an 18-character ID or a 20-character disability certificate (附件2 A7). */
export function checkIdOrDisability(
  raw: string,
): { valid: true } | { valid: false; message: string; message_en: string } {
  const v = String(raw ?? '').trim();
  if (v.length === 20) return parseDisabilityCert(v);
  const id = parseResidentId(v);
  return id.valid ? { valid: true } : id;
}

export const isMobile = (v: string) => /^1[3-9]\d{9}$/.test(String(v));

/** 联系电话 a mobile number, or a landline with its area code (0734-8123456, 07348123456): A55, line 2583 */
export const isPhone = (v: string) => isMobile(v) || /^0\d{2,3}-?\d{7,8}$/.test(String(v));

/** Yuan with at most two decimals (checked on the decimal text, not with float multipleOf). */
export function isMoney(v: unknown): boolean {
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  return Math.abs(Math.round(v * 100) - v * 100) < 1e-6;
}

/** Months worked in a year: 0–12 in steps of half a month. */
export const isHalfMonths = (v: unknown) =>
  typeof v === 'number' && v >= 0 && v <= 12 && Number.isInteger(v * 2);

/** 脱敏 430421********1234 */
export function maskId(id: string): string {
  const s = String(id ?? '');
  return s.length >= 10 ? `${s.slice(0, 6)}${'*'.repeat(s.length - 10)}${s.slice(-4)}` : s;
}

export function maskPhone(phone: string): string {
  const s = String(phone ?? '');
  return s.length === 11 ? `${s.slice(0, 3)}****${s.slice(7)}` : s;
}
