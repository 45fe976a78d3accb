/**
 * A cluster's online calibrator: online Platt scaling over the classifier's probability, then
 * calibeating by tracking (see online-platt.ts and calibeating.ts). It learns from every outcome as
 * it arrives; after a drift alarm it forgets faster for a while (`adapt`) or starts over on the
 * outcomes since the drift (`reset`). A new classifier or a new label starts from
 * `initialOnlineCalibrator`.
 *
 * State in, state out.
 */
import { InvalidInputError } from '../errors.ts';
import {
  applyCalibeating,
  checkCalibeatingOptions,
  DEFAULT_CALIBEATING_OPTIONS,
  initialCalibeating,
  learnCalibeating,
  type CalibeatingOptions,
  type CalibeatingState,
} from './calibeating.ts';
import {
  applyOnlinePlatt,
  checkOnlinePlattOptions,
  clippedLogit,
  DEFAULT_ONLINE_PLATT_OPTIONS,
  initialOnlinePlatt,
  learnOnlinePlatt,
  refitOnlinePlatt,
  type OnlinePlattOptions,
  type OnlinePlattState,
} from './online-platt.ts';

export interface OnlineCalibratorOptions {
  readonly platt: OnlinePlattOptions;
  readonly calibeating: CalibeatingOptions;
  /**
   * After `adapt`, online Platt's half-life is divided by this (> 1) for the next
   * `platt.halfLifeOutcomes` outcomes: the drifted regime outweighs the old one within a fifth of
   * the usual memory, and the usual memory returns once a full half-life of new outcomes is in.
   */
  readonly adaptSpeedup: number;
}

export const DEFAULT_ONLINE_CALIBRATOR_OPTIONS: OnlineCalibratorOptions = Object.freeze({
  platt: DEFAULT_ONLINE_PLATT_OPTIONS,
  calibeating: DEFAULT_CALIBEATING_OPTIONS,
  adaptSpeedup: 5,
});

export interface OnlineCalibratorState {
  readonly platt: OnlinePlattState;
  readonly calibeating: CalibeatingState;
  /** Outcomes still to learn with the faster memory after an `adapt` (0: the usual memory). */
  readonly fastOutcomesLeft: number;
}

/** What issuing a probability needs: the parameters, not the windows they were learned from. */
export interface CalibratorParameters {
  readonly platt: Pick<OnlinePlattState, 'slope' | 'intercept'>;
  readonly calibeating: CalibeatingState;
}

/** The calibrated answer for one job, with the layer below calibeating (what calibeating learns from). */
export interface CalibratedProbability {
  /** The issued P(long wait), in [0, 1]. */
  readonly probability: number;
  /** Online Platt's probability, in [0, 1]. */
  readonly plattProbability: number;
}

export function checkOnlineCalibratorOptions(options: OnlineCalibratorOptions): void {
  checkOnlinePlattOptions(options.platt);
  checkCalibeatingOptions(options.calibeating);
  if (!(options.adaptSpeedup > 1 && Number.isFinite(options.adaptSpeedup))) {
    throw new InvalidInputError(`adaptSpeedup must be a finite number > 1, got ${options.adaptSpeedup}`);
  }
}

/** Passes the classifier's probabilities through until outcomes arrive. */
export function initialOnlineCalibrator(
  options: OnlineCalibratorOptions = DEFAULT_ONLINE_CALIBRATOR_OPTIONS,
): OnlineCalibratorState {
  checkOnlineCalibratorOptions(options);
  return { platt: initialOnlinePlatt(), calibeating: initialCalibeating(options.calibeating), fastOutcomesLeft: 0 };
}

/**
 * The issued probability for the classifier's probability `classifierProbability`.
 * @throws InvalidInputError when `classifierProbability` is not in [0, 1].
 */
export function calibrate(
  state: CalibratorParameters,
  classifierProbability: number,
  options: OnlineCalibratorOptions = DEFAULT_ONLINE_CALIBRATOR_OPTIONS,
): CalibratedProbability {
  const plattProbability = applyOnlinePlatt(state.platt, clippedLogit(classifierProbability));
  return { probability: applyCalibeating(state.calibeating, plattProbability, options.calibeating), plattProbability };
}

function plattOptionsNow(state: OnlineCalibratorState, options: OnlineCalibratorOptions): OnlinePlattOptions {
  if (state.fastOutcomesLeft === 0) return options.platt;
  return { ...options.platt, halfLifeOutcomes: options.platt.halfLifeOutcomes / options.adaptSpeedup };
}

/**
 * The state after one outcome of a job the classifier scored `classifierProbability`: calibeating
 * learns from online Platt's current forecast for it, then online Platt learns the outcome.
 * @throws InvalidInputError when `classifierProbability` is not in [0, 1] or `label` is not 0/1.
 */
export function learnOutcome(
  state: OnlineCalibratorState,
  classifierProbability: number,
  label: number,
  options: OnlineCalibratorOptions = DEFAULT_ONLINE_CALIBRATOR_OPTIONS,
): OnlineCalibratorState {
  const logit = clippedLogit(classifierProbability);
  const calibeating = learnCalibeating(
    state.calibeating,
    applyOnlinePlatt(state.platt, logit),
    label,
    options.calibeating,
  );
  const platt = learnOnlinePlatt(state.platt, logit, label, plattOptionsNow(state, options));
  return { platt, calibeating, fastOutcomesLeft: Math.max(0, state.fastOutcomesLeft - 1) };
}

/**
 * After miscalibration drift: online Platt forgets `adaptSpeedup` times faster for the next
 * `platt.halfLifeOutcomes` outcomes (refitted at once with that memory), and calibeating's bins,
 * which tracked the old regime, are emptied.
 */
export function adaptCalibrator(
  state: OnlineCalibratorState,
  options: OnlineCalibratorOptions = DEFAULT_ONLINE_CALIBRATOR_OPTIONS,
): OnlineCalibratorState {
  const fast = { ...state, fastOutcomesLeft: options.platt.halfLifeOutcomes };
  return {
    platt: refitOnlinePlatt(fast.platt, plattOptionsNow(fast, options)),
    calibeating: initialCalibeating(options.calibeating),
    fastOutcomesLeft: fast.fastOutcomesLeft,
  };
}

/**
 * After drift that adapting did not absorb (a second alarm while still adapting): online Platt
 * starts over from the identity map on only the outcomes learned since the adaptation began, with
 * the faster memory for a full half-life again, and calibeating's bins are emptied.
 */
export function resetCalibrator(
  state: OnlineCalibratorState,
  options: OnlineCalibratorOptions = DEFAULT_ONLINE_CALIBRATOR_OPTIONS,
): OnlineCalibratorState {
  const sinceAdapt = state.fastOutcomesLeft === 0 ? 0 : options.platt.halfLifeOutcomes - state.fastOutcomesLeft;
  const keepFrom = Math.max(0, state.platt.logits.length - sinceAdapt);
  const platt = {
    ...initialOnlinePlatt(),
    logits: state.platt.logits.slice(keepFrom),
    labels: state.platt.labels.slice(keepFrom),
  };
  const fast = {
    platt,
    calibeating: initialCalibeating(options.calibeating),
    fastOutcomesLeft: options.platt.halfLifeOutcomes,
  };
  return { ...fast, platt: refitOnlinePlatt(platt, plattOptionsNow(fast, options)) };
}
