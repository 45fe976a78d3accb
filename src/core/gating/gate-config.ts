/**
 * The calibration gate's vocabulary and thresholds. The SPEC numbers (from the VGAC research) are
 * defaults here; `minOutcomesPerClass`, `evidenceWindow`, `boundLevel` and
 * `driftFalseAlarmOutcomes` are how we apply them (SPEC, "How we apply those numbers").
 * Deployments may override any of them through configuration, and every decision stores the config
 * it was made under.
 */

export const ActionScope = {
  learning: 'learning',
  autonomous: 'autonomous',
  notify: 'notify',
  escalate: 'escalate',
} as const;
export type ActionScope = (typeof ActionScope)[keyof typeof ActionScope];

/** Intervention tiers, weakest first. */
export const Tier = {
  annotate: 'annotate',
  warn: 'warn',
  suggestReschedule: 'suggest_reschedule',
  requireConfirmation: 'require_confirmation',
} as const;
export type Tier = (typeof Tier)[keyof typeof Tier];
export const TIERS_WEAKEST_FIRST: readonly Tier[] = [
  Tier.annotate,
  Tier.warn,
  Tier.suggestReschedule,
  Tier.requireConfirmation,
];

export const DriftStatus = {
  none: 'none',
  monitor: 'monitor',
  reduceAutonomy: 'reduce_autonomy',
  recalibrate: 'recalibrate',
} as const;
export type DriftStatus = (typeof DriftStatus)[keyof typeof DriftStatus];

/** A cluster's calibration in one word, as the dashboard and the API show it. */
export const CalibrationState = {
  /** Fewer than minOutcomes outcomes since onboarding (or the last re-baseline). */
  learning: 'learning',
  /** The issued forecasts' evidence lets the agents act (autonomous or notify). */
  wellCalibrated: 'well_calibrated',
  /** Significant miscalibration drift was just seen, or it caps autonomy (reduce_autonomy). */
  drifting: 'drifting',
  /** The calibrator is adapting to a drift; autonomy returns as new forecasts earn it. */
  adapting: 'adapting',
  /** The evidence does not (yet) bound the calibration error tightly enough to act. */
  uncalibrated: 'uncalibrated',
} as const;
export type CalibrationState = (typeof CalibrationState)[keyof typeof CalibrationState];

export interface TierThreshold {
  /** Minimum P(long wait) for the action, ε_a, in [0, 1]. */
  readonly minProbability: number;
  /** Maximum ECE at which the tier stays qualified, R_a. */
  readonly maxEce: number;
}

export interface GateConfig {
  /** Outcomes needed before leaving learning mode. */
  readonly minOutcomes: number;
  /**
   * Our addition to SPEC, stricter-only: fewest long waits, and fewest short waits, the outcome
   * window must hold before the cluster leaves learning mode. A window without long waits has a
   * tiny ECE whatever the model says about the jobs that matter, so its score cannot earn
   * autonomy. The rule only ever moves a scope to learning (escalate only): it never grants more
   * autonomy than SPEC's rules, and drift and recalibration triggers ignore it (a one-class window
   * can still prove over-prediction). An integer ≥ 0; 0 turns the rule off.
   */
  readonly minOutcomesPerClass: number;
  /** score = clamp(1 − eceScoreSlope·ECE, 0, 1). */
  readonly eceScoreSlope: number;
  /** score strictly above this → autonomous. */
  readonly autonomousScore: number;
  /** score strictly above this (and ≤ autonomousScore) → act and notify. */
  readonly notifyScore: number;
  readonly tiers: Readonly<Record<Tier, TierThreshold>>;
  /** Last-known-good ECE: the drift ratio's denominator (SPEC's 0.018). */
  readonly baselineEce: number;
  /**
   * Drift ratio = ECE beyond sampling noise (the evidence's lower bound) / baseline ECE; upper
   * bounds (inclusive) for each status.
   */
  readonly driftNoneMaxRatio: number;
  readonly driftMonitorMaxRatio: number;
  readonly driftReduceMaxRatio: number;
  /** PSI on a key feature above this (and above its own sampling noise) is reported as a shift; it explains, never triggers. */
  readonly psiShift: number;
  /** The last week's ECE beyond sampling noise above this withdraws autonomy and adapts the calibrator. */
  readonly weeklyEceRecalibrate: number;
  /** Most recent issued forecasts with outcomes that scope and tiers are judged on. */
  readonly evidenceWindow: number;
  /** One-sided confidence level of the calibration-error bounds (autonomy needs the upper bound to pass), in (0.5, 1). */
  readonly boundLevel: number;
  /** Outcomes between false drift alarms on calibrated forecasts (the residual CUSUM's in-control run length). */
  readonly driftFalseAlarmOutcomes: number;
}

export const DEFAULT_GATE_CONFIG: GateConfig = Object.freeze({
  minOutcomes: 50,
  minOutcomesPerClass: 5,
  eceScoreSlope: 5,
  autonomousScore: 0.85,
  notifyScore: 0.6,
  tiers: Object.freeze({
    annotate: Object.freeze({ minProbability: 0.3, maxEce: 0.1 }),
    warn: Object.freeze({ minProbability: 0.5, maxEce: 0.07 }),
    suggest_reschedule: Object.freeze({ minProbability: 0.7, maxEce: 0.05 }),
    require_confirmation: Object.freeze({ minProbability: 0.9, maxEce: 0.03 }),
  }),
  baselineEce: 0.018,
  driftNoneMaxRatio: 1.5,
  driftMonitorMaxRatio: 2,
  driftReduceMaxRatio: 5,
  psiShift: 0.1,
  weeklyEceRecalibrate: 0.07,
  evidenceWindow: 1000,
  boundLevel: 0.95,
  driftFalseAlarmOutcomes: 25_000,
});
