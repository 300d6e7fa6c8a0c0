/**
 * 脱敏 personal information (PIPL): resident ID numbers and mobile numbers are
 * masked wherever they appear in lists, in staff views of public text and on
 * the public board. The one place masking lives.
 *
 * Matching runs on a normalised copy of the text (full-width digits and signs
 * made ASCII, any dash made '-', any space made ' '), character for character,
 * so a number typed as “４３０４２２…”, “138-0000-1111”, “+86 138 0000 1111” or
 * glued to a letter (“ID430422…”) is found; the mask is then applied at the
 * same positions of the original text, which otherwise stays as written.
 */

/** One character in, one character out (the positions of the original and the copy agree). */
export function normaliseChars(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xff10 && c <= 0xff19)
      out += String.fromCharCode(c - 0xff10 + 0x30); // ０-９
    else if (c === 0xff38 || c === 0xff58)
      out += 'X'; // Ｘ ｘ
    else if (c === 0xff0b)
      out += '+'; // ＋
    else if (c === 0x3000 || c === 0xa0 || c === 0x2009 || c === 0x202f || c === 0x09) out += ' ';
    else if (
      c === 0xff0d ||
      c === 0x2010 ||
      c === 0x2011 ||
      c === 0x2012 ||
      c === 0x2013 ||
      c === 0x2014 ||
      c === 0x2212
    )
      out += '-';
    else out += ch;
  }
  return out;
}

const SEP = '[ -]?';
/** 18-character resident ID (last one a digit or X), optionally +2 digits (disability certificate), groups 6-8-4 */
const ID = new RegExp(
  `(?<![0-9])([0-9]{6})${SEP}([0-9]{8})${SEP}([0-9]{3}[0-9Xx])(?:${SEP}[0-9]{2})?(?![0-9Xx])`,
  'dg',
);
/** mainland mobile, optionally after +86 / 0086 / 86, groups 3-4-4 */
const MOBILE = new RegExp(
  `(?<![0-9])(?:(?:\\+|00)?86${SEP})?(1[3-9][0-9])${SEP}([0-9]{4})${SEP}([0-9]{4})(?![0-9])`,
  'dg',
);

export function maskString(s: string): string {
  if (!/[0-9\uff10-\uff19]/.test(s)) return s;
  const chars = [...s];
  const n = normaliseChars(s);
  // regex indices count UTF-16 units; map them to code points of `chars`
  const unitToChar: number[] = [];
  chars.forEach((ch, i) => {
    for (let k = 0; k < ch.length; k++) unitToChar.push(i);
  });
  const masked = new Set<number>();
  const hide = (from: number, to: number) => {
    for (let u = from; u < to; u++) masked.add(unitToChar[u]);
  };
  const taken: [number, number][] = [];
  for (const m of n.matchAll(ID)) {
    const [start, end] = m.indices![0];
    taken.push([start, end]);
    hide(...m.indices![2]); // 6 + ******** + 4: birth date hidden
  }
  for (const m of n.matchAll(MOBILE)) {
    const [start, end] = m.indices![0];
    if (taken.some(([a, b]) => start < b && end > a)) continue;
    hide(...m.indices![2]); // 138****1111
  }
  if (!masked.size) return s;
  return chars.map((ch, i) => (masked.has(i) ? '*' : ch)).join('');
}

/** Deep copy with every string masked. */
export function maskValue<T>(v: T): T {
  if (typeof v === 'string') return maskString(v) as T;
  if (Array.isArray(v)) return v.map(maskValue) as T;
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, maskValue(x)]),
    ) as T;
  }
  return v;
}

/** A key for “the same text”: width, case and runs of spaces do not matter. */
export function normaliseForMatch(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * 联系方式 a phone number as stored: a mobile as its 11 digits (a +86 / 0086 prefix, spaces and
 * dashes dropped), a landline as area code-number (0734-1234567); anything else is undefined.
 */
export function normalisePhone(raw: string): string | undefined {
  const s = normaliseChars(raw)
    .replace(/[()（）]/g, ' ')
    .trim();
  const digits = s.replace(/[ -]/g, '');
  const mobile = /^(?:\+?86|0086)?(1[3-9][0-9]{9})$/.exec(digits);
  if (mobile) return mobile[1];
  // area codes are 3 or 4 digits starting with 0 (010, 0734); local numbers 7 or 8 digits
  const landline = /^(0[1-9][0-9]{1,2})-?([1-9][0-9]{6,7})$/.exec(
    s.replace(/\s*-\s*/g, '-').replace(/\s+/g, ''),
  );
  if (landline) return `${landline[1]}-${landline[2]}`;
  return undefined;
}
