import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scopeFromScore } from '../gating/action-scope.ts';
import type { CalibrationEvidence } from '../gating/calibration-evidence.ts';
import { calibrationScore } from '../gating/calibration-score.ts';
import {
  ActionScope,
  CalibrationState,
  DEFAULT_GATE_CONFIG,
  DriftStatus,
  Tier,
  TIERS_WEAKEST_FIRST,
  type GateConfig,
} from '../gating/gate-config.ts';
import { parseGateConfig } from '../gating/parse-gate-config.ts';
import type { ResidualCusumAlarm } from '../gating/residual-cusum.ts';
import {
  AutonomyChange,
  CalibratorAction,
  decideLearningStep,
  initialStanding,
  outcomesBeforeRetrain,
  type ClusterStanding,
  type LearningDecisionInput,
} from './learning-decision.ts';
import { DEFAULT_LEARNING_POLICY } from './learning-policy.ts';

const CONFIG = DEFAULT_GATE_CONFIG;
const POLICY = DEFAULT_LEARNING_POLICY;
const ALL_TIERS = [...TIERS_WEAKEST_FIRST];

function evidenceOf(ece: number, upper: number, lower: number, count = 1000, longWaits = 150): CalibrationEvidence {
  return { count, longWaits, ece, standardError: (upper - ece) / 1.6448536269514722, upper, lower, level: 0.95 };
}

function standing(scope: ActionScope, qualifiedTiers: readonly Tier[] = []): ClusterStanding {
  return { scope, qualifiedTiers, driftStatus: DriftStatus.none, state: CalibrationState.wellCalibrated, reasons: [] };
}

const UNDER: ResidualCusumAlarm = { direction: 'under_prediction', statistic: 6.2, threshold: 5.7496 };
const OVER: ResidualCusumAlarm = { direction: 'over_prediction', statistic: 7.01, threshold: 5.7496 };

/** A settled cluster: enough outcomes, good evidence, no drift, a classifier that still discriminates. */
const SETTLED: LearningDecisionInput = {
  outcomesInEpoch: 1200,
  evidence: evidenceOf(0.02, 0.025, 0),
  weeklyEvidence: null,
  driftAlarm: null,
  calibratorAdapting: false,
  classifier: { auroc: 0.8, outcomes: 1000 },
  retrainsWithoutRecovery: 0,
  previous: standing(ActionScope.escalate),
};

const RANK: Readonly<Record<ActionScope, number>> = { learning: 0, escalate: 0, notify: 1, autonomous: 2 };

describe('initialStanding', () => {
  it('initialStanding is learning mode with nothing qualified', () => {
    expect(initialStanding(50)).toEqual({
      scope: 'learning',
      qualifiedTiers: [],
      driftStatus: 'none',
      state: 'learning',
      reasons: ['learning mode: 0 of 50 outcomes observed'],
    });
  });
});

describe('decideLearningStep: learning mode', () => {
  it('decideLearningStep stays in learning mode under minOutcomes whatever the evidence, and never retrains there', () => {
    const decision = decideLearningStep(
      { ...SETTLED, outcomesInEpoch: 49, classifier: { auroc: 0.5, outcomes: 1000 }, previous: initialStanding(50) },
      CONFIG,
      POLICY,
    );

    expect(decision).toEqual({
      standing: {
        scope: 'learning',
        qualifiedTiers: [],
        driftStatus: 'none',
        state: 'learning',
        reasons: ['learning mode: 49 of 50 outcomes observed'],
      },
      calibrator: 'keep',
      restartEvidence: false,
      retrain: false,
      autonomy: 'unchanged',
      reasons: ['learning mode: 49 of 50 outcomes observed'],
    });
  });

  it('decideLearningStep adapts the calibrator on a drift alarm in learning mode, or resets it when already adapting', () => {
    const adapt = decideLearningStep(
      { ...SETTLED, outcomesInEpoch: 25, driftAlarm: UNDER, previous: initialStanding(50) },
      CONFIG,
      POLICY,
    );
    const reset = decideLearningStep(
      { ...SETTLED, outcomesInEpoch: 25, driftAlarm: OVER, calibratorAdapting: true, previous: initialStanding(50) },
      CONFIG,
      POLICY,
    );

    expect(adapt).toMatchObject({ calibrator: 'adapt', restartEvidence: true, autonomy: 'unchanged' });
    expect(adapt.standing.scope).toBe('learning');
    expect(adapt.reasons).toEqual([
      'learning mode: 25 of 50 outcomes observed',
      'drift alarm: more long waits than forecast (CUSUM 6.2 > 5.75): the calibrator adapts',
    ]);
    expect(reset.calibrator).toBe('reset');
    expect(reset.reasons[1]).toBe(
      'drift alarm: fewer long waits than forecast (CUSUM 7.01 > 5.75): the calibrator adapts',
    );
  });

  it('decideLearningStep reports autonomy withdrawn if a cluster that was acting is back under minOutcomes', () => {
    const decision = decideLearningStep(
      { ...SETTLED, outcomesInEpoch: 0, previous: standing(ActionScope.notify, [Tier.annotate]) },
      CONFIG,
      POLICY,
    );

    expect(decision.autonomy).toBe('withdrawn');
    expect(decision.standing.qualifiedTiers).toEqual([]);
  });
});

describe('decideLearningStep: drift withdraws autonomy', () => {
  it('decideLearningStep answers a CUSUM alarm: escalate, adapt, restart the evidence, autonomy withdrawn', () => {
    const decision = decideLearningStep(
      { ...SETTLED, driftAlarm: UNDER, previous: standing(ActionScope.autonomous, ALL_TIERS) },
      CONFIG,
      POLICY,
    );

    const reasons = [
      'drift alarm: more long waits than forecast (CUSUM 6.2 > 5.75)',
      'autonomy withdrawn: escalate until forecasts issued from now on earn it back; the calibrator adapts (forgets faster)',
    ];
    expect(decision).toEqual({
      standing: { scope: 'escalate', qualifiedTiers: [], driftStatus: 'recalibrate', state: 'drifting', reasons },
      calibrator: 'adapt',
      restartEvidence: true,
      retrain: false,
      autonomy: 'withdrawn',
      reasons,
    });
  });

  it('decideLearningStep resets a calibrator that is still adapting when drift fires again', () => {
    const decision = decideLearningStep({ ...SETTLED, driftAlarm: OVER, calibratorAdapting: true }, CONFIG, POLICY);

    expect(decision.calibrator).toBe('reset');
    expect(decision.autonomy).toBe('unchanged');
    expect(decision.reasons).toEqual([
      'drift alarm: fewer long waits than forecast (CUSUM 7.01 > 5.75)',
      'autonomy withdrawn: escalate until forecasts issued from now on earn it back; the calibrator, still adapting to an earlier drift, starts over on the outcomes since',
    ]);
  });

  it('decideLearningStep fires on a drift ratio of the lower bound above driftReduceMaxRatio, not at it', () => {
    // lower 0.1 / baseline 0.018 = 5.56 > 5 → recalibrate; 0.09 / 0.018 = 5 exactly → reduce_autonomy (no trigger)
    const above = decideLearningStep({ ...SETTLED, evidence: evidenceOf(0.14, 0.18, 0.1) }, CONFIG, POLICY);
    const at = decideLearningStep({ ...SETTLED, evidence: evidenceOf(0.14, 0.18, 0.09) }, CONFIG, POLICY);

    expect(above.standing.driftStatus).toBe('recalibrate');
    expect(above.reasons[0]).toBe('drift ratio 5.56 > 5: ECE beyond noise 0.1 against last-known-good 0.018');
    expect(above.restartEvidence).toBe(true);
    expect(at.restartEvidence).toBe(false);
    expect(at.standing.driftStatus).toBe('reduce_autonomy');
    expect(at.standing.state).toBe('drifting');
  });

  it('decideLearningStep judges no drift ratio on evidence of fewer than minOutcomes forecasts', () => {
    const decision = decideLearningStep({ ...SETTLED, evidence: evidenceOf(0.4, 0.6, 0.3, 49, 20) }, CONFIG, POLICY);

    expect(decision.restartEvidence).toBe(false);
    expect(decision.standing).toMatchObject({ scope: 'escalate', driftStatus: 'none', state: 'uncalibrated' });
    expect(decision.reasons).toEqual([
      '49 issued forecasts with outcomes since the last drift response; the evidence needs 50 before any autonomy',
    ]);
  });

  it('decideLearningStep fires on the weekly ECE beyond noise above weeklyEceRecalibrate, not at it', () => {
    const above = decideLearningStep(
      { ...SETTLED, weeklyEvidence: evidenceOf(0.1, 0.12, 0.0701, 300, 40) },
      CONFIG,
      POLICY,
    );
    const at = decideLearningStep({ ...SETTLED, weeklyEvidence: evidenceOf(0.1, 0.12, 0.07, 300, 40) }, CONFIG, POLICY);

    expect(above.reasons[0]).toBe('weekly ECE beyond noise 0.0701 > 0.07');
    expect(above.standing).toMatchObject({ scope: 'escalate', driftStatus: 'recalibrate', state: 'drifting' });
    expect(at.restartEvidence).toBe(false);
  });

  it('decideLearningStep lists every trigger that fired, then the response, then a retrain verdict', () => {
    const decision = decideLearningStep(
      {
        ...SETTLED,
        driftAlarm: UNDER,
        evidence: evidenceOf(0.14, 0.18, 0.1),
        weeklyEvidence: evidenceOf(0.15, 0.2, 0.12, 300, 40),
        classifier: { auroc: 0.55, outcomes: 400 },
      },
      CONFIG,
      POLICY,
    );

    expect(decision.reasons).toEqual([
      'drift alarm: more long waits than forecast (CUSUM 6.2 > 5.75)',
      'drift ratio 5.56 > 5: ECE beyond noise 0.1 against last-known-good 0.018',
      'weekly ECE beyond noise 0.12 > 0.07',
      'autonomy withdrawn: escalate until forecasts issued from now on earn it back; the calibrator adapts (forgets faster)',
      'retrain: AUROC 0.55 < 0.6 over the 400 outcomes the classifier scored — it no longer separates long from short waits',
    ]);
    expect(decision.retrain).toBe(true);
    expect(decision.standing.reasons).toEqual(decision.reasons);
  });
});

describe('decideLearningStep: scope and tiers from the evidence', () => {
  it('decideLearningStep grants autonomy and every tier when the upper bound passes (hand-worked)', () => {
    // upper 0.025: score 1 − 5·0.025 = 0.875 > 0.85 → autonomous; 0.025 ≤ every R_a (0.1, 0.07, 0.05, 0.03)
    const decision = decideLearningStep(SETTLED, CONFIG, POLICY);

    expect(decision).toEqual({
      standing: {
        scope: 'autonomous',
        qualifiedTiers: ALL_TIERS,
        driftStatus: 'none',
        state: 'well_calibrated',
        reasons: ['ECE 0.02 (95 % bounds 0–0.025, 1000 issued forecasts): score 0.875 by the upper bound → autonomous'],
      },
      calibrator: 'keep',
      restartEvidence: false,
      retrain: false,
      autonomy: 'restored',
      reasons: ['ECE 0.02 (95 % bounds 0–0.025, 1000 issued forecasts): score 0.875 by the upper bound → autonomous'],
    });
  });

  it('decideLearningStep keeps a held scope and tier while the point estimate passes, though the bound does not', () => {
    // ECE 0.025 (point score 0.875: autonomous), upper 0.04 (bound score 0.8: notify); require_confirmation
    // needs ECE ≤ 0.03: the bound 0.04 fails, the point 0.025 passes.
    const evidence = evidenceOf(0.025, 0.04, 0);

    const held = decideLearningStep(
      { ...SETTLED, evidence, previous: standing(ActionScope.autonomous, ALL_TIERS) },
      CONFIG,
      POLICY,
    );
    const fresh = decideLearningStep(
      { ...SETTLED, evidence, previous: standing(ActionScope.escalate) },
      CONFIG,
      POLICY,
    );

    expect(held.standing.scope).toBe('autonomous');
    expect(held.standing.qualifiedTiers).toEqual(ALL_TIERS);
    expect(held.autonomy).toBe('unchanged');
    expect(held.reasons).toEqual([
      'ECE 0.025 (95 % bounds 0–0.04, 1000 issued forecasts): autonomous kept while the point estimate allows it (regaining a scope needs the upper bound)',
    ]);
    expect(fresh.standing.scope).toBe('notify');
    expect(fresh.standing.qualifiedTiers).toEqual(['annotate', 'warn', 'suggest_reschedule']);
    expect(fresh.reasons).toEqual([
      'ECE 0.025 (95 % bounds 0–0.04, 1000 issued forecasts): score 0.8 by the upper bound → act and notify',
    ]);
  });

  it('decideLearningStep lets a scope and a tier go once the point estimate fails too', () => {
    // ECE 0.035: point score 0.825 (notify), bound 0.045 → 0.775 (notify); 0.035 > 0.03 retires require_confirmation.
    const decision = decideLearningStep(
      { ...SETTLED, evidence: evidenceOf(0.035, 0.045, 0), previous: standing(ActionScope.autonomous, ALL_TIERS) },
      CONFIG,
      POLICY,
    );

    expect(decision.standing.scope).toBe('notify');
    expect(decision.standing.qualifiedTiers).toEqual(['annotate', 'warn', 'suggest_reschedule']);
    expect(decision.autonomy).toBe('unchanged');
  });

  it('decideLearningStep withdraws autonomy when even the point estimate earns only escalate', () => {
    // lower 0.03 / 0.018 = 1.67: monitor, which caps nothing.
    const decision = decideLearningStep(
      { ...SETTLED, evidence: evidenceOf(0.09, 0.11, 0.03), previous: standing(ActionScope.notify, [Tier.annotate]) },
      CONFIG,
      POLICY,
    );

    expect(decision.standing).toMatchObject({
      scope: 'escalate',
      qualifiedTiers: ['annotate'],
      driftStatus: 'monitor',
      state: 'uncalibrated',
    });
    expect(decision.autonomy).toBe('withdrawn');
    expect(decision.reasons).toEqual([
      'ECE 0.09 (95 % bounds 0.03–0.11, 1000 issued forecasts): score 0.45 by the upper bound → escalate, never act',
    ]);
  });

  it('decideLearningStep calls a non-acting standing "adapting" while the calibrator adapts', () => {
    const decision = decideLearningStep({ ...SETTLED, evidence: null, calibratorAdapting: true }, CONFIG, POLICY);

    expect(decision.standing).toMatchObject({ scope: 'escalate', state: 'adapting' });
    expect(decision.reasons).toEqual([
      '0 issued forecasts with outcomes since the last drift response; the evidence needs 50 before any autonomy',
    ]);
  });

  it('decideLearningStep lets a window short of long waits act on nothing, naming the shortfall', () => {
    const decision = decideLearningStep(
      {
        ...SETTLED,
        evidence: evidenceOf(0.01, 0.02, 0, 1000, 4),
        previous: standing(ActionScope.autonomous, ALL_TIERS),
      },
      CONFIG,
      POLICY,
    );

    expect(decision.standing.scope).toBe('escalate');
    expect(decision.autonomy).toBe('withdrawn');
    expect(decision.reasons[1]).toBe(
      'escalate: 4 long and 996 short waits among the evidence; acting needs ≥ 5 of each',
    );
  });

  it('decideLearningStep does not add a shortfall reason to a scope that does not act anyway', () => {
    const decision = decideLearningStep(
      { ...SETTLED, evidence: evidenceOf(0.09, 0.11, 0.03, 1000, 0) },
      CONFIG,
      POLICY,
    );

    expect(decision.reasons).toHaveLength(1);
  });

  it('decideLearningStep caps autonomous at notify under reduce_autonomy (a baseline low enough for the cap to bite)', () => {
    // Baseline 0.005: lower 0.012 → ratio 2.4 in (2, 5] → reduce_autonomy; upper 0.025 alone earns autonomous.
    // (With SPEC's baseline 0.018 the cap cannot bite: ratio > 2 needs lower > 0.036, so ECE > 0.036, whose
    // point score 1 − 5·ECE < 0.82 never reaches autonomous.)
    const config: GateConfig = parseGateConfig({ baselineEce: 0.005 });

    const decision = decideLearningStep({ ...SETTLED, evidence: evidenceOf(0.02, 0.025, 0.012) }, config, POLICY);

    expect(decision.standing).toMatchObject({ scope: 'notify', driftStatus: 'reduce_autonomy', state: 'drifting' });
    expect(decision.reasons[1]).toBe('drift reduce_autonomy (ECE beyond noise 0.012) caps the scope at act and notify');
  });

  it('decideLearningStep leaves the scope alone under monitor', () => {
    // lower 0.03 / 0.018 = 1.67 → monitor; the evidence (bound 0.05 → score 0.75) earns notify.
    const decision = decideLearningStep({ ...SETTLED, evidence: evidenceOf(0.04, 0.05, 0.03) }, CONFIG, POLICY);

    expect(decision.standing).toMatchObject({ scope: 'notify', driftStatus: 'monitor', state: 'well_calibrated' });
    expect(decision.reasons).toHaveLength(1);
  });
});

describe('decideLearningStep: retrain', () => {
  it.each([
    [0.59, 200, true],
    [0.6, 200, false],
    [0.59, 199, false],
    [null, 5000, false],
    [0.3, 5000, true],
  ])('decideLearningStep with AUROC %s over %s outcomes retrains: %s', (auroc, outcomes, expected) => {
    const decision = decideLearningStep({ ...SETTLED, classifier: { auroc, outcomes } }, CONFIG, POLICY);

    expect(decision.retrain).toBe(expected);
    expect(decision.reasons.some((reason) => reason.startsWith('retrain: '))).toBe(expected);
  });

  it('decideLearningStep words the retrain verdict with its numbers', () => {
    const decision = decideLearningStep({ ...SETTLED, classifier: { auroc: 0.5123, outcomes: 250 } }, CONFIG, POLICY);

    expect(decision.reasons.at(-1)).toBe(
      'retrain: AUROC 0.512 < 0.6 over the 250 outcomes the classifier scored — it no longer separates long from short waits',
    );
    expect(decision.standing.scope).toBe('autonomous');
  });

  it.each([
    // Hand-worked with the defaults (200 outcomes, a 2,000-outcome calibrator window): 200 · 2^k, at most 2,000.
    [0, 200],
    [1, 400],
    [2, 800],
    [3, 1600],
    [4, 2000],
    [30, 2000],
  ])('outcomesBeforeRetrain after %s retrains that did not restore discrimination: %s', (retrains, expected) => {
    expect(outcomesBeforeRetrain(retrains, POLICY)).toBe(expected);
  });

  it('decideLearningStep waits for the backed-off number of outcomes after retrains that did not help, and says so', () => {
    const early = decideLearningStep(
      { ...SETTLED, classifier: { auroc: 0.55, outcomes: 799 }, retrainsWithoutRecovery: 2 },
      CONFIG,
      POLICY,
    );
    const due = decideLearningStep(
      { ...SETTLED, classifier: { auroc: 0.55, outcomes: 800 }, retrainsWithoutRecovery: 2 },
      CONFIG,
      POLICY,
    );

    expect(early.retrain).toBe(false);
    expect(due.retrain).toBe(true);
    expect(due.reasons.at(-1)).toBe(
      'retrain: AUROC 0.55 < 0.6 over the 800 outcomes the classifier scored — it no longer separates long from short waits (after 2 retrains that did not restore it, retrains wait for 800 outcomes)',
    );
  });

  it('outcomesBeforeRetrain never asks for fewer than minOutcomesToRetrain, even with a smaller calibrator window', () => {
    const narrow = {
      ...POLICY,
      calibrator: { ...POLICY.calibrator, platt: { ...POLICY.calibrator.platt, window: 100 } },
    };

    expect(outcomesBeforeRetrain(0, narrow)).toBe(200);
    expect(outcomesBeforeRetrain(3, narrow)).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over arbitrary inputs.

const scopeArbitrary = fc.constantFrom(...Object.values(ActionScope));
const tiersArbitrary = fc.subarray(ALL_TIERS);

const evidenceArbitrary = fc
  .record({
    ece: fc.double({ min: 0, max: 0.2, noNaN: true }),
    width: fc.double({ min: 0, max: 0.1, noNaN: true }),
    lowerShare: fc.double({ min: 0, max: 1, noNaN: true }),
    count: fc.integer({ min: 1, max: 2000 }),
    longShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ ece, width, lowerShare, count, longShare }) =>
    evidenceOf(ece, Math.min(1, ece + width), ece * lowerShare, count, Math.round(count * longShare)),
  );

const alarmArbitrary = fc.option(fc.constantFrom(UNDER, OVER), { nil: null });

const inputArbitrary: fc.Arbitrary<LearningDecisionInput> = fc.record({
  outcomesInEpoch: fc.integer({ min: 0, max: 3000 }),
  evidence: fc.option(evidenceArbitrary, { nil: null, freq: 5 }),
  weeklyEvidence: fc.option(evidenceArbitrary, { nil: null, freq: 2 }),
  driftAlarm: fc.option(fc.constantFrom(UNDER, OVER), { nil: null, freq: 4 }),
  calibratorAdapting: fc.boolean(),
  classifier: fc.record({
    auroc: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    outcomes: fc.integer({ min: 0, max: 3000 }),
  }),
  retrainsWithoutRecovery: fc.integer({ min: 0, max: 6 }),
  previous: fc.record({
    scope: scopeArbitrary,
    qualifiedTiers: tiersArbitrary,
    driftStatus: fc.constantFrom(...Object.values(DriftStatus)),
    state: fc.constantFrom(...Object.values(CalibrationState)),
    reasons: fc.constant([]),
  }),
});

/** Whether any drift trigger of the file comment fires on this input (outside learning mode). */
function driftFires(input: LearningDecisionInput, config: GateConfig): boolean {
  const lower = input.evidence !== null && input.evidence.count >= config.minOutcomes ? input.evidence.lower : null;
  return (
    input.driftAlarm !== null ||
    (lower !== null && lower / config.baselineEce > config.driftReduceMaxRatio + 1e-9) ||
    (input.weeklyEvidence !== null && input.weeklyEvidence.lower > config.weeklyEceRecalibrate)
  );
}

describe('decideLearningStep properties', () => {
  it('decideLearningStep is in learning mode exactly when outcomesInEpoch < minOutcomes (property)', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const decision = decideLearningStep(input, CONFIG, POLICY);

        expect(decision.standing.scope === 'learning').toBe(input.outcomesInEpoch < CONFIG.minOutcomes);
        expect(decision.standing.state === 'learning').toBe(input.outcomesInEpoch < CONFIG.minOutcomes);
      }),
    );
  });

  it('decideLearningStep answers any drift trigger with escalate, a calibrator response and a fresh evidence start (property)', () => {
    fc.assert(
      fc.property(inputArbitrary, alarmArbitrary, (base, alarm) => {
        const input = {
          ...base,
          outcomesInEpoch: Math.max(base.outcomesInEpoch, CONFIG.minOutcomes),
          driftAlarm: alarm,
        };

        const decision = decideLearningStep(input, CONFIG, POLICY);

        const fires = driftFires(input, CONFIG);
        expect(decision.restartEvidence).toBe(fires);
        if (fires) {
          expect(decision.standing.scope).toBe('escalate');
          expect(decision.standing.qualifiedTiers).toEqual([]);
          expect(decision.standing.state).toBe('drifting');
          expect(decision.calibrator).not.toBe('keep');
        } else {
          expect(decision.calibrator).toBe('keep');
        }
      }),
    );
  });

  it('decideLearningStep resets the calibrator only when it is already adapting, and only on drift (property)', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const decision = decideLearningStep(input, CONFIG, POLICY);

        if (decision.calibrator === CalibratorAction.reset) expect(input.calibratorAdapting).toBe(true);
        if (decision.calibrator === CalibratorAction.adapt) expect(input.calibratorAdapting).toBe(false);
        expect(decision.calibrator !== 'keep').toBe(decision.restartEvidence);
      }),
    );
  });

  it('decideLearningStep never gains a scope or a tier unless the UPPER bound passes its threshold (property)', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const decision = decideLearningStep(input, CONFIG, POLICY);

        const evidence = input.evidence;
        if (RANK[decision.standing.scope] > RANK[input.previous.scope]) {
          expect(evidence).not.toBeNull();
          const byBound = scopeFromScore(calibrationScore((evidence as CalibrationEvidence).upper, CONFIG), CONFIG);
          expect(RANK[byBound]).toBeGreaterThanOrEqual(RANK[decision.standing.scope]);
        }
        for (const tier of decision.standing.qualifiedTiers) {
          if (!input.previous.qualifiedTiers.includes(tier))
            expect((evidence as CalibrationEvidence).upper).toBeLessThanOrEqual(CONFIG.tiers[tier].maxEce);
        }
      }),
    );
  });

  it('decideLearningStep keeps a held scope and tiers while the point ECE passes, absent drift, shortfall and cap (property)', () => {
    fc.assert(
      fc.property(inputArbitrary, fc.constantFrom(ActionScope.autonomous, ActionScope.notify), (base, held) => {
        const evidence = base.evidence ?? evidenceOf(0.01, 0.02, 0);
        const input: LearningDecisionInput = {
          ...base,
          outcomesInEpoch: Math.max(base.outcomesInEpoch, CONFIG.minOutcomes),
          driftAlarm: null,
          weeklyEvidence: null,
          evidence: {
            ...evidence,
            count: Math.max(evidence.count, CONFIG.minOutcomes),
            longWaits: CONFIG.minOutcomesPerClass,
            lower: Math.min(evidence.lower, CONFIG.baselineEce * CONFIG.driftMonitorMaxRatio),
          },
          previous: { ...base.previous, scope: held },
        };
        const byPoint = scopeFromScore(calibrationScore(evidence.ece, CONFIG), CONFIG);
        fc.pre(RANK[byPoint] >= RANK[held]);

        const decision = decideLearningStep(input, CONFIG, POLICY);

        expect(RANK[decision.standing.scope]).toBeGreaterThanOrEqual(RANK[held]);
        for (const tier of input.previous.qualifiedTiers) {
          if (evidence.ece <= CONFIG.tiers[tier].maxEce) expect(decision.standing.qualifiedTiers).toContain(tier);
        }
      }),
    );
  });

  it('decideLearningStep never lets a window short of either class act (property)', () => {
    fc.assert(
      fc.property(inputArbitrary, fc.boolean(), (input, shortOfLong) => {
        const evidence = input.evidence ?? evidenceOf(0.01, 0.02, 0);
        const short = Math.min(CONFIG.minOutcomesPerClass - 1, evidence.count);
        const lacking = { ...evidence, longWaits: shortOfLong ? short : evidence.count - short };

        const decision = decideLearningStep({ ...input, evidence: lacking }, CONFIG, POLICY);

        expect(['autonomous', 'notify']).not.toContain(decision.standing.scope);
      }),
    );
  });

  it('decideLearningStep retrains iff AUROC < retrainBelowAuroc over ≥ min(200 · 2^k, 2000) outcomes after k unhelpful retrains, out of learning mode (property)', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const decision = decideLearningStep(input, CONFIG, POLICY);

        const { auroc, outcomes } = input.classifier;
        const needed = Math.min(
          POLICY.minOutcomesToRetrain * 2 ** input.retrainsWithoutRecovery,
          POLICY.calibrator.platt.window,
        );
        const expected =
          input.outcomesInEpoch >= CONFIG.minOutcomes &&
          auroc !== null &&
          outcomes >= needed &&
          auroc < POLICY.retrainBelowAuroc;
        expect(decision.retrain).toBe(expected);
      }),
    );
  });

  it('decideLearningStep never grants more autonomy than a looser bound would: monotone in the upper bound (property)', () => {
    fc.assert(
      fc.property(
        inputArbitrary,
        evidenceArbitrary,
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (base, evidence, extra) => {
          const tight = evidence;
          const loose = { ...evidence, upper: Math.min(1, evidence.upper + extra) };

          const withTight = decideLearningStep({ ...base, evidence: tight }, CONFIG, POLICY).standing;
          const withLoose = decideLearningStep({ ...base, evidence: loose }, CONFIG, POLICY).standing;

          expect(RANK[withLoose.scope]).toBeLessThanOrEqual(RANK[withTight.scope]);
          for (const tier of withLoose.qualifiedTiers) expect(withTight.qualifiedTiers).toContain(tier);
        },
      ),
    );
  });

  it('decideLearningStep never grants more than the bound allows, or the previous standing held (property)', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const decision = decideLearningStep(input, CONFIG, POLICY);

        const byBound =
          input.evidence === null
            ? ActionScope.escalate
            : scopeFromScore(calibrationScore(input.evidence.upper, CONFIG), CONFIG);
        expect(RANK[decision.standing.scope]).toBeLessThanOrEqual(Math.max(RANK[byBound], RANK[input.previous.scope]));
        expect(decision.autonomy).toBe(
          RANK[input.previous.scope] > 0 && RANK[decision.standing.scope] === 0
            ? AutonomyChange.withdrawn
            : RANK[input.previous.scope] === 0 && RANK[decision.standing.scope] > 0
              ? AutonomyChange.restored
              : AutonomyChange.unchanged,
        );
      }),
    );
  });
});
