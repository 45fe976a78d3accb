/**
 * A job's predictive wait distribution, given by its quantiles at the fixed levels
 * {@link WAIT_QUANTILE_LEVELS}, and what is read from it: the median (the point estimate), the
 * 80 % interval (10 %–90 %), P(start within T) for any T, P(wait > threshold).
 *
 * Between quantiles the CDF is linear in log(1 + wait) (waits are heavy-tailed: a log scale keeps
 * the interpolation scale-free). Tails: below the 5 % quantile the CDF runs linearly in
 * log(1 + wait) from level 0 at a zero wait; above the 95 % quantile it continues with the slope
 * of the 90 %–95 % segment until it reaches 1, at log(1 + q₉₅) + (log(1 + q₉₅) − log(1 + q₉₀)),
 * beyond which no wait is expected. A run of equal quantiles is a point mass (the CDF jumps).
 */
import { InvalidInputError } from '../errors.ts';

/** The levels a distribution is given at, ascending: 5 … 95 %, including 0.1 … 0.9 for the pinball loss. */
export const WAIT_QUANTILE_LEVELS: readonly number[] = Object.freeze([
  0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95,
]);

/** Index of the median in {@link WAIT_QUANTILE_LEVELS}. */
export const MEDIAN_INDEX = 6;
/** Indexes of the 10 %, 80 % and 90 % quantiles: the 80 % interval's bounds (see {@link interval80}). */
export const LOWER_80_INDEX = 1;
export const UPPER_80_AT_ZERO_INDEX = 10;
export const UPPER_80_INDEX = 11;
/** Nominal coverage of the 80 % interval (written out: 0.9 − 0.1 is not exactly 0.8 in floating point). */
export const INTERVAL_80_COVERAGE = 0.8;

/**
 * The range holding 80 % of the distribution: [q₁₀, q₉₀], except when q₁₀ is 0 (at least 10 % of
 * the mass is a wait of zero), where it is [0, q₈₀]. A range starting at zero holds every zero
 * wait, so [0, q₉₀] would hold 90 %; [0, q₈₀] holds 80 % whatever the mass at zero. Quantiles are
 * not checked (callers pass issued ones).
 */
export function interval80(quantilesSeconds: readonly number[]): {
  readonly lowerSeconds: number;
  readonly upperSeconds: number;
} {
  const lowerSeconds = quantilesSeconds[LOWER_80_INDEX] as number;
  return {
    lowerSeconds,
    upperSeconds: quantilesSeconds[lowerSeconds > 0 ? UPPER_80_INDEX : UPPER_80_AT_ZERO_INDEX] as number,
  };
}

/**
 * @throws InvalidInputError unless `quantilesSeconds` has one finite value ≥ 0 per level, non-decreasing
 */
export function checkWaitQuantiles(quantilesSeconds: readonly number[]): void {
  if (quantilesSeconds.length !== WAIT_QUANTILE_LEVELS.length) {
    throw new InvalidInputError(
      `a wait distribution needs ${WAIT_QUANTILE_LEVELS.length} quantiles, got ${quantilesSeconds.length}`,
    );
  }
  let previous = 0;
  for (const [index, value] of quantilesSeconds.entries()) {
    if (!(Number.isFinite(value) && value >= previous)) {
      throw new InvalidInputError(`wait quantile ${index} = ${value} is not a finite number ≥ 0 and ≥ the one before`);
    }
    previous = value;
  }
}

/** The CDF's knots: (level, log(1 + wait)) from (0, 0) through every quantile to (1, the upper tail's end). */
interface Knots {
  readonly levels: readonly number[];
  readonly logs: readonly number[];
}

function knotsOf(quantilesSeconds: readonly number[]): Knots {
  const logs = [0, ...quantilesSeconds.map((value) => Math.log1p(value))];
  const levels = [0, ...WAIT_QUANTILE_LEVELS];
  const last = logs[logs.length - 1] as number;
  const beforeLast = logs[logs.length - 2] as number;
  logs.push(last + (last - beforeLast));
  levels.push(1);
  return { levels, logs };
}

function cdfOfKnots({ levels, logs }: Knots, waitSeconds: number): number {
  if (waitSeconds < 0) return 0;
  const target = Math.log1p(waitSeconds);
  // The last knot at or below the target: at a point mass the CDF is the top of its jump.
  let index = logs.length - 1;
  while ((logs[index] as number) > target) index -= 1;
  if (index === logs.length - 1) return 1;
  const lowLog = logs[index] as number;
  const lowLevel = levels[index] as number;
  return (
    lowLevel + (((levels[index + 1] as number) - lowLevel) * (target - lowLog)) / ((logs[index + 1] as number) - lowLog)
  );
}

function quantileOfKnots({ levels, logs }: Knots, level: number): number {
  let index = 0;
  while ((levels[index + 1] as number) < level) index += 1;
  const lowLevel = levels[index] as number;
  const lowLog = logs[index] as number;
  const share = (level - lowLevel) / ((levels[index + 1] as number) - lowLevel);
  return Math.expm1(lowLog + share * ((logs[index + 1] as number) - lowLog));
}

/**
 * The CDF of a distribution, checked and prepared once: P(wait ≤ x) for each x (see the file
 * comment for interpolation and tails); 0 for a negative x. Each call is O(levels).
 *
 * @throws InvalidInputError for malformed quantiles (when built) or an x that is not a number (when called)
 */
export function waitCdf(quantilesSeconds: readonly number[]): (waitSeconds: number) => number {
  checkWaitQuantiles(quantilesSeconds);
  const knots = knotsOf(quantilesSeconds);
  return (waitSeconds) => {
    if (Number.isNaN(waitSeconds)) throw new InvalidInputError('waitSeconds must be a number, got NaN');
    return cdfOfKnots(knots, waitSeconds);
  };
}

/**
 * P(wait ≤ `waitSeconds`) under the distribution: {@link waitCdf} for one wait. O(levels).
 *
 * @throws InvalidInputError for malformed quantiles or a wait that is not a number
 */
export function cdfAt(quantilesSeconds: readonly number[], waitSeconds: number): number {
  return waitCdf(quantilesSeconds)(waitSeconds);
}

/**
 * The wait (seconds) at cumulative probability `level` ∈ [0, 1]: the inverse of {@link cdfAt}
 * (the smallest wait whose CDF reaches `level`). O(levels).
 *
 * @throws InvalidInputError for malformed quantiles or a level outside [0, 1]
 */
export function quantileAt(quantilesSeconds: readonly number[], level: number): number {
  checkWaitQuantiles(quantilesSeconds);
  if (!(level >= 0 && level <= 1)) throw new InvalidInputError(`level must be in [0, 1], got ${level}`);
  return quantileOfKnots(knotsOf(quantilesSeconds), level);
}

/**
 * The distribution re-weighted so that P(wait > `thresholdSeconds`) = `probabilityAbove`: the CDF
 * becomes h∘F with h piecewise linear, h(0) = 0, h(F(threshold)) = 1 − probabilityAbove, h(1) = 1,
 * so the order of waits and the shape on each side of the threshold are kept while the mass above
 * it is the one given (a calibrated P(long wait)). Quantiles are read back at the fixed levels.
 * O(levels²).
 *
 * @throws InvalidInputError for malformed quantiles, a probability outside [0, 1] or a threshold that is not a finite number ≥ 0
 */
export function withProbabilityAbove(
  quantilesSeconds: readonly number[],
  thresholdSeconds: number,
  probabilityAbove: number,
): number[] {
  if (!(probabilityAbove >= 0 && probabilityAbove <= 1))
    throw new InvalidInputError(`probabilityAbove must be in [0, 1], got ${probabilityAbove}`);
  if (!(Number.isFinite(thresholdSeconds) && thresholdSeconds >= 0))
    throw new InvalidInputError(`thresholdSeconds must be a finite number ≥ 0, got ${thresholdSeconds}`);
  checkWaitQuantiles(quantilesSeconds);
  const knots = knotsOf(quantilesSeconds);
  const below = cdfOfKnots(knots, thresholdSeconds);
  const targetBelow = 1 - probabilityAbove;
  return WAIT_QUANTILE_LEVELS.map((level) => {
    const source =
      level <= targetBelow
        ? (level * below) / targetBelow
        : below + ((level - targetBelow) * (1 - below)) / probabilityAbove;
    return quantileOfKnots(knots, Math.min(1, source));
  });
}
