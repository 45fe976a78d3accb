import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { LearningRecord } from '../records/learning-record.ts';
import type { PendingOutcome } from '../records/prediction-record.ts';
import type { ConditionalWriteResult } from './conditional-write.ts';

/** A cluster's learning state and the outcomes still to be folded into it. */
export interface LearningStateStore {
  /** The learning record (consistent read), or undefined for an unknown cluster. */
  load(clusterId: string): Promise<LearningRecord | undefined>;
  /** Outcomes recorded and not yet acknowledged, oldest observation first, at most `limit`. */
  pending(clusterId: string, limit: number): Promise<PendingOutcome[]>;
  /**
   * Writes `record` when the stored version equals `expectedVersion` (undefined: none may exist),
   * then `calibration`, its summary, unless a newer summary is already stored. `record.version`
   * must exceed `expectedVersion`.
   */
  commit(
    record: LearningRecord,
    expectedVersion: number | undefined,
    calibration: CalibrationRecord,
  ): Promise<ConditionalWriteResult>;
  /** Removes folded outcomes from the pending ones and marks their predictions folded. Idempotent. */
  acknowledge(outcomes: readonly PendingOutcome[]): Promise<void>;
}
