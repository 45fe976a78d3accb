/**
 * The numbers of a cluster's environment profile, from its recent predictions and outcomes:
 * queue depth and utilisation at submit time, the typical (median) wait, the long-wait threshold
 * (P90 of observed waits — SPEC's label definition) and the busiest submission hours.
 * Pure: samples arrive already extracted from stored predictions.
 */
import { InvalidInputError } from '../errors.ts';
import { quantileOfSorted } from '../metrics/quantile-of-sorted.ts';

/** One stored prediction, reduced to what a profile needs. */
export interface ProfileSample {
  /** When the job was predicted (≈ submitted), epoch ms. */
  readonly predictedAtMs: number;
  /** Jobs queued ahead at submit time; null when the prediction did not record it. */
  readonly queueDepth: number | null;
  /** GPU utilisation at submit time, a fraction in [0, 1]; null when not recorded. */
  readonly utilisation: number | null;
  /** Observed wait, seconds ≥ 0; null while the job has no outcome. */
  readonly waitSeconds: number | null;
}

export interface ProfileStatistics {
  /** Mean / max queue depth over samples that recorded one; 0 when none did. */
  readonly queueDepthMean: number;
  readonly queueDepthMax: number;
  /** Mean utilisation over samples that recorded one; 0 when none did. */
  readonly utilisationMean: number;
  /** Median observed wait, seconds; null without outcomes. */
  readonly typicalWaitSeconds: number | null;
  /** 90th percentile of observed waits, seconds; null without outcomes. */
  readonly longWaitThresholdSeconds: number | null;
  /** Number of waits the two quantiles were computed on. */
  readonly waitCount: number;
  /** Hours of day (0–23, UTC) with the most samples, busiest first (ties: earlier hour first); at most `peakHourCount`. */
  readonly peakHoursUtc: readonly number[];
}

/** Hours reported in `peakHoursUtc` unless asked otherwise. */
export const DEFAULT_PEAK_HOUR_COUNT = 3;

const MS_PER_HOUR = 3_600_000;
const HOURS_PER_DAY = 24;
const MEDIAN = 0.5;
const P90 = 0.9;

/**
 * Profile numbers of `samples`. Throws InvalidInputError on a non-finite or negative queue depth
 * or wait, a utilisation outside [0, 1], a non-finite time, or a `peakHourCount` that is not a
 * whole number in [0, 24]. O(n + w log w) for n samples with w waits.
 */
export function clusterProfileStatistics(
  samples: readonly ProfileSample[],
  peakHourCount: number = DEFAULT_PEAK_HOUR_COUNT,
): ProfileStatistics {
  if (!Number.isInteger(peakHourCount) || peakHourCount < 0 || peakHourCount > HOURS_PER_DAY) {
    throw new InvalidInputError(`peakHourCount must be a whole number in [0, 24], got ${peakHourCount}`);
  }
  let depthSum = 0;
  let depthCount = 0;
  let depthMax = 0;
  let utilisationSum = 0;
  let utilisationCount = 0;
  const waits: number[] = [];
  const perHour = new Float64Array(HOURS_PER_DAY);
  for (const sample of samples) {
    if (!Number.isFinite(sample.predictedAtMs))
      throw new InvalidInputError(`predictedAtMs must be finite, got ${sample.predictedAtMs}`);
    if (sample.queueDepth !== null) {
      if (!Number.isFinite(sample.queueDepth) || sample.queueDepth < 0)
        throw new InvalidInputError(`queueDepth must be finite and ≥ 0, got ${sample.queueDepth}`);
      depthSum += sample.queueDepth;
      depthCount += 1;
      depthMax = Math.max(depthMax, sample.queueDepth);
    }
    if (sample.utilisation !== null) {
      if (!(sample.utilisation >= 0 && sample.utilisation <= 1))
        throw new InvalidInputError(`utilisation must be in [0, 1], got ${sample.utilisation}`);
      utilisationSum += sample.utilisation;
      utilisationCount += 1;
    }
    if (sample.waitSeconds !== null) {
      if (!Number.isFinite(sample.waitSeconds) || sample.waitSeconds < 0)
        throw new InvalidInputError(`waitSeconds must be finite and ≥ 0, got ${sample.waitSeconds}`);
      waits.push(sample.waitSeconds);
    }
    // Epoch ms before 1970 still map into 0–23.
    const hour = ((Math.floor(sample.predictedAtMs / MS_PER_HOUR) % HOURS_PER_DAY) + HOURS_PER_DAY) % HOURS_PER_DAY;
    perHour[hour] = (perHour[hour] as number) + 1;
  }
  const sortedWaits = Float64Array.from(waits).sort();
  const hours = Array.from({ length: HOURS_PER_DAY }, (_, hour) => hour)
    .filter((hour) => (perHour[hour] as number) > 0)
    .sort((a, b) => (perHour[b] as number) - (perHour[a] as number) || a - b)
    .slice(0, peakHourCount);
  return {
    queueDepthMean: depthCount === 0 ? 0 : depthSum / depthCount,
    queueDepthMax: depthMax,
    utilisationMean: utilisationCount === 0 ? 0 : utilisationSum / utilisationCount,
    typicalWaitSeconds: sortedWaits.length === 0 ? null : quantileOfSorted(sortedWaits, MEDIAN),
    longWaitThresholdSeconds: sortedWaits.length === 0 ? null : quantileOfSorted(sortedWaits, P90),
    waitCount: sortedWaits.length,
    peakHoursUtc: hours,
  };
}
