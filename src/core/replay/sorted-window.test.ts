import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addToWindow, conformalQuantile, createSortedWindow, windowQuantile, windowSize } from './sorted-window.ts';

/** numpy.quantile(values, p, method='linear') re-derived by brute force: sort, interpolate at (n − 1)p. */
function bruteQuantile(values: number[], probability: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  const position = (sorted.length - 1) * probability;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return (sorted[lower] as number) + (position - lower) * ((sorted[upper] as number) - (sorted[lower] as number));
}

describe('sortedWindow', () => {
  it('sortedWindow keeps only the last capacity values and matches a brute-force type-7 quantile', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, capacity, probability) => {
          const window = createSortedWindow(capacity);

          for (const value of values) addToWindow(window, value);

          const kept = values.slice(-capacity);
          expect(windowSize(window)).toBe(kept.length);
          expect(windowQuantile(window, probability)).toBeCloseTo(bruteQuantile(kept, probability), 9);
        },
      ),
    );
  });

  it('sortedWindow with infinite capacity is a cumulative quantile (P90 of 1..10 is 9.1)', () => {
    const window = createSortedWindow(Number.POSITIVE_INFINITY);

    for (let value = 10; value >= 1; value -= 1) addToWindow(window, value);

    // numpy.quantile(range(1, 11), 0.9) = 9.1
    expect(windowQuantile(window, 0.9)).toBeCloseTo(9.1, 12);
  });

  it('conformalQuantile picks the ⌈(n+1)(1−α)⌉-th smallest, clamped to the sample', () => {
    const window = createSortedWindow(100);
    for (const value of [5, 1, 4, 2, 3]) addToWindow(window, value);

    const ranked = [0.5, 0.2, 0.01, 1.5].map((alpha) => conformalQuantile(window, alpha));

    // n = 5: α=0.5 → ⌈3⌉ = 3rd → 3; α=0.2 → ⌈4.8⌉ = 5th → 5; α=0.01 → rank 6 > n → 5; α=1.5 → rank −3 → 1st → 1
    expect(ranked).toEqual([3, 5, 5, 1]);
  });

  it('sortedWindow refuses a bad capacity, a non-finite value and a bad level, and is empty-safe', () => {
    const window = createSortedWindow(3);

    expect(() => createSortedWindow(0)).toThrow(/capacity/);
    expect(() => addToWindow(window, Number.NaN)).toThrow(/finite/);
    expect(() => windowQuantile(window, 1.5)).toThrow(/level/);
    expect(windowQuantile(window, 0.5)).toBeNull();
    expect(conformalQuantile(window, 0.1)).toBeNull();
  });
});
