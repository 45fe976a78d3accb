import { bootstrapInterval, type BootstrapInterval, type BootstrapOptions } from './bootstrap.ts';
import { calibrationErrorFromGroups, type BinningOptions } from './calibration-error.ts';
import { groupByScore, groupIndexOfRows, type ScoreGroups } from './score-groups.ts';

/**
 * Percentile bootstrap interval of the ECE of a labelled forecast sample — the same interval as
 * `bootstrapInterval(n, (indices) => calibrationError(probabilities[indices], labels[indices]).ece)`
 * with the same `random`, but without sorting each resample.
 *
 * The sample is grouped by distinct probability ONCE; a resample is then the same groups with
 * counts = how often each row was drawn (and positives = the drawn rows' labels), and its ECE is
 * {@link calibrationErrorFromGroups} on that re-weighted view. Equal-mass bins cut the resample's
 * ranks with exactly the rules `calibrationError` documents (array_split sizes, tied groups
 * split by count carrying the group's positive rate, zero-count groups ignored), so each
 * resample's ECE equals the materialised one bit for bit, and the draws consume `random` in
 * the same order as {@link bootstrapInterval}: the interval is identical, not merely close.
 * Reference: Efron & Tibshirani (1993), An Introduction to the Bootstrap, ch. 13.
 *
 * @param probabilities forecasts in [0, 1]
 * @param labels 0 or 1, same length
 * @throws InvalidInputError on empty input, length mismatch, out-of-range values, or bad
 *   binning/bootstrap options (as `calibrationError` and `bootstrapInterval`)
 *
 * Complexity: O(n log n) once + O(resamples · (n + B)) + O(resamples · log resamples), against
 * O(resamples · n log n) when each resample is sorted.
 */
export function calibrationErrorInterval(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: BootstrapOptions & BinningOptions,
): BootstrapInterval {
  const groups = groupByScore(probabilities, labels);
  const binning: BinningOptions = { bins: options.bins, binning: options.binning };
  // Fail on bad binning before drawing anything, as the materialised form would on its first resample.
  calibrationErrorFromGroups(groups, binning);
  const groupOfRow = groupIndexOfRows(groups, probabilities);
  const resampled = reweightableGroups(groups);
  return bootstrapInterval(
    groups.total,
    (indices) => {
      resampled.counts.fill(0);
      resampled.positives.fill(0);
      let totalPositives = 0;
      for (let draw = 0; draw < indices.length; draw += 1) {
        const row = indices[draw] as number;
        const group = groupOfRow[row] as number;
        const label = labels[row] as number;
        resampled.counts[group] = (resampled.counts[group] as number) + 1;
        resampled.positives[group] = (resampled.positives[group] as number) + label;
        totalPositives += label;
      }
      resampled.totalPositives = totalPositives;
      return calibrationErrorFromGroups(resampled, binning).ece;
    },
    options,
  );
}

/** Groups over the same distinct probabilities, with zeroed counts/positives to re-weight in place. */
function reweightableGroups(groups: ScoreGroups): ScoreGroups & { counts: Float64Array; positives: Float64Array; totalPositives: number } {
  return {
    probabilities: groups.probabilities,
    counts: new Float64Array(groups.probabilities.length),
    positives: new Float64Array(groups.probabilities.length),
    total: groups.total,
    totalPositives: 0,
  };
}
