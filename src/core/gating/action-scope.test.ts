import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { InvalidInputError } from '../errors.ts';
import { actionScope, capScopeByDrift, classShortfall, scopeFromScore } from './action-scope.ts';
import { calibrationScore } from './calibration-score.ts';
import { ActionScope, DEFAULT_GATE_CONFIG, DriftStatus } from './gate-config.ts';

const enough = 50;

describe('scopeFromScore', () => {
  // SPEC: score > 0.85 → autonomous; 0.60 < score ≤ 0.85 → notify; otherwise escalate.
  it.each([
    [1, 'autonomous'],
    [0.850001, 'autonomous'],
    [0.85, 'notify'],
    [0.7, 'notify'],
    [0.600001, 'notify'],
    [0.6, 'escalate'],
    [0.3, 'escalate'],
    [0, 'escalate'],
  ])('scopeFromScore of %s is %s', (score, expected) => {
    const scope = scopeFromScore(score);

    expect(scope).toBe(expected);
  });

  it('scopeFromScore follows configured thresholds', () => {
    const config = { ...DEFAULT_GATE_CONFIG, autonomousScore: 0.95, notifyScore: 0.8 };

    const scopes = [scopeFromScore(0.9, config), scopeFromScore(0.8, config), scopeFromScore(0.96, config)];

    expect(scopes).toEqual(['notify', 'escalate', 'autonomous']);
  });

  it('scopeFromScore refuses a score outside [0, 1]', () => {
    const scope = (): string => scopeFromScore(1.2);

    expect(scope).toThrow('score must be in [0, 1] (got 1.2)');
  });
});

describe('capScopeByDrift', () => {
  // Hand table from SPEC: reduce_autonomy caps autonomous at notify; recalibrate → escalate.
  it.each([
    ['autonomous', 'none', 'autonomous'],
    ['autonomous', 'monitor', 'autonomous'],
    ['autonomous', 'reduce_autonomy', 'notify'],
    ['autonomous', 'recalibrate', 'escalate'],
    ['notify', 'none', 'notify'],
    ['notify', 'monitor', 'notify'],
    ['notify', 'reduce_autonomy', 'notify'],
    ['notify', 'recalibrate', 'escalate'],
    ['escalate', 'none', 'escalate'],
    ['escalate', 'reduce_autonomy', 'escalate'],
    ['escalate', 'recalibrate', 'escalate'],
    ['learning', 'recalibrate', 'learning'],
    ['learning', 'reduce_autonomy', 'learning'],
  ] as const)('capScopeByDrift of %s under %s is %s', (scope, drift, expected) => {
    const capped = capScopeByDrift(scope, drift);

    expect(capped).toBe(expected);
  });

  it('capScopeByDrift never raises autonomy (property)', () => {
    const autonomyRank: Record<ActionScope, number> = { learning: 0, escalate: 0, notify: 1, autonomous: 2 };
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(ActionScope)),
        fc.constantFrom(...Object.values(DriftStatus)),
        (scope, drift) => {
          expect(autonomyRank[capScopeByDrift(scope, drift)]).toBeLessThanOrEqual(autonomyRank[scope]);
        },
      ),
    );
  });
});

describe('actionScope', () => {
  it('actionScope stays in learning mode at 49 outcomes and leaves it at 50', () => {
    const at49 = actionScope({ outcomeCount: 49, longWaitCount: 10, score: 1, driftStatus: 'none' });
    const at50 = actionScope({ outcomeCount: 50, longWaitCount: 10, score: 1, driftStatus: 'none' });

    expect(at49).toBe('learning');
    expect(at50).toBe('autonomous');
  });

  it('actionScope is learning without a score, however many outcomes', () => {
    const scope = actionScope({ outcomeCount: 10_000, longWaitCount: 100, score: null, driftStatus: 'none' });

    expect(scope).toBe('learning');
  });

  it('actionScope stays learning under drift while outcomes are too few', () => {
    const scope = actionScope({ outcomeCount: 3, longWaitCount: 1, score: 0.1, driftStatus: 'recalibrate' });

    expect(scope).toBe('learning');
  });

  it('actionScope is notify at exactly 0.85 and escalate at exactly 0.60', () => {
    const atAutonomousBound = actionScope({
      outcomeCount: enough,
      longWaitCount: 10,
      score: 0.85,
      driftStatus: 'none',
    });
    const atNotifyBound = actionScope({ outcomeCount: enough, longWaitCount: 10, score: 0.6, driftStatus: 'none' });

    expect(atAutonomousBound).toBe('notify');
    expect(atNotifyBound).toBe('escalate');
  });

  it('actionScope turns ECE 0.03 into notify and ECE 0.08 into escalate through the score', () => {
    // 1 − 5·0.03 = 0.85 (not > 0.85); 1 − 5·0.08 = 0.60 (not > 0.60).
    const fromEce003 = actionScope({
      outcomeCount: enough,
      longWaitCount: 10,
      score: calibrationScore(0.03),
      driftStatus: 'none',
    });
    const fromEce008 = actionScope({
      outcomeCount: enough,
      longWaitCount: 10,
      score: calibrationScore(0.08),
      driftStatus: 'none',
    });

    expect(fromEce003).toBe('notify');
    expect(fromEce008).toBe('escalate');
  });

  it('actionScope applies the drift cap', () => {
    const reduced = actionScope({
      outcomeCount: enough,
      longWaitCount: 10,
      score: 0.95,
      driftStatus: 'reduce_autonomy',
    });
    const recalibrate = actionScope({
      outcomeCount: enough,
      longWaitCount: 10,
      score: 0.95,
      driftStatus: 'recalibrate',
    });
    const monitored = actionScope({ outcomeCount: enough, longWaitCount: 10, score: 0.95, driftStatus: 'monitor' });

    expect([reduced, recalibrate, monitored]).toEqual(['notify', 'escalate', 'autonomous']);
  });

  it('actionScope uses the configured minimum of outcomes', () => {
    const config = { ...DEFAULT_GATE_CONFIG, minOutcomes: 200 };

    const scope = actionScope({ outcomeCount: 199, longWaitCount: 50, score: 1, driftStatus: 'none' }, config);

    expect(scope).toBe('learning');
  });

  it.each([-1, 1.5, Number.NaN])('actionScope refuses outcomeCount %s', (outcomeCount) => {
    const scope = (): string => actionScope({ outcomeCount, longWaitCount: null, score: 0.9, driftStatus: 'none' });

    expect(scope).toThrow(InvalidInputError);
  });

  it('actionScope refuses an out-of-range score even in learning mode', () => {
    const scope = (): string => actionScope({ outcomeCount: 1, longWaitCount: 0, score: -0.2, driftStatus: 'none' });

    expect(scope).toThrow('score must be in [0, 1] (got -0.2)');
  });
});

describe('classShortfall', () => {
  // Boundary with the default minimum of 5 per class (DEFAULT_GATE_CONFIG.minOutcomesPerClass).
  it.each([
    [50, 4, { longWaits: 4, shortWaits: 46, minPerClass: 5 }],
    [50, 5, null],
    [50, 45, null],
    [50, 46, { longWaits: 46, shortWaits: 4, minPerClass: 5 }],
    [50, 0, { longWaits: 0, shortWaits: 50, minPerClass: 5 }],
    [6, 3, { longWaits: 3, shortWaits: 3, minPerClass: 5 }],
    [50, null, null],
  ] as const)('classShortfall of %s outcomes with %s long waits is %j', (outcomeCount, longWaitCount, expected) => {
    const shortfall = classShortfall(outcomeCount, longWaitCount);

    expect(shortfall).toEqual(expected);
  });

  it('classShortfall follows the configured minimum, and 0 turns the rule off', () => {
    const stricter = { ...DEFAULT_GATE_CONFIG, minOutcomesPerClass: 20 };
    const off = { ...DEFAULT_GATE_CONFIG, minOutcomesPerClass: 0 };

    const shortfalls = [
      classShortfall(100, 19, stricter),
      classShortfall(100, 20, stricter),
      classShortfall(100, 0, off),
      classShortfall(100, 100, off),
    ];

    expect(shortfalls).toEqual([{ longWaits: 19, shortWaits: 81, minPerClass: 20 }, null, null, null]);
  });

  it.each([
    [50, 51, 'longWaitCount must be ≤ outcomeCount 50 (got 51)'],
    [50, -1, 'longWaitCount must be an integer ≥ 0 (got -1)'],
    [50, 2.5, 'longWaitCount must be an integer ≥ 0 (got 2.5)'],
    [-1, 0, 'outcomeCount must be an integer ≥ 0 (got -1)'],
  ])('classShortfall refuses %s outcomes with %s long waits', (outcomeCount, longWaitCount, message) => {
    const shortfall = (): unknown => classShortfall(outcomeCount, longWaitCount);

    expect(shortfall).toThrow(message);
  });
});

describe('actionScope per-class rule', () => {
  it('actionScope stays in learning mode with 4 long waits and leaves it with 5', () => {
    const with4 = actionScope({ outcomeCount: 50, longWaitCount: 4, score: 1, driftStatus: 'none' });
    const with5 = actionScope({ outcomeCount: 50, longWaitCount: 5, score: 1, driftStatus: 'none' });

    expect(with4).toBe('learning');
    expect(with5).toBe('autonomous');
  });

  it('actionScope stays in learning mode with 4 short waits and leaves it with 5', () => {
    const with4 = actionScope({ outcomeCount: 50, longWaitCount: 46, score: 0.7, driftStatus: 'none' });
    const with5 = actionScope({ outcomeCount: 50, longWaitCount: 45, score: 0.7, driftStatus: 'none' });

    expect(with4).toBe('learning');
    expect(with5).toBe('notify');
  });

  it('actionScope keeps escalate for a one-class window that proves miscalibration', () => {
    const lowScore = actionScope({ outcomeCount: 50, longWaitCount: 1, score: 0, driftStatus: 'none' });
    const drifted = actionScope({ outcomeCount: 50, longWaitCount: 1, score: 0.95, driftStatus: 'recalibrate' });
    const reduced = actionScope({ outcomeCount: 50, longWaitCount: 1, score: 0.95, driftStatus: 'reduce_autonomy' });

    expect([lowScore, drifted, reduced]).toEqual(['escalate', 'escalate', 'learning']);
  });

  it('actionScope applies SPEC alone when the long-wait count is unknown', () => {
    const scope = actionScope({ outcomeCount: 50, longWaitCount: null, score: 1, driftStatus: 'none' });

    expect(scope).toBe('autonomous');
  });

  it('actionScope refuses more long waits than outcomes', () => {
    const scope = (): string => actionScope({ outcomeCount: 50, longWaitCount: 60, score: 1, driftStatus: 'none' });

    expect(scope).toThrow(InvalidInputError);
  });

  it('actionScope with the per-class rule never grants more autonomy than SPEC alone (property)', () => {
    const autonomyRank: Record<ActionScope, number> = { learning: 0, escalate: 0, notify: 1, autonomous: 2 };
    const inputs = fc
      .record({
        outcomeCount: fc.integer({ min: 0, max: 300 }),
        score: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
        driftStatus: fc.constantFrom(...Object.values(DriftStatus)),
        minOutcomesPerClass: fc.integer({ min: 0, max: 60 }),
      })
      .chain((base) =>
        fc.integer({ min: 0, max: base.outcomeCount }).map((longWaitCount) => ({ ...base, longWaitCount })),
      );
    fc.assert(
      fc.property(inputs, ({ minOutcomesPerClass, ...input }) => {
        const config = { ...DEFAULT_GATE_CONFIG, minOutcomesPerClass };

        const withRule = actionScope(input, config);
        const specAlone = actionScope({ ...input, longWaitCount: null }, config);

        expect(autonomyRank[withRule]).toBeLessThanOrEqual(autonomyRank[specAlone]);
        // The rule only ever turns a scope into learning; otherwise SPEC's answer stands.
        const balanced =
          input.longWaitCount >= minOutcomesPerClass && input.outcomeCount - input.longWaitCount >= minOutcomesPerClass;
        expect(withRule).toBe(balanced || specAlone === 'escalate' ? specAlone : 'learning');
      }),
    );
  });
});
