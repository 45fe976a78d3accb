import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { InvalidInputError } from '../errors.ts';
import { calibrationScore } from './calibration-score.ts';
import { DEFAULT_GATE_CONFIG } from './gate-config.ts';

describe('calibrationScore', () => {
  // Expected values by hand from SPEC: score = clamp(1 − 5·ECE, 0, 1).
  it.each([
    [0, 1],
    [0.018, 0.91],
    [0.03, 0.85],
    [0.07, 0.65],
    [0.08, 0.6],
    [0.19, 0.05],
    [0.2, 0],
    [0.5, 0],
    [1, 0],
  ])('calibrationScore of ECE %s is %s', (ece, expected) => {
    const score = calibrationScore(ece);

    expect(score).toBe(expected);
  });

  it('calibrationScore uses the configured slope', () => {
    const config = { ...DEFAULT_GATE_CONFIG, eceScoreSlope: 2 };

    const score = calibrationScore(0.1, config);

    // 1 − 2·0.1 = 0.8
    expect(score).toBe(0.8);
  });

  it.each([-0.001, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'calibrationScore refuses ECE %s',
    (ece) => {
      const score = (): number => calibrationScore(ece);

      expect(score).toThrow(InvalidInputError);
      expect(score).toThrow(`ece must be in [0, 1] (got ${ece})`);
    },
  );

  it('calibrationScore is non-increasing in ECE (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (first, second) => {
          const [lower, higher] = first <= second ? [first, second] : [second, first];

          expect(calibrationScore(lower)).toBeGreaterThanOrEqual(calibrationScore(higher));
        },
      ),
    );
  });

  it('calibrationScore stays in [0, 1] and within 1e-9 of the unrounded formula (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (ece) => {
        const score = calibrationScore(ece);

        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
        expect(Math.abs(score - Math.min(1, Math.max(0, 1 - 5 * ece)))).toBeLessThanOrEqual(1e-9);
      }),
    );
  });
});
