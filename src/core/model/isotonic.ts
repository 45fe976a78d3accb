/**
 * Increasing isotonic regression (pool adjacent violators) and its piecewise-linear application,
 * matching scikit-learn's `IsotonicRegression(increasing=True, out_of_bounds='clip')`.
 */
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { ascendingOrder } from './ascending-order.ts';

/** Breakpoints of a non-decreasing piecewise-linear map: `thresholds` strictly increasing, `values` non-decreasing. */
export interface IsotonicModel {
  thresholds: number[];
  values: number[];
}

/**
 * Fits the non-decreasing step function of score minimising Σ wᵢ·(yᵢ − f(sᵢ))², by pool adjacent
 * violators (PAV). As in sklearn: rows with weight 0 are dropped; equal scores are first merged into
 * one point (weight = Σw, label = weighted mean); adjacent blocks are pooled while the left mean is
 * ≥ the right one, so fitted block values are strictly increasing. Only the breakpoints needed for
 * interpolation are kept: the first and last score of each block (one if they coincide).
 *
 * Algorithm: one radix argsort of the scores ({@link ascendingOrder}), a linear walk merging equal
 * scores, then a linear PAV pass with a block stack. O(n) time after the sort (O(n log n) bound
 * overall), O(n) typed-array memory, no per-row allocation.
 * Reference: Barlow et al., *Statistical Inference under Order Restrictions* (1972);
 * https://scikit-learn.org/stable/modules/isotonic.html
 *
 * @param scores - finite raw scores.
 * @param labels - finite targets (0/1 for calibration, giving values in [0, 1]).
 * @param weights - optional finite, non-negative row weights; default all 1.
 * @throws InvalidInputError on mismatched lengths, non-finite values or negative weights.
 * @throws InsufficientDataError when no row has positive weight.
 */
export function fitIsotonic(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights?: ArrayLike<number>,
): IsotonicModel {
  const rowCount = scores.length;
  if (labels.length !== rowCount)
    throw new InvalidInputError(`labels has length ${labels.length}, scores has ${rowCount}`);
  if (weights !== undefined && weights.length !== rowCount) {
    throw new InvalidInputError(`weights has length ${weights.length}, scores has ${rowCount}`);
  }

  // 1. Validate, and copy the scores (−0 → +0 via `+ 0`, so the two zeros are one distinct score).
  const sortable = new Float64Array(rowCount);
  let positiveRows = 0;
  for (let row = 0; row < rowCount; row += 1) {
    const score = scores[row] as number;
    const label = labels[row] as number;
    const weight = weights === undefined ? 1 : (weights[row] as number);
    if (!Number.isFinite(score)) throw new InvalidInputError(`score ${row} is not finite: ${score}`);
    if (!Number.isFinite(label)) throw new InvalidInputError(`label ${row} is not finite: ${label}`);
    if (!(Number.isFinite(weight) && weight >= 0))
      throw new InvalidInputError(`weight ${row} must be finite and ≥ 0, got ${weight}`);
    sortable[row] = score + 0;
    if (weight > 0) positiveRows += 1;
  }
  if (positiveRows === 0) throw new InsufficientDataError('isotonic fit needs at least one row with positive weight');

  // 2. Walk rows in score order, merging equal scores into one point (total weight, weighted label sum).
  const order = ascendingOrder(sortable);
  const distinct = new Float64Array(positiveRows);
  const pointWeight = new Float64Array(positiveRows);
  const pointSum = new Float64Array(positiveRows);
  let distinctCount = 0;
  for (let rank = 0; rank < rowCount; rank += 1) {
    const row = order[rank] as number;
    const weight = weights === undefined ? 1 : (weights[row] as number);
    if (weight === 0) continue;
    const score = sortable[row] as number;
    if (distinctCount === 0 || score !== distinct[distinctCount - 1]) {
      distinct[distinctCount] = score;
      distinctCount += 1;
    }
    pointWeight[distinctCount - 1] = (pointWeight[distinctCount - 1] as number) + weight;
    pointSum[distinctCount - 1] = (pointSum[distinctCount - 1] as number) + weight * (labels[row] as number);
  }

  // 3. PAV with a stack of blocks; invariant: block means strictly increase up the stack.
  const blockWeight = new Float64Array(distinctCount);
  const blockSum = new Float64Array(distinctCount);
  const blockStart = new Int32Array(distinctCount);
  let blocks = 0;
  for (let point = 0; point < distinctCount; point += 1) {
    let weight = pointWeight[point] as number;
    let sum = pointSum[point] as number;
    let start = point;
    // Pool while the previous block's mean ≥ this one's (sklearn pools ties too).
    while (blocks > 0 && (blockSum[blocks - 1] as number) / (blockWeight[blocks - 1] as number) >= sum / weight) {
      blocks -= 1;
      weight += blockWeight[blocks] as number;
      sum += blockSum[blocks] as number;
      start = blockStart[blocks] as number;
    }
    blockWeight[blocks] = weight;
    blockSum[blocks] = sum;
    blockStart[blocks] = start;
    blocks += 1;
  }

  // 4. Breakpoints: both ends of each block.
  const thresholds: number[] = [];
  const values: number[] = [];
  for (let block = 0; block < blocks; block += 1) {
    const first = blockStart[block] as number;
    const last = block + 1 < blocks ? (blockStart[block + 1] as number) - 1 : distinctCount - 1;
    const value = (blockSum[block] as number) / (blockWeight[block] as number);
    thresholds.push(distinct[first] as number);
    values.push(value);
    if (last !== first) {
      thresholds.push(distinct[last] as number);
      values.push(value);
    }
  }
  return { thresholds, values };
}

/**
 * Evaluates a fitted isotonic map at one score: linear interpolation between the surrounding
 * breakpoints, clipped to the first/last value outside [thresholds[0], thresholds[last]]
 * (sklearn `out_of_bounds='clip'`). O(log k) for k breakpoints.
 *
 * @throws InvalidInputError when the score is not finite.
 */
export function applyIsotonic(model: IsotonicModel, score: number): number {
  if (!Number.isFinite(score)) throw new InvalidInputError(`score is not finite: ${score}`);
  const { thresholds, values } = model;
  const last = thresholds.length - 1;
  if (score <= (thresholds[0] as number)) return values[0] as number;
  if (score >= (thresholds[last] as number)) return values[last] as number;
  // Largest index with thresholds[index] ≤ score; 0 ≤ index < last here.
  let low = 0;
  let high = last;
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if ((thresholds[middle] as number) <= score) low = middle;
    else high = middle;
  }
  const leftScore = thresholds[low] as number;
  const leftValue = values[low] as number;
  const fraction = (score - leftScore) / ((thresholds[high] as number) - leftScore);
  return leftValue + fraction * ((values[high] as number) - leftValue);
}
