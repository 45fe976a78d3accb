import { describe, it, expect } from 'vitest';
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import { applyPlatt, fitPlatt } from './platt.ts';

const fixedScores = [-2.0, -1.5, -1.0, -0.5, 0.0, 0.2, 0.5, 0.8, 1.0, 1.5, 2.0, -0.3, 0.4, 1.2];
const fixedLabels = [0, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1];

describe('fitPlatt', () => {
  it('fitPlatt recovers slope 2 and intercept −1 when P(y = 1 | s) = sigmoid(2s − 1)', () => {
    const random = seededRandom(1999);
    const rowCount = 50_000;
    const scores: number[] = [];
    const labels: number[] = [];
    for (let row = 0; row < rowCount; row += 1) {
      const score = 4 * random() - 2;
      scores.push(score);
      labels.push(random() < 1 / (1 + Math.exp(-(2 * score - 1))) ? 1 : 0);
    }

    const model = fitPlatt(scores, labels);

    expect(Math.abs(model.slope - 2)).toBeLessThan(0.1);
    expect(Math.abs(model.intercept - -1)).toBeLessThan(0.1);
  });

  it('fitPlatt matches the minimiser of sklearn’s Platt objective on a fixed dataset', () => {
    // sklearn 1.2.1 sklearn.calibration._sigmoid_calibration(fixedScores, fixedLabels) → a = −1.1602157687, b = 0.2320084487
    // (BFGS, gtol 1e-5). Tighter: scipy.optimize.minimize(objective, [0, log((N₋+1)/(N₊+1))], jac=grad, method='BFGS',
    // options={'gtol': 1e-13}) on the same smoothed-target objective → A = −1.1602156870484002, B = 0.232009509663607.
    // Our convention: slope = −A, intercept = −B.

    const model = fitPlatt(fixedScores, fixedLabels);

    expect(model.slope).toBeCloseTo(1.1602156870484002, 5);
    expect(model.intercept).toBeCloseTo(-0.232009509663607, 5);
  });

  it('fitPlatt with a single class returns slope 0 and the smoothed base rate', () => {
    // Only negatives: every target is t₋ = 1/(N₋ + 2) = 1/7, so the best constant probability is 1/7:
    // intercept = logit(1/7) = −ln 6.

    const model = fitPlatt([0.1, 0.5, 0.9, 1.3, 2.0], [0, 0, 0, 0, 0]);

    expect(model.slope).toBeCloseTo(0, 6);
    expect(model.intercept).toBeCloseTo(-Math.log(6), 6);
  });

  it('fitPlatt stays finite on separable scores', () => {
    const model = fitPlatt([-3, -2, -1, 1, 2, 3], [0, 0, 0, 1, 1, 1]);

    expect(Number.isFinite(model.slope) && Number.isFinite(model.intercept)).toBe(true);
    expect(applyPlatt(model, 3)).toBeGreaterThan(0.75);
    expect(applyPlatt(model, -3)).toBeLessThan(0.25);
  });

  it('fitPlatt with gradient tolerance 0 stops when the line search can no longer decrease the objective', () => {
    const model = fitPlatt(fixedScores, fixedLabels, { gradientTolerance: 0 });

    expect(model.slope).toBeCloseTo(1.1602156870484002, 9);
    expect(model.intercept).toBeCloseTo(-0.232009509663607, 9);
  });

  it('fitPlatt takes exactly one Newton step with maxIterations 1', () => {
    // From A = 0, B = log((N₋+1)/(N₊+1)) = log(7/9): with 7 positives and 7 negatives and Σ scores = 4.2 ≠ 0,
    // one step cannot land on the optimum, so the result differs from the converged fit.

    const oneStep = fitPlatt(fixedScores, fixedLabels, { maxIterations: 1 });

    expect(Math.abs(oneStep.slope - 1.1602156870484002)).toBeGreaterThan(1e-4);
  });

  it('fitPlatt rejects malformed input and options', () => {
    expect(() => fitPlatt([], [])).toThrow(InsufficientDataError);
    expect(() => fitPlatt([1, 2], [0])).toThrow(InvalidInputError);
    expect(() => fitPlatt([1, Number.NaN], [0, 1])).toThrow(/score 1/);
    expect(() => fitPlatt([1, 2], [0, 0.5])).toThrow(/label 1/);
    expect(() => fitPlatt([1, 2], [0, 1], { maxIterations: 0 })).toThrow(/maxIterations/);
    expect(() => fitPlatt([1, 2], [0, 1], { gradientTolerance: -1 })).toThrow(/gradientTolerance/);
    expect(() => fitPlatt([1, 2], [0, 1], { gradientTolerance: Number.NaN })).toThrow(/gradientTolerance/);
  });
});

describe('applyPlatt', () => {
  it('applyPlatt is 1 / (1 + exp(−(slope·score + intercept)))', () => {
    // slope 2, intercept −1: score 0.5 → z = 0 → 0.5; score 1 → z = 1 → 1/(1 + e^−1) = 0.7310585786300049.

    expect(applyPlatt({ slope: 2, intercept: -1 }, 0.5)).toBe(0.5);
    expect(applyPlatt({ slope: 2, intercept: -1 }, 1)).toBeCloseTo(0.7310585786300049, 15);
  });

  it('applyPlatt rejects a non-finite score', () => {
    expect(() => applyPlatt({ slope: 1, intercept: 0 }, Number.POSITIVE_INFINITY)).toThrow(InvalidInputError);
  });
});
