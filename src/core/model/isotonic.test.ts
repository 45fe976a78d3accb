import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import { applyIsotonic, fitIsotonic } from './isotonic.ts';

interface Point {
  score: number;
  label: number;
  weight: number;
}

/**
 * Independent reference: the isotonic fit at the i-th distinct score is the min–max formula
 * max_{j ≤ i} min_{k ≥ i} (weighted mean of labels at distinct scores j..k) — Barlow et al. (1972),
 * Theorem 1.4. O(m³), fine for small m. Returns the fitted value per distinct score.
 */
function minMaxIsotonic(points: readonly Point[]): Map<number, number> {
  const byScore = new Map<number, { weight: number; sum: number }>();
  for (const { score, label, weight } of points) {
    if (weight === 0) continue;
    const entry = byScore.get(score) ?? { weight: 0, sum: 0 };
    entry.weight += weight;
    entry.sum += weight * label;
    byScore.set(score, entry);
  }
  const scores = [...byScore.keys()].sort((left, right) => left - right);
  const fitted = new Map<number, number>();
  scores.forEach((score, i) => {
    let best = Number.NEGATIVE_INFINITY;
    for (let j = 0; j <= i; j += 1) {
      let worst = Number.POSITIVE_INFINITY;
      for (let k = i; k < scores.length; k += 1) {
        let weight = 0;
        let sum = 0;
        for (let index = j; index <= k; index += 1) {
          const entry = byScore.get(scores[index] as number) as { weight: number; sum: number };
          weight += entry.weight;
          sum += entry.sum;
        }
        worst = Math.min(worst, sum / weight);
      }
      best = Math.max(best, worst);
    }
    fitted.set(score, best);
  });
  return fitted;
}

const pointsArbitrary = fc
  .array(
    fc.record({
      score: fc.integer({ min: -6, max: 6 }).map((value) => value / 2), // few distinct values → ties
      label: fc.constantFrom(0, 1),
      weight: fc.constantFrom(0, 0.5, 1, 2, 3),
    }),
    { minLength: 1, maxLength: 30 },
  )
  .filter((points) => points.some((point) => point.weight > 0));

function fitPoints(points: readonly Point[]) {
  return fitIsotonic(
    points.map((point) => point.score),
    points.map((point) => point.label),
    points.map((point) => point.weight),
  );
}

describe('fitIsotonic', () => {
  it('fitIsotonic pools a hand-worked weighted example like sklearn', () => {
    // Sorted distinct scores (label, weight), ties merged first:
    //   0.1 (0, 1) · 0.2 (0, 1) · 0.3 (1, 0.5) · 0.4 (1/3, 3) · 0.5 (0, 1) · 0.6 (1, 1) · 0.7 (0.5, 2) · 0.8 (0, 1) · 0.9 (1, 1) · 1.0 (1, 2)
    // PAV: {0.1, 0.2} = 0 (tie pooled) · 0.3 + 0.4 = 1.5/3.5, + 0.5 → {0.3..0.5} = 1.5/4.5 = 1/3
    //      0.6 + 0.7 = 2/3, + 0.8 → {0.6..0.8} = 2/4 = 0.5 · {0.9, 1.0} = 1 (tie pooled)
    // Block ends kept as breakpoints. Same as /usr/bin/python3, sklearn 1.2.1:
    // IsotonicRegression(out_of_bounds='clip').fit(x, y, sample_weight=w) → X_thresholds_ [0.1, 0.2, 0.3, 0.5, 0.6, 0.8, 0.9, 1.0],
    // y_thresholds_ [0, 0, 1/3, 1/3, 0.5, 0.5, 1, 1]
    const scores = [0.1, 0.4, 0.4, 0.2, 0.9, 0.7, 0.7, 0.3, 1.0, 0.8, 0.5, 0.6];
    const labels = [0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1];
    const weights = [1, 1, 2, 1, 1, 1, 1, 0.5, 2, 1, 1, 1];

    const model = fitIsotonic(scores, labels, weights);

    expect(model.thresholds).toEqual([0.1, 0.2, 0.3, 0.5, 0.6, 0.8, 0.9, 1.0]);
    expect(model.values).toEqual([0, 0, 1 / 3, 1 / 3, 0.5, 0.5, 1, 1]);
  });

  it('fitIsotonic agrees with sklearn predictions between and beyond breakpoints', () => {
    // Same fit; sklearn .predict([0.05, 0.25, 0.45, 0.65, 0.75, 0.95, 1.2]) → [0, 1/6, 1/3, 0.5, 0.5, 1, 1]
    const model = fitIsotonic(
      [0.1, 0.4, 0.4, 0.2, 0.9, 0.7, 0.7, 0.3, 1.0, 0.8, 0.5, 0.6],
      [0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1],
      [1, 1, 2, 1, 1, 1, 1, 0.5, 2, 1, 1, 1],
    );

    const predictions = [0.05, 0.25, 0.45, 0.65, 0.75, 0.95, 1.2].map((score) => applyIsotonic(model, score));

    [0, 1 / 6, 1 / 3, 0.5, 0.5, 1, 1].forEach((expected, index) =>
      expect(predictions[index]).toBeCloseTo(expected, 12),
    );
  });

  it('fitIsotonic equals the min–max formula at every training point', () => {
    fc.assert(
      fc.property(pointsArbitrary, (points) => {
        const reference = minMaxIsotonic(points);

        const model = fitPoints(points);

        for (const [score, expected] of reference) expect(applyIsotonic(model, score)).toBeCloseTo(expected, 10);
      }),
    );
  });

  it('fitIsotonic is monotone with strictly increasing thresholds', () => {
    fc.assert(
      fc.property(
        pointsArbitrary,
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 2, maxLength: 20 }),
        (points, probes) => {
          const model = fitPoints(points);

          const sortedProbes = [...probes].sort((left, right) => left - right);
          const outputs = sortedProbes.map((probe) => applyIsotonic(model, probe));
          for (let index = 1; index < outputs.length; index += 1)
            expect(outputs[index]).toBeGreaterThanOrEqual((outputs[index - 1] as number) - 1e-12);
          for (let index = 1; index < model.thresholds.length; index += 1) {
            expect(model.thresholds[index]).toBeGreaterThan(model.thresholds[index - 1] as number);
            expect(model.values[index]).toBeGreaterThanOrEqual(model.values[index - 1] as number);
          }
        },
      ),
    );
  });

  it('fitIsotonic gives each pooled block the weighted mean of its labels', () => {
    fc.assert(
      fc.property(pointsArbitrary, (points) => {
        const model = fitPoints(points);

        // Group the positively weighted training points by their fitted value (distinct blocks have distinct values).
        const groups = new Map<number, { weight: number; sum: number }>();
        for (const { score, label, weight } of points) {
          if (weight === 0) continue;
          const value = applyIsotonic(model, score);
          const group = groups.get(value) ?? { weight: 0, sum: 0 };
          group.weight += weight;
          group.sum += weight * label;
          groups.set(value, group);
        }
        for (const [value, group] of groups) expect(group.sum / group.weight).toBeCloseTo(value, 10);
      }),
    );
  });

  it('fitIsotonic returns the labels unchanged when they already increase with score', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: -100, max: 100, noNaN: true }), {
          minLength: 1,
          maxLength: 30,
          comparator: (left, right) => left === right,
        }),
        fc.array(fc.constantFrom(0, 0.25, 0.5, 1), { minLength: 30, maxLength: 30 }),
        (rawScores, rawLabels) => {
          const scores = [...rawScores].sort((left, right) => left - right);
          const labels = rawLabels.slice(0, scores.length).sort((left, right) => left - right); // non-decreasing, with ties

          const model = fitIsotonic(scores, labels);

          expect(scores.map((score) => applyIsotonic(model, score))).toEqual(labels);
        },
      ),
    );
  });

  it('fitIsotonic keeps both ends of a block and merges equal scores', () => {
    // Scores 1, 1, 2 with labels 1, 0, 0: point 1 = 0.5 (weight 2), point 2 = 0 → pooled to 1/3 over [1, 2].

    const model = fitIsotonic([1, 1, 2], [1, 0, 0]);

    expect(model).toEqual({ thresholds: [1, 2], values: [1 / 3, 1 / 3] });
  });

  it('fitIsotonic drops zero-weight rows and treats −0 and +0 as one score', () => {
    // The zero-weight row at 5 would otherwise add a breakpoint.

    const model = fitIsotonic([-0, 0, 5], [0, 1, 1], [1, 1, 0]);

    expect(model.thresholds).toEqual([0]);
    expect(model.values).toEqual([0.5]);
  });

  it('fitIsotonic fits a million rows', () => {
    const random = seededRandom(42);
    const rowCount = 1_000_000;
    const scores = new Float64Array(rowCount);
    const labels = new Float64Array(rowCount);
    for (let row = 0; row < rowCount; row += 1) {
      const score = random();
      scores[row] = score;
      labels[row] = random() < score ? 1 : 0;
    }

    const model = fitIsotonic(scores, labels);

    // P(y = 1 | s) = s, so the fit should track the identity closely.
    for (const probe of [0.1, 0.3, 0.5, 0.7, 0.9])
      expect(Math.abs(applyIsotonic(model, probe) - probe)).toBeLessThan(0.03);
  });

  it('fitIsotonic rejects malformed input', () => {
    expect(() => fitIsotonic([1, 2], [0])).toThrow(InvalidInputError);
    expect(() => fitIsotonic([1, 2], [0, 1], [1])).toThrow(InvalidInputError);
    expect(() => fitIsotonic([1, Number.NaN], [0, 1])).toThrow(/score 1/);
    expect(() => fitIsotonic([1, 2], [0, Number.POSITIVE_INFINITY])).toThrow(/label 1/);
    expect(() => fitIsotonic([1, 2], [0, 1], [1, -1])).toThrow(/weight 1/);
    expect(() => fitIsotonic([], [])).toThrow(InsufficientDataError);
    expect(() => fitIsotonic([1, 2], [0, 1], [0, 0])).toThrow(InsufficientDataError);
  });
});

describe('applyIsotonic', () => {
  const model = { thresholds: [0, 1, 3], values: [0.1, 0.3, 0.9] };

  it('applyIsotonic returns the breakpoint value at a breakpoint', () => {
    expect(applyIsotonic(model, 1)).toBe(0.3);
  });

  it('applyIsotonic interpolates linearly between breakpoints', () => {
    // Midway between 1 and 3 is the average of 0.3 and 0.9; a quarter of the way from 0 to 1 is 0.1 + 0.25·0.2.

    expect(applyIsotonic(model, 2)).toBeCloseTo(0.6, 15);
    expect(applyIsotonic(model, 0.25)).toBeCloseTo(0.15, 15);
  });

  it('applyIsotonic clips outside the breakpoint range', () => {
    expect(applyIsotonic(model, -10)).toBe(0.1);
    expect(applyIsotonic(model, 3)).toBe(0.9);
    expect(applyIsotonic(model, 1e9)).toBe(0.9);
  });

  it('applyIsotonic with one breakpoint is constant', () => {
    const single = { thresholds: [2], values: [0.4] };

    expect([applyIsotonic(single, -1), applyIsotonic(single, 2), applyIsotonic(single, 5)]).toEqual([0.4, 0.4, 0.4]);
  });

  it('applyIsotonic rejects a non-finite score', () => {
    expect(() => applyIsotonic(model, Number.NaN)).toThrow(InvalidInputError);
  });
});
