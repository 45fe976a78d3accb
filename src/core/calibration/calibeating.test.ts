import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import {
  applyCalibeating,
  calibeatingBin,
  checkCalibeatingOptions,
  DEFAULT_CALIBEATING_OPTIONS,
  initialCalibeating,
  learnCalibeating,
  type CalibeatingOptions,
  type CalibeatingState,
} from './calibeating.ts';

/** Four bins, weights halving every outcome, two pseudo-outcomes: small enough to follow by hand. */
const HAND: CalibeatingOptions = { bins: 4, halfLifeOutcomes: 1, pseudoOutcomes: 2 };

function learnAll(pairs: readonly (readonly [number, number])[], options: CalibeatingOptions): CalibeatingState {
  return pairs.reduce(
    (state, [forecast, label]) => learnCalibeating(state, forecast, label, options),
    initialCalibeating(options),
  );
}

const outcomesArbitrary = fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1)), {
  maxLength: 200,
});

describe('calibeatingBin', () => {
  it.each([
    [0, 10, 0],
    [0.0999, 10, 0],
    [0.1, 10, 1],
    [0.55, 10, 5],
    [0.99, 10, 9],
    [1, 10, 9],
    [0.25, 4, 1],
    [0.2499, 4, 0],
    [1, 4, 3],
    [0.5, 1, 0],
    [1, 1, 0],
  ])('calibeatingBin(%s, %s bins) is %s (p = 1 in the last bin)', (forecast, bins, expected) => {
    expect(calibeatingBin(forecast, bins)).toBe(expected);
  });
});

describe('initialCalibeating', () => {
  it('initialCalibeating has empty bins, ten by default', () => {
    expect(initialCalibeating()).toEqual({ weights: Array(10).fill(0), longWaits: Array(10).fill(0) });
    expect(initialCalibeating(HAND)).toEqual({ weights: [0, 0, 0, 0], longWaits: [0, 0, 0, 0] });
  });

  it('initialCalibeating passes every forecast through unchanged', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (forecast) => {
        expect(applyCalibeating(initialCalibeating(), forecast)).toBeCloseTo(forecast, 15);
      }),
    );
  });
});

describe('learnCalibeating and applyCalibeating', () => {
  it('learnCalibeating decays every bin by one step, then adds the outcome to its bin (hand-worked)', () => {
    // 0.3 → bin 1, long:     weights [0, 1, 0, 0],       long waits [0, 1, 0, 0]
    // 0.4 → bin 1, short:    decay ½ → [0, 0.5, 0, 0] / [0, 0.5, 0, 0]; + → [0, 1.5, 0, 0] / [0, 0.5, 0, 0]
    // 1.0 → bin 3 (p = 1 in the last bin), long: decay → [0, 0.75, 0, 0] / [0, 0.25, 0, 0]; + → [0, 0.75, 0, 1] / [0, 0.25, 0, 1]
    const state = learnAll(
      [
        [0.3, 1],
        [0.4, 0],
        [1, 1],
      ],
      HAND,
    );

    expect(state).toEqual({ weights: [0, 0.75, 0, 1], longWaits: [0, 0.25, 0, 1] });
  });

  it("applyCalibeating shrinks a bin's frequency towards the forecast it replaces (hand-worked)", () => {
    const state = learnAll(
      [
        [0.3, 1],
        [0.4, 0],
        [1, 1],
      ],
      HAND,
    );

    // bin 1: (0.25 + 2·0.3) / (0.75 + 2) = 0.85 / 2.75
    expect(applyCalibeating(state, 0.3, HAND)).toBeCloseTo(0.85 / 2.75, 15);
    // bin 1 at its lower edge 0.25: (0.25 + 0.5) / 2.75
    expect(applyCalibeating(state, 0.25, HAND)).toBeCloseTo(0.75 / 2.75, 15);
    // bin 3: (1 + 2·0.75) / (1 + 2) and (1 + 2·1) / 3
    expect(applyCalibeating(state, 0.75, HAND)).toBeCloseTo(2.5 / 3, 15);
    expect(applyCalibeating(state, 1, HAND)).toBe(1);
    // bin 0 and bin 2 are empty: the forecast passes through
    expect(applyCalibeating(state, 0.1, HAND)).toBeCloseTo(0.1, 15);
    expect(applyCalibeating(state, 0.6, HAND)).toBeCloseTo(0.6, 15);
  });

  it("learnCalibeating forgets: a bin's weight after n outcomes elsewhere is 2^(−n/halfLife)", () => {
    const options = { ...HAND, halfLifeOutcomes: 3 };
    const elsewhere = Array.from({ length: 6 }, () => [0.9, 0] as const);

    const state = learnAll([[0.1, 1], ...elsewhere], options);

    expect(state.weights[0]).toBeCloseTo(0.25, 12);
    expect(state.longWaits[0]).toBeCloseTo(0.25, 12);
  });

  it('learnCalibeating leaves its input state unmodified', () => {
    const before = learnAll([[0.3, 1]], HAND);
    const copy = structuredClone(before);

    learnCalibeating(before, 0.35, 0, HAND);

    expect(before).toEqual(copy);
  });

  it('learnCalibeating uses the default options when none are given', () => {
    const state = learnCalibeating(initialCalibeating(), 0.55, 1);

    expect(state.weights[5]).toBe(1);
    expect(state.longWaits[5]).toBe(1);
    expect(state.weights.reduce((sum, weight) => sum + weight, 0)).toBe(1);
  });

  it('a well-filled bin issues its own recent frequency (tiny pseudo-count, long memory) (property)', () => {
    const options: CalibeatingOptions = { bins: 5, halfLifeOutcomes: 1e12, pseudoOutcomes: 1e-9 };
    fc.assert(
      fc.property(outcomesArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), (outcomes, forecast) => {
        const bin = calibeatingBin(forecast, 5);
        const inBin = outcomes.filter(([other]) => calibeatingBin(other, 5) === bin);
        fc.pre(inBin.length > 0);

        const issued = applyCalibeating(learnAll(outcomes, options), forecast, options);

        const frequency = inBin.filter(([, label]) => label === 1).length / inBin.length;
        expect(Math.abs(issued - frequency)).toBeLessThan(1e-6);
      }),
    );
  });

  it('with pseudoOutcomes → ∞ the issued probability is the forecast itself (property)', () => {
    const options: CalibeatingOptions = { bins: 10, halfLifeOutcomes: 50, pseudoOutcomes: 1e12 };
    fc.assert(
      fc.property(outcomesArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), (outcomes, forecast) => {
        const issued = applyCalibeating(learnAll(outcomes, options), forecast, options);

        // |issued − forecast| = |longWaits − weight·forecast| / (weight + k) ≤ 200 / 10¹²
        expect(Math.abs(issued - forecast)).toBeLessThan(1e-9);
      }),
    );
  });

  it('issued probabilities stay in [0, 1] whatever was learned (property)', () => {
    const optionsArbitrary = fc.record({
      bins: fc.integer({ min: 1, max: 20 }),
      halfLifeOutcomes: fc.double({ min: 0.1, max: 1e4, noNaN: true }),
      pseudoOutcomes: fc.double({ min: 1e-6, max: 1e3, noNaN: true }),
    });
    fc.assert(
      fc.property(
        optionsArbitrary,
        outcomesArbitrary,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (options, outcomes, forecast) => {
          const issued = applyCalibeating(learnAll(outcomes, options), forecast, options);

          expect(issued).toBeGreaterThanOrEqual(0);
          expect(issued).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it.each([-0.1, 1.1, Number.NaN])('applyCalibeating and learnCalibeating refuse forecast %s', (forecast) => {
    const apply = (): number => applyCalibeating(initialCalibeating(), forecast);
    const learn = (): CalibeatingState => learnCalibeating(initialCalibeating(), forecast, 1);

    expect(apply).toThrow(InvalidInputError);
    expect(apply).toThrow(`forecast must be in [0, 1], got ${forecast}`);
    expect(learn).toThrow(`forecast must be in [0, 1], got ${forecast}`);
  });

  it.each([2, -1, 0.5])('learnCalibeating refuses label %s', (label) => {
    const learn = (): CalibeatingState => learnCalibeating(initialCalibeating(), 0.5, label);

    expect(learn).toThrow(InvalidInputError);
    expect(learn).toThrow(`label must be 0 or 1, got ${label}`);
  });
});

describe('checkCalibeatingOptions', () => {
  it('checkCalibeatingOptions accepts the defaults', () => {
    expect(() => checkCalibeatingOptions(DEFAULT_CALIBEATING_OPTIONS)).not.toThrow();
  });

  it.each([
    [{ bins: 0 }, 'bins must be an integer ≥ 1, got 0'],
    [{ bins: 1.5 }, 'bins must be an integer ≥ 1, got 1.5'],
    [{ halfLifeOutcomes: -1 }, 'halfLifeOutcomes must be a finite number > 0, got -1'],
    [{ halfLifeOutcomes: Number.POSITIVE_INFINITY }, 'halfLifeOutcomes must be a finite number > 0, got Infinity'],
    [{ pseudoOutcomes: 0 }, 'pseudoOutcomes must be a finite number > 0, got 0'],
    [{ pseudoOutcomes: Number.NaN }, 'pseudoOutcomes must be a finite number > 0, got NaN'],
  ])('checkCalibeatingOptions refuses %j', (override, message) => {
    const check = (): void => checkCalibeatingOptions({ ...DEFAULT_CALIBEATING_OPTIONS, ...override });

    expect(check).toThrow(InvalidInputError);
    expect(check).toThrow(message);
  });
});
