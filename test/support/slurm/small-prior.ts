/** A small hand-written prior bundle over live queue features, for capture tests (long wait = over 5 s). */
import type { ModelBundle } from '../../../src/core/model/bundle.ts';

export const SMALL_PRIOR_THRESHOLD_SECONDS = 5;

export function smallPrior(): ModelBundle {
  return {
    schemaVersion: 1,
    bundleId: 'small-slurm-prior',
    training: {
      source: 'hand-written',
      dataHash: '00'.repeat(32),
      rows: 0,
      positives: 0,
      labelThresholdSeconds: SMALL_PRIOR_THRESHOLD_SECONDS,
    },
    numericFeatures: ['pendingGpusAhead', 'gpusInUse', 'requestedGpus'],
    categoricalFeatures: [],
    scaler: { means: [2, 2, 2], scales: [2, 2, 1] },
    classifier: { kind: 'logistic', weights: [1, 1, 0.5], intercept: -0.5, l2: 1 },
    calibrator: { kind: 'platt', slope: 1, intercept: 0 },
    waitModel: {
      kind: 'score-binned-quantiles',
      coverage: 0.8,
      binUpperEdges: [0.5],
      bins: [
        { lowerSeconds: 0, medianSeconds: 1, upperSeconds: 5, count: 10 },
        { lowerSeconds: 2, medianSeconds: 8, upperSeconds: 30, count: 10 },
      ],
    },
    metrics: {},
  };
}
