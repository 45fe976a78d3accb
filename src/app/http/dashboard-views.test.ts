import { describe, expect, it } from 'vitest';
import type { PredictionRecord } from '../records/prediction-record.ts';
import { predictionView } from './dashboard-views.ts';

const QUANTILES = [30, 60, 120, 300, 600, 900, 1200, 2400, 4800, 6000, 9000, 12000, 18000];

function prediction(quantilesSeconds: readonly number[] | null | undefined): PredictionRecord {
  return {
    clusterId: 'c',
    jobId: 'job-1',
    predictedAtMs: 1_000,
    features: {},
    unknownFeatures: [],
    rawScore: 0,
    classifierProbability: 0.4,
    probability: 0.35,
    waitEstimate: { pointSeconds: 1200, lowerSeconds: 60, upperSeconds: 12000, coverage: 0.8 },
    scope: 'learning',
    tier: null,
    bundleVersion: 1,
    epoch: 0,
    calibrationVersion: 1,
    ...(quantilesSeconds === undefined ? {} : { waitDistribution: { tercile: 0, queueDepth: 4, quantilesSeconds } }),
  };
}

describe('predictionView', () => {
  it('predictionView_issuedDistribution_listsItsQuantiles_andPStartWithin1hAnd4h', () => {
    const view = predictionView(prediction(QUANTILES));

    expect(view['wait_quantiles']).toEqual([
      { level: 0.05, seconds: 30 },
      { level: 0.1, seconds: 60 },
      { level: 0.2, seconds: 120 },
      { level: 0.25, seconds: 300 },
      { level: 0.3, seconds: 600 },
      { level: 0.4, seconds: 900 },
      { level: 0.5, seconds: 1200 },
      { level: 0.6, seconds: 2400 },
      { level: 0.7, seconds: 4800 },
      { level: 0.75, seconds: 6000 },
      { level: 0.8, seconds: 9000 },
      { level: 0.9, seconds: 12000 },
      { level: 0.95, seconds: 18000 },
    ]);
    // numpy.interp(numpy.log1p(T), numpy.log1p([0] + QUANTILES), [0] + levels) for T = 3600 and 14400.
    const within = view['p_start_within'] as { seconds: number; probability: number }[];
    expect(within.map((entry) => entry.seconds)).toEqual([3600, 14400]);
    expect(within[0]?.probability).toBeCloseTo(0.6584937950845621, 12);
    expect(within[1]?.probability).toBeCloseTo(0.9224828419166593, 12);
  });

  it('predictionView_noDistributionIssued_orAMalformedOne_givesNullQuantilesAndNoPStartWithin', () => {
    const views = [undefined, null, [1, 2, 3], [...QUANTILES.slice(0, 12), 10]].map((quantiles) =>
      predictionView(prediction(quantiles)),
    );

    for (const view of views) {
      expect(view['wait_quantiles']).toBeNull();
      expect(view['p_start_within']).toBeNull();
    }
  });
});
