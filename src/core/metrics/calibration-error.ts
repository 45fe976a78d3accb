import { InvalidInputError } from '../errors.ts';
import { groupByScore, type ScoreGroups } from './score-groups.ts';

/** Bins for ECE by default: SPEC's 15. */
export const ECE_BINS = 15;

/** How forecasts are cut into bins. */
export const Binning = {
  /** Sorted by probability and cut by rank into groups of (almost) equal count. */
  equalMass: 'equal-mass',
  /** Fixed probability intervals [0, 1/B), …, [(B−1)/B, 1]. */
  equalWidth: 'equal-width',
} as const;
export type Binning = (typeof Binning)[keyof typeof Binning];

/** One non-empty bin of a reliability curve. */
export interface ReliabilityBin {
  /**
   * Equal-width: the bin's lower edge b/B. Equal-mass: the smallest probability in the bin.
   * In [0, 1].
   */
  readonly lowerProbability: number;
  /**
   * Equal-width: the bin's upper edge (b+1)/B (exclusive, except 1 for the last bin). Equal-mass: the
   * largest probability in the bin. In [0, 1].
   */
  readonly upperProbability: number;
  /** Mean forecast of the rows in the bin, in [0, 1]. */
  readonly meanPredicted: number;
  /** Fraction of the bin's rows with label 1, in [0, 1]. */
  readonly observedRate: number;
  /**
   * Rows in the bin, an integer > 0. (In equal-mass bins a tied group split across an edge gives each
   * part its group's positive rate, so observedRate·count need not be an integer.)
   */
  readonly count: number;
}

export interface BinningOptions {
  /** Number of bins, an integer ≥ 1. Default {@link ECE_BINS}. */
  readonly bins?: number;
  /** Default {@link Binning.equalMass}. */
  readonly binning?: Binning;
}

export interface CalibrationErrorResult {
  /** Expected calibration error, in [0, 1]. */
  readonly ece: number;
  /** Maximum calibration error over non-empty bins, in [0, 1]. */
  readonly mce: number;
  /** The non-empty bins, by ascending probability: the reliability curve. */
  readonly bins: ReliabilityBin[];
}

/**
 * Expected and maximum calibration error of probabilistic forecasts of a binary outcome.
 * ECE = Σ_b (n_b / N)·|mean p_b − rate_b|; MCE = max_b |mean p_b − rate_b| over non-empty bins.
 * Reference: Naeini, Cooper & Hauskrecht (2015), https://ojs.aaai.org/index.php/AAAI/article/view/9602
 *
 * Binning (see {@link Binning}):
 * - equal-width: row with probability p goes to bin b with b/B ≤ p < (b+1)/B (edges computed as b/B
 *   in double precision), p = 1 to the last bin.
 * - equal-mass: rows sorted by probability and cut into B consecutive runs of ranks exactly as
 *   numpy's `array_split(order, B)` cuts them (the convention of the scikit-learn reference in
 *   shared/data/README.md): with N = qB + r, the first r bins hold q + 1 rows and the rest q, so
 *   bin sizes differ by at most one, and when N < B some bins are empty.
 *   Tied probabilities MAY straddle a bin edge: a tied group cut by an edge is split by count, and
 *   each part carries the whole group's positive rate (so a bin's positives can be fractional) —
 *   the expected outcome over every order of the tied rows. The result therefore depends only on
 *   the multiset of (probability, label) pairs, never on input order or on a sort's tie-breaking.
 *
 * Empty bins are left out of `bins` and of MCE.
 *
 * @param probabilities forecasts in [0, 1]
 * @param labels 0 or 1, same length
 * @throws InvalidInputError on empty input, length mismatch, non-finite or out-of-range values, or
 *   a bins count that is not an integer ≥ 1, or an unknown binning
 *
 * Complexity: O(n log n) (one sort per class) + O(B).
 */
export function calibrationError(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: BinningOptions = {},
): CalibrationErrorResult {
  return calibrationErrorFromGroups(groupByScore(probabilities, labels), options);
}

/**
 * {@link calibrationError} of a grouped (or re-weighted) sample, O(groups + bins).
 *
 * @throws InvalidInputError on bad options, as {@link calibrationError}
 */
export function calibrationErrorFromGroups(groups: ScoreGroups, options: BinningOptions = {}): CalibrationErrorResult {
  const binSums = sumBins(groups, options);
  let absoluteGapSum = 0;
  let mce = 0;
  const bins: ReliabilityBin[] = [];
  for (const sums of binSums) {
    const absoluteGap = Math.abs(sums.predictedSum - sums.positives);
    absoluteGapSum += absoluteGap;
    mce = Math.max(mce, absoluteGap / sums.count);
    bins.push({
      lowerProbability: sums.lowerProbability,
      upperProbability: sums.upperProbability,
      meanPredicted: sums.predictedSum / sums.count,
      observedRate: sums.positives / sums.count,
      count: sums.count,
    });
  }
  return { ece: absoluteGapSum / groups.total, mce, bins };
}

/** @throws InvalidInputError when `bins` is not an integer ≥ 1 or `binning` is unknown */
function checkBinningOptions(options: BinningOptions): void {
  const bins = options.bins ?? ECE_BINS;
  if (!Number.isInteger(bins) || bins < 1) {
    throw new InvalidInputError(`bins = ${bins} is not an integer ≥ 1`);
  }
  // Typed callers cannot pass another value, but options also arrive from CLI flags and JSON.
  const binning: string = options.binning ?? Binning.equalMass;
  if (binning !== Binning.equalMass && binning !== Binning.equalWidth) {
    throw new InvalidInputError(`binning = ${binning} is not ${Binning.equalMass} or ${Binning.equalWidth}`);
  }
}

interface BinSums {
  count: number;
  predictedSum: number;
  positives: number;
  lowerProbability: number;
  upperProbability: number;
}

function sumBins(groups: ScoreGroups, options: BinningOptions): BinSums[] {
  checkBinningOptions(options);
  const binCount = options.bins ?? ECE_BINS;
  return (options.binning ?? Binning.equalMass) === Binning.equalMass
    ? sumEqualMassBins(groups, binCount)
    : sumEqualWidthBins(groups, binCount);
}

/** First rank of bin `bin` when `total` ranks are cut into `binCount` runs like numpy's `array_split`. */
function arraySplitStart(bin: number, total: number, binCount: number): number {
  const size = Math.floor(total / binCount);
  return bin * size + Math.min(bin, total % binCount);
}

function sumEqualMassBins(groups: ScoreGroups, binCount: number): BinSums[] {
  const result: BinSums[] = [];
  const groupTotal = groups.probabilities.length;
  let group = 0;
  // Rank (0-based, in rows) of the first row of `group` in the sorted sample.
  let groupStartRank = 0;
  for (let bin = 0; bin < binCount; bin += 1) {
    const binStartRank = arraySplitStart(bin, groups.total, binCount);
    const binEndRank = arraySplitStart(bin + 1, groups.total, binCount);
    if (binEndRank <= binStartRank) continue;
    const sums: BinSums = {
      count: 0,
      predictedSum: 0,
      positives: 0,
      lowerProbability: Number.NaN,
      upperProbability: Number.NaN,
    };
    while (group < groupTotal) {
      const count = groups.counts[group] as number;
      if (count === 0) {
        group += 1;
        continue;
      }
      const probability = groups.probabilities[group] as number;
      const groupEndRank = groupStartRank + count;
      // Bins tile the ranks and the loop leaves a bin at its edge, so the overlap is > 0.
      const overlap = Math.min(groupEndRank, binEndRank) - Math.max(groupStartRank, binStartRank);
      if (sums.count === 0) sums.lowerProbability = probability;
      sums.upperProbability = probability;
      sums.count += overlap;
      sums.predictedSum += overlap * probability;
      // Integer products and an exact quotient when the whole group fits: no rounding in the usual case.
      sums.positives += (overlap * (groups.positives[group] as number)) / count;
      // A group reaching past the edge continues in the next bin; one ending on it closes this bin.
      if (groupEndRank > binEndRank) break;
      group += 1;
      groupStartRank = groupEndRank;
      if (groupEndRank === binEndRank) break;
    }
    result.push(sums);
  }
  return result;
}

function sumEqualWidthBins(groups: ScoreGroups, binCount: number): BinSums[] {
  const counts = new Float64Array(binCount);
  const predictedSums = new Float64Array(binCount);
  const positives = new Float64Array(binCount);
  for (let group = 0; group < groups.probabilities.length; group += 1) {
    const probability = groups.probabilities[group] as number;
    const bin = equalWidthBinOf(probability, binCount);
    const count = groups.counts[group] as number;
    counts[bin] = (counts[bin] as number) + count;
    predictedSums[bin] = (predictedSums[bin] as number) + count * probability;
    positives[bin] = (positives[bin] as number) + (groups.positives[group] as number);
  }
  const result: BinSums[] = [];
  for (let bin = 0; bin < binCount; bin += 1) {
    const count = counts[bin] as number;
    if (count === 0) continue;
    result.push({
      count,
      predictedSum: predictedSums[bin] as number,
      positives: positives[bin] as number,
      lowerProbability: bin / binCount,
      upperProbability: (bin + 1) / binCount,
    });
  }
  return result;
}

/** Bin b with b/B ≤ p < (b+1)/B, the last bin closed at 1. */
function equalWidthBinOf(probability: number, binCount: number): number {
  const bin = Math.min(Math.floor(probability * binCount), binCount - 1);
  // p·B is rounded, so floor(p·B) can be one off against the edges b/B themselves (e.g. p one ulp
  // below 0.9 with B = 10 gives 9); compare with the edges so the documented intervals hold exactly.
  if (probability < bin / binCount) return bin - 1;
  if (bin < binCount - 1 && probability >= (bin + 1) / binCount) return bin + 1;
  return bin;
}
