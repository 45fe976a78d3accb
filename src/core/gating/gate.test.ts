import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import type { CalibrationEvidence } from './calibration-evidence.ts';
import { ActionScope, DEFAULT_GATE_CONFIG, DriftStatus, Tier, TIERS_WEAKEST_FIRST } from './gate-config.ts';
import {
  GATE_DECISION_EVENT,
  gateAuditEvent,
  gateDecision,
  GateOutcome,
  type ClusterStandingView,
  type GateInput,
} from './gate.ts';
import { parseGateConfig } from './parse-gate-config.ts';

const EVIDENCE: CalibrationEvidence = {
  count: 1000,
  longWaits: 130,
  ece: 0.021,
  standardError: 0.006,
  upper: 0.0309,
  lower: 0.002,
  level: 0.95,
};

/** A standing that lets the agents act on annotate, warn and suggest_reschedule. */
const ACTING: ClusterStandingView = {
  scope: ActionScope.autonomous,
  qualifiedTiers: [Tier.annotate, Tier.warn, Tier.suggestReschedule],
  driftStatus: DriftStatus.none,
  reasons: ['ECE 0.021 (95 % bounds 0.002–0.0309, 1000 issued forecasts): score 0.846 by the upper bound → autonomous'],
  evidence: EVIDENCE,
  outcomes: 1200,
};

const LEARNING: ClusterStandingView = {
  scope: ActionScope.learning,
  qualifiedTiers: [],
  driftStatus: DriftStatus.none,
  reasons: ['learning mode: 12 of 50 outcomes observed'],
  evidence: null,
  outcomes: 12,
};

describe('gateDecision', () => {
  it('gateDecision acts on the strongest qualified tier the forecast reaches when the scope is autonomous', () => {
    const decision = gateDecision({ probability: 0.95, standing: ACTING });

    expect(decision).toEqual({
      scope: 'autonomous',
      tier: 'suggest_reschedule',
      requestedTier: 'require_confirmation',
      qualifiedTiers: ['annotate', 'warn', 'suggest_reschedule'],
      outcome: 'act',
      mayActWithoutHuman: true,
      needsHumanNotice: false,
      reasons: [
        ...ACTING.reasons,
        "p 0.95 ≥ 0.7 and the tier's ECE prerequisite met: suggest_reschedule qualifies",
        'act: suggest_reschedule without waiting for a human',
      ],
    });
  });

  it('gateDecision acts, then notifies a human, when the scope is notify', () => {
    const decision = gateDecision({ probability: 0.55, standing: { ...ACTING, scope: ActionScope.notify } });

    expect(decision).toMatchObject({
      scope: 'notify',
      tier: 'warn',
      requestedTier: 'warn',
      outcome: 'act_and_notify',
      mayActWithoutHuman: true,
      needsHumanNotice: true,
    });
    expect(decision.reasons.slice(-2)).toEqual([
      "p 0.55 ≥ 0.5 and the tier's ECE prerequisite met: warn qualifies",
      'act: warn, then notify a human',
    ]);
  });

  it.each([
    [0.3, 'annotate'],
    [0.4999, 'annotate'],
    [0.5, 'warn'],
    [0.7, 'suggest_reschedule'],
    [0.9, 'suggest_reschedule'],
    [1, 'suggest_reschedule'],
  ])(
    'gateDecision at p = %s picks %s among annotate, warn and suggest_reschedule (ε inclusive)',
    (probability, tier) => {
      expect(gateDecision({ probability, standing: ACTING }).tier).toBe(tier);
    },
  );

  it('gateDecision picks require_confirmation at p = 0.9 once it is qualified', () => {
    const standing = { ...ACTING, qualifiedTiers: TIERS_WEAKEST_FIRST };

    expect(gateDecision({ probability: 0.9, standing }).tier).toBe('require_confirmation');
    expect(gateDecision({ probability: 0.8999, standing }).tier).toBe('suggest_reschedule');
  });

  it("gateDecision only chooses among qualified tiers, listing them weakest first whatever the standing's order", () => {
    const standing = { ...ACTING, qualifiedTiers: [Tier.requireConfirmation, Tier.annotate] };

    const decision = gateDecision({ probability: 0.8, standing });

    expect(decision.qualifiedTiers).toEqual(['annotate', 'require_confirmation']);
    expect(decision.tier).toBe('annotate');
    expect(decision.requestedTier).toBe('suggest_reschedule');
    expect(decision.outcome).toBe('act');
  });

  it('gateDecision escalates when the scope allows acting but no qualified tier is reached', () => {
    const decision = gateDecision({
      probability: 0.8,
      standing: { ...ACTING, qualifiedTiers: [Tier.requireConfirmation] },
    });

    expect(decision).toMatchObject({
      tier: null,
      requestedTier: 'suggest_reschedule',
      outcome: 'escalate',
      mayActWithoutHuman: false,
      needsHumanNotice: true,
    });
    expect(decision.reasons.at(-1)).toBe(
      'escalate to a human with suggest_reschedule (suggest_reschedule is not qualified by the evidence); the agent does not act',
    );
  });

  it('gateDecision escalates in learning mode, even with a tier the forecast reaches, and says why', () => {
    const decision = gateDecision({ probability: 0.95, standing: LEARNING });

    expect(decision).toMatchObject({
      scope: 'learning',
      tier: null,
      requestedTier: 'require_confirmation',
      outcome: 'escalate',
      mayActWithoutHuman: false,
      needsHumanNotice: true,
    });
    expect(decision.reasons).toEqual([
      'learning mode: 12 of 50 outcomes observed',
      'escalate to a human with require_confirmation (learning mode: escalate only); the agent does not act',
    ]);
  });

  it('gateDecision never acts in scope escalate, even on a qualified tier, and keeps the qualification in its reasons', () => {
    const decision = gateDecision({ probability: 0.5, standing: { ...ACTING, scope: ActionScope.escalate } });

    expect(decision).toMatchObject({
      scope: 'escalate',
      tier: null,
      requestedTier: 'warn',
      outcome: 'escalate',
      mayActWithoutHuman: false,
    });
    expect(decision.reasons.slice(-2)).toEqual([
      "p 0.5 ≥ 0.5 and the tier's ECE prerequisite met: warn qualifies",
      'escalate to a human with warn (escalate, never act); the agent does not act',
    ]);
  });

  it("gateDecision does nothing when p is below every tier's ε, and prints enough digits to tell p from ε", () => {
    const below = gateDecision({ probability: 0.2, standing: ACTING });
    const justBelow = gateDecision({ probability: 0.29999, standing: LEARNING });

    expect(below).toMatchObject({
      tier: null,
      requestedTier: null,
      outcome: 'none',
      mayActWithoutHuman: false,
      needsHumanNotice: false,
    });
    expect(below.reasons.at(-1)).toBe('no action: p 0.2 < 0.3, below every tier');
    expect(justBelow.outcome).toBe('none');
    expect(justBelow.reasons.at(-1)).toBe('no action: p 0.29999 < 0.3, below every tier');
  });

  it('gateDecision follows configured tier thresholds', () => {
    const config = parseGateConfig({ tiers: { annotate: { minProbability: 0.1 }, warn: { minProbability: 0.2 } } });

    const annotate = gateDecision({ probability: 0.15, standing: ACTING }, config);
    const none = gateDecision({ probability: 0.05, standing: ACTING }, config);

    expect(annotate.tier).toBe('annotate');
    expect(none.reasons.at(-1)).toBe('no action: p 0.05 < 0.1, below every tier');
  });

  it.each([1.2, -0.1, Number.NaN])('gateDecision refuses probability %s', (probability) => {
    const decide = (): unknown => gateDecision({ probability, standing: ACTING });

    expect(decide).toThrow(InvalidInputError);
    expect(decide).toThrow(`probability must be in [0, 1] (got ${probability})`);
  });

  it('gateDecision acts only on a qualified tier the forecast reaches, only in an acting scope, and on the strongest such (property)', () => {
    const standingArbitrary = fc.record({
      scope: fc.constantFrom(...Object.values(ActionScope)),
      qualifiedTiers: fc.subarray([...TIERS_WEAKEST_FIRST]),
      driftStatus: fc.constantFrom(...Object.values(DriftStatus)),
      reasons: fc.array(fc.string(), { maxLength: 3 }),
      evidence: fc.constant(null),
      outcomes: fc.nat(),
    });
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), standingArbitrary, (probability, standing) => {
        const decision = gateDecision({ probability, standing });

        const reached = TIERS_WEAKEST_FIRST.filter(
          (tier) =>
            standing.qualifiedTiers.includes(tier) && probability >= DEFAULT_GATE_CONFIG.tiers[tier].minProbability,
        );
        const acting = standing.scope === 'autonomous' || standing.scope === 'notify';
        expect(decision.tier).toBe(acting ? (reached.at(-1) ?? null) : null);
        expect(decision.mayActWithoutHuman).toBe(decision.tier !== null);
        const expectedOutcome =
          decision.tier !== null
            ? standing.scope === 'autonomous'
              ? GateOutcome.act
              : GateOutcome.actAndNotify
            : decision.requestedTier !== null
              ? GateOutcome.escalate
              : GateOutcome.none;
        expect(decision.outcome).toBe(expectedOutcome);
        expect(decision.needsHumanNotice).toBe(expectedOutcome === 'act_and_notify' || expectedOutcome === 'escalate');
        expect(decision.reasons.slice(0, standing.reasons.length)).toEqual(standing.reasons);
      }),
    );
  });
});

describe('gateAuditEvent', () => {
  it('gateAuditEvent records the forecast, the evidence and bound, the thresholds and the outcome as plain JSON', () => {
    const input: GateInput = {
      probability: 0.95,
      standing: { ...ACTING, scope: ActionScope.notify, driftStatus: DriftStatus.monitor },
    };
    const decision = gateDecision(input);

    const event = gateAuditEvent(input, decision);

    expect(JSON.parse(JSON.stringify(event))).toEqual({
      event: 'gate.decision',
      probability: 0.95,
      ece: 0.021,
      eceUpperBound: 0.0309,
      eceLowerBound: 0.002,
      evidenceCount: 1000,
      longWaitCount: 130,
      boundUsed: 'upper',
      outcomeCount: 1200,
      driftStatus: 'monitor',
      thresholds: {
        minOutcomes: 50,
        minOutcomesPerClass: 5,
        eceScoreSlope: 5,
        autonomousScore: 0.85,
        notifyScore: 0.6,
        evidenceWindow: 1000,
        boundLevel: 0.95,
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
        ...ACTING.reasons,
        "p 0.95 ≥ 0.7 and the tier's ECE prerequisite met: suggest_reschedule qualifies",
        'act: suggest_reschedule, then notify a human',
      ],
    });
    expect(event.event).toBe(GATE_DECISION_EVENT);
  });

  it('gateAuditEvent without evidence records nulls and a zero count', () => {
    const input: GateInput = { probability: 0.4, standing: LEARNING };

    const event = gateAuditEvent(input, gateDecision(input));

    expect(event).toMatchObject({
      ece: null,
      eceUpperBound: null,
      eceLowerBound: null,
      evidenceCount: 0,
      longWaitCount: null,
      outcomeCount: 12,
      outcome: 'escalate',
    });
  });

  it('gateAuditEvent copies the thresholds and lists it was given, so later changes cannot rewrite it', () => {
    const config = parseGateConfig({
      minOutcomes: 20,
      evidenceWindow: 300,
      boundLevel: 0.9,
      tiers: { warn: { maxEce: 0.08 } },
    });
    const input: GateInput = { probability: 0.6, standing: ACTING };
    const decision = gateDecision(input, config);

    const event = gateAuditEvent(input, decision, config);

    expect(event.thresholds).toMatchObject({ minOutcomes: 20, evidenceWindow: 300, boundLevel: 0.9 });
    expect(event.thresholds.tiers).toEqual(config.tiers);
    expect(event.thresholds.tiers).not.toBe(config.tiers);
    expect(event.thresholds.tiers.warn).not.toBe(config.tiers.warn);
    expect(event.reasons).toEqual(decision.reasons);
    expect(event.reasons).not.toBe(decision.reasons);
    expect(event.qualifiedTiers).not.toBe(decision.qualifiedTiers);
  });
});
