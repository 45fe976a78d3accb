/**
 * A sliding window of the most recent values, kept sorted, for online quantiles: the label
 * threshold (P90 of the waits observed so far), QBETS-style rolling quantiles per size class, and
 * the conformal score windows. Insert and evict are a binary search plus one array shift (memmove):
 * O(log w + w) per value, with w the window size; a quantile is O(1).
 */
import { lowerBound } from '../binary-search.ts';
import { InvalidInputError } from '../errors.ts';

export interface SortedWindow {
  /** Most values kept; `Infinity` keeps every value (a cumulative quantile). */
  readonly capacity: number;
  /** The kept values, ascending. */
  readonly sorted: number[];
  /** The kept values, oldest first (evicted from the front). Empty when `capacity` is infinite. */
  readonly arrival: number[];
}

/**
 * A new, empty window. `capacity` is an integer ≥ 1 or `Infinity`.
 * @throws InvalidInputError for any other capacity.
 */
export function createSortedWindow(capacity: number): SortedWindow {
  if (!(capacity === Number.POSITIVE_INFINITY || (Number.isInteger(capacity) && capacity >= 1))) {
    throw new InvalidInputError(`window capacity must be an integer ≥ 1 or Infinity, got ${capacity}`);
  }
  return { capacity, sorted: [], arrival: [] };
}

/**
 * Adds a finite value, evicting the oldest when the window is full.
 * @throws InvalidInputError for a non-finite value.
 */
export function addToWindow(window: SortedWindow, value: number): void {
  if (!Number.isFinite(value)) throw new InvalidInputError(`window value must be finite, got ${value}`);
  if (Number.isFinite(window.capacity)) {
    window.arrival.push(value);
    if (window.arrival.length > window.capacity) {
      const oldest = window.arrival.shift() as number;
      window.sorted.splice(lowerBound(window.sorted, oldest), 1);
    }
  }
  window.sorted.splice(lowerBound(window.sorted, value), 0, value);
}

/** Values in the window. */
export function windowSize(window: SortedWindow): number {
  return window.sorted.length;
}

/**
 * Quantile `probability` ∈ [0, 1] of the window by linear interpolation between order statistics
 * (Hyndman & Fan type 7, numpy's default `np.quantile(..., method='linear')`,
 * https://doi.org/10.2307/2684934); null when the window is empty.
 * @throws InvalidInputError when `probability` is outside [0, 1].
 */
export function windowQuantile(window: SortedWindow, probability: number): number | null {
  if (!(probability >= 0 && probability <= 1))
    throw new InvalidInputError(`quantile level must be in [0, 1], got ${probability}`);
  const sorted = window.sorted;
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * probability;
  const lower = Math.floor(position);
  const lowerValue = sorted[lower] as number;
  if (lower === position) return lowerValue;
  return lowerValue + (position - lower) * ((sorted[lower + 1] as number) - lowerValue);
}

/**
 * The split-conformal quantile of the window at miss rate `alpha`: the ⌈(n + 1)(1 − alpha)⌉-th
 * smallest of n values (Vovk et al.; Angelopoulos & Bates 2021, https://arxiv.org/abs/2107.07511),
 * clamped to the largest value when that rank exceeds n, and to the smallest when it is below 1
 * (alpha ≥ 1). Null when the window is empty.
 */
export function conformalQuantile(window: SortedWindow, alpha: number): number | null {
  const sorted = window.sorted;
  const count = sorted.length;
  if (count === 0) return null;
  const rank = Math.ceil((count + 1) * (1 - alpha));
  const index = Math.min(Math.max(rank, 1), count) - 1;
  return sorted[index] as number;
}
