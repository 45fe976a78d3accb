import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { auprc, averagePrecisionFromGroups } from './auprc.ts';

/** Reference: at each distinct threshold t (descending), precision and recall of "flag p ≥ t". O(n²). */
function bruteForceAveragePrecision(probabilities: number[], labels: number[]): number {
  const positives = labels.filter((label) => label === 1).length;
  const thresholds = [...new Set(probabilities)].sort((a, b) => b - a);
  let previousRecall = 0;
  let area = 0;
  for (const threshold of thresholds) {
    const flagged = probabilities.map((p, i) => ({ p, label: labels[i] })).filter((row) => row.p >= threshold);
    const truePositives = flagged.filter((row) => row.label === 1).length;
    const recall = truePositives / positives;
    area += (recall - previousRecall) * (truePositives / flagged.length);
    previousRecall = recall;
  }
  return area;
}

describe('auprc', () => {
  it('auprc scores a hand-worked case with a tie as 29/36', () => {
    // 3 positives. Thresholds from the top:
    //   0.9: TP 1 of 1 flagged, precision 1,   recall +1/3 → 1/3
    //   0.8 (two rows, one positive): TP 2 of 3, precision 2/3, recall +1/3 → 2/9
    //   0.6: TP 3 of 4, precision 3/4, recall +1/3 → 1/4
    //   0.3, 0.1: no recall gained.
    // AP = 1/3 + 2/9 + 1/4 = 29/36.
    // sklearn.metrics.average_precision_score([1,0,1,1,0,0], [0.9,0.8,0.8,0.6,0.3,0.1]) = 0.8055555555555556
    const probabilities = [0.9, 0.8, 0.8, 0.6, 0.3, 0.1];
    const labels = [1, 0, 1, 1, 0, 0];

    const averagePrecision = auprc(probabilities, labels);

    expect(averagePrecision).toBeCloseTo(29 / 36, 12);
  });

  it('auprc is 1 for any perfect ranking (property)', () => {
    const sample = fc.record({
      positives: fc.integer({ min: 1, max: 30 }),
      negatives: fc.integer({ min: 0, max: 30 }),
      seedScores: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 60, maxLength: 60 }),
    });

    fc.assert(
      fc.property(sample, ({ positives, negatives, seedScores }) => {
        // Negatives score in [0, 0.5), positives in (0.5, 1]: every positive ranks above every negative.
        const probabilities = [
          ...seedScores.slice(0, negatives).map((score) => score * 0.49),
          ...seedScores.slice(30, 30 + positives).map((score) => 0.51 + score * 0.49),
        ];
        const labels = [...Array<number>(negatives).fill(0), ...Array<number>(positives).fill(1)];

        const averagePrecision = auprc(probabilities, labels);

        expect(averagePrecision).toBeCloseTo(1, 12);
      }),
    );
  });

  it('auprc matches the threshold-by-threshold definition on random samples with ties (property)', () => {
    const row = fc.record({ probability: fc.constantFrom(0, 0.1, 0.2, 0.5, 0.7, 1), label: fc.constantFrom(0, 1) });
    const sample = fc.array(row, { minLength: 1, maxLength: 80 }).filter((rows) => rows.some((r) => r.label === 1));

    fc.assert(
      fc.property(sample, (rows) => {
        const probabilities = rows.map((r) => r.probability);
        const labels = rows.map((r) => r.label);

        const averagePrecision = auprc(probabilities, labels);

        expect(averagePrecision).toBeCloseTo(bruteForceAveragePrecision(probabilities, labels), 12);
      }),
    );
  });

  it('auprc of a constant forecast is the positive rate', () => {
    // One threshold: everything flagged, precision 2/5, recall 1 → AP = 2/5.
    const averagePrecision = auprc([0.3, 0.3, 0.3, 0.3, 0.3], [1, 0, 0, 1, 0]);

    expect(averagePrecision).toBeCloseTo(0.4, 12);
  });

  it('auprc throws InsufficientDataError without positives and InvalidInputError on bad input', () => {
    const noPositive = () => auprc([0.2, 0.9], [0, 0]);
    const outOfRange = () => auprc([0.2, 1.2], [0, 1]);

    expect(noPositive).toThrow(InsufficientDataError);
    expect(outOfRange).toThrow(InvalidInputError);
  });

  it('averagePrecisionFromGroups ignores groups a resample did not draw', () => {
    // Groups 0.2 (2 rows, 1 positive), 0.5 (not drawn), 0.9 (1 row, positive): 2 positives.
    // 0.9 → precision 1, recall +1/2; 0.2 → TP 2 of 3, recall +1/2 → AP = 1/2 + 1/3 = 5/6.
    const groups = {
      probabilities: new Float64Array([0.2, 0.5, 0.9]),
      counts: new Float64Array([2, 0, 1]),
      positives: new Float64Array([1, 0, 1]),
      total: 3,
      totalPositives: 2,
    };

    const averagePrecision = averagePrecisionFromGroups(groups);

    expect(averagePrecision).toBeCloseTo(5 / 6, 12);
  });
});
