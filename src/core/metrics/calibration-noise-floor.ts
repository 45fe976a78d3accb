/**
 * The ECE a perfectly calibrated forecaster would show on this very sample, by consistency
 * resampling (Bröcker & Smith 2007, "Increasing the reliability of reliability diagrams",
 * https://doi.org/10.1175/WAF993.1): keep the forecasts, redraw each label as Bernoulli(p),
 * recompute the ECE; repeat. On small windows this floor is large (≈ 0.1 at 50 outcomes with
 * 15 bins), so an observed ECE is evidence of miscalibration only when it exceeds the floor's
 * upper percentile. O(resamples · n log n).
 */
import { InvalidInputError } from '../errors.ts';
import type { Random } from '../random.ts';
import { calibrationError, type BinningOptions } from './calibration-error.ts';

export const NOISE_FLOOR_RESAMPLES = 200;
export const NOISE_FLOOR_LEVEL = 0.95;

export interface CalibrationNoiseFloor {
  /** Median ECE of a calibrated forecaster on these forecasts. */
  readonly medianEce: number;
  /** The `level` quantile: an observed ECE above it is significant at 1 − level. */
  readonly upperEce: number;
  readonly level: number;
}

export function calibrationNoiseFloor(
  probabilities: ArrayLike<number>,
  options: BinningOptions & { readonly random: Random; readonly resamples?: number; readonly level?: number },
): CalibrationNoiseFloor {
  const resamples = options.resamples ?? NOISE_FLOOR_RESAMPLES;
  const level = options.level ?? NOISE_FLOOR_LEVEL;
  if (!Number.isInteger(resamples) || resamples < 1) throw new InvalidInputError(`resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new InvalidInputError(`level must be in (0, 1), got ${level}`);
  const count = probabilities.length;
  if (count === 0) throw new InvalidInputError('no forecasts to resample');

  const forecasts = Float64Array.from(probabilities);
  const labels = new Uint8Array(count);
  const eces = new Float64Array(resamples);
  for (let resample = 0; resample < resamples; resample += 1) {
    for (let index = 0; index < count; index += 1) labels[index] = options.random() < (forecasts[index] as number) ? 1 : 0;
    eces[resample] = calibrationError(forecasts, labels, options).ece;
  }
  eces.sort();
  return { medianEce: quantileOfSorted(eces, 0.5), upperEce: quantileOfSorted(eces, level), level };
}

/** Linear interpolation between order statistics (numpy's default, "type 7"). */
function quantileOfSorted(sorted: Float64Array, fraction: number): number {
  const position = fraction * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const weight = position - below;
  return (sorted[below] as number) * (1 - weight) + (sorted[above] as number) * weight;
}
