/**
 * A cluster's learning state and how one outcome changes it. Everything the loop learns lives
 * here, as one plain value a store can keep under one key and update with one conditional write:
 * the stable long-wait label of the current epoch, the online calibrator, the evidence (the issued
 * forecasts joined with their outcomes), the drift detector and the standing that the last decision
 * gave the cluster.
 *
 * Folding is deterministic and order-only: folding outcomes one at a time or in batches gives the
 * same state. Every number kept in a window is single precision (Math.fround), so a store that
 * packs windows as float32 holds them exactly.
 */
import {
  adaptCalibrator,
  calibrate,
  initialOnlineCalibrator,
  learnOutcome,
  resetCalibrator,
  type OnlineCalibratorState,
} from '../calibration/online-calibrator.ts';
import { InvalidInputError } from '../errors.ts';
import { calibrationEvidence, type CalibrationEvidence } from '../gating/calibration-evidence.ts';
import type { GateConfig } from '../gating/gate-config.ts';
import {
  initialResidualCusum,
  observeResidual,
  type ResidualCusumAlarm,
  type ResidualCusumState,
} from '../gating/residual-cusum.ts';
import { auroc } from '../metrics/auroc.ts';
import {
  AutonomyChange,
  CalibratorAction,
  decideLearningStep,
  initialStanding,
  type ClusterStanding,
  type LearningDecision,
} from './learning-decision.ts';
import type { LearningPolicy } from './learning-policy.ts';

/** The issued forecasts with outcomes that scope and tiers are judged on, oldest first. */
export interface EvidenceWindow {
  /** Only forecasts issued at or after this instant count (the last drift response, or the epoch's start), epoch ms. */
  readonly sinceMs: number;
  /** Issued P(long wait), single precision. */
  readonly probabilities: readonly number[];
  /** 0 or 1. */
  readonly labels: readonly number[];
  /** When each outcome was observed, epoch ms. */
  readonly observedAtMs: readonly number[];
}

export interface LearningCounters {
  readonly driftAlarms: number;
  readonly adaptations: number;
  readonly resets: number;
  readonly withdrawals: number;
  /** Outcomes of another epoch or label that were not folded (their label meant something else). */
  readonly skippedOutcomes: number;
}

export interface LearningState {
  /** Label epoch: 1 at onboarding, +1 at each re-baseline. */
  readonly epoch: number;
  /** A wait above this is a long wait, for the whole epoch (SPEC: the environment's P90, fixed at onboarding). */
  readonly longWaitThresholdSeconds: number;
  readonly epochStartedAtMs: number;
  /** Outcomes folded in this epoch. */
  readonly outcomes: number;
  /** The bundle version whose classifier the calibrator learns on. */
  readonly classifierVersion: number;
  readonly calibrator: OnlineCalibratorState;
  readonly evidence: EvidenceWindow;
  readonly drift: ResidualCusumState;
  readonly standing: ClusterStanding;
  /** The evidence the standing was judged on at the last decision (null: none then). */
  readonly judgedOn: CalibrationEvidence | null;
  /** The active classifier's AUROC on its own window, measured every `classifierCheckEveryOutcomes` outcomes (null: one class). */
  readonly classifierCheck: { readonly auroc: number | null; readonly outcomes: number };
  /** The last decision's verdict on the classifier. */
  readonly retrainDue: boolean;
  /** Retrains since a classifier check last found the classes separated (AUROC ≥ `retrainBelowAuroc`). */
  readonly retrainsWithoutRecovery: number;
  readonly counters: LearningCounters;
  /** The last drift alarm, if any. */
  readonly lastDriftAlarm: (ResidualCusumAlarm & { readonly atMs: number }) | null;
  /** `outcomes` when the state was last checkpointed. */
  readonly checkpointedAtOutcomes: number;
  /** Drift responses (adaptations + resets) when the state was last checkpointed. */
  readonly checkpointedAtResponses: number;
}

/** One outcome joined with what was issued for it. */
export interface FoldedOutcome {
  /** The label epoch the forecast was issued in. */
  readonly epoch: number;
  /** The bundle version whose classifier scored the job. */
  readonly classifierVersion: number;
  /** The job's uncalibrated P(long wait), in [0, 1] (what the calibrator learns on: PredictionRecord.classifierProbability). */
  readonly classifierProbability: number;
  /** The P(long wait) the product issued, in [0, 1] (the evidence). */
  readonly issuedProbability: number;
  readonly predictedAtMs: number;
  readonly observedAtMs: number;
  /** Observed wait, seconds ≥ 0. */
  readonly waitSeconds: number;
}

/** One folded outcome: the new state, and the decision taken at it (null between decisions, or when it was skipped). */
export interface FoldStep {
  readonly state: LearningState;
  readonly decision: LearningDecision | null;
  /** The evidence the decision was taken on (null between decisions, or when there was none). */
  readonly evidence: CalibrationEvidence | null;
  /** True when the outcome belonged to another epoch and changed nothing but the skipped count. */
  readonly skipped: boolean;
}

/** A decision that changed something, where it happened and on what evidence. */
export interface LearningChange extends LearningDecision {
  /** Outcomes folded in the epoch when it was taken. */
  readonly atOutcome: number;
  /** The observation time of the outcome it was taken at, epoch ms. */
  readonly atMs: number;
  readonly evidence: CalibrationEvidence | null;
}

/** What happened while folding, for the use case to log and act on. */
export interface FoldReport {
  readonly folded: number;
  readonly skipped: number;
  /** Decisions that changed something (a drift response, a scope change, a retrain verdict), in order, with the evidence they were taken on. */
  readonly changes: readonly LearningChange[];
  /** The last decision taken. */
  readonly last: LearningDecision | null;
}

export interface NewLearningState {
  readonly longWaitThresholdSeconds: number;
  readonly nowMs: number;
  readonly classifierVersion: number;
  readonly epoch?: number;
  readonly counters?: LearningCounters;
}

const NO_COUNTERS: LearningCounters = { driftAlarms: 0, adaptations: 0, resets: 0, withdrawals: 0, skippedOutcomes: 0 };

/**
 * A cluster's state at onboarding (epoch 1) or at a re-baseline (the next epoch): learning mode,
 * the classifier's own probabilities, no evidence.
 * @throws InvalidInputError for a threshold that is not a finite number ≥ 0.
 */
export function initialLearningState(
  start: NewLearningState,
  config: GateConfig,
  policy: LearningPolicy,
): LearningState {
  if (!(Number.isFinite(start.longWaitThresholdSeconds) && start.longWaitThresholdSeconds >= 0)) {
    throw new InvalidInputError(
      `long-wait threshold must be a finite number of seconds ≥ 0, got ${start.longWaitThresholdSeconds}`,
    );
  }
  return {
    epoch: start.epoch ?? 1,
    longWaitThresholdSeconds: start.longWaitThresholdSeconds,
    epochStartedAtMs: start.nowMs,
    outcomes: 0,
    classifierVersion: start.classifierVersion,
    calibrator: initialOnlineCalibrator(policy.calibrator),
    evidence: { sinceMs: start.nowMs, probabilities: [], labels: [], observedAtMs: [] },
    drift: initialResidualCusum(),
    standing: initialStanding(config.minOutcomes),
    judgedOn: null,
    classifierCheck: { auroc: null, outcomes: 0 },
    retrainDue: false,
    retrainsWithoutRecovery: 0,
    counters: start.counters ?? NO_COUNTERS,
    lastDriftAlarm: null,
    checkpointedAtOutcomes: 0,
    checkpointedAtResponses: (start.counters ?? NO_COUNTERS).adaptations + (start.counters ?? NO_COUNTERS).resets,
  };
}

/** The issued probability for a job the active classifier scored `classifierProbability`. */
export function issueProbability(state: LearningState, classifierProbability: number, policy: LearningPolicy): number {
  return calibrate(state.calibrator, classifierProbability, policy.calibrator).probability;
}

/** The evidence of the window, or null when it is empty. O(n log n). */
export function windowEvidence(window: EvidenceWindow, config: GateConfig): CalibrationEvidence | null {
  if (window.probabilities.length === 0) return null;
  return calibrationEvidence(window.probabilities, window.labels, config.boundLevel);
}

/** The evidence of the outcomes observed in the week before `nowMs`, or null with fewer than minOutcomes. */
export function weeklyEvidence(
  window: EvidenceWindow,
  nowMs: number,
  config: GateConfig,
  policy: LearningPolicy,
): CalibrationEvidence | null {
  const from = nowMs - policy.weekMs;
  let start = window.observedAtMs.length;
  while (start > 0 && (window.observedAtMs[start - 1] as number) >= from) start -= 1;
  if (window.observedAtMs.length - start < config.minOutcomes) return null;
  return calibrationEvidence(window.probabilities.slice(start), window.labels.slice(start), config.boundLevel);
}

/** AUROC of the active classifier on the outcomes in the calibrator's window (all scored by it), or null with one class. O(n log n). */
export function classifierAuroc(calibrator: OnlineCalibratorState): {
  readonly auroc: number | null;
  readonly outcomes: number;
} {
  const { logits, labels } = calibrator.platt;
  let positives = 0;
  for (const label of labels) positives += label;
  if (positives === 0 || positives === labels.length) return { auroc: null, outcomes: labels.length };
  // The logistic map is monotone, so the AUROC of the logits is that of their probabilities.
  return {
    auroc: auroc(
      logits.map((logit) => 1 / (1 + Math.exp(-logit))),
      labels,
    ),
    outcomes: labels.length,
  };
}

function requireOutcome(outcome: FoldedOutcome): void {
  for (const name of ['classifierProbability', 'issuedProbability'] as const) {
    const value = outcome[name];
    if (!(value >= 0 && value <= 1)) throw new InvalidInputError(`${name} must be in [0, 1], got ${value}`);
  }
  if (!(Number.isFinite(outcome.waitSeconds) && outcome.waitSeconds >= 0))
    throw new InvalidInputError(`waitSeconds must be a finite number ≥ 0, got ${outcome.waitSeconds}`);
}

function appendEvidence(
  window: EvidenceWindow,
  probability: number,
  label: number,
  observedAtMs: number,
  capacity: number,
): EvidenceWindow {
  const start = Math.max(0, window.probabilities.length + 1 - capacity);
  return {
    sinceMs: window.sinceMs,
    probabilities: [...window.probabilities.slice(start), Math.fround(probability)],
    labels: [...window.labels.slice(start), label],
    observedAtMs: [...window.observedAtMs.slice(start), observedAtMs],
  };
}

/** Decisions worth reporting: anything but "same standing, keep the calibrator". */
function changedSomething(previous: LearningState, decision: LearningDecision): boolean {
  return (
    decision.calibrator !== CalibratorAction.keep ||
    decision.autonomy !== AutonomyChange.unchanged ||
    decision.retrain !== previous.retrainDue ||
    decision.standing.scope !== previous.standing.scope ||
    decision.standing.qualifiedTiers.join() !== previous.standing.qualifiedTiers.join() ||
    decision.standing.driftStatus !== previous.standing.driftStatus
  );
}

/**
 * Folds one outcome: the label from the epoch's threshold; the calibrator learns it (when the job
 * was scored by the active classifier); the drift detector sees the issued forecast's residual;
 * the evidence takes it (when the forecast was issued after the evidence's start); then, at every
 * drift batch boundary and at the end of learning mode, the loop decides ({@link decideLearningStep})
 * and the decision is applied. An outcome of another epoch is
 * counted as skipped and changes nothing else.
 * @throws InvalidInputError for an outcome with a probability outside [0, 1] or a bad wait.
 */
export function foldOutcome(
  state: LearningState,
  outcome: FoldedOutcome,
  config: GateConfig,
  policy: LearningPolicy,
): FoldStep {
  requireOutcome(outcome);
  if (outcome.epoch !== state.epoch) {
    return {
      state: { ...state, counters: { ...state.counters, skippedOutcomes: state.counters.skippedOutcomes + 1 } },
      decision: null,
      evidence: null,
      skipped: true,
    };
  }
  const label = outcome.waitSeconds > state.longWaitThresholdSeconds ? 1 : 0;
  const calibrator =
    outcome.classifierVersion === state.classifierVersion
      ? learnOutcome(state.calibrator, outcome.classifierProbability, label, policy.calibrator)
      : state.calibrator;
  const observed = observeResidual(state.drift, outcome.issuedProbability, label, {
    batchOutcomes: policy.driftBatchOutcomes,
    reference: policy.driftReference,
    falseAlarmOutcomes: config.driftFalseAlarmOutcomes,
    inflationHalfLifeBatches: DRIFT_INFLATION_HALF_LIFE_BATCHES,
    maxInflation: DRIFT_MAX_INFLATION,
  });
  const evidence =
    outcome.predictedAtMs >= state.evidence.sinceMs
      ? appendEvidence(state.evidence, outcome.issuedProbability, label, outcome.observedAtMs, config.evidenceWindow)
      : state.evidence;
  const outcomes = state.outcomes + 1;
  // Measured on a fixed cadence of the outcome count (not per fold), so batching changes nothing.
  const checked = outcomes % policy.classifierCheckEveryOutcomes === 0;
  const classifierCheck = checked ? classifierAuroc(calibrator) : state.classifierCheck;
  const separates = checked && classifierCheck.auroc !== null && classifierCheck.auroc >= policy.retrainBelowAuroc;
  const learned: LearningState = {
    ...state,
    outcomes,
    calibrator,
    drift: observed.state,
    evidence,
    classifierCheck,
    retrainsWithoutRecovery: separates ? 0 : state.retrainsWithoutRecovery,
  };

  // The loop decides once per drift batch (alarms can only happen there) — on a fixed cadence of
  // the outcome count, so batching the folds changes nothing — and at the end of learning mode.
  if (observed.alarm === null && outcomes % policy.driftBatchOutcomes !== 0 && outcomes !== config.minOutcomes) {
    return { state: learned, decision: null, evidence: null, skipped: false };
  }
  const evaluated = windowEvidence(evidence, config);
  const decision = decideLearningStep(
    {
      outcomesInEpoch: outcomes,
      evidence: evaluated,
      weeklyEvidence: weeklyEvidence(evidence, outcome.observedAtMs, config, policy),
      driftAlarm: observed.alarm,
      calibratorAdapting: calibrator.fastOutcomesLeft > 0,
      classifier: classifierCheck,
      retrainsWithoutRecovery: learned.retrainsWithoutRecovery,
      previous: state.standing,
    },
    config,
    policy,
  );
  const counters = {
    ...learned.counters,
    driftAlarms: learned.counters.driftAlarms + (observed.alarm === null ? 0 : 1),
    adaptations: learned.counters.adaptations + (decision.calibrator === CalibratorAction.adapt ? 1 : 0),
    resets: learned.counters.resets + (decision.calibrator === CalibratorAction.reset ? 1 : 0),
    withdrawals: learned.counters.withdrawals + (decision.autonomy === AutonomyChange.withdrawn ? 1 : 0),
  };
  const nextCalibrator =
    decision.calibrator === CalibratorAction.adapt
      ? adaptCalibrator(calibrator, policy.calibrator)
      : decision.calibrator === CalibratorAction.reset
        ? resetCalibrator(calibrator, policy.calibrator)
        : calibrator;
  return {
    state: {
      ...learned,
      calibrator: nextCalibrator,
      evidence: decision.restartEvidence
        ? { sinceMs: outcome.observedAtMs, probabilities: [], labels: [], observedAtMs: [] }
        : evidence,
      standing: decision.standing,
      judgedOn: decision.restartEvidence ? null : evaluated,
      retrainDue: decision.retrain,
      counters,
      lastDriftAlarm:
        observed.alarm === null ? learned.lastDriftAlarm : { ...observed.alarm, atMs: outcome.observedAtMs },
    },
    decision,
    evidence: evaluated,
    skipped: false,
  };
}

/** The residual CUSUM's variance-inflation memory and cap (see residual-cusum.ts): fixed, not tuned per cluster. */
const DRIFT_INFLATION_HALF_LIFE_BATCHES = 40;
const DRIFT_MAX_INFLATION = 25;

/**
 * Folds outcomes in order (see {@link foldOutcome}); the same result as folding them one by one.
 * O(outcomes × (evidenceWindow log evidenceWindow + calibrator window)).
 */
export function foldOutcomes(
  state: LearningState,
  outcomes: readonly FoldedOutcome[],
  config: GateConfig,
  policy: LearningPolicy,
): { readonly state: LearningState; readonly report: FoldReport } {
  let current = state;
  let folded = 0;
  let skipped = 0;
  let last: LearningDecision | null = null;
  const changes: LearningChange[] = [];
  for (const outcome of outcomes) {
    const before = current;
    const step = foldOutcome(current, outcome, config, policy);
    current = step.state;
    if (step.skipped) {
      skipped += 1;
      continue;
    }
    folded += 1;
    if (step.decision === null) continue;
    last = step.decision;
    if (changedSomething(before, step.decision))
      changes.push({
        ...step.decision,
        atOutcome: current.outcomes,
        atMs: outcome.observedAtMs,
        evidence: step.evidence,
      });
  }
  return { state: current, report: { folded, skipped, changes, last } };
}

/**
 * The state with a new classifier (a retrain published `classifierVersion`): the calibrator starts
 * over on the new classifier's probabilities; the evidence, the drift detector and the standing
 * carry on (the track record of issued forecasts is the cluster's, whatever produced them).
 */
export function withNewClassifier(
  state: LearningState,
  classifierVersion: number,
  policy: LearningPolicy,
): LearningState {
  return {
    ...state,
    classifierVersion,
    calibrator: initialOnlineCalibrator(policy.calibrator),
    classifierCheck: { auroc: null, outcomes: 0 },
    retrainDue: false,
    retrainsWithoutRecovery: state.retrainsWithoutRecovery + 1,
  };
}

/**
 * A re-baseline: a new label threshold starts the next epoch — learning mode, fresh calibrator and
 * evidence (forecasts of the old label say nothing about the new one); counters carry on.
 */
export function rebaselined(
  state: LearningState,
  longWaitThresholdSeconds: number,
  nowMs: number,
  config: GateConfig,
  policy: LearningPolicy,
): LearningState {
  return initialLearningState(
    {
      longWaitThresholdSeconds,
      nowMs,
      classifierVersion: state.classifierVersion,
      epoch: state.epoch + 1,
      counters: state.counters,
    },
    config,
    policy,
  );
}

/** True when a checkpoint of the state is due: every `checkpointEveryOutcomes` outcomes, and after every drift response. */
export function checkpointDue(state: LearningState, policy: LearningPolicy): boolean {
  return (
    state.outcomes - state.checkpointedAtOutcomes >= policy.checkpointEveryOutcomes ||
    state.counters.adaptations + state.counters.resets > state.checkpointedAtResponses
  );
}

/** True when maintenance has work: a retrain or a checkpoint is due. */
export function maintenanceDue(state: LearningState, policy: LearningPolicy): boolean {
  return state.retrainDue || checkpointDue(state, policy);
}

/**
 * Whether a fold from `before` to `after` asks for maintenance: when it became due, and again
 * every `driftBatchOutcomes` outcomes while it stays due — so a run that failed (a store down) is
 * retried by later outcomes, without a request per outcome.
 */
export function maintenanceSignal(before: LearningState, after: LearningState, policy: LearningPolicy): boolean {
  if (!maintenanceDue(after, policy)) return false;
  if (!maintenanceDue(before, policy)) return true;
  return (
    Math.floor(after.outcomes / policy.driftBatchOutcomes) > Math.floor(before.outcomes / policy.driftBatchOutcomes)
  );
}

/** The state as checkpointed now. */
export function markCheckpointed(state: LearningState): LearningState {
  return {
    ...state,
    checkpointedAtOutcomes: state.outcomes,
    checkpointedAtResponses: state.counters.adaptations + state.counters.resets,
  };
}
