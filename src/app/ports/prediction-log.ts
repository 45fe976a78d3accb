import type { Outcome, PredictionRecord } from '../records/prediction-record.ts';

export type RecordOutcomeResult =
  | { readonly status: 'recorded'; readonly prediction: PredictionRecord }
  | { readonly status: 'duplicate'; readonly prediction: PredictionRecord };

export interface RecordOutcomeOptions {
  /**
   * Let the answered prediction expire at this instant instead of at its TTL (the embedded
   * simulation's answered predictions are kept only briefly; their evidence lives on in the
   * learning state). Absent: the prediction keeps its TTL.
   */
  readonly keepUntilMs?: number;
}

/** The forecasts a cluster was issued, each joined with its outcome once the job starts. */
export interface PredictionLog {
  /**
   * Stores a prediction with one conditional write. A second prediction for the same job id is
   * refused with DuplicateError; InvalidInputError for an unsafe id or field.
   */
  record(prediction: PredictionRecord): Promise<void>;
  /**
   * Attaches `outcome` to the job's prediction once and queues it for the learning state (a
   * PendingOutcome). A repeated or concurrent duplicate returns `duplicate`, never stores twice,
   * and re-queues the outcome only while it has not been folded — so an outcome whose queueing
   * failed is completed by its retry. Unknown job → UnknownJobError.
   */
  recordOutcome(
    clusterId: string,
    jobId: string,
    outcome: Outcome,
    options?: RecordOutcomeOptions,
  ): Promise<RecordOutcomeResult>;
  /** The job's prediction, or undefined. */
  find(clusterId: string, jobId: string): Promise<PredictionRecord | undefined>;
  /** The most recent predictions by prediction time, newest first, at most `limit` (only those with outcomes when `withOutcome`). */
  recent(
    clusterId: string,
    options: { readonly limit: number; readonly withOutcome?: boolean },
  ): Promise<PredictionRecord[]>;
}
