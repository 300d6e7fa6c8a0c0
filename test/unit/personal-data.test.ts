/** The step's hidden fields are removed before anything else is decided about a read. */
import { describe, expect, it } from 'vitest';
import { withoutHidden } from '../../server/services/personal-data.js';

describe('a step’s hidden fields are not read', () => {
  it.each([
    [{ a: 1, b: 2 }, { b: 'hidden' }, { a: 1 }],
    [{ a: 1, r: { signer: 'x', date: 'd' } }, { 'r.signer': 'hidden' }, { a: 1, r: { date: 'd' } }],
    [{ a: 1 }, { 'missing.deep': 'hidden', a: 'readonly' }, { a: 1 }],
    [{ a: 1 }, undefined, { a: 1 }],
  ])('%j without %j → %j', (data, perms, out) => {
    const before = JSON.stringify(data);
    expect(withoutHidden(data, perms as Record<string, string> | undefined)).toEqual(out);
    expect(JSON.stringify(data)).toBe(before);
  });
});
