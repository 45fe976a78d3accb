import type { ActionScope, DriftStatus, Tier } from '../../core/gating/gate-config.ts';

/** One recompute of a cluster's calibration, kept for "ECE over time" (`SK = CALHIST#{iso-ts}`). */
export interface CalibrationHistoryPoint {
  readonly clusterId: string;
  /** When the recompute ran (epoch ms). */
  readonly atMs: number;
  readonly ece: number | null;
  readonly eceLower: number | null;
  readonly eceUpper: number | null;
  readonly brier: number | null;
  readonly auroc: number | null;
  readonly sampleCount: number;
  readonly outcomeCount: number;
  readonly scope: ActionScope;
  readonly driftStatus: DriftStatus;
  readonly qualifiedTiers: readonly Tier[];
  /** What the recompute did: `none`, `recalibrated` or `retrained`. */
  readonly action: 'none' | 'recalibrated' | 'retrained';
  readonly activeBundleVersion: number;
}
