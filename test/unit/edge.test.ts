/** The edge's rules for text and JSON, as plain functions (server/safe-text.ts, server/http/edge.ts). */
import { describe, expect, it } from 'vitest';
import { textFault } from '../../server/safe-text.js';
import { bodyFaults, jsonDepthExceeds, MAX_JSON_DEPTH, safeRequestId } from '../../server/http/edge.js';

describe('text a field may hold', () => {
  it.each([
    ['plain Chinese', '罗翠萍 430422197001010107', undefined],
    ['an emoji (a surrogate pair)', '💥', undefined],
    ['a NUL', 'a\u0000b', 'nul'],
    ['a lone high surrogate', 'x\uD83D', 'surrogate'],
    ['a lone low surrogate', '\uDC00x', 'surrogate'],
    ['a reversed pair', '\uDC00\uD800', 'surrogate'],
  ])('%s → %s', (_what, s, fault) => {
    expect(textFault(s)).toBe(fault);
  });
});

describe('JSON depth, counted on the raw text', () => {
  const nested = (n: number) => Buffer.from('['.repeat(n) + ']'.repeat(n));
  it('allows exactly the limit and refuses one more', () => {
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH + 1))).toBe(true);
  });
  it('counts 100,000 levels without recursion', () => {
    expect(jsonDepthExceeds(nested(100_000))).toBe(true);
  });
  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(Buffer.from(JSON.stringify({ a: '[[[[\\"{{{{'.repeat(100) })))).toBe(false);
  });
});

describe('field errors of a body', () => {
  it('names every faulty key and value by its path', () => {
    const body = {
      data: { members: [{ A5: 'a\u0000' }, { ok: 'fine' }], ['k\uD800']: 1 },
      comment: 'x\uDFFF',
    };
    expect(bodyFaults(body).map((e) => e.path)).toEqual([
      'body.data.members.0.A5',
      'body.data.k?',
      'body.comment',
    ]);
  });
  it('finds nothing in clean data', () => {
    expect(bodyFaults({ a: [1, true, null, '好'], b: { c: '💥' } })).toEqual([]);
  });
});

it('keeps only plain request ids', () => {
  expect(safeRequestId('abc-123:x.y')).toBe('abc-123:x.y');
  expect(safeRequestId('<script>')).toBeUndefined();
  expect(safeRequestId('a'.repeat(129))).toBeUndefined();
  expect(safeRequestId(['a'])).toBeUndefined();
});
