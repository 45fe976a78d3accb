import { upperBound } from '../binary-search.ts';
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
  // Same checks, in the same order, as before the reference was split out: bins, epsilon, expected, actual.
  checkBins(options.bins ?? PSI_BINS);
  checkEpsilon(options.epsilon ?? PSI_EPSILON);
  return psiAgainstReference(psiReferenceBins(expected, options), actual, options);
}

/**
 * A stored PSI reference: the expected (training) sample reduced to its bins, so PSI can be
 * computed later without the sample (a model bundle keeps one per key feature).
 */
export interface PsiReferenceBins {
  /** Interior bin edges (cut points), strictly increasing; bins are (−∞, e₁), [e₁, e₂), …, [e_last, +∞). */
  readonly binEdges: readonly number[];
  /** Share of the expected sample in each bin, in [0, 1], one more than `binEdges`; they sum to 1. */
  readonly shares: readonly number[];
}

/**
 * The bins {@link populationStabilityIndex} cuts from an expected sample, with the sample's share
 * in each: cut points at sorted ranks floor(k·M/B), k = 1 … B−1, duplicates removed (deciles by
 * default). The shares are unfloored (an empty bin stores 0; the floor is applied when comparing).
 *
 * @param expected reference sample, finite numbers (at least one)
 * @returns edges and shares; `shares.length === binEdges.length + 1 ≤ bins`
 * @throws InvalidInputError on an empty sample, a non-finite value, or bins not an integer ≥ 1
 *
 * Complexity: O(M·log M).
 */
export function psiReferenceBins(
  expected: ArrayLike<number>,
  options: Pick<PsiOptions, 'bins'> = {},
): { binEdges: number[]; shares: number[] } {
  const binCount = options.bins ?? PSI_BINS;
  checkBins(binCount);
  checkFiniteSample('expected', expected);

  const sortedExpected = Float64Array.from(expected).sort();
  const cutPoints: number[] = [];
  for (let quantile = 1; quantile < binCount; quantile += 1) {
    const cut = sortedExpected[Math.floor((quantile * sortedExpected.length) / binCount)] as number;
    if (cutPoints.length === 0 || cut !== cutPoints[cutPoints.length - 1]) cutPoints.push(cut);
  }
  return { binEdges: cutPoints, shares: Array.from(binShares(expected, Float64Array.from(cutPoints))) };
}

/**
 * PSI of `actual` against a stored reference ({@link psiReferenceBins}): Σ_b (a_b − e_b)·ln(a_b / e_b)
 * with both shares floored at `epsilon`, exactly as {@link populationStabilityIndex} — which is this
 * function applied to `psiReferenceBins(expected)`. Reference: Yurdakul (2018),
 * https://scholarworks.wmich.edu/dissertations/3208/
 *
 * @param reference bins and expected shares (validated: edges strictly increasing and finite, one
 *   more share than edges, shares in [0, 1])
 * @param actual sample to compare, finite numbers (at least one)
 * @returns PSI ≥ 0
 * @throws InvalidInputError on a malformed reference, an empty or non-finite sample, or epsilon
 *   outside (0, 1)
 *
 * Complexity: O(N·log E) for N actual values and E edges.
 */
export function psiAgainstReference(
  reference: PsiReferenceBins,
  actual: ArrayLike<number>,
  options: Pick<PsiOptions, 'epsilon'> = {},
): number {
  const epsilon = options.epsilon ?? PSI_EPSILON;
  checkEpsilon(epsilon);
  checkReference(reference);
  checkFiniteSample('actual', actual);

  const actualShares = binShares(actual, Float64Array.from(reference.binEdges));
  let psi = 0;
  for (let bin = 0; bin < actualShares.length; bin += 1) {
    const expectedShare = Math.max(reference.shares[bin] as number, epsilon);
    const actualShare = Math.max(actualShares[bin] as number, epsilon);
    psi += (actualShare - expectedShare) * Math.log(actualShare / expectedShare);
  }
  return psi;
}

function checkBins(binCount: number): void {
  if (!Number.isInteger(binCount) || binCount < 1) {
    throw new InvalidInputError(`bins = ${binCount} is not an integer ≥ 1`);
  }
}

function checkEpsilon(epsilon: number): void {
  if (!(epsilon > 0 && epsilon < 1)) {
    throw new InvalidInputError(`epsilon = ${epsilon} is not in (0, 1)`);
  }
}

function checkReference(reference: PsiReferenceBins): void {
  const { binEdges, shares } = reference;
  if (shares.length !== binEdges.length + 1) {
    throw new InvalidInputError(
      `reference has ${shares.length} shares for ${binEdges.length} bin edges (need edges + 1)`,
    );
  }
  binEdges.forEach((edge, index) => {
    if (!Number.isFinite(edge)) throw new InvalidInputError(`reference bin edge ${index} = ${edge} is not finite`);
    if (index > 0 && !(edge > (binEdges[index - 1] as number))) {
      throw new InvalidInputError(`reference bin edge ${index} = ${edge} is not above the previous edge`);
    }
  });
  shares.forEach((share, index) => {
    if (!(share >= 0 && share <= 1))
      throw new InvalidInputError(`reference share ${index} = ${share} is not in [0, 1]`);
  });
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
    const bin = upperBound(cuts, sample[index] as number);
    counts[bin] = (counts[bin] as number) + 1;
  }
  for (let bin = 0; bin < counts.length; bin += 1) counts[bin] = (counts[bin] as number) / sample.length;
  return counts;
}
