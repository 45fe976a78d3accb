/**
 * Stratified k-fold assignment: every fold gets (almost) the same share of each class.
 */
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { shuffled, type Random } from '../random.ts';

/**
 * Splits row indexes 0…n−1 into `k` test folds, stratified by label: each class's rows are
 * shuffled with `random`, then dealt round-robin into the folds, the deal continuing across
 * classes so that both per-class and total fold sizes differ by at most one (like
 * scikit-learn's `StratifiedKFold(shuffle=True)`, though the shuffles differ: numpy's generator
 * is not reproduced). Same labels and same seed → same folds. O(n).
 *
 * @param labels - 0/1 per row.
 * @param k - number of folds, an integer ≥ 2.
 * @returns `k` arrays of test-row indexes, each sorted ascending; together a partition of the rows.
 * @throws InvalidInputError when `k` is not an integer ≥ 2 or a label is not 0/1.
 * @throws InsufficientDataError when a class has fewer than `k` rows (some fold would miss it).
 */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, random: Random): Int32Array[] {
  if (!Number.isInteger(k) || k < 2) throw new InvalidInputError(`folds = ${k} is not an integer ≥ 2`);
  const byClass: number[][] = [[], []];
  for (let row = 0; row < labels.length; row += 1) {
    const label = labels[row];
    if (label !== 0 && label !== 1) throw new InvalidInputError(`label ${row} must be 0 or 1, got ${String(label)}`);
    byClass[label]?.push(row);
  }
  byClass.forEach((rows, label) => {
    if (rows.length < k) {
      throw new InsufficientDataError(
        `${k}-fold stratification needs ≥ ${k} rows of each class; class ${label} has ${rows.length}`,
      );
    }
  });
  const members: number[][] = Array.from({ length: k }, () => []);
  let dealt = 0;
  for (const rows of byClass) {
    for (const row of shuffled(rows, random)) {
      members[dealt % k]?.push(row);
      dealt += 1;
    }
  }
  return members.map((rows) => Int32Array.from(rows).sort());
}

/** The rows not in `testRows`, ascending: the training side of a fold. O(n). */
export function complementRows(rowCount: number, testRows: ArrayLike<number>): Int32Array {
  const inTest = new Uint8Array(rowCount);
  for (let index = 0; index < testRows.length; index += 1) inTest[testRows[index] as number] = 1;
  const training = new Int32Array(rowCount - testRows.length);
  let next = 0;
  for (let row = 0; row < rowCount; row += 1) if (inTest[row] === 0) training[next++] = row;
  return training;
}
