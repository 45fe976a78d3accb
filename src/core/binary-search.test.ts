import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBound, upperBound } from './binary-search.ts';

/** Brute force: the first index whose element satisfies `after`, else the length. */
function firstIndex(values: readonly number[], after: (element: number) => boolean): number {
  const index = values.findIndex(after);
  return index === -1 ? values.length : index;
}

const sortedArray = fc
  .array(fc.integer({ min: -20, max: 20 }), { maxLength: 40 })
  .map((values) => values.sort((a, b) => a - b));

describe('binary search', () => {
  it('lowerBound and upperBound match bisect_left / bisect_right on a hand-worked array with ties', () => {
    // bisect.bisect_left([1, 2, 2, 2, 5], x) and bisect_right for x = 0, 2, 3, 5, 6.
    const sorted = Float64Array.of(1, 2, 2, 2, 5);

    const lower = [0, 2, 3, 5, 6].map((value) => lowerBound(sorted, value));
    const upper = [0, 2, 3, 5, 6].map((value) => upperBound(sorted, value));

    expect(lower).toEqual([0, 1, 4, 4, 5]);
    expect(upper).toEqual([0, 4, 4, 5, 5]);
  });

  it('lowerBound and upperBound on an empty array return 0', () => {
    const empty: number[] = [];

    const bounds = [lowerBound(empty, 1), upperBound(empty, 1)];

    expect(bounds).toEqual([0, 0]);
  });

  it('lowerBound is the first element ≥ value and upperBound the first > value, on plain and typed arrays (property)', () => {
    fc.assert(
      fc.property(sortedArray, fc.integer({ min: -25, max: 25 }), (values, value) => {
        const typed = Float64Array.from(values);

        const bounds = [
          lowerBound(values, value),
          lowerBound(typed, value),
          upperBound(values, value),
          upperBound(typed, value),
        ];

        const expectedLower = firstIndex(values, (element) => element >= value);
        const expectedUpper = firstIndex(values, (element) => element > value);
        expect(bounds).toEqual([expectedLower, expectedLower, expectedUpper, expectedUpper]);
      }),
    );
  });
});
