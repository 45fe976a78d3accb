import { InsufficientDataError } from '../errors.ts';
import { groupByScore, type ScoreGroups } from './score-groups.ts';

/**
 * Area under the precision–recall curve as average precision, the definition of
 * sklearn.metrics.average_precision_score: AP = Σₖ (Rₖ − Rₖ₋₁)·Pₖ over thresholds at each distinct
 * probability, highest first — step-wise (no interpolation), rows with equal probability entering
 * together as one step.
 * Reference: https://scikit-learn.org/stable/modules/model_evaluation.html#precision-recall-and-f-measures
 *
 * @param probabilities forecasts in [0, 1]
 * @param labels 0 or 1, same length
 * @returns AP in (0, 1]; a random ranking scores about the positive rate
 * @throws InvalidInputError on empty input, length mismatch, non-finite or out-of-range values
 * @throws InsufficientDataError when there is no positive label (recall is undefined)
 *
 * Complexity: O(n log n) (sorting), then linear.
 */
export function auprc(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  return averagePrecisionFromGroups(groupByScore(probabilities, labels));
}

/**
 * {@link auprc} of a grouped (or re-weighted) sample, in O(groups). Zero-count groups are skipped.
 *
 * @throws InsufficientDataError when the sample has no positive weight
 */
export function averagePrecisionFromGroups(groups: ScoreGroups): number {
  if (groups.totalPositives <= 0) {
    throw new InsufficientDataError('average precision needs at least one positive label');
  }
  let truePositives = 0;
  let flagged = 0;
  let averagePrecision = 0;
  for (let group = groups.probabilities.length - 1; group >= 0; group -= 1) {
    const count = groups.counts[group] as number;
    if (count === 0) continue;
    const positives = groups.positives[group] as number;
    truePositives += positives;
    flagged += count;
    // Recall rises by positives / totalPositives at this threshold; precision is read after the step.
    averagePrecision += (positives / groups.totalPositives) * (truePositives / flagged);
  }
  return averagePrecision;
}
