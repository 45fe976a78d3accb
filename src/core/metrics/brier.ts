import { calibrationErrorFromGroups, type BinningOptions } from './calibration-error.ts';
import { groupByScore, type ScoreGroups } from './score-groups.ts';
import { validateScoredLabels } from './validate-scored-labels.ts';

/** Murphy's three-part decomposition of the Brier score; every term in [0, 1]. */
export interface BrierDecomposition {
  /** Mean squared error (1/N)·Σ (p − y)², computed from the rows themselves. */
  readonly brier: number;
  /** (1/N)·Σ_b n_b·(mean p_b − rate_b)²: miscalibration; lower is better. */
  readonly reliability: number;
  /** (1/N)·Σ_b n_b·(rate_b − ȳ)²: how far bins separate outcomes from the base rate; higher is better. */
  readonly resolution: number;
  /** ȳ·(1 − ȳ): the variance of the outcome, independent of the forecasts. */
  readonly uncertainty: number;
}

/**
 * Brier score: mean squared difference between forecast probability and outcome, in [0, 1]
 * (0 is perfect; always forecasting the base rate ȳ scores ȳ(1 − ȳ)). O(n).
 * Reference: Brier (1950), https://doi.org/10.1175/1520-0493(1950)078%3C0001:VOFEIT%3E2.0.CO;2
 *
 * @throws InvalidInputError on empty input, length mismatch, non-finite or out-of-range values
 */
export function brierScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  validateScoredLabels(probabilities, labels);
  let squaredErrorSum = 0;
  for (let index = 0; index < probabilities.length; index += 1) {
    const error = (probabilities[index] as number) - (labels[index] as number);
    squaredErrorSum += error * error;
  }
  return squaredErrorSum / probabilities.length;
}

/**
 * Brier score and its Murphy (1973) decomposition over the same bins as
 * `calibrationError` (default: `ECE_BINS` equal-mass bins).
 * Reference: Murphy (1973), https://doi.org/10.1175/1520-0450(1973)012%3C0595:ANVPOT%3E2.0.CO;2
 *
 * brier = reliability − resolution + uncertainty holds EXACTLY only when the forecasts within each
 * bin are all equal. When a bin mixes forecasts the binned terms miss the within-bin variance and
 * covariance (Stephenson, Coelho & Jolliffe 2008, https://doi.org/10.1175/2007WAF2007049.1), so the
 * identity is approximate; `brier` is always the exact score of the rows, never the sum.
 *
 * @throws InvalidInputError on bad input or options, as `calibrationError`
 *
 * Complexity: O(n log n) (the bins need sorted forecasts).
 */
export function brierDecomposition(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: BinningOptions = {},
): BrierDecomposition {
  return brierDecompositionFromGroups(groupByScore(probabilities, labels), options);
}

/** Brier score of a grouped (or re-weighted) sample, O(groups). */
export function brierScoreFromGroups(groups: ScoreGroups): number {
  let squaredErrorSum = 0;
  for (let group = 0; group < groups.probabilities.length; group += 1) {
    const probability = groups.probabilities[group] as number;
    const count = groups.counts[group] as number;
    const positives = groups.positives[group] as number;
    // Σ (p − y)² over the group, with y² = y: count·p² − 2p·positives + positives.
    squaredErrorSum += count * probability * probability - 2 * probability * positives + positives;
  }
  // The regrouped sum can round a hair below zero for perfect forecasts.
  return Math.max(0, squaredErrorSum / groups.total);
}

/** {@link brierDecomposition} of a grouped (or re-weighted) sample, O(groups + bins). */
export function brierDecompositionFromGroups(groups: ScoreGroups, options: BinningOptions = {}): BrierDecomposition {
  const { bins } = calibrationErrorFromGroups(groups, options);
  const baseRate = groups.totalPositives / groups.total;
  let reliabilitySum = 0;
  let resolutionSum = 0;
  for (const bin of bins) {
    reliabilitySum += bin.count * (bin.meanPredicted - bin.observedRate) ** 2;
    resolutionSum += bin.count * (bin.observedRate - baseRate) ** 2;
  }
  return {
    brier: brierScoreFromGroups(groups),
    reliability: reliabilitySum / groups.total,
    resolution: resolutionSum / groups.total,
    uncertainty: baseRate * (1 - baseRate),
  };
}
