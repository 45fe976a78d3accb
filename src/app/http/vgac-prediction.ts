/**
 * A gated prediction in the VGAC platform's response shape: probability_long_wait,
 * estimated_wait_seconds, wait_category, confidence, is_calibrated, recommendation, latency_us —
 * plus what makes it honest here: the scope, the tier, the wait interval, the wait distribution
 * (its quantiles; P(start within T) is read from it) and the calibration the answer was gated by.
 */
import { learningProgress } from '../../core/agents/answer-text.ts';
import { WAIT_QUANTILE_LEVELS } from '../../core/conformal/wait-distribution.ts';
import { calibrationScore } from '../../core/gating/calibration-score.ts';
import { ActionScope, Tier, type GateConfig } from '../../core/gating/gate-config.ts';
import type { PredictJobResult } from '../learning/predict-job.ts';

export const WaitCategory = { short: 'short', moderate: 'moderate', long: 'long' } as const;
export type WaitCategory = (typeof WaitCategory)[keyof typeof WaitCategory];

export interface VgacPrediction {
  readonly cluster_id: string;
  /** Null for a what-if (the request named no job id, nothing was stored). */
  readonly job_id: string | null;
  readonly probability_long_wait: number;
  readonly estimated_wait_seconds: number | null;
  readonly wait_interval: {
    readonly lower_seconds: number;
    readonly upper_seconds: number;
    readonly coverage: number;
  } | null;
  /**
   * The job's predictive wait distribution: its quantiles at the levels of
   * WAIT_QUANTILE_LEVELS, ascending; null while the cluster has too few observed waits to issue one.
   */
  readonly wait_quantiles: readonly WaitQuantile[] | null;
  /** P(the job starts within `seconds` from now), read from the distribution's CDF; only when asked (start_by or within_seconds). */
  readonly p_start_within?: StartWithin;
  readonly wait_category: WaitCategory;
  /**
   * The cluster's calibration score clamp(1 − 5·ECE, 0, 1) by the upper confidence bound of its
   * issued forecasts' ECE — what its scope is earned on: how far the probability can be trusted;
   * 0 while learning or without evidence.
   */
  readonly confidence: number;
  /** True when the cluster's measured calibration lets the answer stand on its own (autonomous or notify scope). */
  readonly is_calibrated: boolean;
  readonly scope: ActionScope;
  readonly tier: Tier | null;
  readonly recommendation: string;
  readonly calibration: {
    readonly ece: number | null;
    readonly ece_upper_bound: number | null;
    readonly sample_count: number;
    readonly state: string;
    readonly bundle_version: number;
    readonly long_wait_threshold_seconds: number;
  };
  /** Features the cluster's model uses that this request did not give: answered as unknown. */
  readonly unknown_features: readonly string[];
  readonly latency_us: number;
}

export interface WaitQuantile {
  /** Cumulative probability, in (0, 1). */
  readonly level: number;
  readonly seconds: number;
}

export interface StartWithin {
  /** The horizon from the prediction's time, seconds ≥ 0. */
  readonly seconds: number;
  /** P(wait ≤ seconds) in [0, 1]; null when no distribution could be issued (see `wait_quantiles`). */
  readonly probability: number | null;
}

/** The quantiles of an issued distribution on the wire: one { level, seconds } per level of WAIT_QUANTILE_LEVELS. */
export function waitQuantilesOf(quantilesSeconds: readonly number[] | null): WaitQuantile[] | null {
  return quantilesSeconds === null
    ? null
    : WAIT_QUANTILE_LEVELS.map((level, index) => ({ level, seconds: quantilesSeconds[index] as number }));
}

/**
 * The category of P(long wait): below the Annotate tier's ε → short, below the Warn tier's ε →
 * moderate, else long (thresholds from the gate config, so categories and tiers agree).
 */
export function waitCategory(probability: number, gate: GateConfig): WaitCategory {
  if (probability < gate.tiers[Tier.annotate].minProbability) return WaitCategory.short;
  if (probability < gate.tiers[Tier.warn].minProbability) return WaitCategory.moderate;
  return WaitCategory.long;
}

const TIER_ADVICE: Readonly<Record<Tier, string>> = Object.freeze({
  annotate: 'Some queueing is likely.',
  warn: 'A long wait is likely: a smaller request or another queue may start sooner.',
  suggest_reschedule: 'A long wait is very likely: consider rescheduling off-peak or moving partition.',
  require_confirmation: 'A long wait is almost certain: confirm before submitting.',
});

/** One honest sentence per scope: only a calibrated cluster gets plain advice. */
export function recommendation(result: PredictJobResult, gate: GateConfig): string {
  const { decision, calibration } = result;
  if (decision.scope === ActionScope.learning) {
    return `Still learning this cluster (${learningProgress(calibration.outcomes, gate.minOutcomes)}): treat this estimate as a rough guess.`;
  }
  if (decision.scope === ActionScope.escalate) {
    const evidence = calibration.evidence;
    const ece =
      evidence === null ? 'not yet measured' : `ECE ${evidence.ece.toFixed(3)}, up to ${evidence.upper.toFixed(3)}`;
    return `This cluster's predictions are not proven reliable right now (${ece}): ask an operator before acting on them.`;
  }
  const tier = decision.requestedTier;
  const advice = tier === null ? 'Expected to start soon.' : TIER_ADVICE[tier];
  return decision.scope === ActionScope.notify
    ? `${advice} (Calibration is fair, not excellent: mind the interval.)`
    : advice;
}

export function toVgacPrediction(
  result: PredictJobResult,
  stored: boolean,
  gate: GateConfig,
  latencyUs: number,
): VgacPrediction {
  const { prediction, decision, calibration } = result;
  const wait = prediction.waitEstimate;
  return {
    cluster_id: prediction.clusterId,
    job_id: stored ? prediction.jobId : null,
    probability_long_wait: prediction.probability,
    estimated_wait_seconds: wait === null ? null : wait.pointSeconds,
    wait_interval:
      wait === null
        ? null
        : { lower_seconds: wait.lowerSeconds, upper_seconds: wait.upperSeconds, coverage: wait.coverage },
    wait_quantiles: waitQuantilesOf(result.waitDistribution.quantilesSeconds),
    wait_category: waitCategory(prediction.probability, gate),
    confidence:
      decision.scope === ActionScope.learning || calibration.evidence === null
        ? 0
        : calibrationScore(calibration.evidence.upper, gate),
    is_calibrated: decision.scope === ActionScope.autonomous || decision.scope === ActionScope.notify,
    scope: decision.scope,
    tier: decision.tier,
    recommendation: recommendation(result, gate),
    calibration: {
      ece: calibration.evidence?.ece ?? null,
      ece_upper_bound: calibration.evidence?.upper ?? null,
      sample_count: calibration.evidence?.count ?? 0,
      state: calibration.state,
      bundle_version: prediction.bundleVersion,
      long_wait_threshold_seconds: calibration.longWaitThresholdSeconds,
    },
    unknown_features: prediction.unknownFeatures,
    latency_us: Math.max(0, Math.round(latencyUs)),
  };
}
