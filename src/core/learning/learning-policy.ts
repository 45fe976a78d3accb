/**
 * How the learning loop learns, beside the gate's thresholds (gate-config.ts): the online
 * calibrator's memory, the drift detector's batches, when discrimination counts as lost and how
 * often the state is checkpointed. Defaults with their reasons; an entry may override them.
 */
import {
  checkOnlineCalibratorOptions,
  DEFAULT_ONLINE_CALIBRATOR_OPTIONS,
  type OnlineCalibratorOptions,
} from '../calibration/online-calibrator.ts';
import { InvalidInputError } from '../errors.ts';

export interface LearningPolicy {
  readonly calibrator: OnlineCalibratorOptions;
  /** Outcomes per batch of the residual CUSUM (its false-alarm rate is the gate's `driftFalseAlarmOutcomes`). */
  readonly driftBatchOutcomes: number;
  /** The CUSUM's reference k in batch standard deviations. */
  readonly driftReference: number;
  /** The classifier has lost discrimination when its AUROC on its own window falls below this… */
  readonly retrainBelowAuroc: number;
  /** …over at least this many outcomes it scored (fewer: AUROC is too noisy to retrain on). */
  readonly minOutcomesToRetrain: number;
  /** The classifier's AUROC is measured every this many outcomes (an O(n log n) sort; discrimination changes slowly). */
  readonly classifierCheckEveryOutcomes: number;
  /** A checkpoint of the learning state is saved after this many outcomes (and after every drift response). */
  readonly checkpointEveryOutcomes: number;
  /** The "weekly" ECE's span, ms. */
  readonly weekMs: number;
}

export const DEFAULT_LEARNING_POLICY: LearningPolicy = Object.freeze({
  calibrator: DEFAULT_ONLINE_CALIBRATOR_OPTIONS,
  driftBatchOutcomes: 25,
  driftReference: 0.5,
  // AUROC 0.6 is near chance; at 200 outcomes with 10 % long waits its standard error is ≈ 0.05
  // (Hanley & McNeil 1982), so 0.6 is two standard errors above 0.5.
  retrainBelowAuroc: 0.6,
  minOutcomesToRetrain: 200,
  classifierCheckEveryOutcomes: 100,
  checkpointEveryOutcomes: 1000,
  weekMs: 7 * 24 * 3600 * 1000,
});

/** @throws InvalidInputError naming the first bad field. */
export function checkLearningPolicy(policy: LearningPolicy): void {
  checkOnlineCalibratorOptions(policy.calibrator);
  for (const name of [
    'driftBatchOutcomes',
    'minOutcomesToRetrain',
    'classifierCheckEveryOutcomes',
    'checkpointEveryOutcomes',
  ] as const) {
    if (!(Number.isInteger(policy[name]) && policy[name] >= 1))
      throw new InvalidInputError(`${name} must be an integer ≥ 1, got ${policy[name]}`);
  }
  if (!(policy.driftReference > 0 && Number.isFinite(policy.driftReference)))
    throw new InvalidInputError(`driftReference must be a finite number > 0, got ${policy.driftReference}`);
  if (!(policy.retrainBelowAuroc > 0.5 && policy.retrainBelowAuroc < 1))
    throw new InvalidInputError(`retrainBelowAuroc must be in (0.5, 1), got ${policy.retrainBelowAuroc}`);
  if (!(policy.weekMs > 0 && Number.isFinite(policy.weekMs)))
    throw new InvalidInputError(`weekMs must be a finite number > 0, got ${policy.weekMs}`);
}
