import { validateScoredLabels } from './validate-scored-labels.ts';

/**
 * A forecast sample collapsed to its distinct probabilities, ascending, with how many rows and how
 * many positive labels share each one. Every rank-based metric here (AUROC, average precision,
 * equal-mass bins) reads this shape, so ties are handled once, the same way everywhere.
 *
 * `counts` may be any non-negative weights: a bootstrap resample is the original groups with
 * counts = how often each row was drawn (zero-count groups are allowed and ignored by the metrics).
 */
export interface ScoreGroups {
  /** Distinct probabilities in [0, 1], strictly ascending. */
  readonly probabilities: Float64Array;
  /** Rows (or total weight) at each probability; ≥ 0. */
  readonly counts: Float64Array;
  /** Positive labels (or their weight) at each probability; 0 ≤ positives ≤ counts. */
  readonly positives: Float64Array;
  /** Σ counts. */
  readonly total: number;
  /** Σ positives. */
  readonly totalPositives: number;
}

/**
 * Groups a labelled forecast sample by distinct probability (see {@link ScoreGroups}).
 *
 * Positives and negatives are copied into two Float64Arrays and each is sorted with the native
 * numeric typed-array sort (no comparator callback), then merged: O(n log n) time, O(n) memory,
 * fast enough for millions of rows. The inputs are not modified.
 *
 * @throws InvalidInputError on empty input, length mismatch, probability outside [0, 1] or NaN,
 *   label not 0/1.
 */
export function groupByScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>): ScoreGroups {
  validateScoredLabels(probabilities, labels);
  const rowCount = probabilities.length;
  let positiveCount = 0;
  for (let index = 0; index < rowCount; index += 1) positiveCount += labels[index] as number;
  const positiveScores = new Float64Array(positiveCount);
  const negativeScores = new Float64Array(rowCount - positiveCount);
  let positiveCursor = 0;
  let negativeCursor = 0;
  for (let index = 0; index < rowCount; index += 1) {
    // `+ 0` turns −0 into +0 so that equal probabilities always sort next to each other.
    const probability = (probabilities[index] as number) + 0;
    if (labels[index] === 1) positiveScores[positiveCursor++] = probability;
    else negativeScores[negativeCursor++] = probability;
  }
  positiveScores.sort();
  negativeScores.sort();

  const distinct = new Float64Array(rowCount);
  const counts = new Float64Array(rowCount);
  const positives = new Float64Array(rowCount);
  let groupCount = 0;
  let positiveIndex = 0;
  let negativeIndex = 0;
  while (positiveIndex < positiveScores.length || negativeIndex < negativeScores.length) {
    const nextPositive = positiveIndex < positiveScores.length ? (positiveScores[positiveIndex] as number) : Infinity;
    const nextNegative = negativeIndex < negativeScores.length ? (negativeScores[negativeIndex] as number) : Infinity;
    const value = Math.min(nextPositive, nextNegative);
    let groupPositives = 0;
    let groupNegatives = 0;
    while (positiveIndex < positiveScores.length && positiveScores[positiveIndex] === value) {
      positiveIndex += 1;
      groupPositives += 1;
    }
    while (negativeIndex < negativeScores.length && negativeScores[negativeIndex] === value) {
      negativeIndex += 1;
      groupNegatives += 1;
    }
    distinct[groupCount] = value;
    counts[groupCount] = groupPositives + groupNegatives;
    positives[groupCount] = groupPositives;
    groupCount += 1;
  }
  return {
    probabilities: distinct.slice(0, groupCount),
    counts: counts.slice(0, groupCount),
    positives: positives.slice(0, groupCount),
    total: rowCount,
    totalPositives: positiveCount,
  };
}

/**
 * For each row of `probabilities`, the index of its group in `groups.probabilities` (binary search,
 * O(n log g)). Lets a caller re-weight the groups for a resample without sorting again.
 * Every probability must occur in the groups (i.e. the groups were built from this sample).
 */
export function groupIndexOfRows(groups: ScoreGroups, probabilities: ArrayLike<number>): Uint32Array {
  const groupIndices = new Uint32Array(probabilities.length);
  const distinct = groups.probabilities;
  for (let row = 0; row < probabilities.length; row += 1) {
    const probability = probabilities[row] as number;
    let low = 0;
    let high = distinct.length - 1;
    // Lower bound: first group whose probability is ≥ the row's.
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((distinct[middle] as number) < probability) low = middle + 1;
      else high = middle;
    }
    groupIndices[row] = low;
  }
  return groupIndices;
}
