import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { equalCountRanges, segmentMetrics } from './prequential-metrics.ts';

describe('prequentialMetrics', () => {
  it('equalCountRanges splits 10 into 3,3,2,2', () => {
    expect(equalCountRanges(10, 4)).toEqual([
      [0, 3],
      [3, 6],
      [6, 8],
      [8, 10],
    ]);
  });

  it('segmentMetrics leaves censored jobs out of labels and coverage but counts their widths', () => {
    const rows = [
      { probability: 0.9, longWait: true, waitSeconds: 100, lowerSeconds: 50, upperSeconds: 150 },
      { probability: 0.2, longWait: false, waitSeconds: 10, lowerSeconds: 20, upperSeconds: 40 },
      { probability: 0.1, longWait: false, waitSeconds: 5, lowerSeconds: 0, upperSeconds: 10 },
      { probability: 0.5, longWait: null, waitSeconds: null, lowerSeconds: 0, upperSeconds: 1000 },
    ];

    const metrics = segmentMetrics(rows);

    expect(metrics.labelled).toBe(3);
    expect(metrics.auroc).toBe(1);
    // Brier = ((0.1)² + 0.2² + 0.1²)/3 = 0.02
    expect(metrics.brier).toBeCloseTo(0.02, 12);
    // covered: 100 ∈ [50,150], 10 ∉ [20,40], 5 ∈ [0,10] → 2/3
    expect(metrics.coverage).toBeCloseTo(2 / 3, 12);
    // widths 100, 20, 10, 1000 → median (20 + 100)/2 = 60
    expect(metrics.medianWidthSeconds).toBe(60);
    expect(segmentMetrics([]).ece).toBeNull();
  });

  it("segmentMetrics passes a broken probability on as auroc's InvalidInputError", () => {
    const rows = [
      { probability: 1.5, longWait: true, waitSeconds: 100, lowerSeconds: null, upperSeconds: null },
      { probability: 0.2, longWait: false, waitSeconds: 10, lowerSeconds: null, upperSeconds: null },
    ];

    expect(() => segmentMetrics(rows)).toThrow(InvalidInputError);
  });
});
