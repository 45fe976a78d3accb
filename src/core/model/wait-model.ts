/**
 * Wait estimates (point + interval) from conditional quantiles of observed waits within bins of
 * calibrated P(long wait).
 */
import { lowerBound, upperBound } from '../binary-search.ts';
import { InsufficientDataError, InvalidBundleError, InvalidInputError } from '../errors.ts';
import type { WaitModel } from './bundle.ts';

export interface WaitModelOptions {
  /** Nominal coverage c of [lower, upper], in (0, 1). Default {@link DEFAULT_WAIT_COVERAGE}. */
  coverage?: number;
  /** Target number of equal-mass probability bins, ≥ 1. Default {@link DEFAULT_WAIT_BINS}. */
  bins?: number;
  /** A bin that would hold fewer rows is merged into its neighbour. Default {@link DEFAULT_MIN_BIN_ROWS}. */
  minBinRows?: number;
}

export const DEFAULT_WAIT_COVERAGE = 0.8;
export const DEFAULT_WAIT_BINS = 5;
export const DEFAULT_MIN_BIN_ROWS = 20;

export interface WaitEstimate {
  /** Median observed wait of the bin. */
  pointSeconds: number;
  /** Quantile (1 − coverage)/2 of the bin. */
  lowerSeconds: number;
  /** Quantile (1 + coverage)/2 of the bin. */
  upperSeconds: number;
  /** Nominal coverage of [lowerSeconds, upperSeconds]. */
  coverage: number;
}

export interface WaitIntervalEvaluation {
  /** Fraction of rows whose observed wait lies in its predicted [lower, upper] (bounds inclusive), in [0, 1]. */
  coverage: number;
  /** Median of upper − lower over the rows (type-7 quantile). */
  medianWidthSeconds: number;
  count: number;
}

/**
 * Fits a `score-binned-quantiles` wait model. Rows are split into `bins` equal-mass bins by calibrated
 * probability: the k-th cut falls after the round(k·n/bins)-th smallest probability, and rows tied
 * with the cut value stay in the lower bin, so every probability maps to exactly one bin. A cut is
 * dropped (its bins merged) when the bin it closes or the remainder would hold < `minBinRows` rows;
 * with n < 2·minBinRows there is one bin. `binUpperEdges` has one entry fewer than `bins`: bin i holds
 * probabilities in (edge[i−1], edge[i]] and the last bin is open-ended.
 *
 * Per bin, lower/median/upper are quantiles (1−c)/2, 1/2, (1+c)/2 of the observed waits, using
 * Hyndman & Fan type 7 (linear interpolation between order statistics at h = (m − 1)·q; numpy's
 * default `np.quantile(..., method='linear')`), https://doi.org/10.2307/2684934.
 * O(n log n) (sorts).
 *
 * @param probabilities - calibrated P(long wait) per row, each in [0, 1].
 * @param waitsSeconds - observed wait per row, finite and ≥ 0.
 * @throws InvalidInputError on mismatched lengths, out-of-range values or bad options.
 * @throws InsufficientDataError when there are no rows.
 */
export function fitWaitModel(
  probabilities: ArrayLike<number>,
  waitsSeconds: ArrayLike<number>,
  options: WaitModelOptions = {},
): WaitModel {
  const coverage = options.coverage ?? DEFAULT_WAIT_COVERAGE;
  const targetBins = options.bins ?? DEFAULT_WAIT_BINS;
  const minBinRows = options.minBinRows ?? DEFAULT_MIN_BIN_ROWS;
  if (!(coverage > 0 && coverage < 1)) throw new InvalidInputError(`coverage must be in (0, 1), got ${coverage}`);
  if (!(Number.isInteger(targetBins) && targetBins >= 1))
    throw new InvalidInputError(`bins must be a positive integer, got ${targetBins}`);
  if (!(Number.isInteger(minBinRows) && minBinRows >= 1))
    throw new InvalidInputError(`minBinRows must be a positive integer, got ${minBinRows}`);
  const rowCount = validateRows(probabilities, waitsSeconds);
  if (rowCount === 0) throw new InsufficientDataError('cannot fit a wait model on 0 rows');

  const sortedProbabilities = Float64Array.from(probabilities).sort();
  const binUpperEdges: number[] = [];
  let start = 0;
  for (let cut = 1; cut < targetBins; cut += 1) {
    const target = Math.round((cut * rowCount) / targetBins);
    if (target <= start) continue; // ties already carried the previous bin past this cut
    const edge = sortedProbabilities[target - 1] as number;
    const end = upperBound(sortedProbabilities, edge);
    if (end - start < minBinRows) continue; // too small: let the next cut close a larger bin
    if (rowCount - end < minBinRows) break; // remainder too small: it joins this bin
    binUpperEdges.push(edge);
    start = end;
  }

  const binCount = binUpperEdges.length + 1;
  const rowBins = new Int32Array(rowCount);
  const counts = new Int32Array(binCount);
  for (let row = 0; row < rowCount; row += 1) {
    const bin = waitBinIndex(binUpperEdges, probabilities[row] as number);
    rowBins[row] = bin;
    counts[bin] = (counts[bin] as number) + 1;
  }
  const offsets = new Int32Array(binCount + 1);
  for (let bin = 0; bin < binCount; bin += 1) offsets[bin + 1] = (offsets[bin] as number) + (counts[bin] as number);
  const grouped = new Float64Array(rowCount);
  const cursor = offsets.slice(0, binCount);
  for (let row = 0; row < rowCount; row += 1) {
    const bin = rowBins[row] as number;
    grouped[cursor[bin] as number] = waitsSeconds[row] as number;
    cursor[bin] = (cursor[bin] as number) + 1;
  }

  const lowerLevel = (1 - coverage) / 2;
  const upperLevel = (1 + coverage) / 2;
  const bins: WaitModel['bins'] = [];
  for (let bin = 0; bin < binCount; bin += 1) {
    const waits = grouped.subarray(offsets[bin], offsets[bin + 1]).sort();
    bins.push({
      lowerSeconds: quantileSorted(waits, lowerLevel),
      medianSeconds: quantileSorted(waits, 0.5),
      upperSeconds: quantileSorted(waits, upperLevel),
      count: waits.length,
    });
  }
  return { kind: 'score-binned-quantiles', coverage, binUpperEdges, bins };
}

/**
 * The wait estimate for one calibrated probability: its bin's median and interval. O(log bins).
 *
 * @throws InvalidInputError when the probability is not in [0, 1].
 * @throws InvalidBundleError when the model has fewer bins than edges + 1 and the probability falls past them.
 */
export function estimateWait(model: WaitModel, probability: number): WaitEstimate {
  if (!(probability >= 0 && probability <= 1))
    throw new InvalidInputError(`probability must be in [0, 1], got ${probability}`);
  const bin = model.bins[waitBinIndex(model.binUpperEdges, probability)];
  if (bin === undefined)
    throw new InvalidBundleError(`wait model has ${model.bins.length} bins for ${model.binUpperEdges.length} edges`);
  return {
    pointSeconds: bin.medianSeconds,
    lowerSeconds: bin.lowerSeconds,
    upperSeconds: bin.upperSeconds,
    coverage: model.coverage,
  };
}

/**
 * Empirical coverage of the model's intervals on (held-out) rows: the fraction whose observed
 * wait lies within its [lowerSeconds, upperSeconds], plus the median interval width. O(n log n).
 *
 * @throws InvalidInputError on mismatched lengths or out-of-range values.
 * @throws InsufficientDataError when there are no rows.
 */
export function evaluateWaitIntervals(
  model: WaitModel,
  probabilities: ArrayLike<number>,
  waitsSeconds: ArrayLike<number>,
): WaitIntervalEvaluation {
  const rowCount = validateRows(probabilities, waitsSeconds);
  if (rowCount === 0) throw new InsufficientDataError('cannot evaluate wait intervals on 0 rows');
  const widths = new Float64Array(rowCount);
  let covered = 0;
  for (let row = 0; row < rowCount; row += 1) {
    const estimate = estimateWait(model, probabilities[row] as number);
    const wait = waitsSeconds[row] as number;
    if (wait >= estimate.lowerSeconds && wait <= estimate.upperSeconds) covered += 1;
    widths[row] = estimate.upperSeconds - estimate.lowerSeconds;
  }
  return { coverage: covered / rowCount, medianWidthSeconds: quantileSorted(widths.sort(), 0.5), count: rowCount };
}

/** Checks equal lengths, probabilities in [0, 1] and finite non-negative waits; returns the row count. */
function validateRows(probabilities: ArrayLike<number>, waitsSeconds: ArrayLike<number>): number {
  const rowCount = probabilities.length;
  if (waitsSeconds.length !== rowCount)
    throw new InvalidInputError(`waitsSeconds has length ${waitsSeconds.length}, probabilities has ${rowCount}`);
  for (let row = 0; row < rowCount; row += 1) {
    const probability = probabilities[row] as number;
    const wait = waitsSeconds[row] as number;
    if (!(probability >= 0 && probability <= 1))
      throw new InvalidInputError(`probability ${row} must be in [0, 1], got ${probability}`);
    if (!(Number.isFinite(wait) && wait >= 0))
      throw new InvalidInputError(`wait ${row} must be finite and ≥ 0, got ${wait}`);
  }
  return rowCount;
}

/** Index of the first edge ≥ probability, or edges.length (the open last bin): bin i holds (edge[i−1], edge[i]]. */
export function waitBinIndex(edges: ArrayLike<number>, probability: number): number {
  return lowerBound(edges, probability);
}

/** Type-7 quantile of a non-empty ascending array, level in [0, 1]. */
function quantileSorted(sorted: Float64Array, level: number): number {
  const position = (sorted.length - 1) * level;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const lowValue = sorted[below] as number;
  return lowValue + (position - below) * ((sorted[above] as number) - lowValue);
}
