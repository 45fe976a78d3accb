import type { ActionScope, DriftStatus, Tier } from '../../core/gating/gate-config.ts';

/** What the learning loop did at a history point. */
export type HistoryAction = 'none' | 'adapted' | 'reset' | 'retrained';

/** A point of a cluster's calibration over time (`SK = CALHIST#{iso-ts}`): every scope or drift change, and regularly in between. */
export interface CalibrationHistoryPoint {
  readonly clusterId: string;
  /** When (epoch ms). */
  readonly atMs: number;
  /** The evidence's ECE and its bounds (null: no evidence yet). */
  readonly ece: number | null;
  readonly eceLower: number | null;
  readonly eceUpper: number | null;
  readonly brier: number | null;
  /** The active classifier's AUROC on its own window (null: not measured yet, or one class). */
  readonly auroc: number | null;
  /** Forecasts in the evidence. */
  readonly sampleCount: number;
  /** Outcomes folded in the epoch. */
  readonly outcomeCount: number;
  readonly scope: ActionScope;
  readonly driftStatus: DriftStatus;
  readonly qualifiedTiers: readonly Tier[];
  readonly action: HistoryAction;
  readonly activeBundleVersion: number;
}
