/** Valid records for storage tests; each builder takes overrides. */
import type { CalibrationRecord } from '../../src/app/records/calibration-record.ts';
import type { ClusterProfile } from '../../src/app/records/cluster-profile.ts';
import type { Outcome, PredictionRecord } from '../../src/app/records/prediction-record.ts';
import type { ModelBundle } from '../../src/core/model/bundle.ts';

/** 2025-01-01T00:00:00.000Z in epoch ms (= 1,735,689,600 s). */
export const JAN_1_2025_MS = 1_735_689_600_000;

export function samplePrediction(overrides: Partial<PredictionRecord> & Pick<PredictionRecord, 'clusterId' | 'jobId'>): PredictionRecord {
  return {
    predictedAtMs: JAN_1_2025_MS,
    features: { pendingJobs: 12, pendingGpus: 48, utilisation: 0.78, partition: 'gpu-a100' },
    rawScore: -0.4,
    probability: 0.4,
    waitEstimate: { pointSeconds: 1500, lowerSeconds: 720, upperSeconds: 2460, coverage: 0.8 },
    scope: 'learning',
    tier: null,
    bundleVersion: 1,
    ...overrides,
  };
}

export function sampleOutcome(overrides: Partial<Outcome> = {}): Outcome {
  return { waitSeconds: 1800, longWait: true, observedAtMs: JAN_1_2025_MS + 1_800_000, ...overrides };
}

export function sampleCalibration(overrides: Partial<CalibrationRecord> & Pick<CalibrationRecord, 'clusterId'>): CalibrationRecord {
  return {
    ece: 0.021,
    eceLower: 0.012,
    eceUpper: 0.034,
    auroc: 0.81,
    brier: 0.12,
    lastKnownGoodEce: 0.018,
    score: 0.895,
    sampleCount: 200,
    outcomeCount: 0,
    outcomesAtLastRecompute: 0,
    state: 'well_calibrated',
    scope: 'autonomous',
    driftStatus: 'none',
    qualifiedTiers: ['annotate', 'warn', 'suggest_reschedule'],
    activeBundleVersion: 1,
    latestBundleVersion: 1,
    outcomesAtActivation: 0,
    recalibrations: 0,
    retrains: 0,
    version: 1,
    updatedAtMs: JAN_1_2025_MS,
    ...overrides,
  };
}

export function sampleProfile(overrides: Partial<ClusterProfile> & Pick<ClusterProfile, 'clusterId'>): ClusterProfile {
  return {
    platform: 'slurm',
    queueDepthMean: 14.5,
    queueDepthMax: 80,
    utilisationMean: 0.74,
    typicalWaitSeconds: 900,
    longWaitThresholdSeconds: 3600,
    peakHoursUtc: [14, 15, 9],
    createdAtMs: JAN_1_2025_MS,
    updatedAtMs: JAN_1_2025_MS,
    ...overrides,
  };
}

export function sampleBundle(bundleId = 'bundle-test-1'): ModelBundle {
  return {
    schemaVersion: 1,
    bundleId,
    training: { source: 'fixture', dataHash: 'ab'.repeat(32), rows: 1000, positives: 100, labelThresholdSeconds: 3600 },
    numericFeatures: ['pendingJobs', 'utilisation'],
    categoricalFeatures: [{ column: 'partition', categories: ['gpu-a100', 'gpu-h100'] }],
    scaler: { means: [10, 0.5, 0.5, 0.5], scales: [5, 0.2, 0.5, 0.5] },
    classifier: { kind: 'logistic', weights: [0.8, 1.2, 0.1, -0.1], intercept: -2, l2: 1 },
    calibrator: { kind: 'isotonic', thresholds: [-3, 0, 3], values: [0.02, 0.3, 0.9] },
    waitModel: {
      kind: 'score-binned-quantiles',
      coverage: 0.8,
      binUpperEdges: [0.5],
      bins: [
        { lowerSeconds: 10, medianSeconds: 120, upperSeconds: 900, count: 700 },
        { lowerSeconds: 600, medianSeconds: 4000, upperSeconds: 12000, count: 300 },
      ],
    },
    metrics: { ece: 0.02, auroc: 0.8, brier: null },
  };
}
