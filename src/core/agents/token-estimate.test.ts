import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALL_OVERHEAD_TOKENS, estimatedTokens, inputTokensUpperBound, utf8Bytes } from './token-estimate.ts';

describe('token estimates', () => {
  it('estimatedTokens is ceil(chars / 4)', () => {
    expect([estimatedTokens(''), estimatedTokens('abcd'), estimatedTokens('abcde')]).toEqual([0, 1, 2]);
  });

  it('utf8Bytes agrees with TextEncoder on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(utf8Bytes(text)).toBe(new TextEncoder().encode(text).length);
      }),
    );
  });

  it('the upper bound is never below the chars/4 estimate plus overhead', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(inputTokensUpperBound(a, b)).toBeGreaterThanOrEqual(
          estimatedTokens(a) + estimatedTokens(b) + CALL_OVERHEAD_TOKENS - 1,
        );
      }),
    );
  });
});
