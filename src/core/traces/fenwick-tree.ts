/**
 * A Fenwick (binary indexed) tree of counts over positions 0…size−1: add to a position and find
 * the k-th smallest occupied position, each in O(log size). Used as an order-statistic multiset
 * (rank-compressed values) for rolling quantiles. Reference: P. M. Fenwick, "A new data structure
 * for cumulative frequency tables", Software: Practice and Experience 24(3), 1994;
 * https://en.wikipedia.org/wiki/Fenwick_tree
 */
export interface FenwickTree {
  /** 1-based internal array; index 0 unused. */
  readonly counts: Int32Array;
  /** Largest power of two ≤ size (the first step of the binary-lifting search). */
  readonly topStep: number;
}

/** An empty tree over `size` positions (size ≥ 1). */
export function createFenwickTree(size: number): FenwickTree {
  let topStep = 1;
  while (topStep * 2 <= size) topStep *= 2;
  return { counts: new Int32Array(size + 1), topStep };
}

/** Adds `delta` (may be negative) to the count at 0-based `position`. O(log size). */
export function fenwickAdd(tree: FenwickTree, position: number, delta: number): void {
  const counts = tree.counts;
  for (let index = position + 1; index < counts.length; index += index & -index) {
    counts[index] = (counts[index] as number) + delta;
  }
}

/**
 * The 0-based position holding the `rank`-th smallest element (rank 1 = the smallest), by binary
 * lifting. Requires 1 ≤ rank ≤ total count and non-negative counts; otherwise the result is
 * meaningless. O(log size).
 */
export function fenwickSelect(tree: FenwickTree, rank: number): number {
  const counts = tree.counts;
  let position = 0;
  let remaining = rank;
  for (let step = tree.topStep; step > 0; step >>= 1) {
    const next = position + step;
    if (next < counts.length && (counts[next] as number) < remaining) {
      position = next;
      remaining -= counts[next] as number;
    }
  }
  // `position` is the largest 1-based index whose prefix count is < rank: the answer is the next
  // index, i.e. 0-based `position`.
  return position;
}
