/** Valid records for storage tests; each builder takes overrides. */
import type { CalibrationRecord } from '../../src/app/records/calibration-record.ts';
import type { ClusterProfile } from '../../src/app/records/cluster-profile.ts';
import type { Outcome, PredictionRecord } from '../../src/app/records/prediction-record.ts';
import type { LearningRecord } from '../../src/app/records/learning-record.ts';
import { calibrationOf } from '../../src/app/learning/calibration-of.ts';
import { DEFAULT_LEARNING_SETTINGS } from '../../src/app/learning/learning-deps.ts';
import { initialLearningRecord } from '../../src/app/learning/register-cluster.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import { DEFAULT_LEARNING_POLICY } from '../../src/core/learning/learning-policy.ts';
import type { ModelBundle } from '../../src/core/model/bundle.ts';

/** 2025-01-01T00:00:00.000Z in epoch ms (= 1,735,689,600 s). */
export const JAN_1_2025_MS = 1_735_689_600_000;

export function samplePrediction(
  overrides: Partial<PredictionRecord> & Pick<PredictionRecord, 'clusterId' | 'jobId'>,
): PredictionRecord {
  return {
    predictedAtMs: JAN_1_2025_MS,
    features: { pendingJobs: 12, pendingGpus: 48, utilisation: 0.78, partition: 'gpu-a100' },
    unknownFeatures: [],
    rawScore: -0.4,
    classifierProbability: 0.38,
    probability: 0.4,
    waitEstimate: { pointSeconds: 1500, lowerSeconds: 720, upperSeconds: 2460, coverage: 0.8 },
    scope: 'learning',
    tier: null,
    bundleVersion: 1,
    epoch: 1,
    calibrationVersion: 1,
    ...overrides,
  };
}

export function sampleOutcome(overrides: Partial<Outcome> = {}): Outcome {
  return { waitSeconds: 1800, longWait: true, observedAtMs: JAN_1_2025_MS + 1_800_000, ...overrides };
}

/** A cluster's learning record right after onboarding (threshold 3600 s), with overrides. */
export function sampleLearningRecord(
  overrides: Partial<LearningRecord> & Pick<LearningRecord, 'clusterId'>,
): LearningRecord {
  return {
    ...initialLearningRecord(
      overrides.clusterId,
      3600,
      { gate: DEFAULT_GATE_CONFIG, policy: DEFAULT_LEARNING_POLICY, settings: DEFAULT_LEARNING_SETTINGS },
      JAN_1_2025_MS,
    ),
    ...overrides,
  };
}

/** The calibration summary of a learning record. */
export function sampleCalibration(
  overrides: Partial<LearningRecord> & Pick<LearningRecord, 'clusterId'>,
): CalibrationRecord {
  return calibrationOf(sampleLearningRecord(overrides));
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
