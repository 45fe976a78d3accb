/**
 * What the learning loop does now — the one decision, from the evidence of the forecasts as issued
 * (SPEC, "How we apply those numbers"):
 *
 * 1. Learning mode while the cluster has fewer than `minOutcomes` outcomes since onboarding (or
 *    the last re-baseline). Nothing else ever returns a cluster to learning.
 * 2. Drift withdraws autonomy at once: a residual-CUSUM alarm, a drift ratio above
 *    `driftReduceMaxRatio` (the ECE beyond sampling noise — the evidence's lower bound — over the
 *    last-known-good ECE), or the last week's ECE beyond noise above `weeklyEceRecalibrate`. The
 *    calibrator adapts (forgets faster), or resets when it was already adapting, and the evidence
 *    restarts: autonomy comes back only as forecasts issued after the drift earn it.
 * 3. Otherwise the scope follows the evidence with hysteresis: a scope (and a tier) is gained when
 *    the calibration error's UPPER confidence bound passes SPEC's threshold, and kept while the
 *    point estimate does; a drift ratio in (driftMonitorMaxRatio, driftReduceMaxRatio] caps
 *    autonomous at notify; a window without `minOutcomesPerClass` long and short waits acts on
 *    nothing.
 * 4. Retrain when the classifier has lost discrimination: AUROC below `retrainBelowAuroc` over at
 *    least `minOutcomesToRetrain` outcomes it scored.
 *
 * Pure and total: every input combination has an answer, with its reasons in order.
 */
import { ACTION_SCOPE_WORDS, capScopeByDrift, classShortfall, scopeFromScore } from '../gating/action-scope.ts';
import type { CalibrationEvidence } from '../gating/calibration-evidence.ts';
import { calibrationScore } from '../gating/calibration-score.ts';
import { driftRatio, driftStatus } from '../gating/drift.ts';
import { formatComparison, formatNumber } from '../gating/format-number.ts';
import {
  ActionScope,
  CalibrationState,
  DriftStatus,
  TIERS_WEAKEST_FIRST,
  type GateConfig,
  type Tier,
} from '../gating/gate-config.ts';
import type { ResidualCusumAlarm } from '../gating/residual-cusum.ts';
import type { LearningPolicy } from './learning-policy.ts';

/** Where a cluster stands: what its agents may do, and why. Stored with the learning state. */
export interface ClusterStanding {
  readonly scope: ActionScope;
  /** Tiers whose ECE prerequisite the evidence meets, weakest first. */
  readonly qualifiedTiers: readonly Tier[];
  readonly driftStatus: DriftStatus;
  readonly state: CalibrationState;
  /** Short sentences, in order. */
  readonly reasons: readonly string[];
}

export const CalibratorAction = { keep: 'keep', adapt: 'adapt', reset: 'reset' } as const;
export type CalibratorAction = (typeof CalibratorAction)[keyof typeof CalibratorAction];

export const AutonomyChange = { unchanged: 'unchanged', withdrawn: 'withdrawn', restored: 'restored' } as const;
export type AutonomyChange = (typeof AutonomyChange)[keyof typeof AutonomyChange];

export interface LearningDecisionInput {
  /** Outcomes since onboarding or the last re-baseline, an integer ≥ 0. */
  readonly outcomesInEpoch: number;
  /** Evidence of the issued forecasts since the last drift response (null: none yet). */
  readonly evidence: CalibrationEvidence | null;
  /** Evidence of the last week's issued forecasts (null: fewer than minOutcomes). */
  readonly weeklyEvidence: CalibrationEvidence | null;
  /** The residual CUSUM's alarm at this outcome, if any. */
  readonly driftAlarm: ResidualCusumAlarm | null;
  /** True while the calibrator is still adapting to an earlier drift. */
  readonly calibratorAdapting: boolean;
  /** The active classifier's AUROC over the outcomes it scored (null: one class, or not measured), and their number. */
  readonly classifier: { readonly auroc: number | null; readonly outcomes: number };
  /** Retrains since a classifier last separated the classes (each doubles the outcomes the next one waits for). */
  readonly retrainsWithoutRecovery: number;
  readonly previous: ClusterStanding;
}

export interface LearningDecision {
  readonly standing: ClusterStanding;
  readonly calibrator: CalibratorAction;
  /** True: start the evidence over from forecasts issued after now. */
  readonly restartEvidence: boolean;
  readonly retrain: boolean;
  readonly autonomy: AutonomyChange;
  /** Everything the decision says, in order: the standing's reasons, then drift and retrain. */
  readonly reasons: readonly string[];
}

const SCOPE_RANK: Readonly<Record<ActionScope, number>> = { learning: 0, escalate: 0, notify: 1, autonomous: 2 };
const SCOPE_OF_RANK: readonly ActionScope[] = [ActionScope.escalate, ActionScope.notify, ActionScope.autonomous];

function acting(scope: ActionScope): boolean {
  return SCOPE_RANK[scope] > 0;
}

/** The first standing of a cluster: learning, nothing qualified. */
export function initialStanding(minOutcomes: number): ClusterStanding {
  return {
    scope: ActionScope.learning,
    qualifiedTiers: [],
    driftStatus: DriftStatus.none,
    state: CalibrationState.learning,
    reasons: [`learning mode: 0 of ${minOutcomes} outcomes observed`],
  };
}

function evidenceText(evidence: CalibrationEvidence): string {
  return `ECE ${formatNumber(evidence.ece)} (${Math.round(evidence.level * 100)} % bounds ${formatNumber(evidence.lower)}–${formatNumber(evidence.upper)}, ${evidence.count} issued forecasts)`;
}

function alarmText(alarm: ResidualCusumAlarm): string {
  const what =
    alarm.direction === 'under_prediction' ? 'more long waits than forecast' : 'fewer long waits than forecast';
  return `drift alarm: ${what} (CUSUM ${formatNumber(alarm.statistic)} > ${formatNumber(alarm.threshold)})`;
}

/** The drift triggers that withdraw autonomy, as reasons (empty: none fired). */
function driftTriggers(
  input: LearningDecisionInput,
  config: GateConfig,
): { readonly reasons: string[]; readonly status: DriftStatus } {
  const reasons: string[] = [];
  if (input.driftAlarm !== null) reasons.push(alarmText(input.driftAlarm));
  // The bounds rest on a normal approximation: a window under minOutcomes judges no drift.
  const evidence = input.evidence !== null && input.evidence.count >= config.minOutcomes ? input.evidence : null;
  const status = evidence === null ? DriftStatus.none : driftStatus(evidence.lower, config.baselineEce, config);
  if (status === DriftStatus.recalibrate && evidence !== null) {
    const [ratioText, boundText] = formatComparison(
      driftRatio(evidence.lower, config.baselineEce),
      config.driftReduceMaxRatio,
    );
    reasons.push(
      `drift ratio ${ratioText} > ${boundText}: ECE beyond noise ${formatNumber(evidence.lower)} against last-known-good ${formatNumber(config.baselineEce)}`,
    );
  }
  const weekly = input.weeklyEvidence;
  if (weekly !== null && weekly.lower > config.weeklyEceRecalibrate) {
    const [eceText, boundText] = formatComparison(weekly.lower, config.weeklyEceRecalibrate);
    reasons.push(`weekly ECE beyond noise ${eceText} > ${boundText}`);
  }
  return { reasons, status };
}

function tiersFrom(evidence: CalibrationEvidence, previous: readonly Tier[], config: GateConfig): Tier[] {
  return TIERS_WEAKEST_FIRST.filter((tier) => {
    const { maxEce } = config.tiers[tier];
    return evidence.upper <= maxEce || (previous.includes(tier) && evidence.ece <= maxEce);
  });
}

/** Scope from the evidence with hysteresis (rule 3), before the class rule and the drift cap. */
function scopeFromEvidence(
  evidence: CalibrationEvidence,
  previous: ActionScope,
  config: GateConfig,
): { readonly scope: ActionScope; readonly reason: string } {
  const byBound = scopeFromScore(calibrationScore(evidence.upper, config), config);
  const byPoint = scopeFromScore(calibrationScore(evidence.ece, config), config);
  const rank = Math.max(SCOPE_RANK[byBound], Math.min(SCOPE_RANK[previous], SCOPE_RANK[byPoint]));
  const scope = SCOPE_OF_RANK[rank] as ActionScope;
  const words = ACTION_SCOPE_WORDS[scope];
  if (rank > SCOPE_RANK[byBound]) {
    return {
      scope,
      reason: `${evidenceText(evidence)}: ${words} kept while the point estimate allows it (regaining a scope needs the upper bound)`,
    };
  }
  return {
    scope,
    reason: `${evidenceText(evidence)}: score ${formatNumber(calibrationScore(evidence.upper, config))} by the upper bound → ${words}`,
  };
}

/** The state word of a standing reached without a drift response (rule 3). */
function stateOf(scope: ActionScope, status: DriftStatus, adapting: boolean): CalibrationState {
  if (status === DriftStatus.reduceAutonomy) return CalibrationState.drifting;
  if (acting(scope)) return CalibrationState.wellCalibrated;
  return adapting ? CalibrationState.adapting : CalibrationState.uncalibrated;
}

/**
 * Outcomes a classifier must have scored before its AUROC can make a retrain due:
 * `minOutcomesToRetrain`, doubled for every retrain since a classifier last separated the classes
 * (a retrain that did not help is not repeated at the same pace), at most the calibrator's window
 * (the outcomes the AUROC is measured on).
 */
export function outcomesBeforeRetrain(retrainsWithoutRecovery: number, policy: LearningPolicy): number {
  return Math.min(
    policy.minOutcomesToRetrain * 2 ** retrainsWithoutRecovery,
    Math.max(policy.minOutcomesToRetrain, policy.calibrator.platt.window),
  );
}

function retrainReason(input: LearningDecisionInput, policy: LearningPolicy): string | null {
  const { auroc, outcomes } = input.classifier;
  const needed = outcomesBeforeRetrain(input.retrainsWithoutRecovery, policy);
  if (auroc === null || outcomes < needed || !(auroc < policy.retrainBelowAuroc)) return null;
  const [aurocText, boundText] = formatComparison(auroc, policy.retrainBelowAuroc);
  const backoff =
    input.retrainsWithoutRecovery === 0
      ? ''
      : ` (after ${input.retrainsWithoutRecovery} retrain${input.retrainsWithoutRecovery === 1 ? '' : 's'} that did not restore it, retrains wait for ${needed} outcomes)`;
  return `retrain: AUROC ${aurocText} < ${boundText} over the ${outcomes} outcomes the classifier scored — it no longer separates long from short waits${backoff}`;
}

function autonomyChange(previous: ActionScope, next: ActionScope): AutonomyChange {
  if (acting(previous) && !acting(next)) return AutonomyChange.withdrawn;
  if (!acting(previous) && acting(next)) return AutonomyChange.restored;
  return AutonomyChange.unchanged;
}

/**
 * The loop's next step (see the file comment for the rules).
 * @param config gate thresholds; assumed valid (parseGateConfig).
 * @param policy learning policy; assumed valid (checkLearningPolicy).
 */
export function decideLearningStep(
  input: LearningDecisionInput,
  config: GateConfig,
  policy: LearningPolicy,
): LearningDecision {
  const retrain = retrainReason(input, policy);
  const previous = input.previous;

  if (input.outcomesInEpoch < config.minOutcomes) {
    const reasons = [`learning mode: ${input.outcomesInEpoch} of ${config.minOutcomes} outcomes observed`];
    const alarm = input.driftAlarm;
    if (alarm !== null) reasons.push(`${alarmText(alarm)}: the calibrator adapts`);
    const drifted = alarm !== null;
    const standing: ClusterStanding = {
      scope: ActionScope.learning,
      qualifiedTiers: [],
      driftStatus: DriftStatus.none,
      state: CalibrationState.learning,
      reasons,
    };
    return {
      standing,
      calibrator: !drifted
        ? CalibratorAction.keep
        : input.calibratorAdapting
          ? CalibratorAction.reset
          : CalibratorAction.adapt,
      restartEvidence: drifted,
      retrain: false,
      autonomy: autonomyChange(previous.scope, ActionScope.learning),
      reasons,
    };
  }

  const drift = driftTriggers(input, config);
  if (drift.reasons.length > 0) {
    const calibrator = input.calibratorAdapting ? CalibratorAction.reset : CalibratorAction.adapt;
    const response =
      calibrator === CalibratorAction.reset
        ? 'the calibrator, still adapting to an earlier drift, starts over on the outcomes since'
        : 'the calibrator adapts (forgets faster)';
    const reasons = [
      ...drift.reasons,
      `autonomy withdrawn: escalate until forecasts issued from now on earn it back; ${response}`,
    ];
    if (retrain !== null) reasons.push(retrain);
    const standing: ClusterStanding = {
      scope: ActionScope.escalate,
      qualifiedTiers: [],
      driftStatus:
        drift.status === DriftStatus.none || drift.status === DriftStatus.monitor
          ? DriftStatus.recalibrate
          : drift.status,
      state: CalibrationState.drifting,
      reasons,
    };
    return {
      standing,
      calibrator,
      restartEvidence: true,
      retrain: retrain !== null,
      autonomy: autonomyChange(previous.scope, ActionScope.escalate),
      reasons,
    };
  }

  const reasons: string[] = [];
  let scope: ActionScope;
  let tiers: Tier[] = [];
  const evidence = input.evidence;
  if (evidence === null || evidence.count < config.minOutcomes) {
    scope = ActionScope.escalate;
    reasons.push(
      `${evidence === null ? 0 : evidence.count} issued forecasts with outcomes since the last drift response; the evidence needs ${config.minOutcomes} before any autonomy`,
    );
  } else {
    const fromEvidence = scopeFromEvidence(evidence, previous.scope, config);
    scope = fromEvidence.scope;
    reasons.push(fromEvidence.reason);
    tiers = tiersFrom(evidence, previous.qualifiedTiers, config);
    const shortfall = classShortfall(evidence.count, evidence.longWaits, config);
    if (shortfall !== null && acting(scope)) {
      scope = ActionScope.escalate;
      reasons.push(
        `escalate: ${shortfall.longWaits} long and ${shortfall.shortWaits} short waits among the evidence; acting needs ≥ ${shortfall.minPerClass} of each`,
      );
    }
    const capped = capScopeByDrift(scope, drift.status);
    if (capped !== scope)
      reasons.push(
        `drift ${drift.status} (ECE beyond noise ${formatNumber(evidence.lower)}) caps the scope at ${ACTION_SCOPE_WORDS[capped]}`,
      );
    scope = capped;
  }
  if (retrain !== null) reasons.push(retrain);
  const standing: ClusterStanding = {
    scope,
    qualifiedTiers: tiers,
    driftStatus: drift.status,
    state: stateOf(scope, drift.status, input.calibratorAdapting),
    reasons,
  };
  return {
    standing,
    calibrator: CalibratorAction.keep,
    restartEvidence: false,
    retrain: retrain !== null,
    autonomy: autonomyChange(previous.scope, scope),
    reasons,
  };
}
