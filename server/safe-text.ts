/**
 * 文本检查 what a string from outside may not contain: a NUL character (PostgreSQL refuses it in text and
 * jsonb: `invalid byte sequence for encoding "UTF8": 0x00`) or an unpaired UTF-16 surrogate (not Unicode:
 * jsonb refuses it, text silently turns it into U+FFFD). One rule for the HTTP edge and for imported files.
 */
export type TextFault = 'nul' | 'surrogate';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textFault(s: string): TextFault | undefined {
  if (s.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(s)) return 'surrogate';
  return undefined;
}

export const TEXT_FAULT_MESSAGE: Record<TextFault, { zh: string; en: string }> = {
  nul: {
    zh: '含有不允许的空字符（\\u0000）',
    en: 'contains a NUL character (\\u0000), which is not allowed',
  },
  surrogate: {
    zh: '含有无效的 Unicode 字符（不成对的代理项）',
    en: 'contains invalid Unicode (an unpaired surrogate)',
  },
};
