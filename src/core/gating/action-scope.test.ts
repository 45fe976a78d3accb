import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { InvalidInputError } from '../errors.ts';
import { actionScope, capScopeByDrift, scopeFromScore } from './action-scope.ts';
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
    const at49 = actionScope({ outcomeCount: 49, score: 1, driftStatus: 'none' });
    const at50 = actionScope({ outcomeCount: 50, score: 1, driftStatus: 'none' });

    expect(at49).toBe('learning');
    expect(at50).toBe('autonomous');
  });

  it('actionScope is learning without a score, however many outcomes', () => {
    const scope = actionScope({ outcomeCount: 10_000, score: null, driftStatus: 'none' });

    expect(scope).toBe('learning');
  });

  it('actionScope stays learning under drift while outcomes are too few', () => {
    const scope = actionScope({ outcomeCount: 3, score: 0.1, driftStatus: 'recalibrate' });

    expect(scope).toBe('learning');
  });

  it('actionScope is notify at exactly 0.85 and escalate at exactly 0.60', () => {
    const atAutonomousBound = actionScope({ outcomeCount: enough, score: 0.85, driftStatus: 'none' });
    const atNotifyBound = actionScope({ outcomeCount: enough, score: 0.6, driftStatus: 'none' });

    expect(atAutonomousBound).toBe('notify');
    expect(atNotifyBound).toBe('escalate');
  });

  it('actionScope turns ECE 0.03 into notify and ECE 0.08 into escalate through the score', () => {
    // 1 − 5·0.03 = 0.85 (not > 0.85); 1 − 5·0.08 = 0.60 (not > 0.60).
    const fromEce003 = actionScope({ outcomeCount: enough, score: calibrationScore(0.03), driftStatus: 'none' });
    const fromEce008 = actionScope({ outcomeCount: enough, score: calibrationScore(0.08), driftStatus: 'none' });

    expect(fromEce003).toBe('notify');
    expect(fromEce008).toBe('escalate');
  });

  it('actionScope applies the drift cap', () => {
    const reduced = actionScope({ outcomeCount: enough, score: 0.95, driftStatus: 'reduce_autonomy' });
    const recalibrate = actionScope({ outcomeCount: enough, score: 0.95, driftStatus: 'recalibrate' });
    const monitored = actionScope({ outcomeCount: enough, score: 0.95, driftStatus: 'monitor' });

    expect([reduced, recalibrate, monitored]).toEqual(['notify', 'escalate', 'autonomous']);
  });

  it('actionScope uses the configured minimum of outcomes', () => {
    const config = { ...DEFAULT_GATE_CONFIG, minOutcomes: 200 };

    const scope = actionScope({ outcomeCount: 199, score: 1, driftStatus: 'none' }, config);

    expect(scope).toBe('learning');
  });

  it.each([-1, 1.5, Number.NaN])('actionScope refuses outcomeCount %s', (outcomeCount) => {
    const scope = (): string => actionScope({ outcomeCount, score: 0.9, driftStatus: 'none' });

    expect(scope).toThrow(InvalidInputError);
  });

  it('actionScope refuses an out-of-range score even in learning mode', () => {
    const scope = (): string => actionScope({ outcomeCount: 1, score: -0.2, driftStatus: 'none' });

    expect(scope).toThrow('score must be in [0, 1] (got -0.2)');
  });
});
