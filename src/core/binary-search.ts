/**
 * Binary search on ascending arrays (typed or plain), the bisection every sorted lookup in core
 * shares: bins by upper edge, ranks in sorted waits, insertion points in sorted windows.
 * Python's `bisect.bisect_left` / `bisect.bisect_right` semantics
 * (https://docs.python.org/3/library/bisect.html). O(log n) comparisons.
 */

/**
 * Index of the first element ≥ `value` in an ascending array (`sorted.length` when none is):
 * the leftmost insertion point that keeps the order, as `bisect_left`. `sorted` must be ascending
 * (not checked); NaN `value` returns `sorted.length`. O(log n).
 */
export function lowerBound(sorted: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Index of the first element > `value` in an ascending array (`sorted.length` when none is):
 * the rightmost insertion point, as `bisect_right`; `upperBound − lowerBound` counts the elements
 * equal to `value`. `sorted` must be ascending (not checked). O(log n).
 */
export function upperBound(sorted: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
