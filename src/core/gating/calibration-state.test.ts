import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { InvalidInputError } from '../errors.ts';
import {
  CALIBRATION_TRANSITIONS,
  calibrationEvidenceKind,
  isCalibrationTransitionAllowed,
  nextCalibrationState,
  type CalibrationEvidence,
  type CalibrationEvidenceKind,
} from './calibration-state.ts';
import { CalibrationState, DriftStatus } from './gate-config.ts';

// One concrete piece of evidence per kind, built from SPEC's numbers (50 outcomes, notify score 0.60).
const evidenceFor: Record<CalibrationEvidenceKind, CalibrationEvidence> = {
  too_few_outcomes: { outcomeCount: 49, driftStatus: 'none', score: 0.95, recalibratedNow: false },
  within_bounds: { outcomeCount: 50, driftStatus: 'monitor', score: 0.9, recalibratedNow: false },
  reduce_autonomy: { outcomeCount: 500, driftStatus: 'reduce_autonomy', score: 0.8, recalibratedNow: false },
  recalibration_needed: { outcomeCount: 500, driftStatus: 'recalibrate', score: 0.4, recalibratedNow: false },
  recalibrated_now: { outcomeCount: 500, driftStatus: 'recalibrate', score: 0.4, recalibratedNow: true },
};

describe('calibrationEvidenceKind', () => {
  it.each([
    [{ outcomeCount: 49, driftStatus: 'none', score: 1, recalibratedNow: false }, 'too_few_outcomes'],
    [{ outcomeCount: 50, driftStatus: 'none', score: null, recalibratedNow: false }, 'too_few_outcomes'],
    [{ outcomeCount: 50, driftStatus: 'none', score: 0.61, recalibratedNow: false }, 'within_bounds'],
    [{ outcomeCount: 50, driftStatus: 'monitor', score: 0.99, recalibratedNow: false }, 'within_bounds'],
    [{ outcomeCount: 50, driftStatus: 'none', score: 0.6, recalibratedNow: false }, 'recalibration_needed'],
    [{ outcomeCount: 50, driftStatus: 'reduce_autonomy', score: 0.8, recalibratedNow: false }, 'reduce_autonomy'],
    [{ outcomeCount: 50, driftStatus: 'reduce_autonomy', score: 0.6, recalibratedNow: false }, 'recalibration_needed'],
    [{ outcomeCount: 50, driftStatus: 'recalibrate', score: 0.99, recalibratedNow: false }, 'recalibration_needed'],
    [{ outcomeCount: 50, driftStatus: 'recalibrate', score: null, recalibratedNow: true }, 'recalibrated_now'],
  ] as const)('calibrationEvidenceKind of %j is %s', (evidence, expected) => {
    const kind = calibrationEvidenceKind(evidence);

    expect(kind).toBe(expected);
  });

  it('calibrationEvidenceKind refuses a recalibration before 50 outcomes', () => {
    const kind = (): string => calibrationEvidenceKind({ ...evidenceFor.recalibrated_now, outcomeCount: 49 });

    expect(kind).toThrow('recalibration needs 50 outcomes (got 49)');
  });

  it('calibrationEvidenceKind refuses bad counts and scores', () => {
    const badCount = (): string => calibrationEvidenceKind({ ...evidenceFor.within_bounds, outcomeCount: -3 });
    const badScore = (): string => calibrationEvidenceKind({ ...evidenceFor.within_bounds, score: 1.5 });

    expect(badCount).toThrow(InvalidInputError);
    expect(badScore).toThrow(InvalidInputError);
  });
});

describe('nextCalibrationState', () => {
  // Every edge of the machine, written out by hand (current, evidence, next).
  const edges: [CalibrationState, CalibrationEvidenceKind, CalibrationState][] = [
    ['learning', 'too_few_outcomes', 'learning'],
    ['learning', 'within_bounds', 'well_calibrated'],
    ['learning', 'reduce_autonomy', 'drifting'],
    ['learning', 'recalibration_needed', 'uncalibrated'],
    ['learning', 'recalibrated_now', 'recalibrated'],
    ['well_calibrated', 'too_few_outcomes', 'well_calibrated'],
    ['well_calibrated', 'within_bounds', 'well_calibrated'],
    ['well_calibrated', 'reduce_autonomy', 'drifting'],
    ['well_calibrated', 'recalibration_needed', 'uncalibrated'],
    ['well_calibrated', 'recalibrated_now', 'recalibrated'],
    ['drifting', 'too_few_outcomes', 'drifting'],
    ['drifting', 'within_bounds', 'well_calibrated'],
    ['drifting', 'reduce_autonomy', 'drifting'],
    ['drifting', 'recalibration_needed', 'uncalibrated'],
    ['drifting', 'recalibrated_now', 'recalibrated'],
    ['uncalibrated', 'too_few_outcomes', 'uncalibrated'],
    ['uncalibrated', 'within_bounds', 'uncalibrated'],
    ['uncalibrated', 'reduce_autonomy', 'uncalibrated'],
    ['uncalibrated', 'recalibration_needed', 'uncalibrated'],
    ['uncalibrated', 'recalibrated_now', 'recalibrated'],
    ['recalibrated', 'too_few_outcomes', 'recalibrated'],
    ['recalibrated', 'within_bounds', 'well_calibrated'],
    ['recalibrated', 'reduce_autonomy', 'drifting'],
    ['recalibrated', 'recalibration_needed', 'uncalibrated'],
    ['recalibrated', 'recalibrated_now', 'recalibrated'],
  ];

  it.each(edges)('nextCalibrationState from %s on %s is %s', (current, kind, expected) => {
    const next = nextCalibrationState(current, evidenceFor[kind]);

    expect(next).toBe(expected);
  });

  it('nextCalibrationState edges cover the whole table', () => {
    const states = Object.values(CalibrationState);

    const tableSize = states.reduce((sum, state) => sum + Object.keys(CALIBRATION_TRANSITIONS[state]).length, 0);

    expect(edges).toHaveLength(tableSize);
    expect(tableSize).toBe(25);
  });

  it('nextCalibrationState leaves recalibrated for well_calibrated only with score above the notify bound', () => {
    const atBound = nextCalibrationState('recalibrated', { outcomeCount: 600, driftStatus: 'none', score: 0.6, recalibratedNow: false });
    const above = nextCalibrationState('recalibrated', { outcomeCount: 600, driftStatus: 'none', score: 0.62, recalibratedNow: false });

    expect(atBound).toBe('uncalibrated');
    expect(above).toBe('well_calibrated');
  });

  it('nextCalibrationState refuses a string that is not a state', () => {
    const next = (): string => nextCalibrationState('constructor' as CalibrationState, evidenceFor.within_bounds);

    expect(next).toThrow('unknown calibration state "constructor"');
  });

  it('nextCalibrationState only takes allowed edges and never returns to learning (property)', () => {
    const evidence = fc.record({
      outcomeCount: fc.integer({ min: 0, max: 300 }),
      driftStatus: fc.constantFrom(...Object.values(DriftStatus)),
      score: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
      recalibratedNow: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(evidence, { maxLength: 30 }), (steps) => {
        let state: CalibrationState = 'learning';
        let leftLearning = false;
        for (const step of steps) {
          // A recalibration with too few outcomes is refused; the generator avoids it.
          const safeStep = step.recalibratedNow && step.outcomeCount < 50 ? { ...step, recalibratedNow: false } : step;
          const next = nextCalibrationState(state, safeStep);
          expect(isCalibrationTransitionAllowed(state, next)).toBe(true);
          if (leftLearning) expect(next).not.toBe('learning');
          leftLearning ||= next !== 'learning';
          state = next;
        }
      }),
    );
  });
});

describe('isCalibrationTransitionAllowed', () => {
  it.each([
    ['well_calibrated', 'learning'],
    ['drifting', 'learning'],
    ['uncalibrated', 'learning'],
    ['recalibrated', 'learning'],
    ['uncalibrated', 'well_calibrated'],
    ['uncalibrated', 'drifting'],
  ] as const)('isCalibrationTransitionAllowed refuses %s → %s', (from, to) => {
    const allowed = isCalibrationTransitionAllowed(from, to);

    expect(allowed).toBe(false);
  });

  it.each([
    ['learning', 'learning'],
    ['learning', 'well_calibrated'],
    ['well_calibrated', 'drifting'],
    ['drifting', 'well_calibrated'],
    ['drifting', 'uncalibrated'],
    ['uncalibrated', 'recalibrated'],
    ['recalibrated', 'well_calibrated'],
  ] as const)('isCalibrationTransitionAllowed accepts %s → %s', (from, to) => {
    const allowed = isCalibrationTransitionAllowed(from, to);

    expect(allowed).toBe(true);
  });

  it('isCalibrationTransitionAllowed refuses an unknown state', () => {
    const allowed = (): boolean => isCalibrationTransitionAllowed('toString' as CalibrationState, 'learning');

    expect(allowed).toThrow(InvalidInputError);
  });

  it('CALIBRATION_TRANSITIONS cannot be mutated', () => {
    const table = CALIBRATION_TRANSITIONS as unknown as Record<string, Record<string, string>>;

    const mutate = (): void => {
      (table.uncalibrated as Record<string, string>).within_bounds = 'well_calibrated';
    };

    expect(mutate).toThrow(TypeError);
    expect(CALIBRATION_TRANSITIONS.uncalibrated.within_bounds).toBe('uncalibrated');
  });
});
