import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { InvalidInputError } from '../errors.ts';
import { DEFAULT_GATE_CONFIG, type GateConfig } from './gate-config.ts';
import { parseGateConfig } from './parse-gate-config.ts';

function problemsOf(overrides: unknown): string {
  try {
    parseGateConfig(overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).message;
  }
  throw new Error('expected parseGateConfig to throw');
}

describe('parseGateConfig', () => {
  it('parseGateConfig returns SPEC defaults without overrides', () => {
    const configs = [parseGateConfig(undefined), parseGateConfig(null), parseGateConfig({})];

    for (const config of configs) {
      expect(config).toEqual({
        minOutcomes: 50,
        minOutcomesPerClass: 5,
        eceScoreSlope: 5,
        autonomousScore: 0.85,
        notifyScore: 0.6,
        tiers: {
          annotate: { minProbability: 0.3, maxEce: 0.1 },
          warn: { minProbability: 0.5, maxEce: 0.07 },
          suggest_reschedule: { minProbability: 0.7, maxEce: 0.05 },
          require_confirmation: { minProbability: 0.9, maxEce: 0.03 },
        },
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
    }
  });

  it('parseGateConfig deep-merges a partial tier override', () => {
    const config = parseGateConfig({ notifyScore: 0.5, tiers: { warn: { maxEce: 0.08 } } });

    expect(config.notifyScore).toBe(0.5);
    expect(config.autonomousScore).toBe(0.85);
    expect(config.tiers.warn).toEqual({ minProbability: 0.5, maxEce: 0.08 });
    expect(config.tiers.annotate).toEqual({ minProbability: 0.3, maxEce: 0.1 });
  });

  it('parseGateConfig refuses notifyScore not below autonomousScore', () => {
    const equal = problemsOf({ notifyScore: 0.85 });
    const above = problemsOf({ notifyScore: 0.9 });

    expect(equal).toBe('invalid gate config: notifyScore (0.85) must be < autonomousScore (0.85)');
    expect(above).toContain('notifyScore (0.9) must be < autonomousScore (0.85)');
  });

  it('parseGateConfig refuses tier ε that do not increase', () => {
    const message = problemsOf({ tiers: { warn: { minProbability: 0.2 } } });

    expect(message).toBe(
      'invalid gate config: tiers.annotate.minProbability (0.3) must be < tiers.warn.minProbability (0.2)',
    );
  });

  it('parseGateConfig refuses tier R that do not decrease', () => {
    const message = problemsOf({ tiers: { suggest_reschedule: { maxEce: 0.07 } } });

    expect(message).toBe(
      'invalid gate config: tiers.suggest_reschedule.maxEce (0.07) must be < tiers.warn.maxEce (0.07)',
    );
  });

  it('parseGateConfig refuses drift bounds that do not increase', () => {
    const message = problemsOf({ driftMonitorMaxRatio: 6 });

    expect(message).toBe('invalid gate config: driftMonitorMaxRatio (6) must be < driftReduceMaxRatio (5)');
  });

  it.each([
    [{ minOutcomes: 0 }, 'minOutcomes: must be ≥ 1'],
    [{ minOutcomes: 1.5 }, 'minOutcomes: must be an integer'],
    [{ minOutcomes: '50' }, 'minOutcomes: must be an integer'],
    [{ minOutcomesPerClass: -1 }, 'minOutcomesPerClass: must be ≥ 0'],
    [{ minOutcomesPerClass: 2.5 }, 'minOutcomesPerClass: must be an integer'],
    [{ eceScoreSlope: 0 }, 'eceScoreSlope: must be > 0'],
    [{ baselineEce: 0 }, 'baselineEce: must be > 0'],
    [{ psiShift: Number.POSITIVE_INFINITY }, 'psiShift: must be a finite number'],
    [{ psiShift: 0 }, 'psiShift: must be > 0'],
    [{ evidenceWindow: 0 }, 'evidenceWindow: must be ≥ 1'],
    [{ evidenceWindow: 99.5 }, 'evidenceWindow: must be an integer'],
    [{ boundLevel: 0.5 }, 'boundLevel: must be > 0.5'],
    [{ boundLevel: 1 }, 'boundLevel: must be < 1'],
    [{ driftFalseAlarmOutcomes: 999 }, 'driftFalseAlarmOutcomes: must be ≥ 1000'],
    [{ driftFalseAlarmOutcomes: Number.NaN }, 'driftFalseAlarmOutcomes: must be a finite number'],
    [{ psiRecalibrate: 0.1 }, 'psiRecalibrate: unknown field'],
    [{ recomputeEveryOutcomes: 100 }, 'recomputeEveryOutcomes: unknown field'],
    [{ weeklyEceRecalibrate: 1.5 }, 'weeklyEceRecalibrate: must be ≤ 1'],
    [
      { tiers: { require_confirmation: { minProbability: 1.5 } } },
      'tiers.require_confirmation.minProbability: must be ≤ 1',
    ],
    [{ tiers: { annotate: { minProbability: -0.1 } } }, 'tiers.annotate.minProbability: must be ≥ 0'],
    [{ autonomusScore: 0.9 }, 'autonomusScore: unknown field'],
    [{ tiers: { warn: { epsilon: 0.5 } } }, 'tiers.warn.epsilon: unknown field'],
    [{ tiers: { block: {} } }, 'tiers.block: unknown field'],
    [{ tiers: 'none' }, 'tiers: '],
  ])('parseGateConfig refuses %j naming the field', (overrides, expected) => {
    const message = problemsOf(overrides);

    expect(message).toContain(expected);
  });

  it('parseGateConfig reports every problem in one message', () => {
    const message = problemsOf({ minOutcomes: -1, notifyScore: 0.95, extra: true, tiers: { warn: { maxEce: 'x' } } });

    expect(message).toContain('minOutcomes: must be ≥ 1');
    expect(message).toContain('extra: unknown field');
    expect(message).toContain('tiers.warn.maxEce: must be a finite number');
    expect(message).toContain('notifyScore (0.95) must be < autonomousScore (0.85)');
    expect(message.split('; ')).toHaveLength(4);
  });

  it('parseGateConfig treats a JSON __proto__ key as an unknown field, not a prototype', () => {
    const overrides: unknown = JSON.parse('{"__proto__": {"minOutcomes": 1}}');

    const message = problemsOf(overrides);

    expect(message).toBe('invalid gate config: __proto__: unknown field');
  });

  it.each([
    [5, 'number'],
    ['x', 'string'],
    [[1, 2], 'array'],
  ])('parseGateConfig refuses overrides %j that are not an object', (overrides, kind) => {
    const message = problemsOf(overrides);

    expect(message).toBe(`gate config overrides must be an object (got ${kind})`);
  });

  it('parseGateConfig accepts minOutcomesPerClass 0 (the per-class rule turned off)', () => {
    const config = parseGateConfig({ minOutcomesPerClass: 0 });

    expect(config.minOutcomesPerClass).toBe(0);
  });

  it('parseGateConfig takes the evidence window, bound level, false-alarm rate and PSI shift from overrides', () => {
    const config = parseGateConfig({
      evidenceWindow: 500,
      boundLevel: 0.9,
      driftFalseAlarmOutcomes: 1000,
      psiShift: 0.25,
    });

    expect([config.evidenceWindow, config.boundLevel, config.driftFalseAlarmOutcomes, config.psiShift]).toEqual([
      500, 0.9, 1000, 0.25,
    ]);
    expect(config.minOutcomes).toBe(DEFAULT_GATE_CONFIG.minOutcomes);
  });

  it('parseGateConfig accepts an object without a prototype', () => {
    const overrides = Object.assign(Object.create(null) as Record<string, unknown>, { minOutcomes: 80 });

    const config = parseGateConfig(overrides);

    expect(config.minOutcomes).toBe(80);
  });

  it('parseGateConfig results are deeply frozen and share nothing with the overrides (property)', () => {
    const overrides = fc.record(
      {
        minOutcomes: fc.integer({ min: 1, max: 1000 }),
        notifyScore: fc.double({ min: 0, max: 0.5, noNaN: true }),
        autonomousScore: fc.double({ min: 0.61, max: 1, noNaN: true }),
        tiers: fc.record({ warn: fc.record({ minProbability: fc.double({ min: 0.31, max: 0.69, noNaN: true }) }) }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(overrides, (input) => {
        const config = parseGateConfig(input) as { -readonly [K in keyof GateConfig]: unknown } & {
          tiers: Record<string, Record<string, number>>;
        };
        const before = JSON.stringify(config);

        expect(() => {
          config.minOutcomes = 1;
        }).toThrow(TypeError);
        expect(() => {
          (config.tiers.warn as Record<string, number>).maxEce = 0.5;
        }).toThrow(TypeError);
        expect(() => {
          config.tiers.extra = {};
        }).toThrow(TypeError);
        if (input.tiers !== undefined) {
          expect(Object.isFrozen(input.tiers.warn)).toBe(false);
          input.tiers.warn.minProbability = 0.99;
        }
        expect(JSON.stringify(config)).toBe(before);
      }),
    );
  });

  it('parseGateConfig leaves DEFAULT_GATE_CONFIG untouched', () => {
    parseGateConfig({ tiers: { warn: { maxEce: 0.08 } }, minOutcomes: 10 });

    expect(DEFAULT_GATE_CONFIG.tiers.warn.maxEce).toBe(0.07);
    expect(DEFAULT_GATE_CONFIG.minOutcomes).toBe(50);
  });
});
