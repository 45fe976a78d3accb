import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { InvalidInputError } from '../errors.ts';
import { actionScope } from './action-scope.ts';
import { DEFAULT_GATE_CONFIG, DriftStatus } from './gate-config.ts';
import { gateAuditEvent, gateDecision, type GateDecision, type GateInput } from './gate.ts';
import { parseGateConfig } from './parse-gate-config.ts';

const settled = { outcomeCount: 500, longWaitCount: 100, driftStatus: 'none' } as const;

/** Any forecast, measured ECE (or none), outcome count and drift status: what a gate decision starts from. */
const gateInputBase = fc.record({
  probability: fc.double({ min: 0, max: 1, noNaN: true }),
  ece: fc.option(fc.double({ min: 0, max: 0.25, noNaN: true }), { nil: null }),
  outcomeCount: fc.integer({ min: 0, max: 200 }),
  driftStatus: fc.constantFrom(...Object.values(DriftStatus)),
});

describe('gateDecision', () => {
  it('gateDecision escalates in learning mode and says how many outcomes it has seen', () => {
    const input: GateInput = { probability: 0.95, ece: 0.01, outcomeCount: 12, longWaitCount: 3, driftStatus: 'none' };

    const decision = gateDecision(input);

    expect(decision).toMatchObject({
      scope: 'learning',
      tier: null,
      requestedTier: 'require_confirmation',
      outcome: 'escalate',
      mayActWithoutHuman: false,
      needsHumanNotice: true,
    });
    expect(decision.reasons[0]).toBe('learning mode: 12 of 50 outcomes observed');
    expect(decision.reasons.at(-1)).toBe('escalate to a human with require_confirmation; the agent does not act');
  });

  it('gateDecision leaves learning mode at exactly 50 outcomes', () => {
    const at49 = gateDecision({ probability: 0.95, ece: 0.01, outcomeCount: 49, longWaitCount: 10, driftStatus: 'none' });
    const at50 = gateDecision({ probability: 0.95, ece: 0.01, outcomeCount: 50, longWaitCount: 10, driftStatus: 'none' });

    expect(at49.scope).toBe('learning');
    expect(at50.scope).toBe('autonomous');
  });

  it('gateDecision stays in learning mode without an ECE', () => {
    const decision = gateDecision({ probability: 0.95, ece: null, ...settled });

    expect(decision).toMatchObject({ scope: 'learning', score: null, qualifiedTiers: [], tier: null, outcome: 'escalate' });
    expect(decision.reasons[0]).toBe('learning mode: no ECE measured yet (500 outcomes observed)');
  });

  it('gateDecision acts autonomously when calibration is good', () => {
    // ECE 0.02 → score 1 − 5·0.02 = 0.9 > 0.85; p 0.95 ≥ 0.9 and ECE 0.02 ≤ 0.03 → require_confirmation.
    const decision = gateDecision({ probability: 0.95, ece: 0.02, ...settled });

    expect(decision).toEqual<GateDecision>({
      scope: 'autonomous',
      tier: 'require_confirmation',
      requestedTier: 'require_confirmation',
      score: 0.9,
      qualifiedTiers: ['annotate', 'warn', 'suggest_reschedule', 'require_confirmation'],
      outcome: 'act',
      mayActWithoutHuman: true,
      needsHumanNotice: false,
      reasons: [
        'score 0.9 > 0.85 → autonomous',
        'p 0.95 ≥ 0.9 and ECE 0.02 ≤ 0.03 qualify require_confirmation',
        'act: require_confirmation without waiting for a human',
      ],
    });
  });

  it('gateDecision acts and notifies at ECE 0.041, retiring require_confirmation', () => {
    // ECE 0.041 → score 0.795 in (0.6, 0.85]; 0.041 > 0.03 retires require_confirmation; ≤ 0.05 keeps suggest_reschedule.
    const decision = gateDecision({ probability: 0.95, ece: 0.041, ...settled });

    expect(decision).toMatchObject({
      scope: 'notify',
      tier: 'suggest_reschedule',
      requestedTier: 'require_confirmation',
      score: 0.795,
      outcome: 'act_and_notify',
      mayActWithoutHuman: true,
      needsHumanNotice: true,
    });
    expect(decision.reasons).toEqual([
      'score 0.795 in (0.6, 0.85] → act and notify',
      'ECE 0.041 > 0.03 retires require_confirmation',
      'p 0.95 ≥ 0.7 and ECE 0.041 ≤ 0.05 qualify suggest_reschedule',
      'act: suggest_reschedule, then notify a human',
    ]);
  });

  it('gateDecision treats score exactly 0.85 (ECE 0.03) as notify', () => {
    const decision = gateDecision({ probability: 0.9, ece: 0.03, ...settled });

    expect(decision).toMatchObject({ scope: 'notify', score: 0.85, tier: 'require_confirmation', outcome: 'act_and_notify' });
    expect(decision.reasons[0]).toBe('score 0.85 in (0.6, 0.85] → act and notify');
  });

  it('gateDecision prints a score near the notify bound with enough digits', () => {
    // 1 − 5·0.0799998 = 0.600001: just above 0.6, so notify; at 3 to 5 digits it would print as "0.6".
    const decision = gateDecision({ probability: 0.4, ece: 0.0799998, ...settled });

    expect(decision.scope).toBe('notify');
    expect(decision.reasons[0]).toBe('score 0.600001 in (0.6, 0.85] → act and notify');
  });

  it('gateDecision escalates and never acts at score exactly 0.60 (ECE 0.08)', () => {
    const decision = gateDecision({ probability: 0.95, ece: 0.08, ...settled });

    expect(decision).toMatchObject({
      scope: 'escalate',
      score: 0.6,
      tier: null,
      qualifiedTiers: ['annotate'],
      outcome: 'escalate',
      mayActWithoutHuman: false,
      needsHumanNotice: true,
    });
    expect(decision.reasons).toEqual([
      'score 0.6 ≤ 0.6 → escalate, never act',
      'ECE 0.08 > 0.07 retires warn',
      'ECE 0.08 > 0.05 retires suggest_reschedule',
      'ECE 0.08 > 0.03 retires require_confirmation',
      'p 0.95 ≥ 0.3 and ECE 0.08 ≤ 0.1 qualify annotate',
      'escalate to a human with require_confirmation; the agent does not act',
    ]);
  });

  it('gateDecision does nothing when p is below every tier', () => {
    const decision = gateDecision({ probability: 0.1, ece: 0.01, ...settled });

    expect(decision).toMatchObject({ scope: 'autonomous', tier: null, requestedTier: null, outcome: 'none', needsHumanNotice: false });
    expect(decision.reasons.at(-1)).toBe('no action: p 0.1 < 0.3, below every tier');
  });

  it('gateDecision picks each tier at its exact ε', () => {
    const tiers = [0.3, 0.5, 0.7, 0.9].map((probability) => gateDecision({ probability, ece: 0, ...settled }).tier);
    const justBelow = gateDecision({ probability: 0.2999999, ece: 0, ...settled });

    expect(tiers).toEqual(['annotate', 'warn', 'suggest_reschedule', 'require_confirmation']);
    expect(justBelow.tier).toBeNull();
    expect(justBelow.reasons.at(-1)).toBe('no action: p 0.2999999 < 0.3, below every tier');
  });

  it('gateDecision lets reduce_autonomy cap autonomous at act and notify', () => {
    const decision = gateDecision({ probability: 0.6, ece: 0.02, outcomeCount: 500, longWaitCount: 100, driftStatus: 'reduce_autonomy' });

    expect(decision).toMatchObject({ scope: 'notify', tier: 'warn', outcome: 'act_and_notify' });
    expect(decision.reasons.slice(0, 2)).toEqual(['score 0.9 > 0.85 → autonomous', 'drift reduce_autonomy caps the scope at act and notify']);
  });

  it('gateDecision escalates under drift recalibrate', () => {
    const decision = gateDecision({ probability: 0.6, ece: 0.02, outcomeCount: 500, longWaitCount: 100, driftStatus: 'recalibrate' });

    expect(decision).toMatchObject({ scope: 'escalate', tier: null, outcome: 'escalate' });
    expect(decision.reasons[1]).toBe('drift recalibrate caps the scope at escalate, never act');
  });

  it('gateDecision escalates when the scope allows acting but no tier qualifies', () => {
    // Slope 1: ECE 0.12 → score 0.88 (autonomous), yet 0.12 > 0.1 retires even annotate.
    const config = parseGateConfig({ eceScoreSlope: 1 });

    const decision = gateDecision({ probability: 0.95, ece: 0.12, ...settled }, config);

    expect(decision).toMatchObject({ scope: 'autonomous', tier: null, qualifiedTiers: [], outcome: 'escalate', needsHumanNotice: true });
  });

  it('gateDecision refuses bad inputs', () => {
    const badProbability = (): unknown => gateDecision({ probability: 1.2, ece: 0.01, ...settled });
    const badEce = (): unknown => gateDecision({ probability: 0.5, ece: -0.01, ...settled });
    const badCount = (): unknown => gateDecision({ probability: 0.5, ece: 0.01, outcomeCount: 2.5, longWaitCount: 1, driftStatus: 'none' });

    expect(badProbability).toThrow('probability must be in [0, 1] (got 1.2)');
    expect(badEce).toThrow(InvalidInputError);
    expect(badCount).toThrow(InvalidInputError);
  });

  it('gateDecision agrees with actionScope and only acts on a qualified tier the forecast asks for (property)', () => {
    const inputs = gateInputBase.chain((base) => fc.option(fc.integer({ min: 0, max: base.outcomeCount }), { nil: null }).map((longWaitCount) => ({ ...base, longWaitCount })));
    fc.assert(
      fc.property(inputs, (input) => {
        const decision = gateDecision(Object.freeze(input));

        expect(decision.scope).toBe(actionScope({ outcomeCount: input.outcomeCount, longWaitCount: input.longWaitCount, score: decision.score, driftStatus: input.driftStatus }));
        expect(decision.mayActWithoutHuman).toBe(decision.tier !== null);
        if (decision.tier !== null) {
          expect(['autonomous', 'notify']).toContain(decision.scope);
          expect(decision.qualifiedTiers).toContain(decision.tier);
          expect(input.probability).toBeGreaterThanOrEqual(DEFAULT_GATE_CONFIG.tiers[decision.tier].minProbability);
        }
        expect(decision.needsHumanNotice).toBe(decision.outcome === 'act_and_notify' || decision.outcome === 'escalate');
        expect(decision.outcome === 'none').toBe(input.probability < 0.3);
      }),
    );
  });
});

describe('gateDecision per-class rule', () => {
  it('gateDecision keeps a window with 1 long wait among 50 outcomes in learning mode, however small its ECE', () => {
    const decision = gateDecision({ probability: 0.95, ece: 0.01, outcomeCount: 50, longWaitCount: 1, driftStatus: 'none' });

    expect(decision).toMatchObject({ scope: 'learning', score: 0.95, tier: null, outcome: 'escalate', mayActWithoutHuman: false });
    expect(decision.reasons[0]).toBe('learning mode: 1 long wait among 50 outcomes; autonomy needs ≥ 5 of each');
  });

  it('gateDecision names a short-wait shortfall too, in the plural', () => {
    const decision = gateDecision({ probability: 0.2, ece: 0.01, outcomeCount: 50, longWaitCount: 50, driftStatus: 'none' });

    expect(decision.reasons[0]).toBe('learning mode: 0 short waits among 50 outcomes; autonomy needs ≥ 5 of each');
    expect(decision.outcome).toBe('none');
  });

  it('gateDecision names a single short wait in the singular', () => {
    const decision = gateDecision({ probability: 0.2, ece: 0.01, outcomeCount: 50, longWaitCount: 49, driftStatus: 'none' });

    expect(decision.reasons[0]).toBe('learning mode: 1 short wait among 50 outcomes; autonomy needs ≥ 5 of each');
  });

  it('gateDecision names both classes when both fall short', () => {
    const config = parseGateConfig({ minOutcomes: 10, minOutcomesPerClass: 6 });

    const decision = gateDecision({ probability: 0.5, ece: 0.01, outcomeCount: 10, longWaitCount: 5, driftStatus: 'none' }, config);

    expect(decision.reasons[0]).toBe('learning mode: 5 long waits and 5 short waits among 10 outcomes; autonomy needs ≥ 6 of each');
  });

  it('gateDecision keeps escalate, with the score and drift reasons, when a one-class window proves miscalibration', () => {
    // ECE 0.21 → score clamp(1 − 5·0.21) = 0; drift recalibrate caps nothing further.
    const decision = gateDecision({ probability: 0.95, ece: 0.21, outcomeCount: 50, longWaitCount: 1, driftStatus: 'recalibrate' });

    expect(decision).toMatchObject({ scope: 'escalate', score: 0, outcome: 'escalate' });
    expect(decision.reasons[0]).toBe('score 0 ≤ 0.6 → escalate, never act');
  });

  it('gateDecision keeps learning under drift reduce_autonomy when the window lacks long waits', () => {
    const decision = gateDecision({ probability: 0.95, ece: 0.01, outcomeCount: 50, longWaitCount: 0, driftStatus: 'reduce_autonomy' });

    expect(decision.scope).toBe('learning');
    expect(decision.reasons[0]).toBe('learning mode: 0 long waits among 50 outcomes; autonomy needs ≥ 5 of each');
  });

  it('gateDecision leaves learning mode at 5 long waits and acts', () => {
    const with4 = gateDecision({ probability: 0.95, ece: 0.01, outcomeCount: 50, longWaitCount: 4, driftStatus: 'none' });
    const with5 = gateDecision({ probability: 0.95, ece: 0.01, outcomeCount: 50, longWaitCount: 5, driftStatus: 'none' });

    expect([with4.scope, with4.outcome]).toEqual(['learning', 'escalate']);
    expect([with5.scope, with5.outcome]).toEqual(['autonomous', 'act']);
  });

  it('gateDecision refuses more long waits than outcomes', () => {
    const decide = (): unknown => gateDecision({ probability: 0.5, ece: 0.01, outcomeCount: 50, longWaitCount: 51, driftStatus: 'none' });

    expect(decide).toThrow('longWaitCount must be ≤ outcomeCount 50 (got 51)');
  });

  it('gateDecision with the per-class rule never acts where SPEC alone would not (property)', () => {
    const inputs = gateInputBase.chain((base) => fc.integer({ min: 0, max: base.outcomeCount }).map((longWaitCount) => ({ ...base, longWaitCount })));
    fc.assert(
      fc.property(inputs, (input) => {
        const withRule = gateDecision(input);
        const specAlone = gateDecision({ ...input, longWaitCount: null });

        if (withRule.mayActWithoutHuman) expect(withRule).toEqual(specAlone);
        expect(withRule.requestedTier).toBe(specAlone.requestedTier);
        expect(withRule.qualifiedTiers).toEqual(specAlone.qualifiedTiers);
      }),
    );
  });
});

describe('gateAuditEvent', () => {
  it('gateAuditEvent records inputs, SPEC thresholds and the outcome as plain JSON', () => {
    const input: GateInput = { probability: 0.95, ece: 0.041, outcomeCount: 500, longWaitCount: 100, driftStatus: 'monitor' };
    const decision = gateDecision(input);

    const event = gateAuditEvent(input, decision);

    expect(JSON.parse(JSON.stringify(event))).toEqual({
      event: 'gate.decision',
      probability: 0.95,
      ece: 0.041,
      score: 0.795,
      outcomeCount: 500,
      longWaitCount: 100,
      driftStatus: 'monitor',
      thresholds: {
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
      },
      scope: 'notify',
      tier: 'suggest_reschedule',
      requestedTier: 'require_confirmation',
      qualifiedTiers: ['annotate', 'warn', 'suggest_reschedule'],
      outcome: 'act_and_notify',
      mayActWithoutHuman: true,
      needsHumanNotice: true,
      reasons: [
        'score 0.795 in (0.6, 0.85] → act and notify',
        'ECE 0.041 > 0.03 retires require_confirmation',
        'p 0.95 ≥ 0.7 and ECE 0.041 ≤ 0.05 qualify suggest_reschedule',
        'act: suggest_reschedule, then notify a human',
      ],
    });
  });

  it('gateAuditEvent copies the thresholds and lists it was given', () => {
    const config = parseGateConfig({ minOutcomes: 20 });
    const input: GateInput = { probability: 0.4, ece: null, outcomeCount: 3, longWaitCount: 1, driftStatus: 'none' };
    const decision = gateDecision(input, config);

    const event = gateAuditEvent(input, decision, config);

    expect(event.thresholds.minOutcomes).toBe(20);
    expect(event.thresholds.tiers).not.toBe(config.tiers);
    expect(event.thresholds.tiers.warn).not.toBe(config.tiers.warn);
    expect(event.reasons).not.toBe(decision.reasons);
    expect(event.qualifiedTiers).not.toBe(decision.qualifiedTiers);
    expect(event.reasons).toEqual(['learning mode: 3 of 20 outcomes observed', 'escalate to a human with annotate; the agent does not act']);
  });
});
