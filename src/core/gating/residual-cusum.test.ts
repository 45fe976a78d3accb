import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import {
  checkResidualCusumOptions,
  cusumThreshold,
  DEFAULT_RESIDUAL_CUSUM_OPTIONS,
  DriftDirection,
  initialResidualCusum,
  observeResidual,
  restartResidualCusum,
  siegmundRunLength,
  type ResidualCusumAlarm,
  type ResidualCusumOptions,
  type ResidualCusumState,
} from './residual-cusum.ts';

/** Batches of 3; inflation half-life 1 batch (decay ½) so the estimate moves visibly. 1000 batches between false alarms. */
const SMALL: ResidualCusumOptions = {
  batchOutcomes: 3,
  reference: 0.5,
  falseAlarmOutcomes: 3000,
  inflationHalfLifeBatches: 1,
  maxInflation: 4,
};

function observeAll(
  state: ResidualCusumState,
  outcomes: readonly (readonly [number, number])[],
  options: ResidualCusumOptions,
): { state: ResidualCusumState; alarms: ResidualCusumAlarm[] } {
  const alarms: ResidualCusumAlarm[] = [];
  let current = state;
  for (const [probability, label] of outcomes) {
    const step = observeResidual(current, probability, label, options);
    current = step.state;
    if (step.alarm !== null) alarms.push(step.alarm);
  }
  return { state: current, alarms };
}

describe('siegmundRunLength', () => {
  it('siegmundRunLength is (e^{2k(h+1.166)} − 2k(h+1.166) − 1)/(2k²) (hand-worked at k = 0.5, h = 4 and 5)', () => {
    // k = 0.5, h = 4: a = 5.166, (e^5.166 − 6.166)/0.5 = 338.0932; h = 5: a = 6.166, (e^6.166 − 7.166)/0.5 = 938.2224
    expect(siegmundRunLength(0.5, 4)).toBeCloseTo(338.09316715655797, 9);
    expect(siegmundRunLength(0.5, 5)).toBeCloseTo(938.2223641163949, 9);
  });

  it("siegmundRunLength halved is within 3 % of Montgomery's two-sided ARL₀ for k = 1/2: 168 at h = 4, 465 at h = 5", () => {
    // Montgomery, Introduction to Statistical Quality Control, table "ARL performance of the tabular
    // CUSUM with k = 1/2 and h = 4 or h = 5": in control, 168 and 465. Siegmund's approximation is not
    // exact: it gives 169.0 and 469.1 (0.6 % and 0.9 % above).
    const twoSided = [siegmundRunLength(0.5, 4) / 2, siegmundRunLength(0.5, 5) / 2];

    expect(Math.abs((twoSided[0] as number) / 168 - 1)).toBeLessThan(0.03);
    expect(Math.abs((twoSided[1] as number) / 465 - 1)).toBeLessThan(0.03);
  });
});

describe('cusumThreshold', () => {
  it("cusumThreshold gives back h = 4 and h = 5 for Siegmund's two-sided run lengths 169.05 and 469.11 at k = 0.5", () => {
    expect(cusumThreshold(0.5, 338.09316715655797 / 2)).toBeCloseTo(4, 9);
    expect(cusumThreshold(0.5, 938.2223641163949 / 2)).toBeCloseTo(5, 9);
  });

  it("cusumThreshold is within 0.05 of Montgomery's h for his ARL₀ 168 and 465", () => {
    expect(Math.abs(cusumThreshold(0.5, 168) - 4)).toBeLessThan(0.05);
    expect(Math.abs(cusumThreshold(0.5, 465) - 5)).toBeLessThan(0.05);
  });

  it('cusumThreshold inverts siegmundRunLength: the two-sided run length at the threshold is the one asked for (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        fc.double({ min: 1.5, max: 1e7, noNaN: true }),
        (reference, runLength) => {
          // Below the run length at h = 0 no threshold ≥ 0 reaches it (the bisection then returns 0).
          fc.pre(siegmundRunLength(reference, 0) / 2 < runLength);

          const threshold = cusumThreshold(reference, runLength);

          expect(threshold).toBeGreaterThan(0);
          expect(siegmundRunLength(reference, threshold) / 2 / runLength).toBeCloseTo(1, 9);
        },
      ),
    );
  });

  it('cusumThreshold is 0 when even h = 0 already runs longer than asked', () => {
    // k = 3: Siegmund at h = 0 is (e^{6.996} − 7.996)/18 ≈ 60.8 one-sided, 30.4 two-sided > 2.
    expect(cusumThreshold(3, 2)).toBeCloseTo(0, 12);
  });

  it.each([
    [0, 100, 'reference must be a finite number > 0, got 0'],
    [Number.NaN, 100, 'reference must be a finite number > 0, got NaN'],
    [Number.POSITIVE_INFINITY, 100, 'reference must be a finite number > 0, got Infinity'],
    [0.5, 1, 'run length must be a finite number > 1, got 1'],
    [0.5, Number.POSITIVE_INFINITY, 'run length must be a finite number > 1, got Infinity'],
  ])('cusumThreshold refuses reference %s and run length %s', (reference, runLength, message) => {
    const threshold = (): number => cusumThreshold(reference, runLength);

    expect(threshold).toThrow(InvalidInputError);
    expect(threshold).toThrow(message);
  });
});

describe('checkResidualCusumOptions', () => {
  it('checkResidualCusumOptions accepts the defaults', () => {
    expect(() => checkResidualCusumOptions(DEFAULT_RESIDUAL_CUSUM_OPTIONS)).not.toThrow();
  });

  it.each([
    [{ batchOutcomes: 0 }, 'batchOutcomes must be an integer ≥ 1, got 0'],
    [{ batchOutcomes: 2.5 }, 'batchOutcomes must be an integer ≥ 1, got 2.5'],
    [{ reference: -1 }, 'reference must be a finite number > 0, got -1'],
    [{ reference: Number.POSITIVE_INFINITY }, 'reference must be a finite number > 0, got Infinity'],
    [{ falseAlarmOutcomes: 25 }, 'falseAlarmOutcomes must be a finite number > batchOutcomes (25), got 25'],
    [
      { falseAlarmOutcomes: Number.POSITIVE_INFINITY },
      'falseAlarmOutcomes must be a finite number > batchOutcomes (25), got Infinity',
    ],
    [{ inflationHalfLifeBatches: 0 }, 'inflationHalfLifeBatches must be a finite number > 0, got 0'],
    [{ inflationHalfLifeBatches: Number.NaN }, 'inflationHalfLifeBatches must be a finite number > 0, got NaN'],
    [{ maxInflation: 0.5 }, 'maxInflation must be a finite number ≥ 1, got 0.5'],
    [{ maxInflation: Number.POSITIVE_INFINITY }, 'maxInflation must be a finite number ≥ 1, got Infinity'],
  ])('checkResidualCusumOptions refuses %j', (override, message) => {
    const check = (): void => checkResidualCusumOptions({ ...DEFAULT_RESIDUAL_CUSUM_OPTIONS, ...override });

    expect(check).toThrow(InvalidInputError);
    expect(check).toThrow(message);
  });
});

describe('observeResidual', () => {
  it('observeResidual fills a batch without judging it: residual, variance and count add up', () => {
    const { state, alarms } = observeAll(
      initialResidualCusum(),
      [
        [0.2, 1],
        [0.5, 0],
      ],
      SMALL,
    );

    expect(state.batchResidual).toBeCloseTo(0.8 - 0.5, 15);
    expect(state.batchVariance).toBeCloseTo(0.16 + 0.25, 15);
    expect(state.batchCount).toBe(2);
    expect([state.upper, state.lower, state.inflation]).toEqual([0, 0, 1]);
    expect(alarms).toEqual([]);
  });

  it('observeResidual judges a full batch (hand-worked): z, both statistics and the inflation after it', () => {
    // p = 0.2, 0.5, 0.8, all long waits: Σ(y − p) = 1.5, Σp(1 − p) = 0.57, z = 1.5/√0.57 = 1.9867985
    // S⁺ = max(0, 0 + z − 0.5) = 1.4867985, S⁻ = max(0, 0 − z − 0.5) = 0
    // inflation (decay ½): ½·1 + ½·z² = 0.5 + 0.5·3.9473684 = 2.4736842
    const { state, alarms } = observeAll(
      initialResidualCusum(),
      [
        [0.2, 1],
        [0.5, 1],
        [0.8, 1],
      ],
      SMALL,
    );

    expect(state.upper).toBeCloseTo(1.486798535597566, 12);
    expect(state.lower).toBe(0);
    expect(state.inflation).toBeCloseTo(2.473684210526316, 12);
    expect([state.batchResidual, state.batchVariance, state.batchCount]).toEqual([0, 0, 0]);
    expect(alarms).toEqual([]);
  });

  it("observeResidual divides the next batch's z by the square root of the inflation learned before it", () => {
    // Second batch: p = 0.5 ×3, labels 0, 0, 0: z = −1.5/√0.75 = −1.7320508; standardised by √2.4736842:
    // −1.1012474. S⁺ = max(0, 1.4867985 − 1.1012474 − 0.5) = 0; S⁻ = max(0, 1.1012474 − 0.5) = 0.6012474;
    // inflation = ½·2.4736842 + ½·3 = 2.7368421
    const first = observeAll(
      initialResidualCusum(),
      [
        [0.2, 1],
        [0.5, 1],
        [0.8, 1],
      ],
      SMALL,
    ).state;

    const { state } = observeAll(
      first,
      [
        [0.5, 0],
        [0.5, 0],
        [0.5, 0],
      ],
      SMALL,
    );

    const standardised = -1.5 / Math.sqrt(0.75) / Math.sqrt(2.473684210526316);
    expect(state.upper).toBe(0);
    expect(state.lower).toBeCloseTo(-standardised - 0.5, 12);
    expect(state.inflation).toBeCloseTo(0.5 * 2.473684210526316 + 0.5 * 3, 12);
  });

  it('observeResidual floors the inflation at 1 and caps it at maxInflation', () => {
    // A batch with residual 0 (z = 0) pulls the inflation below 1: floored. A batch of three long waits
    // at p = 0.01: z = 2.97/√0.0297 = 17.23, z² = 297: capped at maxInflation 4.
    const calm = observeAll(
      initialResidualCusum(),
      [
        [0.5, 1],
        [0.5, 0],
      ],
      { ...SMALL, batchOutcomes: 2 },
    ).state;
    const wild = observeAll(
      initialResidualCusum(),
      [
        [0.01, 1],
        [0.01, 1],
        [0.01, 1],
      ],
      { ...SMALL, falseAlarmOutcomes: 1e12 },
    ).state;

    expect(calm.inflation).toBe(1);
    expect(wild.inflation).toBe(4);
  });

  it('observeResidual judges forecasts of exactly 0 or 1 on a variance floor instead of dividing by zero', () => {
    const { state, alarms } = observeAll(
      initialResidualCusum(),
      [
        [0, 0],
        [1, 1],
        [0, 0],
      ],
      SMALL,
    );
    const surprised = observeAll(
      initialResidualCusum(),
      [
        [0, 1],
        [1, 1],
        [0, 0],
      ],
      SMALL,
    );

    expect([state.upper, state.lower]).toEqual([0, 0]);
    expect(alarms).toEqual([]);
    expect(surprised.alarms).toHaveLength(1);
    expect(surprised.alarms[0]?.statistic).toBeCloseTo(1 / Math.sqrt(1e-6) - 0.5, 6);
  });

  it('observeResidual raises an under-prediction alarm on a strong shift within 3 batches, for every one of 200 seeds', () => {
    // Forecast 0.1, true rate 0.5, default options (batches of 25, k = 0.5, h = cusumThreshold(0.5, 1000) = 5.75).
    // A batch's z = Σ(y − 0.1)/√(25·0.09) has mean 25·0.4/1.5 = 6.67 and sd √(25·0.25)/1.5 = 1.67. After the
    // first batch the inflation is about 0.983 + 0.017·44 = 1.74, so later z count ≈ 6.67/1.32 = 5.05.
    // S⁺ after 3 batches ≈ 6.67 + 2·5.05 − 1.5 = 15.3 against 5.75, more than 4 sd of margin.
    const threshold = cusumThreshold(0.5, 1000);
    for (let seed = 1; seed <= 200; seed += 1) {
      const random = seededRandom(seed);
      const outcomes = Array.from({ length: 75 }, () => [0.1, random() < 0.5 ? 1 : 0] as const);

      const { alarms } = observeAll(initialResidualCusum(), outcomes, DEFAULT_RESIDUAL_CUSUM_OPTIONS);

      expect(alarms.length).toBeGreaterThanOrEqual(1);
      expect(alarms[0]?.direction).toBe(DriftDirection.underPrediction);
      expect(alarms[0]?.threshold).toBe(threshold);
      expect(alarms[0]?.statistic).toBeGreaterThan(threshold);
    }
    expect(threshold).toBeCloseTo(5.7496, 3);
  });

  it('observeResidual raises an over-prediction alarm when long waits are rarer than forecast', () => {
    const random = seededRandom(7);
    const outcomes = Array.from({ length: 75 }, () => [0.9, random() < 0.5 ? 1 : 0] as const);

    const { alarms } = observeAll(initialResidualCusum(), outcomes, DEFAULT_RESIDUAL_CUSUM_OPTIONS);

    expect(alarms[0]?.direction).toBe(DriftDirection.overPrediction);
  });

  it('observeResidual restarts the statistics at an alarm and keeps the learned inflation', () => {
    // Batch of 3 at p = 0.01, all long: z = 17.23, S⁺ = 16.73 > h; inflation min(4, ½ + ½·297) = 4.
    const { state, alarms } = observeAll(
      initialResidualCusum(),
      [
        [0.01, 1],
        [0.01, 1],
        [0.01, 1],
      ],
      SMALL,
    );

    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.threshold).toBe(cusumThreshold(0.5, 1000));
    expect(state).toEqual({ ...initialResidualCusum(), inflation: 4 });
    expect(
      restartResidualCusum({ ...state, upper: 3, lower: 2, batchCount: 1, batchResidual: 0.4, batchVariance: 0.2 }),
    ).toEqual(state);
  });

  it('observeResidual raises no alarm in most runs of 5000 calibrated outcomes (100 fixed seeds)', () => {
    // p ~ U(0.05, 0.95), y ~ Bernoulli(p), default options: one false alarm per 25,000 outcomes by design,
    // so a run of 5000 is alarm-free with probability ≈ e^(−0.2) = 0.82 and 100 runs see ≈ 20 alarms.
    // The bounds are generous (3 sd at the design rate); measured: 90 alarm-free runs, 10 alarms, fewer than designed.
    let quietRuns = 0;
    let alarmCount = 0;
    for (let seed = 1; seed <= 100; seed += 1) {
      const random = seededRandom(seed);
      let state = initialResidualCusum();
      let quiet = true;
      for (let index = 0; index < 5000; index += 1) {
        const probability = 0.05 + 0.9 * random();
        const step = observeResidual(state, probability, random() < probability ? 1 : 0);
        state = step.state;
        if (step.alarm !== null) {
          quiet = false;
          alarmCount += 1;
        }
      }
      if (quiet) quietRuns += 1;
    }

    expect(quietRuns).toBeGreaterThanOrEqual(70);
    expect(alarmCount).toBeLessThanOrEqual(35);
  });

  it.each([
    [-0.1, 1, 'probability must be in [0, 1], got -0.1'],
    [Number.NaN, 1, 'probability must be in [0, 1], got NaN'],
    [0.5, 2, 'label must be 0 or 1, got 2'],
  ])('observeResidual refuses probability %s with label %s', (probability, label, message) => {
    const observe = (): unknown => observeResidual(initialResidualCusum(), probability, label);

    expect(observe).toThrow(InvalidInputError);
    expect(observe).toThrow(message);
  });
});
