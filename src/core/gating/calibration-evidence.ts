/**
 * What a window of issued forecasts and their outcomes proves about calibration: the ECE (15
 * equal-mass bins, SPEC) with a one-sided confidence bound on each side.
 *
 * The bound. Per bin b (weight w_b = n_b/N), the plug-in gap |ȳ_b − p̄_b| estimates the true gap
 * |μ_b − p̄_b|. By Jensen E|ȳ_b − p̄_b| ≥ |μ_b − p̄_b|, so the plug-in ECE is biased UP: it is a
 * conservative centre for an upper bound. Its standard error follows from the delta method,
 * se² = Σ_b w_b²·v_b/n_b, with v_b the larger of the bin's observed variance ȳ(1 − ȳ) and the
 * variance its forecasts claim p̄(1 − p̄): the second keeps a lucky window (say, no long waits among
 * few outcomes, observed variance 0) from looking precise. Then
 *   upper = ECE + z·se,  lower = max(0, ECE − z·se − noise),  z = Φ⁻¹(level),
 * where `noise` = Σ_b w_b·√(2/π)·√(v_b/n_b) is the plug-in's own expected value under perfect
 * calibration (E|N(0, σ)| = σ√(2/π)): the lower bound only claims miscalibration beyond what
 * sampling noise alone would show. No resampling: deterministic and O(n log n) (the sort of the
 * equal-mass bins).
 *
 * Autonomy is granted on `upper` (proof, not luck); drift is judged on `lower` (miscalibration
 * beyond noise).
 */
import { InvalidInputError } from '../errors.ts';
import { calibrationError, ECE_BINS } from '../metrics/calibration-error.ts';
import { normalQuantile } from '../metrics/normal-quantile.ts';

export interface CalibrationEvidence {
  /** Outcomes in the window, an integer ≥ 1. */
  readonly count: number;
  /** Long waits among them. */
  readonly longWaits: number;
  /** Plug-in ECE over equal-mass bins, in [0, 1]. */
  readonly ece: number;
  /** Delta-method standard error of `ece` (see above), ≥ 0. */
  readonly standardError: number;
  /** One-sided upper confidence bound of the calibration error at `level`, ≥ ece. */
  readonly upper: number;
  /** One-sided lower confidence bound of the calibration error beyond sampling noise at `level`, in [0, ece]. */
  readonly lower: number;
  /** The one-sided confidence level of both bounds, in (0.5, 1). */
  readonly level: number;
}

/**
 * Evidence of a window. Probabilities in [0, 1], labels 0/1, same length ≥ 1.
 * @param level one-sided confidence level of the bounds, in (0.5, 1), e.g. 0.95.
 * @throws InvalidInputError on an empty window, mismatched lengths, values out of range or a bad level.
 */
export function calibrationEvidence(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  level: number,
  bins: number = ECE_BINS,
): CalibrationEvidence {
  if (!(level > 0.5 && level < 1)) throw new InvalidInputError(`level must be in (0.5, 1), got ${level}`);
  const { ece, bins: reliability } = calibrationError(probabilities, labels, { bins });
  const count = probabilities.length;
  let variance = 0;
  let noise = 0;
  for (const bin of reliability) {
    const weight = bin.count / count;
    const observed = bin.observedRate * (1 - bin.observedRate);
    const claimed = bin.meanPredicted * (1 - bin.meanPredicted);
    const binVariance = Math.max(observed, claimed) / bin.count;
    variance += weight * weight * binVariance;
    noise += weight * Math.sqrt((2 / Math.PI) * binVariance);
  }
  const z = normalQuantile(level);
  const standardError = Math.sqrt(variance);
  let longWaits = 0;
  for (let index = 0; index < count; index += 1) longWaits += labels[index] as number;
  return {
    count,
    longWaits,
    ece,
    standardError,
    upper: Math.min(1, ece + z * standardError),
    lower: Math.max(0, ece - z * standardError - noise),
    level,
  };
}
