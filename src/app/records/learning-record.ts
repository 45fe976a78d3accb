import type { OnlineWaitState } from '../../core/conformal/online-wait-interval.ts';
import type { LearningState } from '../../core/learning/learning-state.ts';

/** A key feature's shift against the active bundle's training distribution, as the last check measured it. */
export interface FeatureShift {
  readonly feature: string;
  readonly psi: number;
  /** PSI a sample this size shows by chance alone (95th percentile): a shift counts only above it and SPEC's 0.1. */
  readonly noisePsi: number;
  readonly significant: boolean;
}

/**
 * Everything a cluster's learning loop has learned (`SK = LEARNING`): the core learning state, the
 * online wait-interval state, the bundle versions and the last feature-shift check. Written whole,
 * with one conditional write on `version`, by whoever folds the pending outcomes — so an outcome
 * changes it exactly once.
 */
export interface LearningRecord {
  readonly clusterId: string;
  readonly state: LearningState;
  readonly wait: OnlineWaitState;
  /**
   * Keys of the job ids of the most recently folded outcomes, oldest first (at most a thousand): an
   * outcome that reaches the inbox again (a retried delivery racing the acknowledgement) is
   * recognised and dropped. A key is 16 hex digits of the id's SHA-256 (`foldedJobKey`), so the
   * record stays small whatever the ids; two ids share a key with probability 2⁻⁶⁴.
   */
  readonly foldedJobKeys: readonly string[];
  /** Outcomes folded since onboarding, all epochs. */
  readonly totalOutcomes: number;
  /** The bundle whose classifier scores jobs now. */
  readonly activeBundleVersion: number;
  /** Highest bundle version claimed (a publisher claims latest + 1 before writing S3, so two never share a key). */
  readonly latestBundleVersion: number;
  /** Checkpoint versions saved in S3, oldest first. */
  readonly checkpointVersions: readonly number[];
  readonly retrains: number;
  /** The last feature-shift check (PSI), empty until one ran. */
  readonly featureShifts: readonly FeatureShift[];
  readonly version: number;
  readonly updatedAtMs: number;
}
