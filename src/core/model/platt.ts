/**
 * Platt scaling: a two-parameter sigmoid from raw score to probability.
 */
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { sigmoid } from './logistic-regression.ts';

/**
 * P(y = 1 | score) = 1 / (1 + exp(−(slope·score + intercept))).
 *
 * Sign convention: slope and intercept enter with a PLUS sign, so a positive slope means higher
 * scores are likelier positives. Platt's and Lin et al.'s papers (and sklearn's `_sigmoid_calibration`)
 * write 1 / (1 + exp(A·f + B)); here slope = −A and intercept = −B.
 */
export interface PlattModel {
  slope: number;
  intercept: number;
}

export interface PlattOptions {
  /** Newton-step cap. Default {@link DEFAULT_PLATT_MAX_ITERATIONS}. */
  maxIterations?: number;
  /** Stop when both |∂F/∂A| and |∂F/∂B| are below this. Default {@link DEFAULT_PLATT_GRADIENT_TOLERANCE} (the paper's). */
  gradientTolerance?: number;
}

export const DEFAULT_PLATT_MAX_ITERATIONS = 100;
export const DEFAULT_PLATT_GRADIENT_TOLERANCE = 1e-5;

/** The paper's constants: smallest line-search step and the Hessian's diagonal regulariser σ. */
const MIN_STEP = 1e-10;
const HESSIAN_SIGMA = 1e-12;

/**
 * Fits Platt's sigmoid by minimising cross-entropy against smoothed targets
 * t₊ = (N₊ + 1)/(N₊ + 2) for positives and t₋ = 1/(N₋ + 2) for negatives, using Newton's method
 * with backtracking (Armijo) line search — Algorithm 1 of Lin, Lin & Weng (2007), "A note on Platt's
 * probabilistic outputs for support vector machines", Machine Learning 68:267–276,
 * https://doi.org/10.1007/s10994-007-5018-6 (starting point A = 0, B = log((N₋ + 1)/(N₊ + 1))).
 * Thanks to the smoothed targets the optimum is finite even for separable scores or a single class
 * (then slope = 0 and the probability is the smoothed base rate).
 * O(n) per iteration.
 *
 * @param scores - finite raw scores.
 * @param labels - 0 or 1 per score.
 * @throws InvalidInputError on mismatched lengths, non-finite scores, labels other than 0/1 or bad options.
 * @throws InsufficientDataError when there are no rows.
 */
export function fitPlatt(scores: ArrayLike<number>, labels: ArrayLike<number>, options: PlattOptions = {}): PlattModel {
  const maxIterations = options.maxIterations ?? DEFAULT_PLATT_MAX_ITERATIONS;
  const gradientTolerance = options.gradientTolerance ?? DEFAULT_PLATT_GRADIENT_TOLERANCE;
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new InvalidInputError(`maxIterations must be a positive integer, got ${maxIterations}`);
  }
  if (!(Number.isFinite(gradientTolerance) && gradientTolerance >= 0)) {
    throw new InvalidInputError(`gradientTolerance must be finite and ≥ 0, got ${gradientTolerance}`);
  }
  const rowCount = scores.length;
  if (labels.length !== rowCount)
    throw new InvalidInputError(`labels has length ${labels.length}, scores has ${rowCount}`);
  if (rowCount === 0) throw new InsufficientDataError('cannot fit Platt scaling on 0 rows');

  let positives = 0;
  for (let row = 0; row < rowCount; row += 1) {
    const score = scores[row] as number;
    const label = labels[row] as number;
    if (!Number.isFinite(score)) throw new InvalidInputError(`score ${row} is not finite: ${score}`);
    if (label !== 0 && label !== 1) throw new InvalidInputError(`label ${row} must be 0 or 1, got ${label}`);
    positives += label;
  }
  const negatives = rowCount - positives;
  const highTarget = (positives + 1) / (positives + 2);
  const lowTarget = 1 / (negatives + 2);
  const targets = new Float64Array(rowCount);
  for (let row = 0; row < rowCount; row += 1) targets[row] = labels[row] === 1 ? highTarget : lowTarget;

  // Paper's parametrisation: P(y = 1 | f) = 1 / (1 + exp(A·f + B)).
  const objective = (a: number, b: number): number => {
    let total = 0;
    for (let row = 0; row < rowCount; row += 1) {
      const linear = (scores[row] as number) * a + b;
      const target = targets[row] as number;
      // Cross-entropy −t·log p − (1 − t)·log(1 − p), arranged so exp never overflows.
      total +=
        linear >= 0
          ? target * linear + Math.log1p(Math.exp(-linear))
          : (target - 1) * linear + Math.log1p(Math.exp(linear));
    }
    return total;
  };

  let a = 0;
  let b = Math.log((negatives + 1) / (positives + 1));
  let currentObjective = objective(a, b);
  for (let iteration = 0; iteration < maxIterations; iteration += 1) {
    let h11 = HESSIAN_SIGMA;
    let h22 = HESSIAN_SIGMA;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let row = 0; row < rowCount; row += 1) {
      const score = scores[row] as number;
      const linear = score * a + b;
      const probability = sigmoid(-linear); // P(y = 1)
      const complement = sigmoid(linear);
      const curvature = probability * complement;
      h11 += score * score * curvature;
      h22 += curvature;
      h21 += score * curvature;
      const residual = (targets[row] as number) - probability;
      g1 += score * residual;
      g2 += residual;
    }
    if (Math.abs(g1) < gradientTolerance && Math.abs(g2) < gradientTolerance) break;

    const determinant = h11 * h22 - h21 * h21;
    const deltaA = -(h22 * g1 - h21 * g2) / determinant;
    const deltaB = -(-h21 * g1 + h11 * g2) / determinant;
    const directional = g1 * deltaA + g2 * deltaB;
    let stepSize = 1;
    while (stepSize >= MIN_STEP) {
      const candidateA = a + stepSize * deltaA;
      const candidateB = b + stepSize * deltaB;
      const candidateObjective = objective(candidateA, candidateB);
      if (candidateObjective < currentObjective + 1e-4 * stepSize * directional) {
        a = candidateA;
        b = candidateB;
        currentObjective = candidateObjective;
        break;
      }
      stepSize /= 2;
    }
    // Line search failed: we are at the float64 floor of the objective; the paper stops here too.
    if (stepSize < MIN_STEP) break;
  }
  // `0 − x` rather than `−x` so a zero parameter stays +0 (JSON and equality friendly).
  return { slope: 0 - a, intercept: 0 - b };
}

/**
 * Calibrated probability 1 / (1 + exp(−(slope·score + intercept))) — see {@link PlattModel} for the sign convention.
 *
 * @throws InvalidInputError when the score is not finite.
 */
export function applyPlatt(model: PlattModel, score: number): number {
  if (!Number.isFinite(score)) throw new InvalidInputError(`score is not finite: ${score}`);
  return sigmoid(model.slope * score + model.intercept);
}
