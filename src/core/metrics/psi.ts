import { InvalidInputError } from '../errors.ts';

/** Quantile bins of the expected sample, by default. */
export const PSI_BINS = 10;

/**
 * Floor on a bin's share (of either sample) before taking the logarithm, so that an empty bin
 * contributes a large but finite term instead of ln(0). Shares are floored, not renormalised.
 */
export const PSI_EPSILON = 1e-4;

export interface PsiOptions {
  /** Number of quantile bins, an integer ≥ 1. Default {@link PSI_BINS}. */
  readonly bins?: number;
  /** Share floor, in (0, 1). Default {@link PSI_EPSILON}. */
  readonly epsilon?: number;
}

/**
 * Population stability index of one feature: how far the `actual` (recent) distribution has moved
 * from the `expected` (training) one. PSI = Σ_b (a_b − e_b)·ln(a_b / e_b), where e_b and a_b are the
 * shares of each sample in bin b, each floored at `epsilon`. Every term is ≥ 0, so PSI ≥ 0; it is 0
 * for identical samples and grows with the shift (rule of thumb: < 0.1 stable, > 0.25 large).
 * Reference: Yurdakul (2018), https://scholarworks.wmich.edu/dissertations/3208/
 *
 * Bins: with the expected sample sorted (M values, ranks from 0), the cut points are the values at
 * ranks floor(k·M/B) for k = 1 … B−1, duplicates removed; bins are (−∞, c₁), [c₁, c₂), …, [c_last, +∞).
 * With distinct expected values each bin holds the same share of it; with ties (counts, flags),
 * several quantiles coincide and the bins merge. Actual values outside the expected range land in
 * the first or last bin.
 *
 * @param expected reference sample, finite numbers in any unit (at least one)
 * @param actual sample to compare, same unit (at least one)
 * @returns PSI ≥ 0
 * @throws InvalidInputError on an empty sample, a non-finite value, bins not an integer ≥ 1, or
 *   epsilon outside (0, 1)
 *
 * Complexity: O((M + N)·log M).
 */
export function populationStabilityIndex(
  expected: ArrayLike<number>,
  actual: ArrayLike<number>,
  options: PsiOptions = {},
): number {
  const binCount = options.bins ?? PSI_BINS;
  if (!Number.isInteger(binCount) || binCount < 1) {
    throw new InvalidInputError(`bins = ${binCount} is not an integer ≥ 1`);
  }
  const epsilon = options.epsilon ?? PSI_EPSILON;
  if (!(epsilon > 0 && epsilon < 1)) {
    throw new InvalidInputError(`epsilon = ${epsilon} is not in (0, 1)`);
  }
  checkFiniteSample('expected', expected);
  checkFiniteSample('actual', actual);

  const sortedExpected = Float64Array.from(expected).sort();
  const cutPoints: number[] = [];
  for (let quantile = 1; quantile < binCount; quantile += 1) {
    const cut = sortedExpected[Math.floor((quantile * sortedExpected.length) / binCount)] as number;
    if (cutPoints.length === 0 || cut !== cutPoints[cutPoints.length - 1]) cutPoints.push(cut);
  }
  const cuts = Float64Array.from(cutPoints);
  const expectedShares = binShares(expected, cuts);
  const actualShares = binShares(actual, cuts);

  let psi = 0;
  for (let bin = 0; bin < expectedShares.length; bin += 1) {
    const expectedShare = Math.max(expectedShares[bin] as number, epsilon);
    const actualShare = Math.max(actualShares[bin] as number, epsilon);
    psi += (actualShare - expectedShare) * Math.log(actualShare / expectedShare);
  }
  return psi;
}

function checkFiniteSample(name: string, sample: ArrayLike<number>): void {
  if (sample.length === 0) throw new InvalidInputError(`${name} sample is empty`);
  for (let index = 0; index < sample.length; index += 1) {
    const value = sample[index] as number;
    if (!Number.isFinite(value)) throw new InvalidInputError(`${name}[${index}] = ${value} is not finite`);
  }
}

/** Share of `sample` in each bin: bin = number of cut points ≤ value (upper-bound binary search). */
function binShares(sample: ArrayLike<number>, cuts: Float64Array): Float64Array {
  const counts = new Float64Array(cuts.length + 1);
  for (let index = 0; index < sample.length; index += 1) {
    const value = sample[index] as number;
    let low = 0;
    let high = cuts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cuts[middle] as number) <= value) low = middle + 1;
      else high = middle;
    }
    counts[low] = (counts[low] as number) + 1;
  }
  for (let bin = 0; bin < counts.length; bin += 1) counts[bin] = (counts[bin] as number) / sample.length;
  return counts;
}
