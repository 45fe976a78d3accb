import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFenwickTree, fenwickAdd, fenwickSelect } from './fenwick-tree.ts';

describe('fenwickSelect', () => {
  it('fenwickSelect finds the k-th smallest of a small hand-built multiset', () => {
    // Multiset {1, 1, 4, 6}: ranks 1..4 → positions 1, 1, 4, 6.
    const tree = createFenwickTree(7);
    for (const position of [4, 1, 6, 1]) fenwickAdd(tree, position, 1);

    expect([1, 2, 3, 4].map((rank) => fenwickSelect(tree, rank))).toEqual([1, 1, 4, 6]);
  });

  it('fenwickSelect matches a sorted array after random inserts and removals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 80 }),
        (size, operations) => {
          const tree = createFenwickTree(size);
          const multiset: number[] = [];
          for (const [insert, raw] of operations) {
            if (insert || multiset.length === 0) {
              const position = raw % size;
              fenwickAdd(tree, position, 1);
              multiset.push(position);
            } else {
              const [removed] = multiset.splice(raw % multiset.length, 1) as [number];
              fenwickAdd(tree, removed, -1);
            }
          }
          const sorted = multiset.slice().sort((left, right) => left - right);

          expect(sorted.map((_, index) => fenwickSelect(tree, index + 1))).toEqual(sorted);
        },
      ),
    );
  });
});
