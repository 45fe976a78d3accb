import { InsufficientDataError } from '../errors.ts';
import { groupByScore, type ScoreGroups } from './score-groups.ts';

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting one half — the Mann–Whitney U statistic with mid-ranks for ties,
 * divided by (positives × negatives). Equals sklearn.metrics.roc_auc_score.
 * Reference: https://en.wikipedia.org/wiki/Mann%E2%80%93Whitney_U_test#Area-under-curve_(AUC)_statistic_for_ROC_curves
 *
 * @param probabilities forecasts in [0, 1]
 * @param labels 0 or 1, same length
 * @returns AUROC in [0, 1]; 0.5 is chance
 * @throws InvalidInputError on empty input, length mismatch, non-finite or out-of-range values
 * @throws InsufficientDataError when only one class is present
 *
 * Complexity: O(n log n) (one sort per class), then linear.
 */
export function auroc(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  return aurocFromGroups(groupByScore(probabilities, labels));
}

/**
 * {@link auroc} of a grouped (or re-weighted) sample, in O(groups).
 * U = Σ over groups of positives × (negatives in lower groups + ½ negatives in the same group),
 * which is the mid-rank sum formula R₊ − n₊(n₊+1)/2 regrouped.
 *
 * @throws InsufficientDataError when the sample has no positive or no negative weight
 */
export function aurocFromGroups(groups: ScoreGroups): number {
  const negativeTotal = groups.total - groups.totalPositives;
  if (groups.totalPositives <= 0 || negativeTotal <= 0) {
    throw new InsufficientDataError(
      `AUROC needs both classes: ${groups.totalPositives} positives, ${negativeTotal} negatives`,
    );
  }
  let negativesBelow = 0;
  let pairsWon = 0;
  for (let group = 0; group < groups.probabilities.length; group += 1) {
    const positives = groups.positives[group] as number;
    const negatives = (groups.counts[group] as number) - positives;
    pairsWon += positives * (negativesBelow + 0.5 * negatives);
    negativesBelow += negatives;
  }
  return pairsWon / (groups.totalPositives * negativeTotal);
}
