/**
 * Calibration as the API shows it (snake_case), and the reliability curve of a cluster's current
 * window: the outcomes predicted by the active bundle, the same window the learning loop scores.
 */
import { Binning, calibrationError, ECE_BINS, type ReliabilityBin } from '../../core/metrics/calibration-error.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';

export interface CalibrationSummaryView {
  readonly cluster_id: string;
  readonly scope: string;
  readonly state: string;
  readonly ece: number | null;
  readonly calibration_score: number | null;
  readonly is_calibrated: boolean;
  readonly sample_count: number;
  readonly drift_status: string;
  readonly qualified_tiers: readonly string[];
  readonly active_bundle_version: number;
  readonly updated_at_ms: number;
}

export function calibrationSummary(record: CalibrationRecord): CalibrationSummaryView {
  return {
    cluster_id: record.clusterId,
    scope: record.scope,
    state: record.state,
    ece: record.ece,
    calibration_score: record.score,
    is_calibrated: record.scope === 'autonomous' || record.scope === 'notify',
    sample_count: record.sampleCount,
    drift_status: record.driftStatus,
    qualified_tiers: record.qualifiedTiers,
    active_bundle_version: record.activeBundleVersion,
    updated_at_ms: record.updatedAtMs,
  };
}

/** Everything in the calibration item, for the calibration endpoints. */
export function calibrationDetail(record: CalibrationRecord): Record<string, unknown> {
  return {
    ...calibrationSummary(record),
    ece_interval: record.eceLower === null || record.eceUpper === null ? null : { lower: record.eceLower, upper: record.eceUpper },
    auroc: record.auroc,
    brier: record.brier,
    last_known_good_ece: record.lastKnownGoodEce,
    drift_ratio: record.ece === null || record.lastKnownGoodEce <= 0 ? null : record.ece / record.lastKnownGoodEce,
    outcome_count: record.outcomeCount,
    recalibrations: record.recalibrations,
    retrains: record.retrains,
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
  readonly equal_mass: { readonly ece: number; readonly mce: number; readonly curve: readonly ReliabilityBinView[] } | null;
  readonly equal_width: { readonly ece: number; readonly mce: number; readonly curve: readonly ReliabilityBinView[] } | null;
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
 * The reliability curve (15 bins, equal-mass and equal-width) over the cluster's window: its most
 * recent `windowSize` outcomes predicted by the active bundle. An empty window gives null curves.
 * O(n log n) in the window size.
 */
export async function reliabilityOfWindow(learning: Pick<LearningDeps, 'store' | 'settings'>, calibration: CalibrationRecord): Promise<ReliabilityView> {
  const recent = await learning.store.recentOutcomes(calibration.clusterId, learning.settings.windowSize);
  const window = recent.filter((prediction) => prediction.bundleVersion === calibration.activeBundleVersion && prediction.outcome !== undefined);
  if (window.length === 0) return { window_outcomes: 0, bins: ECE_BINS, equal_mass: null, equal_width: null };
  const probabilities = Float64Array.from(window, (prediction) => prediction.probability);
  const labels = Uint8Array.from(window, (prediction) => (prediction.outcome?.longWait === true ? 1 : 0));
  const curve = (binning: Binning) => {
    const result = calibrationError(probabilities, labels, { bins: ECE_BINS, binning });
    return { ece: result.ece, mce: result.mce, curve: result.bins.map(binView) };
  };
  return { window_outcomes: window.length, bins: ECE_BINS, equal_mass: curve(Binning.equalMass), equal_width: curve(Binning.equalWidth) };
}
