import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forecastMove, MIN_MOVE_BASIS_SECONDS } from './forecast-moved.ts';

describe('forecastMove', () => {
  it.each([
    // Hand-worked: 600 → 1200 is exactly ×2; 600 → 1199 is not; 600 → 300 is exactly ÷2.
    [600, 1200, 'later'],
    [600, 1199, null],
    [600, 300, 'sooner'],
    [600, 301, null],
    [3600, 90_000, 'later'],
    // Below the floor both count as MIN_MOVE_BASIS_SECONDS (60): 5 → 50 does not move; 5 → 120 doubles 60.
    [5, 50, null],
    [5, 120, 'later'],
    [0, 0, null],
    [200, 0, 'sooner'],
    [null, 600, null],
    [600, null, null],
  ] as const)('forecastMove(%s, %s) = %s', (baseline, current, expected) => {
    expect(forecastMove(baseline, current)).toBe(expected);
  });

  it('forecastMove_badInput_throwsRangeError', () => {
    expect(() => forecastMove(-1, 10)).toThrow(RangeError);
    expect(() => forecastMove(10, Number.NaN)).toThrow(RangeError);
    expect(() => forecastMove(10, 20, 1)).toThrow(RangeError);
  });

  it('forecastMove_property_agreesWithTheRatioOfTheFlooredWaits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (baseline, current) => {
          const ratio = Math.max(current, MIN_MOVE_BASIS_SECONDS) / Math.max(baseline, MIN_MOVE_BASIS_SECONDS);
          const expected = ratio >= 2 ? 'later' : ratio <= 0.5 ? 'sooner' : null;

          expect(forecastMove(baseline, current)).toBe(expected);
        },
      ),
    );
  });
});
