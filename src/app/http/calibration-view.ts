/**
 * Calibration as the API shows it (snake_case), and the reliability curve of the evidence the
 * cluster's standing is judged on: the forecasts exactly as they were issued, joined with their
 * outcomes.
 */
import { calibrationScore } from '../../core/gating/calibration-score.ts';
import type { GateConfig } from '../../core/gating/gate-config.ts';
import { Binning, calibrationError, ECE_BINS, type ReliabilityBin } from '../../core/metrics/calibration-error.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';

export interface CalibrationSummaryView {
  readonly cluster_id: string;
  readonly scope: string;
  readonly state: string;
  /** ECE of the issued forecasts in the evidence (null: none yet). */
  readonly ece: number | null;
  /** Its one-sided upper confidence bound: what autonomy is gained on. */
  readonly ece_upper_bound: number | null;
  /** clamp(1 − 5·ECE) of the ECE's upper confidence bound: the score the gate applies. */
  readonly calibration_score: number | null;
  readonly is_calibrated: boolean;
  /** Issued forecasts with outcomes in the evidence. */
  readonly sample_count: number;
  readonly drift_status: string;
  readonly qualified_tiers: readonly string[];
  /** A wait above this is a long wait (fixed at onboarding; changed only by a re-baseline). */
  readonly long_wait_threshold_seconds: number;
  readonly label_epoch: number;
  readonly active_bundle_version: number;
  readonly updated_at_ms: number;
}

export function calibrationSummary(record: CalibrationRecord, gate?: GateConfig): CalibrationSummaryView {
  const evidence = record.evidence;
  return {
    cluster_id: record.clusterId,
    scope: record.scope,
    state: record.state,
    ece: evidence?.ece ?? null,
    ece_upper_bound: evidence?.upper ?? null,
    calibration_score: evidence === null ? null : calibrationScore(evidence.upper, gate),
    is_calibrated: record.scope === 'autonomous' || record.scope === 'notify',
    sample_count: evidence?.count ?? 0,
    drift_status: record.driftStatus,
    qualified_tiers: record.qualifiedTiers,
    long_wait_threshold_seconds: record.longWaitThresholdSeconds,
    label_epoch: record.epoch,
    active_bundle_version: record.activeBundleVersion,
    updated_at_ms: record.updatedAtMs,
  };
}

/** Everything in the calibration item, for the calibration endpoints. */
export function calibrationDetail(record: CalibrationRecord, gate?: GateConfig): Record<string, unknown> {
  const evidence = record.evidence;
  return {
    ...calibrationSummary(record, gate),
    ece_interval:
      evidence === null
        ? null
        : { lower: evidence.lower, upper: evidence.upper, level: evidence.level, beyond_noise_lower: true },
    long_waits_in_evidence: evidence?.longWaits ?? null,
    evidence_since_ms: record.evidenceSinceMs,
    reasons: record.reasons,
    outcome_count: record.outcomes,
    total_outcomes: record.totalOutcomes,
    drift_alarms: record.counters.driftAlarms,
    calibrator_adaptations: record.counters.adaptations,
    calibrator_resets: record.counters.resets,
    autonomy_withdrawals: record.counters.withdrawals,
    last_drift_alarm:
      record.lastDriftAlarm === null
        ? null
        : { direction: record.lastDriftAlarm.direction, at_ms: record.lastDriftAlarm.atMs },
    retrains: record.retrains,
    retrain_due: record.retrainDue,
    feature_shifts: record.featureShifts.map((shift) => ({
      feature: shift.feature,
      psi: shift.psi,
      noise_psi: shift.noisePsi,
      significant: shift.significant,
    })),
  };
}

export interface ReliabilityBinView {
  readonly lower_probability: number;
  readonly upper_probability: number;
  readonly mean_predicted: number;
  readonly observed_rate: number;
  readonly count: number;
}

export interface ReliabilityView {
  /** Outcomes in the window the curve was computed on. */
  readonly window_outcomes: number;
  readonly bins: number;
  readonly equal_mass: {
    readonly ece: number;
    readonly mce: number;
    readonly curve: readonly ReliabilityBinView[];
  } | null;
  readonly equal_width: {
    readonly ece: number;
    readonly mce: number;
    readonly curve: readonly ReliabilityBinView[];
  } | null;
}

function binView(bin: ReliabilityBin): ReliabilityBinView {
  return {
    lower_probability: bin.lowerProbability,
    upper_probability: bin.upperProbability,
    mean_predicted: bin.meanPredicted,
    observed_rate: bin.observedRate,
    count: bin.count,
  };
}

/**
 * The reliability curve (15 bins, equal-mass and equal-width) of the cluster's evidence: the
 * forecasts as issued since the last drift response, at most the gate's evidence window. An empty
 * window gives null curves. O(n log n) in the window size.
 */
export async function reliabilityOfWindow(
  learning: Pick<LearningDeps, 'learning'>,
  calibration: CalibrationRecord,
): Promise<ReliabilityView> {
  const record = await learning.learning.load(calibration.clusterId);
  const evidence = record?.state.evidence;
  if (evidence === undefined || evidence.probabilities.length === 0)
    return { window_outcomes: 0, bins: ECE_BINS, equal_mass: null, equal_width: null };
  const curve = (binning: Binning) => {
    const result = calibrationError(evidence.probabilities, evidence.labels, { bins: ECE_BINS, binning });
    return { ece: result.ece, mce: result.mce, curve: result.bins.map(binView) };
  };
  return {
    window_outcomes: evidence.probabilities.length,
    bins: ECE_BINS,
    equal_mass: curve(Binning.equalMass),
    equal_width: curve(Binning.equalWidth),
  };
}
