import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import { bootstrapInterval } from './bootstrap.ts';
import { Binning, calibrationError } from './calibration-error.ts';
import { calibrationErrorInterval } from './calibration-error-interval.ts';

/** The slow form the fast path must reproduce: materialise each resample and call calibrationError on it. */
function materialisedInterval(
  probabilities: readonly number[],
  labels: readonly number[],
  options: { seed: number; resamples: number; bins?: number; binning?: Binning },
) {
  return bootstrapInterval(
    probabilities.length,
    (indices) => calibrationError(
      Array.from(indices, (index) => probabilities[index] as number),
      Array.from(indices, (index) => labels[index] as number),
      { bins: options.bins, binning: options.binning },
    ).ece,
    { random: seededRandom(options.seed), resamples: options.resamples },
  );
}

/** Rows with heavily tied probabilities (a few distinct values, 0 and 1 included), so bin edges cut tied groups. */
const tiedSample = fc
  .array(fc.record({ probability: fc.constantFrom(0, 0.1, 0.25, 0.5, 0.5000001, 0.9, 1), label: fc.constantFrom(0, 1) }), { minLength: 1, maxLength: 120 })
  .map((rows) => ({ probabilities: rows.map((row) => row.probability), labels: rows.map((row) => row.label) }));

/** Rows with mostly distinct probabilities. */
const spreadSample = fc
  .array(fc.record({ probability: fc.double({ min: 0, max: 1, noNaN: true }), label: fc.constantFrom(0, 1) }), { minLength: 1, maxLength: 200 })
  .map((rows) => ({ probabilities: rows.map((row) => row.probability), labels: rows.map((row) => row.label) }));

describe('calibrationErrorInterval', () => {
  it('calibrationErrorInterval equals the materialised bootstrap of calibrationError, one resample at a time, on tied samples', () => {
    fc.assert(
      fc.property(tiedSample, fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 20 }), (sample, seed, bins) => {
        // One resample: lower = upper = that resample's ECE, so each resample is compared exactly.
        const expected = materialisedInterval(sample.probabilities, sample.labels, { seed, resamples: 1, bins });

        const actual = calibrationErrorInterval(sample.probabilities, sample.labels, { random: seededRandom(seed), resamples: 1, bins });

        expect(actual).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('calibrationErrorInterval equals the materialised bootstrap interval over many resamples, both binnings', () => {
    fc.assert(
      fc.property(
        fc.oneof(tiedSample, spreadSample),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 16 }),
        fc.constantFrom(Binning.equalMass, Binning.equalWidth),
        (sample, seed, bins, binning) => {
          const expected = materialisedInterval(sample.probabilities, sample.labels, { seed, resamples: 40, bins, binning });

          const actual = calibrationErrorInterval(sample.probabilities, sample.labels, { random: seededRandom(seed), resamples: 40, bins, binning });

          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('calibrationErrorInterval of rows that all share one probability and label is the point |p − label|', () => {
    // Every resample holds 30 copies of (0.3, 0): each bin's gap is 0.3, so ECE = 0.3 on every resample.
    const probabilities = new Array<number>(30).fill(0.3);
    const labels = new Array<number>(30).fill(0);

    const interval = calibrationErrorInterval(probabilities, labels, { random: seededRandom(5), resamples: 50 });

    expect(interval.lower).toBeCloseTo(0.3, 12);
    expect(interval.upper).toBeCloseTo(0.3, 12);
    expect(interval.resamplesUsed).toBe(50);
  });

  it('calibrationErrorInterval rejects bad bins and bad input before drawing', () => {
    let draws = 0;
    const counting = () => {
      draws += 1;
      return 0.5;
    };

    expect(() => calibrationErrorInterval([0.2, 0.4], [0, 1], { random: counting, bins: 0 })).toThrow(InvalidInputError);
    expect(() => calibrationErrorInterval([0.2, 1.4], [0, 1], { random: counting })).toThrow(InvalidInputError);
    expect(() => calibrationErrorInterval([], [], { random: counting })).toThrow(InvalidInputError);
    expect(draws).toBe(0);
  });
});
