/**
 * 脱敏 personal information (PIPL): resident ID numbers and phone numbers are
 * masked wherever they appear in lists and on the public board.
 */
const ID = /\b(\d{6})\d{8}(\d{3}[\dXx])\b/g;
const DISABILITY = /\b(\d{6})\d{8}(\d{3}[\dXx])(\d{2})\b/g;
const PHONE = /\b(1[3-9]\d)\d{4}(\d{4})\b/g;

export function maskString(s: string): string {
  return s.replace(DISABILITY, '$1********$2$3').replace(ID, '$1********$2').replace(PHONE, '$1****$2');
}

/** Deep copy with every string masked. */
export function maskValue<T>(v: T): T {
  if (typeof v === 'string') return maskString(v) as T;
  if (Array.isArray(v)) return v.map(maskValue) as T;
  if (v instanceof Date) return v;
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, maskValue(x)])) as T;
  }
  return v;
}
