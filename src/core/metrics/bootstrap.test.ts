import { describe, expect, it } from 'vitest';
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import { auroc } from './auroc.ts';
import { bootstrapInterval, bootstrapIntervals } from './bootstrap.ts';

function meanOf(sample: Float64Array) {
  return (indices: Uint32Array) => {
    let sum = 0;
    for (const index of indices) sum += sample[index] as number;
    return sum / indices.length;
  };
}

/** Seeded sums of three uniforms: roughly normal, mean 1.5, variance 3/12 = 0.25. */
function normalishSample(size: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: size }, () => random() + random() + random());
}

describe('bootstrapInterval', () => {
  it('bootstrapInterval is deterministic for a seed and changes with the seed', () => {
    const sample = normalishSample(200, 1);

    const first = bootstrapInterval(sample.length, meanOf(sample), { random: seededRandom(9), resamples: 300 });
    const again = bootstrapInterval(sample.length, meanOf(sample), { random: seededRandom(9), resamples: 300 });
    const otherSeed = bootstrapInterval(sample.length, meanOf(sample), { random: seededRandom(10), resamples: 300 });

    expect(again).toEqual(first);
    expect(otherSeed.lower).not.toBe(first.lower);
  });

  it('bootstrapInterval of a mean contains the full-sample mean with about the normal-theory width', () => {
    const sample = normalishSample(400, 2);
    const fullMean = meanOf(sample)(Uint32Array.from(sample.keys()));
    // Normal theory: half-width 1.96 · sd / √n with sd² = 0.25 → 1.96 · 0.5 / 20 = 0.049.
    const normalHalfWidth = (1.96 * 0.5) / Math.sqrt(sample.length);

    const interval = bootstrapInterval(sample.length, meanOf(sample), { random: seededRandom(3) });

    expect(interval.lower).toBeLessThan(fullMean);
    expect(interval.upper).toBeGreaterThan(fullMean);
    expect(interval.resamplesUsed).toBe(1000);
    expect((interval.upper - interval.lower) / 2).toBeGreaterThan(normalHalfWidth * 0.8);
    expect((interval.upper - interval.lower) / 2).toBeLessThan(normalHalfWidth * 1.2);
  });

  it('bootstrapInterval reads percentiles by linear interpolation (hand-worked)', () => {
    // The statistic yields 3, 1, 4, 1, 5 → sorted 1, 1, 3, 4, 5. Level 0.8 → 10th and 90th percentiles:
    // positions 0.4 → 1 and 3.6 → 4 + 0.6·(5 − 4) = 4.6. numpy.percentile([3,1,4,1,5], [10, 90]) = [1, 4.6]
    const values = [3, 1, 4, 1, 5];
    let call = 0;

    const interval = bootstrapInterval(1, () => values[call++] as number, {
      random: seededRandom(1),
      resamples: 5,
      level: 0.8,
    });

    expect(interval.lower).toBeCloseTo(1, 12);
    expect(interval.upper).toBeCloseTo(4.6, 12);
  });

  it('bootstrapInterval skips resamples on which the statistic lacks data, and says how many it used', () => {
    // One positive among 10 rows: a resample misses it with probability 0.9^10 ≈ 0.349, so about 651
    // of 1000 resamples have both classes (binomial sd ≈ 15).
    const probabilities = new Float64Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]);
    const labels = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    const resampledAuroc = (indices: Uint32Array) =>
      auroc(
        Array.from(indices, (index) => probabilities[index] as number),
        Array.from(indices, (index) => labels[index] as number),
      );

    const interval = bootstrapInterval(10, resampledAuroc, { random: seededRandom(4), resamples: 1000 });

    expect(interval.resamplesUsed).toBeLessThan(1000);
    expect(interval.resamplesUsed).toBeGreaterThan(580);
    expect(interval.resamplesUsed).toBeLessThan(720);
    expect(interval.upper).toBe(1);
  });

  it('bootstrapInterval throws InsufficientDataError when no resample has data', () => {
    const neverDefined = () => {
      throw new InsufficientDataError('one class');
    };

    const compute = () => bootstrapInterval(5, neverDefined, { random: seededRandom(1), resamples: 10 });

    expect(compute).toThrow(InsufficientDataError);
    expect(compute).toThrow('statistic undefined on all 10 resamples');
  });

  it('bootstrapInterval lets other errors through', () => {
    const broken = () => {
      throw new RangeError('bug');
    };

    const compute = () => bootstrapInterval(5, broken, { random: seededRandom(1), resamples: 10 });

    expect(compute).toThrow(RangeError);
  });

  it.each([
    { sampleSize: 0, options: {}, message: 'sampleSize = 0 is not an integer ≥ 1' },
    { sampleSize: 2.5, options: {}, message: 'sampleSize = 2.5 is not an integer ≥ 1' },
    { sampleSize: 5, options: { resamples: 0 }, message: 'resamples = 0 is not an integer ≥ 1' },
    { sampleSize: 5, options: { level: 1 }, message: 'level = 1 is not in (0, 1)' },
    { sampleSize: 5, options: { level: Number.NaN }, message: 'level = NaN is not in (0, 1)' },
  ])('bootstrapInterval rejects: $message', ({ sampleSize, options, message }) => {
    const compute = () => bootstrapInterval(sampleSize, () => 1, { random: seededRandom(1), ...options });

    expect(compute).toThrow(InvalidInputError);
    expect(compute).toThrow(message);
  });

  it('bootstrapInterval rejects a non-finite statistic', () => {
    const compute = () => bootstrapInterval(5, () => Number.NaN, { random: seededRandom(1), resamples: 3 });

    expect(compute).toThrow('statistic 0 = NaN is not finite');
  });
});

describe('bootstrapIntervals', () => {
  it('bootstrapIntervals computes several statistics on the same resamples', () => {
    const sample = normalishSample(100, 8);
    const mean = meanOf(sample);

    // The second statistic is the first plus 10 on every resample, so its interval is shifted by exactly 10.
    const [plain, shifted] = bootstrapIntervals(sample.length, (indices) => [mean(indices), mean(indices) + 10], {
      random: seededRandom(11),
      resamples: 200,
    });

    expect(shifted?.lower).toBeCloseTo((plain?.lower ?? Number.NaN) + 10, 12);
    expect(shifted?.upper).toBeCloseTo((plain?.upper ?? Number.NaN) + 10, 12);
  });

  it('bootstrapIntervals rejects a statistic whose count of values changes', () => {
    let call = 0;
    const unstable = () => (call++ === 0 ? [1] : [1, 2]);

    const compute = () => bootstrapIntervals(5, unstable, { random: seededRandom(1), resamples: 3 });

    expect(compute).toThrow('statistics returned 2 values, earlier 1');
  });
});
