import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import {
  cdfAt,
  checkWaitQuantiles,
  interval80,
  quantileAt,
  WAIT_QUANTILE_LEVELS,
  waitCdf,
  withProbabilityAbove,
} from './wait-distribution.ts';

// Quantiles at 5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 95 %.
const SPREAD = [5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 95];
const FLAT = SPREAD.map(() => 100);

const quantileLists = fc
  .array(fc.double({ min: 0, max: 1e6, noNaN: true }), {
    minLength: WAIT_QUANTILE_LEVELS.length,
    maxLength: WAIT_QUANTILE_LEVELS.length,
  })
  .map((values) => values.sort((left, right) => left - right));

/** Strictly increasing quantiles from a positive start: running sums of positive steps. */
const increasingLists = fc
  .array(fc.double({ min: 0.01, max: 1e4, noNaN: true }), {
    minLength: WAIT_QUANTILE_LEVELS.length,
    maxLength: WAIT_QUANTILE_LEVELS.length,
  })
  .map((steps) => steps.map((_, index) => steps.slice(0, index + 1).reduce((sum, step) => sum + step, 0)));

describe('interval80', () => {
  it('interval80 is [q10, q90] above zero, and [0, q80] when at least 10 % of the mass is a zero wait', () => {
    expect(interval80(SPREAD)).toEqual({ lowerSeconds: 10, upperSeconds: 90 });
    // Quantiles 0 up to 25 %: every zero wait is inside, so the range stops at the 80 % quantile.
    const atom = [0, 0, 0, 0, 30, 40, 50, 60, 70, 75, 80, 90, 95];
    expect(interval80(atom)).toEqual({ lowerSeconds: 0, upperSeconds: 80 });
    // Under the CDF the range holds 80 % of the mass either way (the CDF at 0 is the top of the atom).
    expect(cdfAt(atom, 80)).toBeCloseTo(0.8, 12);
    expect(cdfAt(SPREAD, 90) - cdfAt(SPREAD, 10)).toBeCloseTo(0.8, 12);
  });
});

describe('checkWaitQuantiles', () => {
  it('checkWaitQuantiles refuses a wrong count, a negative, a decreasing or a non-finite quantile', () => {
    expect(() => checkWaitQuantiles([1, 2])).toThrow(InvalidInputError);
    expect(() => checkWaitQuantiles([-1, ...SPREAD.slice(1)])).toThrow(InvalidInputError);
    expect(() => checkWaitQuantiles([...SPREAD.slice(0, 12), 1])).toThrow(InvalidInputError);
    expect(() => checkWaitQuantiles([...SPREAD.slice(0, 12), Number.POSITIVE_INFINITY])).toThrow(InvalidInputError);
  });
});

describe('cdfAt', () => {
  it('cdfAt is each level at its quantile and log-linear between them (hand-worked)', () => {
    expect(cdfAt(SPREAD, 50)).toBeCloseTo(0.5, 12);
    // log(1 + x) halfway between log 11 and log 21: x = √(11·21) − 1, level halfway between 0.1 and 0.2.
    expect(cdfAt(SPREAD, Math.sqrt(11 * 21) - 1)).toBeCloseTo(0.15, 12);
  });

  it('cdfAt runs from 0 at a zero wait below the 5 % quantile and to 1 at log(1+q95) + (log(1+q95) − log(1+q90)) above it', () => {
    expect(cdfAt(SPREAD, -1)).toBe(0);
    expect(cdfAt(SPREAD, 0)).toBe(0);
    // Halfway to log 6 in log(1 + x): x = √6 − 1, level 0.025.
    expect(cdfAt(SPREAD, Math.sqrt(6) - 1)).toBeCloseTo(0.025, 12);
    // The tail's end: 1 + x = 96²/91; halfway to it: 1 + x = 96·√(96/91).
    expect(cdfAt(SPREAD, 96 * Math.sqrt(96 / 91) - 1)).toBeCloseTo(0.975, 12);
    expect(cdfAt(SPREAD, (96 * 96) / 91 - 1 + 1e-6)).toBe(1);
  });

  it('cdfAt jumps at a point mass: equal quantiles give the top of the jump', () => {
    expect(cdfAt(FLAT, 100)).toBe(1);
    expect(cdfAt(FLAT, 99)).toBeCloseTo((0.05 * Math.log(100)) / Math.log(101), 12);
  });

  it('cdfAt refuses NaN', () => {
    expect(() => cdfAt(SPREAD, Number.NaN)).toThrow(InvalidInputError);
    expect(() => waitCdf(SPREAD)(Number.NaN)).toThrow(InvalidInputError);
  });
});

describe('quantileAt', () => {
  it('quantileAt inverts cdfAt on any strictly increasing quantiles', () => {
    fc.assert(
      fc.property(increasingLists, fc.double({ min: 0.001, max: 0.999, noNaN: true }), (quantiles, level) => {
        expect(cdfAt(quantiles, quantileAt(quantiles, level))).toBeCloseTo(level, 6);
      }),
    );
  });

  it('quantileAt gives each quantile at its level, 0 at level 0, and refuses a level outside [0, 1]', () => {
    WAIT_QUANTILE_LEVELS.forEach((level, index) =>
      expect(quantileAt(SPREAD, level)).toBeCloseTo(SPREAD[index] as number, 9),
    );
    expect(quantileAt(SPREAD, 0)).toBe(0);
    expect(quantileAt(SPREAD, 1)).toBeCloseTo((96 * 96) / 91 - 1, 9);
    expect(() => quantileAt(SPREAD, 1.5)).toThrow(InvalidInputError);
  });
});

describe('withProbabilityAbove', () => {
  it('withProbabilityAbove leaves a distribution that already agrees unchanged', () => {
    withProbabilityAbove(SPREAD, 50, 0.5).forEach((value, index) =>
      expect(value).toBeCloseTo(SPREAD[index] as number, 9),
    );
  });

  it('withProbabilityAbove moves the mass above the threshold to the probability given (hand-worked)', () => {
    const moved = withProbabilityAbove(SPREAD, 50, 0.25);

    // Level 0.75 reads F⁻¹(0.75 · 0.5/0.75) = the old median; level 0.5 reads F⁻¹(1/3), a third of the way from 30 to 40 in log(1 + x).
    expect(moved[9]).toBeCloseTo(50, 9);
    expect(moved[6]).toBeCloseTo(Math.expm1(Math.log(31) + (Math.log(41) - Math.log(31)) / 3), 9);
    expect(1 - cdfAt(moved, 50)).toBeCloseTo(0.25, 9);
  });

  it('withProbabilityAbove handles certainty either way and refuses bad arguments', () => {
    expect(withProbabilityAbove(SPREAD, 50, 1).every((value) => value >= 50 - 1e-9)).toBe(true);
    expect(withProbabilityAbove(SPREAD, 50, 0).every((value) => value <= 50 + 1e-9)).toBe(true);
    expect(() => withProbabilityAbove(SPREAD, 50, 1.1)).toThrow(InvalidInputError);
    expect(() => withProbabilityAbove(SPREAD, -1, 0.5)).toThrow(InvalidInputError);
  });

  it('withProbabilityAbove keeps the quantiles non-decreasing', () => {
    fc.assert(
      fc.property(
        quantileLists,
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (quantiles, threshold, probability) => {
          const moved = withProbabilityAbove(quantiles, threshold, probability);

          expect(() => checkWaitQuantiles(moved)).not.toThrow();
        },
      ),
    );
  });
});
