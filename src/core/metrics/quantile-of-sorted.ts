/**
 * The one type-7 quantile of the code base: linear interpolation between order statistics
 * (Hyndman & Fan 1996, type 7 — numpy's default `np.quantile(x, q)`,
 * https://doi.org/10.1080/00031305.1996.10473566). With h = (n − 1)·p the quantile is
 * x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎), order statistics 0-based.
 */

/**
 * Type-7 quantile of `count` (≥ 1) ordered values read through `orderStatistic(index)` (0-based,
 * ascending): lets a caller keep its values in any structure (a sorted array, a Fenwick tree of
 * ranks…). `probability` in [0, 1]. Reads at most two order statistics; the result is exactly
 * the lower one when h is a whole number. Behaviour for `count` < 1 or a probability outside
 * [0, 1] is undefined (callers check).
 */
export function quantileType7(count: number, probability: number, orderStatistic: (index: number) => number): number {
  const position = (count - 1) * probability;
  const lower = Math.floor(position);
  const lowerValue = orderStatistic(lower);
  if (lower === position) return lowerValue;
  const upperValue = orderStatistic(Math.min(lower + 1, count - 1));
  return lowerValue + (position - lower) * (upperValue - lowerValue);
}

/** Type-7 quantile of ascending, non-empty `sorted`; `probability` in [0, 1]. See {@link quantileType7}. */
export function quantileOfSorted(sorted: ArrayLike<number>, probability: number): number {
  return quantileType7(sorted.length, probability, (index) => sorted[index] as number);
}
