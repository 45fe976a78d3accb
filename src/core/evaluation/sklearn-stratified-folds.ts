/**
 * scikit-learn 1.2's `StratifiedKFold` fold assignment, reproduced exactly (same rows in the same
 * folds), so that our evaluation runs the reference's protocol rather than a look-alike.
 */
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { numpyRandomState } from './numpy-random-state.ts';

export interface SklearnStratifiedFoldsOptions {
  /**
   * `random_state` of `StratifiedKFold(shuffle=True, random_state=seed)`, an integer in
   * [0, 2³² − 1]; `null` for `shuffle=False` (deterministic blocks in row order, as
   * `CalibratedClassifierCV(cv=k)` uses inside each training set).
   */
  readonly shuffleSeed: number | null;
}

/**
 * The test fold of each row under scikit-learn 1.2's `StratifiedKFold(n_splits=k, …)._make_test_folds`
 * (sklearn/model_selection/_split.py): classes are numbered by order of first appearance; the
 * per-fold class counts come from dealing the class-sorted labels round-robin into the k folds;
 * each class's fold numbers are laid out in ascending blocks (`arange(k).repeat(counts)`), shuffled
 * with numpy's legacy `RandomState(seed).shuffle` when a seed is given — one generator for all
 * classes, in class order — and written to that class's rows in row order. O(n).
 *
 * Unlike sklearn, which only warns, a class with fewer than `k` rows is refused (some fold would
 * miss it and its metrics would be undefined).
 *
 * @param labels - 0/1 per row.
 * @param k - number of folds, an integer ≥ 2.
 * @returns per row, its test fold in [0, k).
 * @throws InvalidInputError when `k` is not an integer ≥ 2, a label is not 0/1 or the seed is out of numpy's range.
 * @throws InsufficientDataError when a class has fewer than `k` rows (including a missing class).
 */
export function sklearnTestFolds(
  labels: ArrayLike<number>,
  k: number,
  options: SklearnStratifiedFoldsOptions,
): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new InvalidInputError(`folds = ${k} is not an integer ≥ 2`);
  const random = options.shuffleSeed === null ? null : numpyRandomState(options.shuffleSeed);
  const rowCount = labels.length;
  // Class code by order of first appearance (sklearn's y_encoded); -1 until a class is seen.
  const codeOfLabel = [-1, -1];
  const classRows: number[][] = [];
  for (let row = 0; row < rowCount; row += 1) {
    const label = labels[row];
    if (label !== 0 && label !== 1) throw new InvalidInputError(`label ${row} must be 0 or 1, got ${String(label)}`);
    let code = codeOfLabel[label] as number;
    if (code < 0) {
      code = classRows.length;
      codeOfLabel[label] = code;
      classRows.push([]);
    }
    (classRows[code] as number[]).push(row);
  }
  for (const label of [0, 1]) {
    const count = classRows[codeOfLabel[label] as number]?.length ?? 0;
    if (count < k)
      throw new InsufficientDataError(
        `${k}-fold stratification needs ≥ ${k} rows of each class; class ${label} has ${count}`,
      );
  }

  const testFolds = new Int32Array(rowCount);
  // Positions in the class-sorted label vector: class c occupies [start, start + count), and
  // position p goes to fold p mod k (sklearn's `allocation`).
  let start = 0;
  for (const rows of classRows) {
    const count = rows.length;
    const foldsForClass = new Int32Array(count);
    let filled = 0;
    for (let fold = 0; fold < k; fold += 1) {
      // Positions p in [start, start + count) with p ≡ fold (mod k); count ≥ k, so at least one.
      const first = start + ((fold - (start % k) + k) % k);
      const members = Math.floor((start + count - 1 - first) / k) + 1;
      foldsForClass.fill(fold, filled, filled + members);
      filled += members;
    }
    random?.shuffle(foldsForClass);
    rows.forEach((row, position) => {
      testFolds[row] = foldsForClass[position] as number;
    });
    start += count;
  }
  return testFolds;
}

/**
 * The test rows of each fold of scikit-learn 1.2's `StratifiedKFold` (see {@link sklearnTestFolds}),
 * in sklearn's fold order: `[test for _, test in StratifiedKFold(k, …).split(X, labels)]`. O(n).
 *
 * @returns `k` arrays of test-row indexes, each ascending; together a partition of the rows.
 * @throws as {@link sklearnTestFolds}.
 */
export function sklearnStratifiedFolds(
  labels: ArrayLike<number>,
  k: number,
  options: SklearnStratifiedFoldsOptions,
): Int32Array[] {
  const testFolds = sklearnTestFolds(labels, k, options);
  const sizes = new Int32Array(k);
  for (const fold of testFolds) sizes[fold] = (sizes[fold] as number) + 1;
  const folds = Array.from(sizes, (size) => new Int32Array(size));
  const filled = new Int32Array(k);
  testFolds.forEach((fold, row) => {
    (folds[fold] as Int32Array)[filled[fold] as number] = row;
    filled[fold] = (filled[fold] as number) + 1;
  });
  return folds;
}
