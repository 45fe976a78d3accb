import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { seededRandom, type Random } from '../random.ts';
import { fitLogisticRegression, linearScore, sigmoid } from './logistic-regression.ts';

/** Standard normal draw by Box–Muller. */
function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** The textbook logistic, written independently of the code under test. */
function logistic(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function syntheticData(
  seed: number,
  rowCount: number,
  trueWeights: number[],
  trueIntercept: number,
): { rows: number[][]; labels: number[] } {
  const random = seededRandom(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let index = 0; index < rowCount; index += 1) {
    const row = trueWeights.map(() => normal(random));
    const score = row.reduce((sum, value, column) => sum + value * (trueWeights[column] as number), trueIntercept);
    rows.push(row);
    labels.push(random() < logistic(score) ? 1 : 0);
  }
  return { rows, labels };
}

/** Gradient of Σ sᵢ·logloss + (l2/2)‖w‖² at (weights, intercept): [Xᵀ S (p − y) + l2·w, Σ sᵢ(pᵢ − yᵢ)]. */
function objectiveGradient(
  rows: number[][],
  labels: number[],
  weights: number[],
  intercept: number,
  l2: number,
  sampleWeights?: number[],
): number[] {
  const gradient = [...weights.map((weight) => l2 * weight), 0];
  rows.forEach((row, index) => {
    const score = row.reduce((sum, value, column) => sum + value * (weights[column] as number), intercept);
    const residual = (sampleWeights?.[index] ?? 1) * (logistic(score) - (labels[index] as number));
    row.forEach((value, column) => {
      gradient[column] = (gradient[column] as number) + residual * value;
    });
    gradient[row.length] = (gradient[row.length] as number) + residual;
  });
  return gradient;
}

const smallRows = [
  [0.5, 1.0],
  [1.5, -0.5],
  [-1.0, 2.0],
  [2.0, 0.0],
  [0.0, 0.0],
  [-0.5, -1.5],
  [1.0, 1.0],
  [3.0, -1.0],
  [-2.0, 0.5],
  [0.3, 0.7],
  [1.2, -2.0],
  [-1.5, -0.3],
];
const smallLabels = [1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0];

describe('fitLogisticRegression', () => {
  it('fitLogisticRegression recovers known coefficients from 20,000 synthetic rows', () => {
    const trueWeights = [1.5, -2, 0.5];
    const { rows, labels } = syntheticData(20_250_101, 20_000, trueWeights, -0.3);

    const fit = fitLogisticRegression(rows, labels, { l2: 1e-6 });

    expect(fit.converged).toBe(true);
    fit.weights.forEach((weight, column) =>
      expect(Math.abs(weight - (trueWeights[column] as number))).toBeLessThan(0.1),
    );
    expect(Math.abs(fit.intercept - -0.3)).toBeLessThan(0.1);
  });

  it('fitLogisticRegression satisfies the optimality condition Xᵀ(p − y) + l2·w = 0 at its solution', () => {
    const { rows, labels } = syntheticData(7, 5_000, [0.8, -1.2, 0.1, 0], 0.4);

    const fit = fitLogisticRegression(rows, labels, { l2: 3 });

    const gradient = objectiveGradient(rows, labels, fit.weights, fit.intercept, 3);
    for (const component of gradient) expect(Math.abs(component)).toBeLessThan(1e-6);
  });

  it('fitLogisticRegression matches sklearn LogisticRegression(C=1) on a fixed dataset', () => {
    // /usr/bin/python3, sklearn 1.2.1:
    // LogisticRegression(C=1.0, solver='newton-cholesky', tol=1e-12, max_iter=1000).fit(smallRows, smallLabels)
    // → coef_ [[1.5148434536834663, 0.17520515897219446]], intercept_ [0.00172728162784615]

    const fit = fitLogisticRegression(smallRows, smallLabels);

    expect(fit.weights[0]).toBeCloseTo(1.5148434536834663, 8);
    expect(fit.weights[1]).toBeCloseTo(0.17520515897219446, 8);
    expect(fit.intercept).toBeCloseTo(0.00172728162784615, 8);
  });

  it('fitLogisticRegression matches sklearn with sample weights', () => {
    // Same call with .fit(smallRows, smallLabels, sample_weight=[1, 2, 0.5, 1, 3, 1, 1, 0.25, 2, 1, 1, 1.5])
    // → coef_ [[1.6667859869459973, 0.2554747511209074]], intercept_ [-0.4416765671841468]
    const sampleWeights = [1, 2, 0.5, 1, 3, 1, 1, 0.25, 2, 1, 1, 1.5];

    const fit = fitLogisticRegression(smallRows, smallLabels, { sampleWeights });

    expect(fit.weights[0]).toBeCloseTo(1.6667859869459973, 8);
    expect(fit.weights[1]).toBeCloseTo(0.2554747511209074, 8);
    expect(fit.intercept).toBeCloseTo(-0.4416765671841468, 8);
  });

  it('fitLogisticRegression gives the saturated-model log-odds on a one-binary-feature case', () => {
    // x = 0: 1 positive of 4 → b = logit(1/4) = −ln 3. x = 1: 3 of 4 → b + w = logit(3/4) = ln 3, so w = 2·ln 3.
    const rows = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const labels = [1, 0, 0, 0, 1, 1, 1, 0];

    const fit = fitLogisticRegression(rows, labels, { l2: 0 });

    expect(fit.intercept).toBeCloseTo(-Math.log(3), 9);
    expect(fit.weights[0]).toBeCloseTo(2 * Math.log(3), 9);
  });

  it('fitLogisticRegression with no features returns the log-odds of the base rate without a step', () => {
    const rows = Array.from({ length: 10 }, () => []);
    const labels = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0];

    const fit = fitLogisticRegression(rows, labels);

    expect(fit).toEqual({
      weights: [],
      intercept: expect.closeTo(Math.log(3 / 7), 12) as number,
      iterations: 0,
      converged: true,
    });
  });

  it('fitLogisticRegression handles a singular Hessian (all-zero column, no penalty) and leaves that weight at 0', () => {
    const withZeroColumn = smallRows.map((row) => [row[0] as number, 0, row[1] as number]);

    const fit = fitLogisticRegression(withZeroColumn, smallLabels, { l2: 0 });
    const reference = fitLogisticRegression(smallRows, smallLabels, { l2: 0 });

    expect(fit.converged).toBe(true);
    expect(fit.weights[1]).toBe(0);
    expect(fit.weights[0]).toBeCloseTo(reference.weights[0] as number, 8);
    expect(fit.weights[2]).toBeCloseTo(reference.weights[1] as number, 8);
    expect(fit.intercept).toBeCloseTo(reference.intercept, 8);
  });

  it('fitLogisticRegression with tolerance 0 stops at the float64 floor and reports convergence', () => {
    const fit = fitLogisticRegression(smallRows, smallLabels, { tolerance: 0 });

    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeLessThan(100);
    expect(fit.weights[0]).toBeCloseTo(1.5148434536834663, 10);
  });

  it('fitLogisticRegression reports non-convergence when the iteration cap is hit', () => {
    const fit = fitLogisticRegression(smallRows, smallLabels, { maxIterations: 1 });

    expect(fit.iterations).toBe(1);
    expect(fit.converged).toBe(false);
  });

  it('fitLogisticRegression reaches the unpenalised optimum on nearly separable data', () => {
    // One overlap pair (0.2 → 0, −0.2 → 1) keeps the MLE finite (w ≈ 3.15); the weight must grow over
    // several Newton steps and still satisfy the optimality condition at the end.
    const rows = [[-3], [-2], [-1], [-0.5], [0.5], [1], [2], [3], [0.2], [-0.2]];
    const labels = [0, 0, 0, 0, 1, 1, 1, 1, 0, 1];

    const fit = fitLogisticRegression(rows, labels, { l2: 0 });

    expect(fit.converged).toBe(true);
    for (const component of objectiveGradient(rows, labels, fit.weights, fit.intercept, 0))
      expect(Math.abs(component)).toBeLessThan(1e-8);
  });

  it('fitLogisticRegression is deterministic', () => {
    const { rows, labels } = syntheticData(99, 2_000, [0.3, -0.7], 0.1);

    const first = fitLogisticRegression(rows, labels);
    const second = fitLogisticRegression(rows, labels);

    expect(second).toEqual(first);
  });

  it('fitLogisticRegression throws InsufficientDataError when only one class carries weight', () => {
    expect(() => fitLogisticRegression([[1], [2]], [1, 1])).toThrow(InsufficientDataError);
    expect(() => fitLogisticRegression([[1], [2]], [0, 0])).toThrow(InsufficientDataError);
    expect(() => fitLogisticRegression([], [])).toThrow(InsufficientDataError);
    expect(() => fitLogisticRegression([[1], [2]], [0, 1], { sampleWeights: [0, 1] })).toThrow(InsufficientDataError);
  });

  it('fitLogisticRegression throws InvalidInputError on malformed input or options', () => {
    const rows = [[1], [2]];
    const labels = [0, 1];

    expect(() => fitLogisticRegression([[1, 2], [3]], labels)).toThrow(/row 1 has 1 values/);
    expect(() => fitLogisticRegression([[1], [Number.NaN]], labels)).toThrow(/row 1 column 0/);
    expect(() => fitLogisticRegression(rows, [0])).toThrow(InvalidInputError);
    expect(() => fitLogisticRegression(rows, [0, 2])).toThrow(/label 1 must be 0 or 1/);
    expect(() => fitLogisticRegression(rows, labels, { sampleWeights: [1] })).toThrow(InvalidInputError);
    expect(() => fitLogisticRegression(rows, labels, { sampleWeights: [1, -1] })).toThrow(/sample weight 1/);
    expect(() => fitLogisticRegression(rows, labels, { sampleWeights: [1, Number.NaN] })).toThrow(InvalidInputError);
    expect(() => fitLogisticRegression(rows, labels, { l2: -1 })).toThrow(/l2/);
    expect(() => fitLogisticRegression(rows, labels, { l2: Number.POSITIVE_INFINITY })).toThrow(/l2/);
    expect(() => fitLogisticRegression(rows, labels, { maxIterations: 0 })).toThrow(/maxIterations/);
    expect(() => fitLogisticRegression(rows, labels, { maxIterations: 2.5 })).toThrow(/maxIterations/);
    expect(() => fitLogisticRegression(rows, labels, { tolerance: -1 })).toThrow(/tolerance/);
    expect(() => fitLogisticRegression(rows, labels, { tolerance: Number.NaN })).toThrow(/tolerance/);
  });

  it('fitLogisticRegression leaves its inputs untouched', () => {
    const rows = Object.freeze(smallRows.map((row) => Object.freeze([...row])));
    const labels = Object.freeze([...smallLabels]);

    const fit = fitLogisticRegression(rows, labels);

    expect(fit.weights[0]).toBeCloseTo(1.5148434536834663, 8);
  });
});

describe('linearScore', () => {
  it('linearScore is weights·row + intercept', () => {
    // 2·3 + (−1)·4 + 0.5 = 2.5

    const score = linearScore({ weights: [2, -1], intercept: 0.5 }, [3, 4]);

    expect(score).toBe(2.5);
  });

  it('linearScore rejects a row of the wrong width', () => {
    expect(() => linearScore({ weights: [2, -1], intercept: 0 }, [3])).toThrow(InvalidInputError);
  });
});

describe('sigmoid', () => {
  it('sigmoid is symmetric, monotone and in [0, 1] for any finite z', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (z, other) => {
          const value = sigmoid(z);

          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
          expect(Math.abs(value + sigmoid(-z) - 1)).toBeLessThan(1e-15);
          if (z <= other) expect(value).toBeLessThanOrEqual(sigmoid(other));
        },
      ),
    );
  });

  it('sigmoid keeps relative precision deep in the negative tail and saturates without NaN', () => {
    // For z ≪ 0, σ(z) = e^z / (1 + e^z) ≈ e^z to within a relative e^z.

    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(-700) / Math.exp(-700)).toBeCloseTo(1, 12);
    expect(sigmoid(-1e308)).toBe(0);
    expect(sigmoid(1e308)).toBe(1);
    expect(sigmoid(2)).toBeCloseTo(0.8807970779778823, 15); // 1 / (1 + e^−2)
  });
});
