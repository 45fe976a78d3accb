import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import { complementRows, stratifiedFolds } from './stratified-folds.ts';

const labelsArbitrary = fc
  .tuple(fc.integer({ min: 5, max: 60 }), fc.integer({ min: 5, max: 60 }), fc.integer())
  .chain(([negatives, positives, seed]) =>
    fc
      .shuffledSubarray([...Array<number>(negatives).fill(0), ...Array<number>(positives).fill(1)], {
        minLength: negatives + positives,
      })
      .map((labels) => ({ labels, seed })),
  );

describe('stratifiedFolds', () => {
  it('partitions the rows: every row is in exactly one fold, each fold sorted', () => {
    fc.assert(
      fc.property(labelsArbitrary, fc.integer({ min: 2, max: 5 }), ({ labels, seed }, k) => {
        const folds = stratifiedFolds(labels, k, seededRandom(seed));

        const all = folds.flatMap((fold) => Array.from(fold)).sort((left, right) => left - right);
        expect(folds).toHaveLength(k);
        expect(all).toEqual(labels.map((_, row) => row));
        for (const fold of folds)
          expect(Array.from(fold)).toEqual(Array.from(fold).sort((left, right) => left - right));
      }),
    );
  });

  it('gives every fold the same share of each class and of rows, within one', () => {
    fc.assert(
      fc.property(labelsArbitrary, fc.integer({ min: 2, max: 5 }), ({ labels, seed }, k) => {
        const folds = stratifiedFolds(labels, k, seededRandom(seed));

        const positives = folds.map((fold) => Array.from(fold).filter((row) => labels[row] === 1).length);
        const sizes = folds.map((fold) => fold.length);
        expect(Math.max(...positives) - Math.min(...positives)).toBeLessThanOrEqual(1);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('is reproducible from the seed and changes with it', () => {
    const labels = Array.from({ length: 40 }, (_, row) => (row % 4 === 0 ? 1 : 0));

    const first = stratifiedFolds(labels, 5, seededRandom(42)).map((fold) => Array.from(fold));
    const again = stratifiedFolds(labels, 5, seededRandom(42)).map((fold) => Array.from(fold));
    const other = stratifiedFolds(labels, 5, seededRandom(43)).map((fold) => Array.from(fold));

    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('refuses a class with fewer rows than folds, and a fold count below 2', () => {
    const labels = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0];

    expect(() => stratifiedFolds(labels, 5, seededRandom(1))).toThrow(InsufficientDataError);
    expect(() => stratifiedFolds(labels, 5, seededRandom(1))).toThrow(
      '5-fold stratification needs ≥ 5 rows of each class; class 1 has 3',
    );
    expect(() => stratifiedFolds(labels, 1, seededRandom(1))).toThrow(InvalidInputError);
    expect(() => stratifiedFolds([0, 2], 2, seededRandom(1))).toThrow('label 1 must be 0 or 1, got 2');
  });
});

describe('complementRows', () => {
  it('lists the rows outside the fold, ascending', () => {
    expect(Array.from(complementRows(6, [4, 1]))).toEqual([0, 2, 3, 5]);
  });
});
