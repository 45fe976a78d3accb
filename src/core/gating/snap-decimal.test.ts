import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { snapDecimal } from './snap-decimal.ts';

describe('snapDecimal', () => {
  it('snapDecimal turns floating-point residue into the decimal literal', () => {
    // 1 − 5·0.07 is 0.6499999999999999 in IEEE doubles; by hand it is 0.65.
    const residue = 1 - 5 * 0.07;

    const snapped = snapDecimal(residue);

    expect(residue).not.toBe(0.65);
    expect(snapped).toBe(0.65);
  });

  it('snapDecimal rounds to nine decimals', () => {
    const value = 0.1234567894;

    const snapped = snapDecimal(value);

    expect(snapped).toBe(0.123456789);
  });

  it('snapDecimal leaves huge and non-finite values unchanged', () => {
    const huge = 1e300;

    const results = [snapDecimal(huge), snapDecimal(Number.POSITIVE_INFINITY)];

    expect(results).toEqual([1e300, Number.POSITIVE_INFINITY]);
  });

  it('snapDecimal moves a value by at most half a nano-unit (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), (value) => {
        expect(Math.abs(snapDecimal(value) - value)).toBeLessThanOrEqual(5e-10 + 1e-12);
      }),
    );
  });
});
