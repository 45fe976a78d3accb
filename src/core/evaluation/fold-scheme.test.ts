import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.ts';
import { assignInnerFolds, assignOuterFolds, DEFAULT_FOLD_SCHEME, FoldScheme } from './fold-scheme.ts';

/** 40 rows, 25 % positives. */
const LABELS = Array.from({ length: 40 }, (_, row) => (row % 4 === 1 ? 1 : 0));

function asArrays(folds: Int32Array[]): number[][] {
  return folds.map((rows) => Array.from(rows));
}

describe('assignOuterFolds', () => {
  it("defaults evaluation to the reference's protocol", () => {
    expect(DEFAULT_FOLD_SCHEME).toBe(FoldScheme.sklearn);
  });

  it('sklearn: StratifiedKFold(5, shuffle=True, random_state=42), drawing nothing from the generator', () => {
    // [t.tolist() for _, t in StratifiedKFold(5, shuffle=True, random_state=42).split(numpy.zeros(40), [int(r % 4 == 1) for r in range(40)])]
    const expected = [
      [1, 12, 14, 16, 17, 22, 23, 26],
      [6, 7, 19, 29, 33, 34, 35, 39],
      [2, 4, 5, 9, 11, 15, 18, 36],
      [3, 20, 21, 25, 27, 30, 32, 38],
      [0, 8, 10, 13, 24, 28, 31, 37],
    ];
    const random = seededRandom(1);

    const folds = assignOuterFolds(LABELS, 5, FoldScheme.sklearn, 42, random);

    expect(asArrays(folds)).toEqual(expected);
    expect(random()).toBe(seededRandom(1)());
  });

  it('seeded: our shuffle from the generator, ignoring the seed argument', () => {
    const folds = assignOuterFolds(LABELS, 5, FoldScheme.seeded, 42, seededRandom(3));
    const sameGenerator = assignOuterFolds(LABELS, 5, FoldScheme.seeded, 7, seededRandom(3));
    const otherGenerator = assignOuterFolds(LABELS, 5, FoldScheme.seeded, 42, seededRandom(4));

    expect(asArrays(sameGenerator)).toEqual(asArrays(folds));
    expect(asArrays(otherGenerator)).not.toEqual(asArrays(folds));
  });
});

describe('assignInnerFolds', () => {
  it('sklearn: StratifiedKFold(5) without shuffle (CalibratedClassifierCV(cv=5)), drawing nothing', () => {
    // [t.tolist() for _, t in StratifiedKFold(5).split(numpy.zeros(40), [int(r % 4 == 1) for r in range(40)])]
    const expected = [
      [0, 1, 2, 3, 4, 5, 6, 7],
      [8, 9, 10, 11, 12, 13, 14, 15],
      [16, 17, 18, 19, 20, 21, 22, 23],
      [24, 25, 26, 27, 28, 29, 30, 31],
      [32, 33, 34, 35, 36, 37, 38, 39],
    ];
    const random = seededRandom(1);

    const folds = assignInnerFolds(LABELS, 5, FoldScheme.sklearn, random);

    expect(asArrays(folds)).toEqual(expected);
    expect(random()).toBe(seededRandom(1)());
  });

  it('seeded: the folds change with the generator', () => {
    const folds = assignInnerFolds(LABELS, 5, FoldScheme.seeded, seededRandom(3));
    const otherGenerator = assignInnerFolds(LABELS, 5, FoldScheme.seeded, seededRandom(4));

    expect(asArrays(otherGenerator)).not.toEqual(asArrays(folds));
  });
});
