import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { sklearnStratifiedFolds, sklearnTestFolds } from './sklearn-stratified-folds.ts';

const SHORT = [1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 0, 1];
/** 200 rows, 30 % positives in a repeating pattern: labels[i] = 1 when i·7 mod 10 < 3. */
const LONG = Array.from({ length: 200 }, (_, index) => ((index * 7) % 10 < 3 ? 1 : 0));

function digits(folds: Int32Array): string {
  return Array.from(folds).join('');
}

/** Labels with at least `k` rows of each class, for properties. */
const labelled = fc
  .tuple(fc.integer({ min: 2, max: 8 }), fc.array(fc.constantFrom(0, 1), { minLength: 2, maxLength: 120 }))
  .filter(
    ([k, labels]) =>
      labels.filter((label) => label === 1).length >= k && labels.filter((label) => label === 0).length >= k,
  );
const seedOrNone = fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: null });

describe('sklearnTestFolds', () => {
  it.each([
    // sklearn 1.2.1: StratifiedKFold(n_splits=k, shuffle=seed is not None, random_state=seed)._make_test_folds(None, numpy.array(labels)).tolist()
    [3, 42, [2, 0, 1, 0, 1, 0, 0, 2, 0, 2, 2, 1, 1, 1, 2]],
    [3, null, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]],
    [2, 0, [1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 1]],
    [5, 7, [1, 3, 4, 4, 0, 3, 4, 2, 1, 2, 1, 3, 0, 0, 2]],
  ])('reproduces scikit-learn on a 15-row vector starting with a positive, k = %i, seed %s', (k, seed, expected) => {
    const folds = sklearnTestFolds(SHORT, k, { shuffleSeed: seed });

    expect(Array.from(folds)).toEqual(expected);
  });

  it.each([
    // sklearn 1.2.1: ''.join(map(str, StratifiedKFold(k, shuffle=seed is not None, random_state=seed)._make_test_folds(None, numpy.array([int(i*7 % 10 < 3) for i in range(200)]))))
    [
      5,
      42,
      '01402434003001024422201432132244433244012230424031104020023231401233121412424111211401133323004323012331412404444004220043031434442023340030123021341132320011324320311432120413103202131410312044313210',
    ],
    [
      5,
      null,
      '00000000000000000000000000000000000000001111111111111111111111111111111111111111222222222222222222222222222222222222222233333333333333333333333333333333333333334444444444444444444444444444444444444444',
    ],
    [
      10,
      2024,
      '72176386472529206424036285122471229027729152937859353282155977187137159133764645817473085880438340180923695918801358518972645066521826079569439146563883450468499670711600544068603063044909045739311297',
    ],
  ])('reproduces scikit-learn on 200 rows, k = %i, seed %s', (k, seed, expected) => {
    const folds = sklearnTestFolds(LONG, k, { shuffleSeed: seed });

    expect(digits(folds)).toBe(expected);
  });

  it('deals class-sorted positions round-robin: per-class and total fold sizes differ by at most one (property)', () => {
    fc.assert(
      fc.property(labelled, seedOrNone, ([k, labels], seed) => {
        const folds = sklearnTestFolds(labels, k, { shuffleSeed: seed });

        // Brute force: class codes by first appearance, sorted, position p → fold p mod k.
        const first = labels[0] as number;
        const sortedCodes = labels.map((label) => (label === first ? 0 : 1)).sort((left, right) => left - right);
        const expected = [new Array<number>(k).fill(0), new Array<number>(k).fill(0)];
        sortedCodes.forEach((code, position) => {
          const counts = expected[code] as number[];
          counts[position % k] = (counts[position % k] as number) + 1;
        });
        const actual = [new Array<number>(k).fill(0), new Array<number>(k).fill(0)];
        folds.forEach((fold, row) => {
          const counts = actual[labels[row] === first ? 0 : 1] as number[];
          counts[fold] = (counts[fold] as number) + 1;
        });
        expect(actual).toEqual(expected);
        const totals = Array.from(
          { length: k },
          (_, fold) => (actual[0]?.[fold] as number) + (actual[1]?.[fold] as number),
        );
        expect(Math.max(...totals) - Math.min(...totals)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('without a seed, each class is cut into ascending blocks in row order (property)', () => {
    fc.assert(
      fc.property(labelled, ([k, labels]) => {
        const folds = sklearnTestFolds(labels, k, { shuffleSeed: null });

        for (const label of [0, 1]) {
          const sequence = Array.from(folds).filter((_, row) => labels[row] === label);
          expect(sequence).toEqual(sequence.slice().sort((left, right) => left - right));
        }
      }),
    );
  });

  it('numbers classes by first appearance, so swapping 0 and 1 changes nothing (property)', () => {
    fc.assert(
      fc.property(labelled, seedOrNone, ([k, labels], seed) => {
        const swapped = labels.map((label) => 1 - label);

        const folds = sklearnTestFolds(labels, k, { shuffleSeed: seed });
        const swappedFolds = sklearnTestFolds(swapped, k, { shuffleSeed: seed });

        expect(Array.from(swappedFolds)).toEqual(Array.from(folds));
      }),
    );
  });

  it('refuses too few folds, a non-0/1 label, a rare or missing class and a seed numpy refuses', () => {
    expect(() => sklearnTestFolds(SHORT, 1, { shuffleSeed: 0 })).toThrow(InvalidInputError);
    expect(() => sklearnTestFolds(SHORT, 2.5, { shuffleSeed: 0 })).toThrow(InvalidInputError);
    expect(() => sklearnTestFolds([0, 1, 2, 0, 1], 2, { shuffleSeed: 0 })).toThrow('label 2 must be 0 or 1, got 2');
    expect(() => sklearnTestFolds([0, 0, 0, 1, 1], 3, { shuffleSeed: null })).toThrow(
      new InsufficientDataError('3-fold stratification needs ≥ 3 rows of each class; class 1 has 2'),
    );
    expect(() => sklearnTestFolds([1, 1, 1], 2, { shuffleSeed: null })).toThrow('class 0 has 0');
    expect(() => sklearnTestFolds(SHORT, 3, { shuffleSeed: -1 })).toThrow(InvalidInputError);
  });
});

describe('sklearnStratifiedFolds', () => {
  it("lists each fold's test rows ascending, as StratifiedKFold.split yields them", () => {
    // [t.tolist() for _, t in StratifiedKFold(3, shuffle=True, random_state=42).split(numpy.zeros(15), SHORT)]
    const expected = [
      [1, 3, 5, 6, 8],
      [2, 4, 11, 12, 13],
      [0, 7, 9, 10, 14],
    ];

    const folds = sklearnStratifiedFolds(SHORT, 3, { shuffleSeed: 42 });

    expect(folds.map((rows) => Array.from(rows))).toEqual(expected);
  });

  it('partitions the rows and agrees with sklearnTestFolds (property)', () => {
    fc.assert(
      fc.property(labelled, seedOrNone, ([k, labels], seed) => {
        const folds = sklearnStratifiedFolds(labels, k, { shuffleSeed: seed });
        const foldOfRow = sklearnTestFolds(labels, k, { shuffleSeed: seed });

        expect(folds).toHaveLength(k);
        const seen = folds.flatMap((rows) => Array.from(rows)).sort((left, right) => left - right);
        expect(seen).toEqual(labels.map((_, row) => row));
        folds.forEach((rows, fold) => {
          expect(Array.from(rows)).toEqual(Array.from(rows).sort((left, right) => left - right));
          for (const row of rows) expect(foldOfRow[row]).toBe(fold);
        });
      }),
    );
  });
});
