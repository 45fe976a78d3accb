import { describe, expect, it } from 'vitest';
import type { PredictionRecord } from '../records/prediction-record.ts';
import { windowMetrics } from './recompute-calibration.ts';

function window(count: number, longWaits: number, probabilityOf: (isLong: boolean) => number = (isLong) => (isLong ? 0.8 : 0.1)): PredictionRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    clusterId: 'c', jobId: `j${index}`, predictedAtMs: index, features: {}, rawScore: 0,
    probability: probabilityOf(index < longWaits), waitEstimate: null, scope: 'learning', tier: null, bundleVersion: 1,
    outcome: { waitSeconds: index < longWaits ? 900 : 30, longWait: index < longWaits, observedAtMs: index },
  }));
}

describe('windowMetrics', () => {
  it('windowMetrics judges nothing below minOutcomes, but counts its long waits', () => {
    const metrics = windowMetrics(window(49, 10), 50, 20, 1, 100);

    expect(metrics).toMatchObject({ count: 49, longWaits: 10, ece: null, auroc: null, brier: null });
  });

  it('windowMetrics measures a window without long waits: ECE real, AUROC undefined', () => {
    const metrics = windowMetrics(window(200, 0), 50, 20, 1, 100);

    // 200 forecasts of 0.1, none came true: every bin has mean p 0.1 and rate 0, so ECE = 0.1.
    expect(metrics.ece).toBeCloseTo(0.1, 12);
    expect(metrics).toMatchObject({ count: 200, longWaits: 0, auroc: null });
    expect(metrics.eceNoiseFloor).not.toBeNull();
  });

  it('windowMetrics measures over-prediction on a window with 1 long wait among 50 (hand-computed ECE)', () => {
    const metrics = windowMetrics(window(50, 1, () => 0.4), 50, 20, 1, 100);

    // Every forecast is 0.4 and one of 50 came true. Whichever of the 15 equal-mass bins (3 or 4
    // rows) holds the long wait, its k rows add k·|0.4 − 1/k| = 0.4k − 1 and the others 0.4 each:
    // ECE = (0.4·50 − 1)/50 = 0.38.
    expect(metrics.ece).toBeCloseTo(0.38, 12);
    expect(metrics.longWaits).toBe(1);
  });

  it('windowMetrics measures a window with 4 long waits, counting them', () => {
    const metrics = windowMetrics(window(200, 4), 50, 20, 1, 100);

    expect(metrics.ece).not.toBeNull();
    expect(metrics).toMatchObject({ count: 200, longWaits: 4, auroc: 1 });
  });

  it('windowMetrics measures a window with 5 long waits (hand-computed ECE)', () => {
    const metrics = windowMetrics(window(100, 5), 50, 20, 1, 100);

    // 5 forecasts of 0.8 that all came true and 95 of 0.1 that never did. Equal-mass bins cut like
    // numpy.array_split (100 = 6·15 + 10: ten bins of 7 rows, then five of 6), sorted ascending:
    // the last bin holds one 0.1 and the five 0.8s: |mean p − rate| = |4.1/6 − 5/6| = 0.15 over 6
    // rows; the other 94 rows are 0.1s with rate 0 (gap 0.1). ECE = (6·0.15 + 94·0.1)/100 = 0.103.
    expect(metrics.ece).toBeCloseTo(0.103, 12);
    expect(metrics.auroc).toBe(1);
    expect(metrics.longWaits).toBe(5);
  });
});
