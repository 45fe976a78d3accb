/**
 * Per-column standardisation (z-scores), fitted like scikit-learn's `StandardScaler`.
 */
import { InsufficientDataError, InvalidInputError } from '../errors.ts';

/** Column means and scales; `scales` are population standard deviations, 1 for constant columns. */
export interface StandardScaler {
  means: number[];
  scales: number[];
}

/**
 * Fits column means and population standard deviations (divisor n, like sklearn's
 * `StandardScaler(with_mean=True, with_std=True)`). A column whose variance is zero up to
 * rounding gets scale 1, so standardising it yields zeros rather than NaN; "zero up to rounding"
 * uses sklearn's bound `var ≤ n·ε·var + (n·|mean|·ε)²` (`sklearn.preprocessing._data._is_constant_feature`).
 *
 * Two passes (mean, then centred squares) for accuracy; O(n·d).
 * Reference: https://scikit-learn.org/stable/modules/generated/sklearn.preprocessing.StandardScaler.html
 *
 * @param rows - n ≥ 1 rows of d finite numbers each (d may be 0).
 * @throws InsufficientDataError when there are no rows.
 * @throws InvalidInputError on ragged rows or a non-finite value.
 */
export function fitStandardScaler(rows: readonly ArrayLike<number>[]): StandardScaler {
  const rowCount = rows.length;
  const first = rows[0];
  if (first === undefined) throw new InsufficientDataError('cannot fit a scaler on 0 rows');
  const width = first.length;
  const sums = new Float64Array(width);
  for (let rowIndex = 0; rowIndex < rowCount; rowIndex += 1) {
    const row = rows[rowIndex] as ArrayLike<number>;
    if (row.length !== width)
      throw new InvalidInputError(`row ${rowIndex} has ${row.length} values, expected ${width}`);
    for (let column = 0; column < width; column += 1) {
      const value = row[column] as number;
      if (!Number.isFinite(value))
        throw new InvalidInputError(`row ${rowIndex} column ${column} is not finite: ${value}`);
      sums[column] = (sums[column] as number) + value;
    }
  }
  const means = Array.from(sums, (sum) => sum / rowCount);
  const squares = new Float64Array(width);
  for (const row of rows) {
    for (let column = 0; column < width; column += 1) {
      const deviation = (row[column] as number) - (means[column] as number);
      squares[column] = (squares[column] as number) + deviation * deviation;
    }
  }
  const scales = means.map((mean, column) => {
    const variance = (squares[column] as number) / rowCount;
    const roundingBound = rowCount * Number.EPSILON * variance + (rowCount * Math.abs(mean) * Number.EPSILON) ** 2;
    return variance <= roundingBound ? 1 : Math.sqrt(variance);
  });
  return { means, scales };
}

/**
 * Standardises one row: `(value − mean) / scale` per column.
 *
 * @param out - optional destination of the row's length, reused to avoid allocation in hot loops.
 * @throws InvalidInputError when the row or `out` length differs from the scaler's width.
 */
export function standardize(scaler: StandardScaler, row: ArrayLike<number>, out?: Float64Array): Float64Array {
  const width = scaler.means.length;
  if (row.length !== width) throw new InvalidInputError(`row has ${row.length} values, scaler expects ${width}`);
  const result = out ?? new Float64Array(width);
  if (result.length !== width)
    throw new InvalidInputError(`output has length ${result.length}, scaler expects ${width}`);
  for (let column = 0; column < width; column += 1) {
    result[column] = ((row[column] as number) - (scaler.means[column] as number)) / (scaler.scales[column] as number);
  }
  return result;
}
