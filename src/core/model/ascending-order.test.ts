import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ascendingOrder } from './ascending-order.ts';

/** Reference argsort: a stable comparator sort of indices (Array.prototype.sort is stable since ES2019). */
function referenceOrder(values: readonly number[]): number[] {
  return values.map((_, index) => index).sort((left, right) => (values[left] as number) - (values[right] as number));
}

describe('ascendingOrder', () => {
  it('ascendingOrder matches a stable comparator argsort for any finite doubles', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 60 }), (values) => {
        const order = ascendingOrder(Float64Array.from(values));

        // The comparator treats −0 and +0 as equal while the radix order puts −0 first, so compare the
        // sorted values with zeros unified, check −0 never follows +0, and check stability separately.
        const sorted = Array.from(order, (index) => values[index] as number);
        expect(sorted.map((value) => value + 0)).toEqual(
          referenceOrder(values).map((index) => (values[index] as number) + 0),
        );
        for (let rank = 1; rank < sorted.length; rank += 1)
          expect(Object.is(sorted[rank - 1], 0) && Object.is(sorted[rank], -0)).toBe(false);
        for (let rank = 1; rank < order.length; rank += 1) {
          if (Object.is(sorted[rank], sorted[rank - 1])) expect(order[rank]).toBeGreaterThan(order[rank - 1] as number);
        }
      }),
    );
  });

  it('ascendingOrder is exactly the stable argsort on integers with many ties (low digits all shared)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 80 }), (values) => {
        const order = ascendingOrder(Float64Array.from(values));

        expect(Array.from(order)).toEqual(referenceOrder(values));
      }),
    );
  });

  it('ascendingOrder orders signs, zeros, extremes and subnormals', () => {
    const values = [3, -0, Number.MAX_VALUE, -1e-300, 0, -Number.MAX_VALUE, Number.MIN_VALUE, -2.5, 1e-310];

    const order = ascendingOrder(Float64Array.from(values));

    // Hand-sorted: −MAX, −2.5, −1e-300, −0, 0, MIN_VALUE (5e-324), 1e-310, 3, MAX.
    expect(Array.from(order)).toEqual([5, 7, 3, 1, 4, 6, 8, 0, 2]);
  });

  it('ascendingOrder reads a subarray view at its own offset', () => {
    const backing = Float64Array.from([9, 9, 2, 1, 3]);

    const order = ascendingOrder(backing.subarray(2));

    expect(Array.from(order)).toEqual([1, 0, 2]);
  });

  it('ascendingOrder handles empty input and leaves the values untouched', () => {
    const values = Float64Array.from([2, 1]);

    expect(Array.from(ascendingOrder(new Float64Array(0)))).toEqual([]);
    expect(Array.from(ascendingOrder(values))).toEqual([1, 0]);
    expect(Array.from(values)).toEqual([2, 1]);
  });
});
