import { InvalidInputError } from '../errors.ts';
import { CalibrationState, DEFAULT_GATE_CONFIG, DriftStatus, type GateConfig } from './gate-config.ts';
import { requireCount, requireUnitInterval } from './gate-input-checks.ts';

/** What one calibration recompute (or recalibration) says about a cluster, reduced to one word. */
export const CalibrationEvidenceKind = {
  /** Fewer than minOutcomes outcomes, or no score yet: no news. */
  tooFewOutcomes: 'too_few_outcomes',
  /** Drift none or monitor, and score > notifyScore. */
  withinBounds: 'within_bounds',
  /** Drift reduce_autonomy, and score > notifyScore. */
  reduceAutonomy: 'reduce_autonomy',
  /** Drift recalibrate, or score ≤ notifyScore (the gate would only escalate). */
  recalibrationNeeded: 'recalibration_needed',
  /** A recalibration just stored a new calibrator and reset the baseline. */
  recalibratedNow: 'recalibrated_now',
} as const;
export type CalibrationEvidenceKind = (typeof CalibrationEvidenceKind)[keyof typeof CalibrationEvidenceKind];

/** The evidence {@link nextCalibrationState} reads. */
export interface CalibrationEvidence {
  /** All outcomes recorded for the cluster, an integer ≥ 0. */
  readonly outcomeCount: number;
  readonly driftStatus: DriftStatus;
  /** Calibration score in [0, 1], or null when no ECE has been measured. */
  readonly score: number | null;
  /** True when this step stored a new calibrator (the other fields describe the old one). */
  readonly recalibratedNow: boolean;
}

const S = CalibrationState;

/**
 * The whole state machine: next state for each (current state, evidence kind). Anything not in this
 * table cannot happen. Frozen; see {@link nextCalibrationState} for the same table in words.
 */
export const CALIBRATION_TRANSITIONS: Readonly<Record<CalibrationState, Readonly<Record<CalibrationEvidenceKind, CalibrationState>>>> =
  Object.freeze({
    learning: Object.freeze({
      too_few_outcomes: S.learning,
      within_bounds: S.wellCalibrated,
      reduce_autonomy: S.drifting,
      recalibration_needed: S.uncalibrated,
      recalibrated_now: S.recalibrated,
    }),
    well_calibrated: Object.freeze({
      too_few_outcomes: S.wellCalibrated,
      within_bounds: S.wellCalibrated,
      reduce_autonomy: S.drifting,
      recalibration_needed: S.uncalibrated,
      recalibrated_now: S.recalibrated,
    }),
    drifting: Object.freeze({
      too_few_outcomes: S.drifting,
      within_bounds: S.wellCalibrated,
      reduce_autonomy: S.drifting,
      recalibration_needed: S.uncalibrated,
      recalibrated_now: S.recalibrated,
    }),
    uncalibrated: Object.freeze({
      too_few_outcomes: S.uncalibrated,
      within_bounds: S.uncalibrated,
      reduce_autonomy: S.uncalibrated,
      recalibration_needed: S.uncalibrated,
      recalibrated_now: S.recalibrated,
    }),
    recalibrated: Object.freeze({
      too_few_outcomes: S.recalibrated,
      within_bounds: S.wellCalibrated,
      reduce_autonomy: S.drifting,
      recalibration_needed: S.uncalibrated,
      recalibrated_now: S.recalibrated,
    }),
  });

/**
 * Reduces one step's evidence to a {@link CalibrationEvidenceKind}, in this order: a recalibration;
 * too few outcomes or no score; drift recalibrate or score ≤ notifyScore; drift reduce_autonomy;
 * otherwise within bounds.
 *
 * @throws InvalidInputError when `outcomeCount` is not an integer ≥ 0, `score` is not in [0, 1], or
 * a recalibration is reported with fewer than minOutcomes outcomes (a recalibration needs a window).
 */
export function calibrationEvidenceKind(evidence: CalibrationEvidence, config: GateConfig = DEFAULT_GATE_CONFIG): CalibrationEvidenceKind {
  requireCount('outcomeCount', evidence.outcomeCount);
  if (evidence.score !== null) requireUnitInterval('score', evidence.score);
  const enoughOutcomes = evidence.outcomeCount >= config.minOutcomes;
  if (evidence.recalibratedNow) {
    if (!enoughOutcomes) {
      throw new InvalidInputError(`recalibration needs ${config.minOutcomes} outcomes (got ${evidence.outcomeCount})`);
    }
    return CalibrationEvidenceKind.recalibratedNow;
  }
  if (!enoughOutcomes || evidence.score === null) return CalibrationEvidenceKind.tooFewOutcomes;
  if (evidence.driftStatus === DriftStatus.recalibrate || evidence.score <= config.notifyScore) {
    return CalibrationEvidenceKind.recalibrationNeeded;
  }
  if (evidence.driftStatus === DriftStatus.reduceAutonomy) return CalibrationEvidenceKind.reduceAutonomy;
  return CalibrationEvidenceKind.withinBounds;
}

/**
 * The cluster's next calibration state after a recompute or a recalibration. The machine is
 * learning → well_calibrated ⇄ drifting → uncalibrated → recalibrated → (well_calibrated | drifting |
 * uncalibrated), driven by {@link calibrationEvidenceKind}:
 *
 * | current ↓ / evidence → | too_few_outcomes | within_bounds   | reduce_autonomy | recalibration_needed | recalibrated_now |
 * | ---------------------- | ---------------- | --------------- | --------------- | -------------------- | ---------------- |
 * | learning               | learning         | well_calibrated | drifting        | uncalibrated         | recalibrated     |
 * | well_calibrated        | well_calibrated  | well_calibrated | drifting        | uncalibrated         | recalibrated     |
 * | drifting               | drifting         | well_calibrated | drifting        | uncalibrated         | recalibrated     |
 * | uncalibrated           | uncalibrated     | uncalibrated    | uncalibrated    | uncalibrated         | recalibrated     |
 * | recalibrated           | recalibrated     | well_calibrated | drifting        | uncalibrated         | recalibrated     |
 *
 * Rules behind the table: learning is only ever the first state (nothing returns to it); too little
 * evidence changes nothing; leaving learning lands where the first measurement says (a transferred
 * model can be badly calibrated from day one); a sudden jump past reduce_autonomy goes straight to
 * uncalibrated; uncalibrated is left only through a recalibration (a drift bad enough to demand a
 * new calibrator is not forgiven by a quieter window); a recalibration may be run from any state
 * (drift, PSI, weekly ECE or an operator can trigger it) and its new calibrator earns
 * well_calibrated only when the next recompute shows drift none/monitor with score > notifyScore.
 *
 * @throws InvalidInputError as {@link calibrationEvidenceKind}, or when `current` is not a state.
 */
export function nextCalibrationState(
  current: CalibrationState,
  evidence: CalibrationEvidence,
  config: GateConfig = DEFAULT_GATE_CONFIG,
): CalibrationState {
  const row = transitionsFrom(current);
  return row[calibrationEvidenceKind(evidence, config)];
}

/**
 * True when the state machine has an edge from `from` to `to` (staying put counts as an edge when the
 * table has it). For stores that validate a persisted transition.
 *
 * @throws InvalidInputError when `from` is not a state.
 */
export function isCalibrationTransitionAllowed(from: CalibrationState, to: CalibrationState): boolean {
  return Object.values(transitionsFrom(from)).includes(to);
}

/** The table's row for a state; a string that is not a state (e.g. from a corrupt record) is refused. */
function transitionsFrom(state: CalibrationState): Readonly<Record<CalibrationEvidenceKind, CalibrationState>> {
  if (!Object.hasOwn(CALIBRATION_TRANSITIONS, state)) {
    throw new InvalidInputError(`unknown calibration state ${JSON.stringify(state)}`);
  }
  return CALIBRATION_TRANSITIONS[state];
}
