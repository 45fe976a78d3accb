import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import { Binning, calibrationError } from './calibration-error.ts';
import { calibrationNoiseFloor } from './calibration-noise-floor.ts';

/** The slow form: redraw the labels row by row from the same generator, materialise, call calibrationError. */
function materialisedNoiseEces(probabilities: readonly number[], seed: number, resamples: number, bins?: number, binning?: Binning): number[] {
  const random = seededRandom(seed);
  const eces: number[] = [];
  for (let resample = 0; resample < resamples; resample += 1) {
    const labels = probabilities.map((probability) => (random() < probability ? 1 : 0));
    eces.push(calibrationError(probabilities, labels, { bins, binning }).ece);
  }
  return eces.sort((left, right) => left - right);
}

/** numpy.percentile(values, 100·q) with the default linear method, written out. */
function linearPercentile(sorted: readonly number[], quantile: number): number {
  const position = quantile * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return (sorted[below] as number) + (position - below) * ((sorted[above] as number) - (sorted[below] as number));
}

const forecasts = fc.array(
  fc.oneof(fc.constantFrom(0, 0.05, 0.3, 0.3, 0.7, 1), fc.double({ min: 0, max: 1, noNaN: true })),
  { minLength: 1, maxLength: 150 },
);

describe('calibrationNoiseFloor', () => {
  it('calibrationNoiseFloor equals the materialised consistency resampling, resample by resample', () => {
    fc.assert(
      fc.property(forecasts, fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 20 }), fc.constantFrom(Binning.equalMass, Binning.equalWidth), (probabilities, seed, bins, binning) => {
        const [single] = materialisedNoiseEces(probabilities, seed, 1, bins, binning) as [number];

        const floor = calibrationNoiseFloor(probabilities, { random: seededRandom(seed), resamples: 1, bins, binning });

        expect(floor.medianEce).toBe(single);
        expect(floor.upperEce).toBe(single);
      }),
      { numRuns: 300 },
    );
  });

  it('calibrationNoiseFloor quantiles are the linear percentiles of the materialised resampled ECEs', () => {
    fc.assert(
      fc.property(forecasts, fc.integer({ min: 0, max: 1000 }), fc.constantFrom(0.8, 0.9, 0.95), (probabilities, seed, level) => {
        const eces = materialisedNoiseEces(probabilities, seed, 30);

        const floor = calibrationNoiseFloor(probabilities, { random: seededRandom(seed), resamples: 30, level });

        expect(floor.medianEce).toBeCloseTo(linearPercentile(eces, 0.5), 14);
        expect(floor.upperEce).toBeCloseTo(linearPercentile(eces, level), 14);
        expect(floor.level).toBe(level);
      }),
      { numRuns: 100 },
    );
  });

  it('calibrationNoiseFloor of certain forecasts (0 and 1 only) is zero: labels always match', () => {
    const probabilities = [0, 1, 1, 0, 1, 0, 0, 1];

    const floor = calibrationNoiseFloor(probabilities, { random: seededRandom(3), resamples: 20 });

    expect(floor.medianEce).toBe(0);
    expect(floor.upperEce).toBe(0);
  });

  it('calibrationNoiseFloor rejects bad resamples, level, empty or out-of-range forecasts', () => {
    const random = seededRandom(1);

    expect(() => calibrationNoiseFloor([0.5], { random, resamples: 0 })).toThrow(InvalidInputError);
    expect(() => calibrationNoiseFloor([0.5], { random, level: 1 })).toThrow(InvalidInputError);
    expect(() => calibrationNoiseFloor([], { random })).toThrow(InvalidInputError);
    expect(() => calibrationNoiseFloor([1.5], { random })).toThrow(InvalidInputError);
  });
});
