import type { ActionScope, CalibrationState, DriftStatus, Tier } from '../../core/gating/gate-config.ts';

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
  /** Highest bundle version ever claimed: a writer claims `latestBundleVersion + 1` by a conditional write before touching S3, so two writers never target one S3 key. */
  readonly latestBundleVersion: number;
  /** `outcomeCount` when the active bundle became active: the window only uses outcomes after it. */
  readonly outcomesAtActivation: number;
  readonly recalibrations: number;
  readonly retrains: number;
  readonly version: number;
  readonly updatedAtMs: number;
  // ── Feature drift (PSI helper): optional, absent on items written before it; null = not measured ──
  /** Largest PSI over the active bundle's key features, window features against its training reference (≥ 0). */
  readonly maxFeaturePsi?: number | null;
  /** The feature with that PSI. */
  readonly maxPsiFeature?: string | null;
  // ── Per-class gate rule (class-guard helper): optional, absent on items written before it ──
  /**
   * Long waits among the `sampleCount` window outcomes (0 after registration or a publish), an
   * integer in [0, sampleCount]. Absent on items that predate the rule: see `windowLongWaitsForGate`.
   */
  readonly windowLongWaits?: number;
}
