/**
 * The ECE a perfectly calibrated forecaster would show on this very sample, by consistency
 * resampling (Bröcker & Smith 2007, "Increasing the reliability of reliability diagrams",
 * https://doi.org/10.1175/WAF993.1): keep the forecasts, redraw each label as Bernoulli(p),
 * recompute the ECE; repeat. On small windows this floor is large (≈ 0.1 at 50 outcomes with
 * 15 bins), so an observed ECE is evidence of miscalibration only when it exceeds the floor's
 * upper percentile.
 *
 * The forecasts never change between resamples, only the labels: they are grouped by distinct
 * probability once, and each resample only re-counts the positives per group, so a resample's
 * ECE is {@link calibrationErrorFromGroups} in O(n + B) — the same value, bit for bit, as
 * `calibrationError` on the materialised labels (same bins, same tie rules), with the labels
 * drawn from `random` in row order as before.
 * Complexity: O(n log n) once + O(resamples · (n + B)) + O(resamples · log resamples).
 */
import { InvalidInputError } from '../errors.ts';
import type { Random } from '../random.ts';
import { calibrationErrorFromGroups, type BinningOptions } from './calibration-error.ts';
import { groupByScore, groupIndexOfRows, type ScoreGroups } from './score-groups.ts';
import { quantileOfSorted } from './quantile-of-sorted.ts';

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

  // Any labels give the groups' probabilities and counts; the positives are redrawn below.
  const grouped = groupByScore(probabilities, new Uint8Array(count));
  const groupOfRow = groupIndexOfRows(grouped, probabilities);
  const positives = new Float64Array(grouped.probabilities.length);
  const redrawn: ScoreGroups = { ...grouped, positives, totalPositives: 0 };
  const binning: BinningOptions = { bins: options.bins, binning: options.binning };
  const eces = new Float64Array(resamples);
  for (let resample = 0; resample < resamples; resample += 1) {
    positives.fill(0);
    let totalPositives = 0;
    for (let index = 0; index < count; index += 1) {
      const probability = probabilities[index] as number;
      if (options.random() < probability) {
        const group = groupOfRow[index] as number;
        positives[group] = (positives[group] as number) + 1;
        totalPositives += 1;
      }
    }
    eces[resample] = calibrationErrorFromGroups({ ...redrawn, totalPositives }, binning).ece;
  }
  eces.sort();
  return { medianEce: quantileOfSorted(eces, 0.5), upperEce: quantileOfSorted(eces, level), level };
}
