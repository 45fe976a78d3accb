import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { applyCalibeating, initialCalibeating, learnCalibeating } from './calibeating.ts';
import {
  adaptCalibrator,
  calibrate,
  checkOnlineCalibratorOptions,
  DEFAULT_ONLINE_CALIBRATOR_OPTIONS,
  initialOnlineCalibrator,
  learnOutcome,
  resetCalibrator,
  type OnlineCalibratorOptions,
  type OnlineCalibratorState,
} from './online-calibrator.ts';
import { clippedLogit, initialOnlinePlatt, learnOnlinePlatt, refitOnlinePlatt } from './online-platt.ts';

/** A short memory (half-life 10, 2 while adapting) so adapt and reset show within a few outcomes. */
const SMALL: OnlineCalibratorOptions = {
  platt: { window: 20, halfLifeOutcomes: 10, priorStrength: 1, maxIterations: 1 },
  calibeating: { bins: 4, halfLifeOutcomes: 100, pseudoOutcomes: 2 },
  adaptSpeedup: 5,
};
const FAST_PLATT = { ...SMALL.platt, halfLifeOutcomes: 2 };

const OUTCOMES: readonly (readonly [number, number])[] = [
  [0.2, 0],
  [0.7, 1],
  [0.4, 1],
  [0.9, 1],
  [0.1, 0],
  [0.6, 0],
  [0.3, 1],
  [0.8, 1],
];

function learnAll(
  state: OnlineCalibratorState,
  outcomes: readonly (readonly [number, number])[],
  options: OnlineCalibratorOptions,
): OnlineCalibratorState {
  return outcomes.reduce((current, [probability, label]) => learnOutcome(current, probability, label, options), state);
}

describe('initialOnlineCalibrator and calibrate', () => {
  it("initialOnlineCalibrator passes the classifier's probability through (to single precision)", () => {
    const state = initialOnlineCalibrator();

    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), (probability) => {
        const calibrated = calibrate(state, probability);

        expect(calibrated.plattProbability).toBeCloseTo(probability, 6);
        expect(calibrated.probability).toBeCloseTo(probability, 6);
      }),
    );
    expect(state).toEqual({ platt: initialOnlinePlatt(), calibeating: initialCalibeating(), fastOutcomesLeft: 0 });
  });

  it('calibrate composes online Platt, then calibeating (hand-worked)', () => {
    // Platt: σ(2·logit(0.5) − 1) = σ(−1) = 0.2689414213699951, in bin ⌊4·0.269⌋ = 1;
    // calibeating: (longWaits 3 + 2·0.26894) / (weight 4 + 2) = 3.53788284274 / 6.
    const state = {
      platt: { slope: 2, intercept: -1 },
      calibeating: { weights: [0, 4, 0, 0], longWaits: [0, 3, 0, 0] },
    };

    const calibrated = calibrate(state, 0.5, SMALL);

    expect(calibrated.plattProbability).toBeCloseTo(0.2689414213699951, 15);
    expect(calibrated.probability).toBeCloseTo(3.5378828427399904 / 6, 15);
  });

  it('calibrate refuses a classifier probability outside [0, 1]', () => {
    const call = (): unknown => calibrate(initialOnlineCalibrator(), 1.5);

    expect(call).toThrow(InvalidInputError);
    expect(call).toThrow('probability must be in [0, 1], got 1.5');
  });
});

describe('learnOutcome', () => {
  it("learnOutcome feeds calibeating Platt's forecast from BEFORE the outcome, then lets Platt learn it", () => {
    const before = learnAll(initialOnlineCalibrator(SMALL), OUTCOMES.slice(0, 4), SMALL);
    const logit = clippedLogit(0.65);

    const after = learnOutcome(before, 0.65, 1, SMALL);

    const forecastBefore = 1 / (1 + Math.exp(-(before.platt.slope * logit + before.platt.intercept)));
    expect(after.calibeating).toEqual(learnCalibeating(before.calibeating, forecastBefore, 1, SMALL.calibeating));
    expect(after.platt).toEqual(learnOnlinePlatt(before.platt, logit, 1, SMALL.platt));
    expect(after.fastOutcomesLeft).toBe(0);
  });

  it('learnOutcome refuses a bad probability or label', () => {
    expect(() => learnOutcome(initialOnlineCalibrator(), -0.2, 1)).toThrow('probability must be in [0, 1], got -0.2');
    expect(() => learnOutcome(initialOnlineCalibrator(), 0.2, 3)).toThrow('label must be 0 or 1, got 3');
  });
});

describe('adaptCalibrator', () => {
  it('adaptCalibrator refits Platt with the faster memory at once, empties calibeating and counts a half-life down', () => {
    const learned = learnAll(initialOnlineCalibrator(SMALL), OUTCOMES, SMALL);

    const adapted = adaptCalibrator(learned, SMALL);

    expect(adapted.fastOutcomesLeft).toBe(10);
    expect(adapted.calibeating).toEqual(initialCalibeating(SMALL.calibeating));
    expect(adapted.platt).toEqual(refitOnlinePlatt(learned.platt, FAST_PLATT));
    expect(adapted.platt.logits).toEqual(learned.platt.logits);
    expect(adapted.platt.slope).not.toBeCloseTo(learned.platt.slope, 3);
  });

  it('an adapted calibrator learns with half-life halfLife/adaptSpeedup for halfLife outcomes, then with the usual one', () => {
    let state = adaptCalibrator(learnAll(initialOnlineCalibrator(SMALL), OUTCOMES, SMALL), SMALL);
    const lefts: number[] = [];
    for (let step = 0; step < 10; step += 1) {
      const expected = learnOnlinePlatt(state.platt, clippedLogit(0.5 + step / 40), step % 2, FAST_PLATT);
      state = learnOutcome(state, 0.5 + step / 40, step % 2, SMALL);
      lefts.push(state.fastOutcomesLeft);

      expect(state.platt).toEqual(expected);
    }

    const usual = learnOnlinePlatt(state.platt, clippedLogit(0.3), 1, SMALL.platt);
    const next = learnOutcome(state, 0.3, 1, SMALL);

    expect(lefts).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(next.platt).toEqual(usual);
    expect(next.fastOutcomesLeft).toBe(0);
  });
});

describe('resetCalibrator', () => {
  it('resetCalibrator starts Platt over from the identity on only the outcomes since adapt, with the faster memory again', () => {
    const learned = learnAll(initialOnlineCalibrator(SMALL), OUTCOMES, SMALL);
    const adapted = adaptCalibrator(learned, SMALL);
    const sinceAdapt: readonly (readonly [number, number])[] = [
      [0.15, 1],
      [0.25, 1],
      [0.35, 0],
    ];
    const drifting = learnAll(adapted, sinceAdapt, SMALL);

    const reset = resetCalibrator(drifting, SMALL);

    const keptLogits = sinceAdapt.map(([probability]) => clippedLogit(probability));
    expect(reset.platt.logits).toEqual(keptLogits);
    expect(reset.platt.labels).toEqual([1, 1, 0]);
    expect(reset.platt).toEqual(
      refitOnlinePlatt({ ...initialOnlinePlatt(), logits: keptLogits, labels: [1, 1, 0] }, FAST_PLATT),
    );
    expect(reset.calibeating).toEqual(initialCalibeating(SMALL.calibeating));
    expect(reset.fastOutcomesLeft).toBe(10);
  });

  it('resetCalibrator right after adapt keeps no outcome: the identity map', () => {
    const adapted = adaptCalibrator(learnAll(initialOnlineCalibrator(SMALL), OUTCOMES, SMALL), SMALL);

    const reset = resetCalibrator(adapted, SMALL);

    expect(reset.platt).toEqual(initialOnlinePlatt());
    expect(reset.fastOutcomesLeft).toBe(10);
  });

  it('resetCalibrator when not adapting keeps no outcome either (nothing is known to be after the drift)', () => {
    const learned = learnAll(initialOnlineCalibrator(SMALL), OUTCOMES, SMALL);

    const reset = resetCalibrator(learned, SMALL);

    expect(reset.platt).toEqual(initialOnlinePlatt());
  });

  it('resetCalibrator keeps at most the window when more outcomes than it were learned since adapt', () => {
    const options = { ...SMALL, platt: { ...SMALL.platt, window: 3 } };
    const adapted = adaptCalibrator(initialOnlineCalibrator(options), options);
    const drifting = learnAll(adapted, OUTCOMES.slice(0, 5), options);

    const reset = resetCalibrator(drifting, options);

    expect(reset.platt.logits).toEqual(OUTCOMES.slice(2, 5).map(([probability]) => clippedLogit(probability)));
  });

  it('adaptCalibrator and resetCalibrator default to the default options', () => {
    const learned = learnAll(initialOnlineCalibrator(), OUTCOMES, DEFAULT_ONLINE_CALIBRATOR_OPTIONS);

    const adapted = adaptCalibrator(learned);
    const reset = resetCalibrator(learnOutcome(adapted, 0.5, 1));

    expect(adapted.fastOutcomesLeft).toBe(DEFAULT_ONLINE_CALIBRATOR_OPTIONS.platt.halfLifeOutcomes);
    expect(reset.platt.logits).toEqual([0]);
    expect(applyCalibeating(reset.calibeating, 0.5)).toBe(0.5);
  });
});

describe('checkOnlineCalibratorOptions', () => {
  it('checkOnlineCalibratorOptions accepts the defaults', () => {
    expect(() => checkOnlineCalibratorOptions(DEFAULT_ONLINE_CALIBRATOR_OPTIONS)).not.toThrow();
  });

  it.each([
    [{ adaptSpeedup: 1 }, 'adaptSpeedup must be a finite number > 1, got 1'],
    [{ adaptSpeedup: Number.POSITIVE_INFINITY }, 'adaptSpeedup must be a finite number > 1, got Infinity'],
    [{ adaptSpeedup: Number.NaN }, 'adaptSpeedup must be a finite number > 1, got NaN'],
    [{ platt: { ...SMALL.platt, window: 0 } }, 'window must be an integer ≥ 1, got 0'],
    [{ calibeating: { ...SMALL.calibeating, bins: 0 } }, 'bins must be an integer ≥ 1, got 0'],
  ])('checkOnlineCalibratorOptions and initialOnlineCalibrator refuse %j', (override, message) => {
    const options = { ...SMALL, ...override };

    expect(() => checkOnlineCalibratorOptions(options)).toThrow(InvalidInputError);
    expect(() => initialOnlineCalibrator(options)).toThrow(message);
  });
});
