import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { ClusterProfile } from '../records/cluster-profile.ts';
import type { ConformalRecord } from '../records/conformal-record.ts';
import type { Outcome, PredictionRecord } from '../records/prediction-record.ts';
import type { ConditionalWriteResult } from './conditional-write.ts';

export type RecordOutcomeResult =
  | { readonly status: 'recorded'; readonly prediction: PredictionRecord; readonly outcomeCount: number }
  | { readonly status: 'duplicate'; readonly prediction: PredictionRecord };

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
  /** The cluster's online wait-interval state (`SK = CONFORMAL`); undefined before its first outcome. (Issue 7.) */
  getConformal(clusterId: string): Promise<ConformalRecord | undefined>;
  /** Writes when the stored `version` equals `expectedVersion` (undefined: item must not exist). (Issue 7.) */
  putConformal(record: ConformalRecord, expectedVersion: number | undefined): Promise<ConditionalWriteResult>;
}
