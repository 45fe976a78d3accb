import type { CalibeatingState } from '../../core/calibration/calibeating.ts';
import type { OnlineWaitState } from '../../core/conformal/online-wait-interval.ts';
import type { CalibrationEvidence } from '../../core/gating/calibration-evidence.ts';
import type { ActionScope, CalibrationState, DriftStatus, Tier } from '../../core/gating/gate-config.ts';
import type { LearningCounters } from '../../core/learning/learning-state.ts';
import type { FeatureShift } from './learning-record.ts';

/**
 * What a prediction, a view or an agent needs to know about a cluster's calibration
 * (`SK = CALIBRATION`): derived from its learning record after every fold (`calibrationOf` in
 * app/learning), small, and read on the serving path.
 */
export interface CalibrationRecord {
  readonly clusterId: string;
  /** The learning record's version this was derived from (a newer one is never overwritten by an older). */
  readonly learningVersion: number;
  readonly epoch: number;
  /** A wait above this is a long wait (fixed at onboarding; changed only by a re-baseline). */
  readonly longWaitThresholdSeconds: number;
  readonly epochStartedAtMs: number;
  readonly activeBundleVersion: number;
  /** The online calibrator's parameters: what issuing a probability needs. */
  readonly calibrator: { readonly slope: number; readonly intercept: number; readonly calibeating: CalibeatingState };
  /** The online wait-interval state: what issuing a wait interval needs. */
  readonly wait: OnlineWaitState;
  readonly scope: ActionScope;
  readonly qualifiedTiers: readonly Tier[];
  readonly driftStatus: DriftStatus;
  readonly state: CalibrationState;
  /** Why the cluster stands where it does, in order (the last decision's reasons). */
  readonly reasons: readonly string[];
  /** The issued forecasts' evidence the standing was judged on (null: none yet). */
  readonly evidence: CalibrationEvidence | null;
  /** Only forecasts issued at or after this instant are evidence (onboarding, re-baseline or the last drift response). */
  readonly evidenceSinceMs: number;
  /** Outcomes folded in this epoch. */
  readonly outcomes: number;
  /** Outcomes folded since onboarding, all epochs. */
  readonly totalOutcomes: number;
  readonly counters: LearningCounters;
  readonly retrains: number;
  readonly retrainDue: boolean;
  readonly lastDriftAlarm: { readonly direction: string; readonly atMs: number } | null;
  readonly featureShifts: readonly FeatureShift[];
  readonly updatedAtMs: number;
}
