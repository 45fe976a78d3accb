/**
 * L2-regularised binary logistic regression fitted by Newton's method (IRLS).
 */
import { InsufficientDataError, InvalidInputError } from '../errors.ts';

/** A fitted linear classifier: P(y = 1 | x) = sigmoid(weights·x + intercept). */
export interface LogisticModel {
  weights: number[];
  intercept: number;
}

export interface LogisticFit extends LogisticModel {
  /** Newton steps taken. */
  iterations: number;
  /** True when the gradient test passed or no step could lower the objective further in float64. */
  converged: boolean;
}

export interface LogisticOptions {
  /** Penalty λ in Σ logloss + (λ/2)·‖w‖²; equals sklearn's 1/C. Default {@link DEFAULT_L2}. */
  l2?: number;
  /** Newton-step cap. Default {@link DEFAULT_MAX_ITERATIONS}. */
  maxIterations?: number;
  /** Stop when max |∂objective| ≤ tolerance × Σ sample weights. Default {@link DEFAULT_TOLERANCE}. */
  tolerance?: number;
  /** Non-negative per-row weights multiplying each row's log-loss (sklearn's `sample_weight`). Default all 1. */
  sampleWeights?: ArrayLike<number>;
}

export const DEFAULT_L2 = 1;
export const DEFAULT_MAX_ITERATIONS = 100;
export const DEFAULT_TOLERANCE = 1e-10;

/**
 * Armijo sufficient-decrease constant and the number of step halvings tried before giving up. The
 * decrease test is strict, so a step that leaves the objective unchanged (the float64 floor) fails.
 */
const ARMIJO_FRACTION = 1e-4;
const MAX_HALVINGS = 40;

/**
 * The logistic function 1 / (1 + e^(−z)), evaluated without overflow for any |z|:
 * for z < 0 it uses e^z / (1 + e^z), so `exp` never sees a large positive argument.
 * Returns a number in [0, 1] (exactly 0 or 1 only when the true value rounds there).
 */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const expZ = Math.exp(z);
  return expZ / (1 + expZ);
}

/** log(1 + e^z) without overflow or loss of precision: max(z, 0) + log1p(e^(−|z|)). */
function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/**
 * The linear score weights·row + intercept (the log-odds before calibration).
 *
 * @throws InvalidInputError when the row length differs from the number of weights.
 */
export function linearScore(model: LogisticModel, row: ArrayLike<number>): number {
  const width = model.weights.length;
  if (row.length !== width) throw new InvalidInputError(`row has ${row.length} values, model expects ${width}`);
  let score = model.intercept;
  for (let column = 0; column < width; column += 1)
    score += (model.weights[column] as number) * (row[column] as number);
  return score;
}

/**
 * Fits binary logistic regression minimising Σᵢ sᵢ·logloss(yᵢ, σ(w·xᵢ + b)) + (l2/2)·‖w‖², with the
 * intercept b not penalised — the objective of scikit-learn's `LogisticRegression(C=1/l2, penalty='l2')`,
 * so the minimiser is the same.
 *
 * Newton / IRLS from w = 0, b = log-odds of the weighted base rate. Each step solves the
 * (d+1)×(d+1) Hessian system by Cholesky (a tiny ridge is added only if the Hessian is numerically
 * singular, e.g. a constant column with l2 = 0), then halves the step until the Armijo condition
 * holds. Stops when max |gradient| ≤ tolerance × Σ sᵢ, or when no step lowers the objective
 * (the float64 floor). Deterministic: same input, same bits.
 * Cost O(n·d²) per iteration plus O(d³) for the solve; Newton converges in ~5–10 iterations.
 * Reference: Hastie, Tibshirani & Friedman, *The Elements of Statistical Learning*, §4.4.1;
 * https://scikit-learn.org/stable/modules/linear_model.html#logistic-regression
 *
 * @param rows - n rows of d finite features (standardise them first for a well-conditioned fit).
 * @param labels - n labels, each 0 or 1.
 * @throws InvalidInputError on ragged rows, non-finite values, labels other than 0/1, negative or
 *   non-finite weights, mismatched lengths, or bad options.
 * @throws InsufficientDataError when the rows with positive weight hold only one class (or none).
 */
export function fitLogisticRegression(
  rows: readonly ArrayLike<number>[],
  labels: ArrayLike<number>,
  options: LogisticOptions = {},
): LogisticFit {
  const l2 = options.l2 ?? DEFAULT_L2;
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (!(Number.isFinite(l2) && l2 >= 0)) throw new InvalidInputError(`l2 must be finite and ≥ 0, got ${l2}`);
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new InvalidInputError(`maxIterations must be a positive integer, got ${maxIterations}`);
  }
  if (!(Number.isFinite(tolerance) && tolerance >= 0))
    throw new InvalidInputError(`tolerance must be finite and ≥ 0, got ${tolerance}`);

  const rowCount = rows.length;
  if (labels.length !== rowCount)
    throw new InvalidInputError(`labels has length ${labels.length}, rows has ${rowCount}`);
  const sampleWeights = options.sampleWeights;
  if (sampleWeights !== undefined && sampleWeights.length !== rowCount) {
    throw new InvalidInputError(`sampleWeights has length ${sampleWeights.length}, rows has ${rowCount}`);
  }
  const width = rows[0]?.length ?? 0;
  const size = width + 1; // weights then intercept

  // Copy into one flat typed array: validates once and keeps the hot loops cache-friendly.
  const features = new Float64Array(rowCount * width);
  const targets = new Float64Array(rowCount);
  const weights = new Float64Array(rowCount);
  let totalWeight = 0;
  let positiveWeight = 0;
  for (let rowIndex = 0; rowIndex < rowCount; rowIndex += 1) {
    const row = rows[rowIndex] as ArrayLike<number>;
    if (row.length !== width)
      throw new InvalidInputError(`row ${rowIndex} has ${row.length} values, expected ${width}`);
    for (let column = 0; column < width; column += 1) {
      const value = row[column] as number;
      if (!Number.isFinite(value))
        throw new InvalidInputError(`row ${rowIndex} column ${column} is not finite: ${value}`);
      features[rowIndex * width + column] = value;
    }
    const label = labels[rowIndex] as number;
    if (label !== 0 && label !== 1) throw new InvalidInputError(`label ${rowIndex} must be 0 or 1, got ${label}`);
    const weight = sampleWeights === undefined ? 1 : (sampleWeights[rowIndex] as number);
    if (!(Number.isFinite(weight) && weight >= 0))
      throw new InvalidInputError(`sample weight ${rowIndex} must be finite and ≥ 0, got ${weight}`);
    targets[rowIndex] = label;
    weights[rowIndex] = weight;
    totalWeight += weight;
    positiveWeight += weight * label;
  }
  if (!(positiveWeight > 0 && positiveWeight < totalWeight)) {
    throw new InsufficientDataError(
      `need both classes to fit, got positive weight ${positiveWeight} of ${totalWeight}`,
    );
  }

  const objective = (parameters: Float64Array): number => {
    let total = 0;
    const intercept = parameters[width] as number;
    for (let rowIndex = 0; rowIndex < rowCount; rowIndex += 1) {
      let score = intercept;
      const offset = rowIndex * width;
      for (let column = 0; column < width; column += 1)
        score += (parameters[column] as number) * (features[offset + column] as number);
      // logloss(y, σ(z)) = log(1 + e^z) − y·z, valid for y ∈ {0, 1}.
      total += (weights[rowIndex] as number) * (softplus(score) - (targets[rowIndex] as number) * score);
    }
    let squaredNorm = 0;
    for (let column = 0; column < width; column += 1) squaredNorm += (parameters[column] as number) ** 2;
    return total + 0.5 * l2 * squaredNorm;
  };

  const parameters = new Float64Array(size);
  const baseRate = positiveWeight / totalWeight;
  parameters[width] = Math.log(baseRate / (1 - baseRate));
  let currentObjective = objective(parameters);

  const gradient = new Float64Array(size);
  const hessian = new Float64Array(size * size);
  const step = new Float64Array(size);
  const candidate = new Float64Array(size);
  const augmented = new Float64Array(size);
  let iterations = 0;
  let converged = false;

  while (iterations < maxIterations) {
    gradient.fill(0);
    hessian.fill(0);
    for (let rowIndex = 0; rowIndex < rowCount; rowIndex += 1) {
      const offset = rowIndex * width;
      let score = parameters[width];
      for (let column = 0; column < width; column += 1) {
        const value = features[offset + column] as number;
        augmented[column] = value;
        score += (parameters[column] as number) * value;
      }
      augmented[width] = 1;
      const probability = sigmoid(score);
      const weight = weights[rowIndex] as number;
      const residual = weight * (probability - (targets[rowIndex] as number));
      const curvature = weight * probability * (1 - probability);
      for (let i = 0; i < size; i += 1) {
        const value = augmented[i] as number;
        gradient[i] = (gradient[i] as number) + residual * value;
        const scaled = curvature * value;
        // Lower triangle only; the Cholesky solve reads nothing else.
        for (let j = 0; j <= i; j += 1)
          hessian[i * size + j] = (hessian[i * size + j] as number) + scaled * (augmented[j] as number);
      }
    }
    for (let column = 0; column < width; column += 1) {
      gradient[column] = (gradient[column] as number) + l2 * (parameters[column] as number);
      hessian[column * size + column] = (hessian[column * size + column] as number) + l2;
    }

    let largestGradient = 0;
    for (let i = 0; i < size; i += 1) largestGradient = Math.max(largestGradient, Math.abs(gradient[i] as number));
    if (largestGradient <= tolerance * totalWeight) {
      converged = true;
      break;
    }

    solvePositiveDefinite(hessian, gradient, step, size);
    let directional = 0; // gradient · (−step) < 0: a descent direction
    for (let i = 0; i < size; i += 1) directional -= (gradient[i] as number) * (step[i] as number);

    iterations += 1;
    let stepLength = 1;
    let accepted = false;
    for (let halving = 0; halving < MAX_HALVINGS; halving += 1) {
      for (let i = 0; i < size; i += 1) candidate[i] = (parameters[i] as number) - stepLength * (step[i] as number);
      const candidateObjective = objective(candidate);
      if (candidateObjective < currentObjective + ARMIJO_FRACTION * stepLength * directional) {
        parameters.set(candidate);
        currentObjective = candidateObjective;
        accepted = true;
        break;
      }
      stepLength /= 2;
    }
    if (!accepted) {
      // The Newton direction descends, so failing every halving means we sit on the float64 floor.
      converged = true;
      break;
    }
  }

  return { weights: Array.from(parameters.subarray(0, width)), intercept: parameters[width], iterations, converged };
}

/**
 * Solves A·x = b for symmetric positive (semi-)definite A given by its lower triangle (row-major,
 * size × size) via Cholesky A = L·Lᵀ. If a pivot is not safely positive (A numerically singular),
 * retries with A + δ·I, δ growing tenfold from 1e-12 × mean diagonal (at least 1e-300). O(size³). `matrix` is left intact.
 */
function solvePositiveDefinite(matrix: Float64Array, rhs: Float64Array, solution: Float64Array, size: number): void {
  const factor = new Float64Array(size * size);
  let meanDiagonal = 0;
  for (let i = 0; i < size; i += 1) meanDiagonal += (matrix[i * size + i] as number) / size;
  let ridge = 0;
  while (!choleskyInto(matrix, factor, size, ridge)) {
    // The 1e-300 floor keeps the ridge growing even for an all-zero (fully saturated) Hessian.
    ridge = Math.max(ridge * 10, 1e-12 * meanDiagonal, 1e-300);
  }
  // Forward substitution L·y = b, then back substitution Lᵀ·x = y.
  for (let i = 0; i < size; i += 1) {
    let value = rhs[i] as number;
    for (let k = 0; k < i; k += 1) value -= (factor[i * size + k] as number) * (solution[k] as number);
    solution[i] = value / (factor[i * size + i] as number);
  }
  for (let i = size - 1; i >= 0; i -= 1) {
    let value = solution[i] as number;
    for (let k = i + 1; k < size; k += 1) value -= (factor[k * size + i] as number) * (solution[k] as number);
    solution[i] = value / (factor[i * size + i] as number);
  }
}

/** Writes the Cholesky factor of (matrix + ridge·I) into `factor`; false when a pivot is ≤ 1e-13 × its diagonal. */
function choleskyInto(matrix: Float64Array, factor: Float64Array, size: number, ridge: number): boolean {
  for (let i = 0; i < size; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let value = (matrix[i * size + j] as number) + (i === j ? ridge : 0);
      for (let k = 0; k < j; k += 1) value -= (factor[i * size + k] as number) * (factor[j * size + k] as number);
      if (i === j) {
        const diagonal = (matrix[i * size + i] as number) + ridge;
        if (!(value > 1e-13 * diagonal)) return false;
        factor[i * size + i] = Math.sqrt(value);
      } else {
        factor[i * size + j] = value / (factor[j * size + j] as number);
      }
    }
  }
  return true;
}
