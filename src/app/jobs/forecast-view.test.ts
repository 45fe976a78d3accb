import { describe, expect, it } from 'vitest';
import { samplePrediction } from '../../../test/support/storage-fixtures.ts';
import { forecastViewOf, moveBasisSeconds } from './forecast-view.ts';

describe('forecastViewOf', () => {
  it('forecastViewOf_withADistribution_readsItsMedian_andMovesAreJudgedOnIt', () => {
    // Levels 0.05 … 0.95 (WAIT_QUANTILE_LEVELS); index 6 is the 0.5 level: 700 s.
    const quantilesSeconds = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300];
    const prediction = samplePrediction({
      clusterId: 'c',
      jobId: '1',
      predictedAtMs: 1_000_000,
      waitEstimate: { pointSeconds: 650, lowerSeconds: 200, upperSeconds: 1200, coverage: 0.8 },
      waitDistribution: { tercile: 1, queueDepth: 3, quantilesSeconds },
    });

    const view = forecastViewOf(prediction, 2_000_000);

    expect(view.medianSeconds).toBe(700);
    // 2,000,000 ms + 650 s.
    expect(view.expectedStartMs).toBe(2_650_000);
    expect(view.issuedAtMs).toBe(1_000_000);
    expect(moveBasisSeconds(view)).toBe(700);
  });

  it('forecastViewOf_withoutADistribution_judgesMovesOnTheEstimate_orNothing', () => {
    const estimated = forecastViewOf(
      samplePrediction({
        clusterId: 'c',
        jobId: '2',
        waitEstimate: { pointSeconds: 650, lowerSeconds: 200, upperSeconds: 1200, coverage: 0.8 },
      }),
      0,
    );
    const none = forecastViewOf(samplePrediction({ clusterId: 'c', jobId: '3', waitEstimate: null }), 0);

    expect(estimated.medianSeconds).toBeNull();
    expect(moveBasisSeconds(estimated)).toBe(650);
    expect(none.expectedStartMs).toBeNull();
    expect(moveBasisSeconds(none)).toBeNull();
  });
});
