import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantileOfSorted, quantileType7 } from './quantile-of-sorted.ts';

describe('quantileOfSorted', () => {
  it('quantileOfSorted_matchesNumpyLinear', () => {
    // numpy.quantile([10, 20, 30, 40, 100], [0, 0.25, 0.9, 1]) = [10, 20, 76, 100]
    // numpy.quantile([1, 2, 4, 10], [0.5, 0.9]) = [3.0, 8.2]
    const sorted = Float64Array.from([10, 20, 30, 40, 100]);

    const values = [0, 0.25, 0.9, 1].map((p) => quantileOfSorted(sorted, p));
    const plain = [0.5, 0.9].map((p) => quantileOfSorted([1, 2, 4, 10], p));

    expect(values).toEqual([10, 20, 76, 100]);
    expect(plain[0]).toBeCloseTo(3, 12);
    expect(plain[1]).toBeCloseTo(8.2, 12);
  });

  it('quantileOfSorted_singleValueIsThatValue', () => {
    expect([0, 0.5, 1].map((p) => quantileOfSorted([7], p))).toEqual([7, 7, 7]);
  });

  it('quantileOfSorted_liesBetweenTheNeighbouringOrderStatistics', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1_000, max: 1_000 }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, probability) => {
          const sorted = [...values].sort((left, right) => left - right);
          const position = (sorted.length - 1) * probability;

          const quantile = quantileOfSorted(sorted, probability);

          expect(quantile).toBeGreaterThanOrEqual(sorted[Math.floor(position)] as number);
          expect(quantile).toBeLessThanOrEqual(sorted[Math.ceil(position)] as number);
        },
      ),
    );
  });
});

describe('quantileType7', () => {
  it('quantileType7_readsOnlyTheOrderStatisticsItNeeds', () => {
    const read: number[] = [];
    const values = [2, 4, 8, 16];

    const atWholePosition = quantileType7(4, 1 / 3, (index) => (read.push(index), values[index] as number));
    const between = quantileType7(4, 0.5, (index) => values[index] as number);

    // h = 3·(1/3) = 1: exactly the 2nd value, one read; h = 1.5: 4 + 0.5·(8 − 4) = 6.
    expect(atWholePosition).toBe(4);
    expect(read).toEqual([1]);
    expect(between).toBe(6);
  });
});
