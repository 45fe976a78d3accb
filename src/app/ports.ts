/**
 * Ports: the narrow interfaces through which use cases reach the outside world.
 * Adapters implement them (DynamoDB, S3, Slack, Bedrock, collectors); entries wire them.
 */
import type { ActionScope, CalibrationState, DriftStatus, Tier } from '../core/gating/gate-config.ts';
import type { ModelBundle } from '../core/model/bundle.ts';

/** Wait estimate attached to a prediction. */
export interface WaitEstimate {
  readonly pointSeconds: number;
  readonly lowerSeconds: number;
  readonly upperSeconds: number;
  /** Nominal coverage of [lower, upper], e.g. 0.8. */
  readonly coverage: number;
}

export interface Outcome {
  readonly waitSeconds: number;
  readonly longWait: boolean;
  readonly observedAtMs: number;
}

/** One scored job, stored as `PREDICTION#{iso-ts}#{jobId}`. */
export interface PredictionRecord {
  readonly clusterId: string;
  readonly jobId: string;
  readonly predictedAtMs: number;
  readonly features: Readonly<Record<string, number | string>>;
  readonly probability: number;
  readonly waitEstimate: WaitEstimate | null;
  readonly scope: ActionScope;
  readonly tier: Tier | null;
  readonly bundleVersion: number;
  readonly outcome?: Outcome;
}

/** The cluster's calibration item (`SK = CALIBRATION`). `version` is the optimistic-concurrency counter. */
export interface CalibrationRecord {
  readonly clusterId: string;
  readonly ece: number | null;
  readonly eceLower: number | null;
  readonly eceUpper: number | null;
  readonly auroc: number | null;
  readonly brier: number | null;
  readonly lastKnownGoodEce: number;
  readonly score: number | null;
  /** Outcomes in the window the metrics were computed on. */
  readonly sampleCount: number;
  /** All outcomes ever recorded for this cluster (atomic counter). */
  readonly outcomeCount: number;
  /** `outcomeCount` when calibration was last recomputed. */
  readonly outcomesAtLastRecompute: number;
  readonly state: CalibrationState;
  readonly scope: ActionScope;
  readonly driftStatus: DriftStatus;
  readonly qualifiedTiers: readonly Tier[];
  readonly activeBundleVersion: number;
  readonly recalibrations: number;
  readonly retrains: number;
  readonly version: number;
  readonly updatedAtMs: number;
}

/** The cluster's profile item (`SK = PROFILE`). */
export interface ClusterProfile {
  readonly clusterId: string;
  readonly platform: 'slurm' | 'kubernetes' | 'batch' | 'swf' | 'other';
  readonly queueDepthMean: number;
  readonly queueDepthMax: number;
  readonly utilisationMean: number;
  readonly typicalWaitSeconds: number | null;
  readonly longWaitThresholdSeconds: number | null;
  /** Hours of day (0–23, UTC) with the most submissions, busiest first. */
  readonly peakHoursUtc: readonly number[];
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export type RecordOutcomeResult =
  | { readonly status: 'recorded'; readonly prediction: PredictionRecord; readonly outcomeCount: number }
  | { readonly status: 'duplicate'; readonly prediction: PredictionRecord };

export type ConditionalWriteResult = { readonly status: 'written' } | { readonly status: 'conflict' };

/** Everything about clusters that lives in the single DynamoDB table. */
export interface ClusterStore {
  getCalibration(clusterId: string): Promise<CalibrationRecord | undefined>;
  /** Writes when the stored `version` equals `expectedVersion` (undefined: item must not exist). */
  putCalibration(record: CalibrationRecord, expectedVersion: number | undefined): Promise<ConditionalWriteResult>;
  getProfile(clusterId: string): Promise<ClusterProfile | undefined>;
  putProfile(profile: ClusterProfile): Promise<void>;
  /** Stores a prediction; a second prediction for the same job id is refused with a clear error. */
  recordPrediction(prediction: PredictionRecord): Promise<void>;
  /** Idempotent by job id: a repeated or concurrent duplicate returns `duplicate` and never counts twice. Unknown job → `UnknownJobError`. */
  recordOutcome(clusterId: string, jobId: string, outcome: Outcome): Promise<RecordOutcomeResult>;
  /** The most recent predictions that have outcomes, newest first, at most `limit` (paginates internally). */
  recentOutcomes(clusterId: string, limit: number): Promise<PredictionRecord[]>;
  /** The most recent predictions (with or without outcomes), newest first. */
  recentPredictions(clusterId: string, limit: number): Promise<PredictionRecord[]>;
  /** Every known cluster id (through the listing index; paginates internally). */
  listClusters(): Promise<string[]>;
}

/** Immutable, versioned model bundles in S3: `clusters/{id}/calibrators/{version}.json`. */
export interface BundleStore {
  /** Writes a new version; refuses to overwrite an existing one. */
  putBundle(clusterId: string, version: number, bundle: ModelBundle): Promise<void>;
  /** Loads and validates; missing → `undefined`. */
  getBundle(clusterId: string, version: number): Promise<ModelBundle | undefined>;
  listVersions(clusterId: string): Promise<number[]>;
}
