import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { randomInt, type Random } from '../random.ts';

/** Bootstrap resamples drawn by default. */
export const BOOTSTRAP_RESAMPLES = 1000;
/** Two-sided confidence level by default. */
export const BOOTSTRAP_LEVEL = 0.95;

export interface BootstrapOptions {
  /** The only source of randomness; seed it for reproducible intervals. */
  readonly random: Random;
  /** Resamples to draw, an integer ≥ 1. Default {@link BOOTSTRAP_RESAMPLES}. */
  readonly resamples?: number;
  /** Confidence level in (0, 1). Default {@link BOOTSTRAP_LEVEL}. */
  readonly level?: number;
}

export interface BootstrapInterval {
  /** The (1 − level)/2 percentile of the resampled statistic. */
  readonly lower: number;
  /** The (1 + level)/2 percentile of the resampled statistic. */
  readonly upper: number;
  /** Resamples on which the statistic could be computed (≤ resamples). */
  readonly resamplesUsed: number;
}

/**
 * Percentile bootstrap confidence interval of a statistic of a sample of `sampleSize` rows.
 * Each resample draws `sampleSize` row indices uniformly with replacement and calls `statistic`
 * on them; the interval is read from the resampled values by linear interpolation between order
 * statistics (numpy.percentile's default "linear" method).
 * Reference: Efron & Tibshirani (1993), An Introduction to the Bootstrap, ch. 13.
 *
 * A resample on which `statistic` throws InsufficientDataError (e.g. only one class drawn) is
 * skipped and not counted in `resamplesUsed`; any other error propagates.
 *
 * The index array passed to `statistic` is reused between resamples: read it, don't keep it.
 *
 * @param sampleSize rows in the sample, an integer ≥ 1
 * @param statistic finite value of the statistic on the rows at `indices`
 * @throws InvalidInputError on a bad size, resamples or level, or a non-finite statistic
 * @throws InsufficientDataError when the statistic could be computed on no resample at all
 *
 * Complexity: O(resamples · (sampleSize + cost of statistic) + resamples·log resamples).
 */
export function bootstrapInterval(
  sampleSize: number,
  statistic: (indices: Uint32Array) => number,
  options: BootstrapOptions,
): BootstrapInterval {
  const [interval] = bootstrapIntervals(sampleSize, (indices) => [statistic(indices)], options) as [BootstrapInterval];
  return interval;
}

/**
 * Like {@link bootstrapInterval} for several statistics computed together on the SAME resamples
 * (e.g. AUROC, ECE and Brier of one forecast sample). `statistics` returns one value per statistic,
 * always the same count; if it throws InsufficientDataError the resample is skipped for all.
 *
 * @returns one interval per statistic, in the order `statistics` returns them
 * @throws as {@link bootstrapInterval}, and InvalidInputError when the count of values changes
 */
export function bootstrapIntervals(
  sampleSize: number,
  statistics: (indices: Uint32Array) => ArrayLike<number>,
  options: BootstrapOptions,
): BootstrapInterval[] {
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const level = options.level ?? BOOTSTRAP_LEVEL;
  if (!Number.isInteger(sampleSize) || sampleSize < 1) {
    throw new InvalidInputError(`sampleSize = ${sampleSize} is not an integer ≥ 1`);
  }
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new InvalidInputError(`resamples = ${resamples} is not an integer ≥ 1`);
  }
  if (!(level > 0 && level < 1)) {
    throw new InvalidInputError(`level = ${level} is not in (0, 1)`);
  }

  const indices = new Uint32Array(sampleSize);
  const valuesByStatistic: number[][] = [];
  let resamplesUsed = 0;
  for (let resample = 0; resample < resamples; resample += 1) {
    for (let draw = 0; draw < sampleSize; draw += 1) indices[draw] = randomInt(options.random, sampleSize);
    let values: ArrayLike<number>;
    try {
      values = statistics(indices);
    } catch (error) {
      if (error instanceof InsufficientDataError) continue;
      throw error;
    }
    if (resamplesUsed === 0) {
      for (let statistic = 0; statistic < values.length; statistic += 1) valuesByStatistic.push([]);
    } else if (values.length !== valuesByStatistic.length) {
      throw new InvalidInputError(`statistics returned ${values.length} values, earlier ${valuesByStatistic.length}`);
    }
    for (let statistic = 0; statistic < values.length; statistic += 1) {
      const value = values[statistic] as number;
      if (!Number.isFinite(value)) throw new InvalidInputError(`statistic ${statistic} = ${value} is not finite`);
      (valuesByStatistic[statistic] as number[]).push(value);
    }
    resamplesUsed += 1;
  }
  if (resamplesUsed === 0) {
    throw new InsufficientDataError(`statistic undefined on all ${resamples} resamples`);
  }

  const lowerQuantile = (1 - level) / 2;
  const upperQuantile = (1 + level) / 2;
  return valuesByStatistic.map((values) => {
    const sorted = Float64Array.from(values).sort();
    return {
      lower: interpolatedQuantile(sorted, lowerQuantile),
      upper: interpolatedQuantile(sorted, upperQuantile),
      resamplesUsed,
    };
  });
}

/** numpy "linear" quantile (Hyndman & Fan type 7) of an ascending, non-empty array. */
function interpolatedQuantile(sorted: Float64Array, quantile: number): number {
  const position = quantile * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const fraction = position - below;
  const lowValue = sorted[below] as number;
  return lowValue + fraction * ((sorted[above] as number) - lowValue);
}
