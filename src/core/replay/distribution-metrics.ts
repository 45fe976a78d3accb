/**
 * Prequential metrics of a predictive wait distribution (quantiles at WAIT_QUANTILE_LEVELS,
 * core/conformal/wait-distribution.ts) or of a point-only forecast, over a replay: the pinball
 * loss, the 80 % interval's coverage (overall and per queue-depth tercile), its width, how often
 * the point estimate is within a factor of 2, and the calibration of P(start within T).
 * Censored jobs (no wait) count in no metric but the width.
 */
import { InvalidInputError } from '../errors.ts';
import { interval80, WAIT_QUANTILE_LEVELS, waitCdf } from '../conformal/wait-distribution.ts';
import { calibrationError } from '../metrics/calibration-error.ts';
import { quantileOfSorted } from '../metrics/quantile-of-sorted.ts';

/** The pinball loss is averaged over these levels: 0.1, 0.2, …, 0.9. */
export const PINBALL_LEVELS: readonly number[] = Object.freeze([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
/** P(start within T) is judged at these T (seconds): 15 min, 1 h, 4 h. */
export const START_WITHIN_SECONDS = [900, 3600, 14400] as const;
/** A point estimate this close to the wait (seconds) counts as within a factor of 2 whatever the ratio (short waits are noisy). */
export const WITHIN_ABSOLUTE_SECONDS = 60;

export interface DistributionRow {
  /** Quantiles issued at WAIT_QUANTILE_LEVELS; null when the predictor gave no distribution. */
  readonly quantilesSeconds: readonly number[] | null;
  /** Point estimate issued; null when none. */
  readonly pointSeconds: number | null;
  /** Observed wait; null when censored. */
  readonly waitSeconds: number | null;
  /** Queue-depth tercile at submit (0, 1, 2). */
  readonly tercile: number;
}

export interface DistributionMetrics {
  /** Mean pinball loss over PINBALL_LEVELS and the judged jobs, seconds. */
  readonly pinball: number | null;
  /** Share of judged jobs whose wait fell in the 80 % interval (bounds inclusive; `interval80`: [q₁₀, q₉₀], or [0, q₈₀] when q₁₀ = 0). */
  readonly coverage80: number | null;
  /** The same within each queue-depth tercile. */
  readonly coverage80ByQueueTercile: readonly (number | null)[];
  /** Median width of the 80 % interval over jobs given a distribution (type 7). */
  readonly medianWidthSeconds: number | null;
  /** Share of judged jobs given a point estimate within [0.5×, 2×] of the wait or WITHIN_ABSOLUTE_SECONDS of it. */
  readonly withinFactor2: number | null;
  /** ECE (15 equal-mass bins) of P(start within T) per T in seconds. */
  readonly startWithinEce: Readonly<Record<`${(typeof START_WITHIN_SECONDS)[number]}`, number | null>>;
}

const levelIndex = (level: number): number => WAIT_QUANTILE_LEVELS.indexOf(level);

/**
 * The pinball (quantile) loss of one forecast, averaged over PINBALL_LEVELS:
 * ρ_τ(y − q) = τ·(y − q) when y ≥ q, (1 − τ)·(q − y) otherwise (Koenker & Bassett 1978,
 * https://doi.org/10.2307/1913643). Seconds.
 *
 * @throws InvalidInputError for a wait that is not a finite number
 */
export function pinballLoss(quantilesSeconds: readonly number[], waitSeconds: number): number {
  if (!Number.isFinite(waitSeconds)) throw new InvalidInputError(`waitSeconds must be finite, got ${waitSeconds}`);
  let total = 0;
  for (const level of PINBALL_LEVELS) {
    const error = waitSeconds - (quantilesSeconds[levelIndex(level)] as number);
    total += error >= 0 ? level * error : (level - 1) * error;
  }
  return total / PINBALL_LEVELS.length;
}

/** True when `pointSeconds` is within [0.5×, 2×] of `waitSeconds` or within WITHIN_ABSOLUTE_SECONDS of it. */
export function withinFactor2(pointSeconds: number, waitSeconds: number): boolean {
  if (Math.abs(pointSeconds - waitSeconds) <= WITHIN_ABSOLUTE_SECONDS) return true;
  return pointSeconds >= 0.5 * waitSeconds && pointSeconds <= 2 * waitSeconds;
}

function share(hits: number, total: number): number | null {
  return total === 0 ? null : hits / total;
}

/** Metrics of one predictor over `rows` (see DistributionMetrics). O(n log n). */
export function distributionMetrics(rows: readonly DistributionRow[]): DistributionMetrics {
  const withDistribution = rows.filter((row) => row.quantilesSeconds !== null);
  const judged = withDistribution.filter((row) => row.waitSeconds !== null);
  let pinballTotal = 0;
  let covered = 0;
  const tercileCounts = [0, 0, 0];
  const tercileCovered = [0, 0, 0];
  for (const row of judged) {
    const quantiles = row.quantilesSeconds as readonly number[];
    const wait = row.waitSeconds as number;
    pinballTotal += pinballLoss(quantiles, wait);
    const interval = interval80(quantiles);
    const inside = wait >= interval.lowerSeconds && wait <= interval.upperSeconds;
    tercileCounts[row.tercile] = (tercileCounts[row.tercile] as number) + 1;
    if (inside) {
      covered += 1;
      tercileCovered[row.tercile] = (tercileCovered[row.tercile] as number) + 1;
    }
  }
  const widths = Float64Array.from(withDistribution, (row) => {
    const interval = interval80(row.quantilesSeconds as readonly number[]);
    return interval.upperSeconds - interval.lowerSeconds;
  }).sort();
  const pointed = rows.filter((row) => row.pointSeconds !== null && row.waitSeconds !== null);
  const cdfs = judged.map((row) => waitCdf(row.quantilesSeconds as readonly number[]));
  const startWithinEce = Object.fromEntries(
    START_WITHIN_SECONDS.map((seconds) => {
      if (judged.length === 0) return [String(seconds), null];
      const probabilities = Float64Array.from(cdfs, (cdf) => cdf(seconds));
      const labels = Uint8Array.from(judged, (row) => ((row.waitSeconds as number) <= seconds ? 1 : 0));
      return [String(seconds), calibrationError(probabilities, labels).ece];
    }),
  ) as DistributionMetrics['startWithinEce'];
  return {
    pinball: judged.length === 0 ? null : pinballTotal / judged.length,
    coverage80: share(covered, judged.length),
    coverage80ByQueueTercile: tercileCounts.map((count, tercile) => share(tercileCovered[tercile] as number, count)),
    medianWidthSeconds: widths.length === 0 ? null : quantileOfSorted(widths, 0.5),
    withinFactor2: share(
      pointed.filter((row) => withinFactor2(row.pointSeconds as number, row.waitSeconds as number)).length,
      pointed.length,
    ),
    startWithinEce,
  };
}
