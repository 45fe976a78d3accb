import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { auroc } from './auroc.ts';

/** Reference: count every (positive, negative) pair, a tie worth one half. O(n²). */
function bruteForceAuroc(probabilities: number[], labels: number[]): number {
  let pairs = 0;
  let won = 0;
  probabilities.forEach((positiveScore, i) => {
    if (labels[i] !== 1) return;
    probabilities.forEach((negativeScore, j) => {
      if (labels[j] !== 0) return;
      pairs += 1;
      if (positiveScore > negativeScore) won += 1;
      else if (positiveScore === negativeScore) won += 0.5;
    });
  });
  return won / pairs;
}

describe('auroc', () => {
  it('auroc scores a hand-worked case with a tie as 0.75', () => {
    // Positives 0.35, 0.8, 0.4; negatives 0.1, 0.4.
    // 0.35 beats 0.1 (1), loses to 0.4 (0); 0.8 beats both (2); 0.4 beats 0.1 (1), ties 0.4 (0.5).
    // (1 + 2 + 1.5) / (3 × 2) = 0.75. sklearn.metrics.roc_auc_score([0,0,1,1,1], [0.1,0.4,0.35,0.8,0.4]) = 0.75
    const probabilities = new Float64Array([0.1, 0.4, 0.35, 0.8, 0.4]);
    const labels = [0, 0, 1, 1, 1];

    const area = auroc(probabilities, labels);

    expect(area).toBeCloseTo(0.75, 12);
  });

  it('auroc is 1 for a perfect ranking, 0 for a reversed one, 0.5 for all-tied scores', () => {
    const labels = [0, 0, 1, 1];

    const perfect = auroc([0.1, 0.2, 0.8, 0.9], labels);
    const reversed = auroc([0.9, 0.8, 0.2, 0.1], labels);
    const tied = auroc([0.4, 0.4, 0.4, 0.4], labels);

    expect(perfect).toBe(1);
    expect(reversed).toBe(0);
    expect(tied).toBe(0.5);
  });

  it('auroc matches brute-force pair counting on random samples with ties (property)', () => {
    const row = fc.record({ probability: fc.constantFrom(0, 0.1, 0.2, 0.5, 0.7, 1), label: fc.constantFrom(0, 1) });
    const sample = fc
      .array(row, { minLength: 2, maxLength: 80 })
      .filter((rows) => rows.some((r) => r.label === 1) && rows.some((r) => r.label === 0));

    fc.assert(
      fc.property(sample, (rows) => {
        const probabilities = rows.map((r) => r.probability);
        const labels = rows.map((r) => r.label);

        const area = auroc(probabilities, labels);

        expect(area).toBeCloseTo(bruteForceAuroc(probabilities, labels), 12);
      }),
    );
  });

  it('auroc throws InsufficientDataError when one class only is present', () => {
    const allPositive = () => auroc([0.2, 0.9], [1, 1]);
    const allNegative = () => auroc([0.2, 0.9], [0, 0]);

    expect(allPositive).toThrow(InsufficientDataError);
    expect(allNegative).toThrow(InsufficientDataError);
  });

  it('auroc throws InvalidInputError on a length mismatch or a non-finite probability', () => {
    const mismatch = () => auroc([0.2, 0.9], [1]);
    const notFinite = () => auroc([0.2, Number.NaN], [1, 0]);

    expect(mismatch).toThrow(InvalidInputError);
    expect(notFinite).toThrow(InvalidInputError);
  });
});
