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
  const id = normaliseId(raw);
  const fault = residentIdFault(id, today.getTime());
  if (fault !== null) return { valid: false, reason: fault, ...ID_FAULTS[fault] };
  return {
    valid: true,
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    sex: (id.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female',
    region: id.slice(0, 6),
    normalised: id,
  };
}

/**
 * 性别 of a valid resident ID ('male' | 'female'), null when the ID is not valid — the same check as
 * parseResidentId, without building its result (附件2 derives A6 from A7 for every member row on every save).
 */
export function residentIdSex(raw: string, today: number = Date.now()): 'male' | 'female' | null {
  const id = normaliseId(raw);
  if (residentIdFault(id, today) !== null) return null;
  return (id.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female';
}

type IdFault = Extract<IdCheck, { valid: false }>['reason'];
const ID_FAULTS: Record<IdFault, { message: string; message_en: string }> = {
  legacy: {
    message: '15位旧身份证号不再使用，请填写18位身份证号',
    message_en: '15-digit legacy IDs are not accepted; enter the 18-character ID',
  },
  length: { message: '身份证号应为18位', message_en: 'the ID must have 18 characters' },
  characters: {
    message: '身份证号只能包含数字，最后一位可为X',
    message_en: 'the ID is 17 digits followed by a digit or X',
  },
  region: { message: '身份证号的地区码无效', message_en: 'the region code of the ID is invalid' },
  'birth-date': {
    message: '身份证号中的出生日期无效',
    message_en: 'the birth date in the ID is not a real past date',
  },
  checksum: { message: '身份证号校验位错误', message_en: 'the check digit of the ID is wrong' },
};

const normaliseId = (raw: string) =>
  String(raw ?? '')
    .trim()
    .toUpperCase();
const isDigit = (c: number) => c >= 48 && c <= 57;
function digitsAt(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) v = v * 10 + s.charCodeAt(i) - 48;
  return v;
}
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** What is wrong with a normalised ID, or null: character arithmetic, no allocation (a hot path of validation). */
function residentIdFault(id: string, today: number): IdFault | null {
  if (id.length === 15) {
    let digits = true;
    for (let i = 0; i < 15 && digits; i++) digits = isDigit(id.charCodeAt(i));
    if (digits) return 'legacy';
  }
  if (id.length !== 18) return 'length';
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = id.charCodeAt(i);
    if (!isDigit(c)) return 'characters';
    sum += (c - 48) * WEIGHTS[i];
  }
  const last = id.charCodeAt(17);
  if (!isDigit(last) && last !== 88 /* X */) return 'characters';
  const province = digitsAt(id, 0, 2);
  if (id.charCodeAt(0) === 48 || province < 11 || province > 82) return 'region';
  const y = digitsAt(id, 6, 10);
  const m = digitsAt(id, 10, 12);
  const d = digitsAt(id, 12, 14);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const real = m >= 1 && m <= 12 && d >= 1 && d <= (m === 2 && leap ? 29 : DAYS[m - 1]);
  if (!real || y < 1900 || Date.UTC(y, m - 1, d) > today) return 'birth-date';
  if (CHECK.charCodeAt(sum % 11) !== last) return 'checksum';
  return null;
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

const VALID = Object.freeze({ valid: true as const });

/** A member's ID field accepts either an 18-character ID or a 20-character disability certificate (附件2 A7). */
export function checkIdOrDisability(
  raw: string,
): { valid: true } | { valid: false; message: string; message_en: string } {
  const v = String(raw ?? '').trim();
  if (v.length === 20) return parseDisabilityCert(v);
  const id = normaliseId(v);
  const fault = residentIdFault(id, Date.now());
  if (fault === null) return VALID;
  const invalid: IdCheck = { valid: false, reason: fault, ...ID_FAULTS[fault] };
  return invalid;
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
