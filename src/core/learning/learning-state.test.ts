import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  calibrate,
  initialOnlineCalibrator,
  learnOutcome,
  type OnlineCalibratorOptions,
} from '../calibration/online-calibrator.ts';
import { InvalidInputError } from '../errors.ts';
import { calibrationEvidence } from '../gating/calibration-evidence.ts';
import type { GateConfig } from '../gating/gate-config.ts';
import { parseGateConfig } from '../gating/parse-gate-config.ts';
import { initialResidualCusum } from '../gating/residual-cusum.ts';
import { seededRandom } from '../random.ts';
import { decideLearningStep, initialStanding } from './learning-decision.ts';
import { DEFAULT_LEARNING_POLICY, type LearningPolicy } from './learning-policy.ts';
import {
  checkpointDue,
  classifierAuroc,
  foldOutcome,
  foldOutcomes,
  initialLearningState,
  issueProbability,
  maintenanceDue,
  maintenanceSignal,
  markCheckpointed,
  rebaselined,
  weeklyEvidence,
  windowEvidence,
  withNewClassifier,
  type EvidenceWindow,
  type FoldedOutcome,
  type LearningState,
} from './learning-state.ts';

const THRESHOLD_SECONDS = 600;
const LONG = 1200;
const SHORT = 60;

/** Small windows and batches so a few hundred outcomes exercise every rule. */
const CALIBRATOR: OnlineCalibratorOptions = {
  platt: { window: 50, halfLifeOutcomes: 20, priorStrength: 1, maxIterations: 1 },
  calibeating: { bins: 4, halfLifeOutcomes: 100, pseudoOutcomes: 5 },
  adaptSpeedup: 5,
};
const POLICY: LearningPolicy = {
  ...DEFAULT_LEARNING_POLICY,
  calibrator: CALIBRATOR,
  driftBatchOutcomes: 5,
  minOutcomesToRetrain: 30,
  classifierCheckEveryOutcomes: 10,
  checkpointEveryOutcomes: 40,
  weekMs: 1000,
};
/**
 * minOutcomes 22 (not a multiple of the batch, so the end of learning mode is its own decision); a
 * gentle score slope so a small window's upper bound can earn a scope; the CUSUM one false alarm per
 * 1000 outcomes (200 batches of 5).
 */
const CONFIG: GateConfig = parseGateConfig({
  minOutcomes: 22,
  minOutcomesPerClass: 2,
  evidenceWindow: 60,
  driftFalseAlarmOutcomes: 1000,
  eceScoreSlope: 0.5,
});
/** The same with every drift trigger out of reach: for bookkeeping that must not be interrupted by a drift response. */
const QUIET: GateConfig = parseGateConfig({
  minOutcomes: 22,
  minOutcomesPerClass: 2,
  evidenceWindow: 60,
  driftFalseAlarmOutcomes: 1e15,
  driftReduceMaxRatio: 1e6,
  weeklyEceRecalibrate: 1,
});

function start(config: GateConfig = CONFIG, nowMs = 0): LearningState {
  return initialLearningState(
    { longWaitThresholdSeconds: THRESHOLD_SECONDS, nowMs, classifierVersion: 1 },
    config,
    POLICY,
  );
}

/** Outcome `index` of a stream: issued at 10·index ms, observed 5 ms later. */
function outcome(
  index: number,
  issuedProbability: number,
  long: boolean,
  overrides: Partial<FoldedOutcome> = {},
): FoldedOutcome {
  return {
    epoch: 1,
    classifierVersion: 1,
    classifierProbability: issuedProbability,
    issuedProbability,
    predictedAtMs: 10 * index,
    observedAtMs: 10 * index + 5,
    waitSeconds: long ? LONG : SHORT,
    ...overrides,
  };
}

/** A calibrated stream: p ~ U(0.05, 0.95), long with probability p, from a fixed seed. */
function calibratedStream(seed: number, count: number, from = 0): FoldedOutcome[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, offset) => {
    const probability = 0.05 + 0.9 * random();
    return outcome(from + offset, probability, random() < probability);
  });
}

function foldAll(state: LearningState, outcomes: readonly FoldedOutcome[], config: GateConfig = CONFIG): LearningState {
  return outcomes.reduce((current, next) => foldOutcome(current, next, config, POLICY).state, state);
}

describe('initialLearningState', () => {
  it("initialLearningState starts epoch 1 in learning mode with the classifier's own probabilities and no evidence", () => {
    const state = start(CONFIG, 5000);

    expect(state).toEqual({
      epoch: 1,
      longWaitThresholdSeconds: 600,
      epochStartedAtMs: 5000,
      outcomes: 0,
      classifierVersion: 1,
      calibrator: initialOnlineCalibrator(CALIBRATOR),
      evidence: { sinceMs: 5000, probabilities: [], labels: [], observedAtMs: [] },
      drift: initialResidualCusum(),
      standing: initialStanding(22),
      judgedOn: null,
      classifierCheck: { auroc: null, outcomes: 0 },
      retrainDue: false,
      retrainsWithoutRecovery: 0,
      counters: { driftAlarms: 0, adaptations: 0, resets: 0, withdrawals: 0, skippedOutcomes: 0 },
      lastDriftAlarm: null,
      checkpointedAtOutcomes: 0,
      checkpointedAtResponses: 0,
    });
    expect(issueProbability(state, 0.3, POLICY)).toBeCloseTo(0.3, 6);
  });

  it('initialLearningState takes a given epoch and counters, counting their drift responses as checkpointed', () => {
    const counters = { driftAlarms: 4, adaptations: 3, resets: 1, withdrawals: 2, skippedOutcomes: 9 };

    const state = initialLearningState(
      { longWaitThresholdSeconds: 0, nowMs: 1, classifierVersion: 7, epoch: 3, counters },
      CONFIG,
      POLICY,
    );

    expect(state).toMatchObject({
      epoch: 3,
      counters,
      classifierVersion: 7,
      checkpointedAtResponses: 4,
      longWaitThresholdSeconds: 0,
    });
    expect(checkpointDue(state, POLICY)).toBe(false);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])(
    'initialLearningState refuses a long-wait threshold of %s',
    (threshold) => {
      const create = (): LearningState =>
        initialLearningState({ longWaitThresholdSeconds: threshold, nowMs: 0, classifierVersion: 1 }, CONFIG, POLICY);

      expect(create).toThrow(InvalidInputError);
      expect(create).toThrow(`long-wait threshold must be a finite number of seconds ≥ 0, got ${threshold}`);
    },
  );
});

describe('issueProbability', () => {
  it("issueProbability is the calibrator's issued probability for the classifier's", () => {
    const state = foldAll(start(QUIET), calibratedStream(3, 30), QUIET);

    expect(issueProbability(state, 0.7, POLICY)).toBe(calibrate(state.calibrator, 0.7, CALIBRATOR).probability);
  });
});

describe('windowEvidence and weeklyEvidence', () => {
  const WINDOW: EvidenceWindow = {
    sinceMs: 0,
    probabilities: Array.from({ length: 30 }, (_, index) => Math.fround(0.1 + (index % 8) / 10)),
    labels: Array.from({ length: 30 }, (_, index) => (index % 3 === 0 ? 1 : 0)),
    observedAtMs: Array.from({ length: 30 }, (_, index) => 100 * index),
  };

  it('windowEvidence is null on an empty window, else the evidence at the configured bound level', () => {
    const config = parseGateConfig({ boundLevel: 0.9 });

    expect(windowEvidence({ ...WINDOW, probabilities: [], labels: [], observedAtMs: [] }, config)).toBeNull();
    expect(windowEvidence(WINDOW, config)).toEqual(calibrationEvidence(WINDOW.probabilities, WINDOW.labels, 0.9));
  });

  it("weeklyEvidence takes the outcomes observed in the week before now, the week's first instant included", () => {
    // now 2900, week 1000 ms: observed at ≥ 1900 → indices 19…29 (11 outcomes); minOutcomes 10.
    const config = parseGateConfig({ minOutcomes: 10 });

    const weekly = weeklyEvidence(WINDOW, 2900, config, POLICY);

    expect(weekly).toEqual(calibrationEvidence(WINDOW.probabilities.slice(19), WINDOW.labels.slice(19), 0.95));
    expect(weekly?.count).toBe(11);
  });

  it('weeklyEvidence is null with fewer than minOutcomes in the week', () => {
    const config = parseGateConfig({ minOutcomes: 12 });

    expect(weeklyEvidence(WINDOW, 2900, config, POLICY)).toBeNull();
    expect(weeklyEvidence(WINDOW, 3000, parseGateConfig({ minOutcomes: 10 }), POLICY)?.count).toBe(10);
    expect(weeklyEvidence(WINDOW, 100_000, parseGateConfig({ minOutcomes: 1 }), POLICY)).toBeNull();
  });
});

describe('classifierAuroc', () => {
  /** Brute force: over every (long, short) pair, 1 when the long one scored higher, ½ on a tie. */
  function pairwiseAuroc(logits: readonly number[], labels: readonly number[]): number {
    let wins = 0;
    let pairs = 0;
    logits.forEach((positive, i) => {
      if (labels[i] !== 1) return;
      logits.forEach((negative, j) => {
        if (labels[j] !== 0) return;
        pairs += 1;
        wins += positive > negative ? 1 : positive === negative ? 0.5 : 0;
      });
    });
    return wins / pairs;
  }

  it("classifierAuroc equals a brute-force pairwise count over the calibrator's window (property)", () => {
    const windowArbitrary = fc.array(fc.tuple(fc.integer({ min: -20, max: 20 }), fc.constantFrom(0, 1)), {
      minLength: 2,
      maxLength: 60,
    });
    fc.assert(
      fc.property(windowArbitrary, (pairs) => {
        const logits = pairs.map(([step]) => Math.fround(step / 4));
        const labels = pairs.map(([, label]) => label);
        fc.pre(labels.includes(0) && labels.includes(1));
        const calibrator = {
          ...initialOnlineCalibrator(CALIBRATOR),
          platt: { slope: 1, intercept: 0, logits, labels },
        };

        const check = classifierAuroc(calibrator);

        expect(check.outcomes).toBe(pairs.length);
        expect(check.auroc).toBeCloseTo(pairwiseAuroc(logits, labels), 12);
      }),
    );
  });

  it('classifierAuroc is null on one class, with the outcome count', () => {
    const calibrator = {
      ...initialOnlineCalibrator(CALIBRATOR),
      platt: { slope: 1, intercept: 0, logits: [0.5, -1, 2], labels: [1, 1, 1] },
    };

    expect(classifierAuroc(calibrator)).toEqual({ auroc: null, outcomes: 3 });
    expect(classifierAuroc(initialOnlineCalibrator(CALIBRATOR))).toEqual({ auroc: null, outcomes: 0 });
  });
});

describe('foldOutcome', () => {
  it("foldOutcome labels a wait above the epoch's threshold long, and one at it short", () => {
    const atThreshold = foldOutcome(start(), outcome(0, 0.5, false, { waitSeconds: 600 }), CONFIG, POLICY).state;
    const above = foldOutcome(start(), outcome(0, 0.5, false, { waitSeconds: 600.5 }), CONFIG, POLICY).state;

    expect(atThreshold.evidence.labels).toEqual([0]);
    expect(above.evidence.labels).toEqual([1]);
    expect(above.calibrator.platt.labels).toEqual([1]);
  });

  it("foldOutcome feeds the calibrator the classifier's probability and the evidence and drift detector the issued one", () => {
    const folded = foldOutcome(start(), outcome(0, 0.3, true, { classifierProbability: 0.8 }), CONFIG, POLICY);

    expect(folded.state.calibrator).toEqual(learnOutcome(initialOnlineCalibrator(CALIBRATOR), 0.8, 1, CALIBRATOR));
    expect(folded.state.evidence.probabilities).toEqual([Math.fround(0.3)]);
    expect(folded.state.drift.batchResidual).toBeCloseTo(0.7, 15);
    expect(folded.state.evidence.observedAtMs).toEqual([5]);
    expect(folded.state.outcomes).toBe(1);
    expect(folded).toMatchObject({ decision: null, evidence: null, skipped: false });
  });

  it('foldOutcome skips an outcome of another epoch, counting it and changing nothing else', () => {
    const before = foldAll(start(), calibratedStream(5, 7));

    const step = foldOutcome(before, outcome(7, 0.5, true, { epoch: 2 }), CONFIG, POLICY);

    expect(step).toEqual({
      state: { ...before, counters: { ...before.counters, skippedOutcomes: 1 } },
      decision: null,
      evidence: null,
      skipped: true,
    });
  });

  it("foldOutcome does not let the calibrator learn from another classifier's score, but counts the outcome everywhere else", () => {
    const before = foldAll(start(), calibratedStream(5, 7));

    const step = foldOutcome(before, outcome(7, 0.5, true, { classifierVersion: 2 }), CONFIG, POLICY);

    expect(step.state.calibrator).toBe(before.calibrator);
    expect(step.state.outcomes).toBe(8);
    expect(step.state.evidence.labels).toHaveLength(8);
    expect(step.state.drift.batchCount).toBe(3);
  });

  it("foldOutcome leaves out of the evidence a forecast issued before the evidence's start", () => {
    const state = start(CONFIG, 1000);

    const folded = foldOutcome(
      state,
      outcome(50, 0.4, false, { predictedAtMs: 999, observedAtMs: 1500 }),
      CONFIG,
      POLICY,
    ).state;
    const atStart = foldOutcome(
      state,
      outcome(50, 0.4, false, { predictedAtMs: 1000, observedAtMs: 1500 }),
      CONFIG,
      POLICY,
    ).state;

    expect(folded.evidence.labels).toEqual([]);
    expect(folded.outcomes).toBe(1);
    expect(atStart.evidence.labels).toEqual([0]);
  });

  it.each([
    [{ classifierProbability: 1.5 }, 'classifierProbability must be in [0, 1], got 1.5'],
    [{ issuedProbability: Number.NaN }, 'issuedProbability must be in [0, 1], got NaN'],
    [{ waitSeconds: -1 }, 'waitSeconds must be a finite number ≥ 0, got -1'],
    [{ waitSeconds: Number.POSITIVE_INFINITY }, 'waitSeconds must be a finite number ≥ 0, got Infinity'],
    [{ epoch: 9, waitSeconds: Number.NaN }, 'waitSeconds must be a finite number ≥ 0, got NaN'],
  ])('foldOutcome refuses %j, even of another epoch', (override, message) => {
    const fold = (): unknown => foldOutcome(start(), outcome(0, 0.5, true, override), CONFIG, POLICY);

    expect(fold).toThrow(InvalidInputError);
    expect(fold).toThrow(message);
  });

  it('foldOutcome decides at every drift batch boundary and at the end of learning mode, and only there', () => {
    let state = start(QUIET);
    const decidedAt: number[] = [];
    for (const next of calibratedStream(11, 40)) {
      const step = foldOutcome(state, next, QUIET, POLICY);
      state = step.state;
      if (step.decision !== null) decidedAt.push(state.outcomes);
    }

    expect(decidedAt).toEqual([5, 10, 15, 20, 22, 25, 30, 35, 40]);
    expect(state.standing.scope).not.toBe('learning');
  });

  it('foldOutcome applies the decision the loop takes on the evidence, the week and the classifier check', () => {
    const before = foldAll(start(QUIET), calibratedStream(13, 24), QUIET);
    const next = calibratedStream(13, 25)[24] as FoldedOutcome;

    const step = foldOutcome(before, next, QUIET, POLICY);

    const learned = learnOutcome(
      before.calibrator,
      next.classifierProbability,
      next.waitSeconds > THRESHOLD_SECONDS ? 1 : 0,
      CALIBRATOR,
    );
    const evidence = windowEvidence(step.state.evidence, QUIET);
    const expected = decideLearningStep(
      {
        outcomesInEpoch: 25,
        evidence,
        weeklyEvidence: weeklyEvidence(step.state.evidence, next.observedAtMs, QUIET, POLICY),
        driftAlarm: null,
        calibratorAdapting: false,
        classifier: before.classifierCheck,
        retrainsWithoutRecovery: 0,
        previous: before.standing,
      },
      QUIET,
      POLICY,
    );
    expect(step.decision).toEqual(expected);
    expect(step.evidence).toEqual(evidence);
    expect(step.state.standing).toEqual(expected.standing);
    expect(step.state.judgedOn).toEqual(evidence);
    expect(step.state.calibrator).toEqual(learned);
  });

  it('foldOutcome measures the classifier every classifierCheckEveryOutcomes outcomes, not in between', () => {
    let state = start(QUIET);
    const checks: number[] = [];
    for (const next of calibratedStream(17, 35)) {
      const before = state.classifierCheck;
      state = foldOutcome(state, next, QUIET, POLICY).state;
      if (state.classifierCheck !== before) checks.push(state.outcomes);
    }

    expect(checks).toEqual([10, 20, 30]);
    expect(state.classifierCheck).toEqual(
      classifierAuroc(foldAll(start(QUIET), calibratedStream(17, 30), QUIET).calibrator),
    );
  });

  it('foldOutcome keeps the evidence within evidenceWindow and the calibrator within its window', () => {
    const state = foldAll(start(QUIET), calibratedStream(19, 130), QUIET);

    expect(state.evidence.probabilities).toHaveLength(60);
    expect(state.evidence.labels).toHaveLength(60);
    expect(state.evidence.observedAtMs).toEqual(Array.from({ length: 60 }, (_, index) => 10 * (70 + index) + 5));
    expect(state.calibrator.platt.logits).toHaveLength(50);
    for (const probability of state.evidence.probabilities) expect(Math.fround(probability)).toBe(probability);
  });

  it('foldOutcome answers a drift alarm: evidence restarted at the alarm, calibrator adapting, counted, remembered', () => {
    // 40 calibrated outcomes, then forecasts of 0.1 that are all long waits: a batch z of
    // 5·0.9/√(5·0.09) = 6.7 crosses h = cusumThreshold(0.5, 200) ≈ 4.2 at the first shifted batch boundary.
    let state = foldAll(start(), calibratedStream(23, 40));
    const alarmsBefore = state.counters.driftAlarms;
    let alarmStep: ReturnType<typeof foldOutcome> | null = null;
    let alarmOutcome: FoldedOutcome | null = null;
    for (let index = 40; index < 60 && alarmStep === null; index += 1) {
      const next = outcome(index, 0.1, true);
      const step = foldOutcome(state, next, CONFIG, POLICY);
      state = step.state;
      if (step.decision?.restartEvidence === true) {
        alarmStep = step;
        alarmOutcome = next;
      }
    }

    expect(alarmStep).not.toBeNull();
    expect(alarmStep?.decision?.calibrator).toBe('adapt');
    expect(state.outcomes % POLICY.driftBatchOutcomes).toBe(0);
    expect(state.evidence).toEqual({
      sinceMs: alarmOutcome?.observedAtMs,
      probabilities: [],
      labels: [],
      observedAtMs: [],
    });
    expect(state.judgedOn).toBeNull();
    expect(state.standing).toMatchObject({ scope: 'escalate', state: 'drifting', driftStatus: 'recalibrate' });
    expect(state.calibrator.fastOutcomesLeft).toBe(CALIBRATOR.platt.halfLifeOutcomes);
    expect(state.counters.driftAlarms).toBe(alarmsBefore + 1);
    expect(state.counters.adaptations).toBe(1);
    expect(state.lastDriftAlarm).toMatchObject({ direction: 'under_prediction', atMs: alarmOutcome?.observedAtMs });
    expect(state.drift).toMatchObject({ upper: 0, lower: 0, batchCount: 0 });
    expect(checkpointDue(state, POLICY)).toBe(true);

    // A forecast issued before the drift response does not count as evidence; one issued at or after it does.
    const late = foldOutcome(
      state,
      outcome(60, 0.1, true, { predictedAtMs: (alarmOutcome?.observedAtMs as number) - 1 }),
      CONFIG,
      POLICY,
    ).state;
    const fresh = foldOutcome(
      state,
      outcome(60, 0.1, true, { predictedAtMs: alarmOutcome?.observedAtMs as number }),
      CONFIG,
      POLICY,
    ).state;
    expect(late.evidence.labels).toEqual([]);
    expect(fresh.evidence.labels).toEqual([1]);
  });

  it('foldOutcome resets a calibrator that drifts again while adapting, and keeps its last alarm between decisions', () => {
    const shifted = Array.from({ length: 15 }, (_, offset) => outcome(40 + offset, 0.1, true));

    const state = foldAll(foldAll(start(), calibratedStream(23, 40)), shifted);

    expect(state.counters.driftAlarms).toBeGreaterThanOrEqual(2);
    expect(state.counters.resets).toBeGreaterThanOrEqual(1);
    expect(state.counters.adaptations).toBe(1);
    const after = foldOutcome(state, outcome(55, 0.1, true), CONFIG, POLICY).state;
    expect(after.lastDriftAlarm).toBe(state.lastDriftAlarm);
  });

  it('foldOutcome counts a withdrawal when drift takes autonomy from an acting cluster', () => {
    // A perfectly calibrated run (p 0.5, alternating long and short) earns a scope under the gentle slope;
    // then forecasts of 0.05 that are all long waits fire the CUSUM.
    const calibrated = Array.from({ length: 60 }, (_, index) => outcome(index, 0.5, index % 2 === 0));
    const acting = foldAll(start(), calibrated);
    const shifted = Array.from({ length: 10 }, (_, offset) => outcome(60 + offset, 0.05, true));

    const drifted = foldAll(acting, shifted);

    expect(['autonomous', 'notify']).toContain(acting.standing.scope);
    expect(drifted.standing.scope).toBe('escalate');
    expect(drifted.counters.withdrawals).toBe(1);
  });
});

describe('foldOutcomes', () => {
  /**
   * Outcomes of epoch 1 (and a few of epoch 2), two classifier versions, some issued before the
   * evidence's start; calibrated forecasts until `shiftFrom`, then long waits 0.4 more often than forecast.
   */
  const streamArbitrary = fc
    .record({
      draws: fc.array(
        fc.record({
          percent: fc.integer({ min: 1, max: 99 }),
          epochTwo: fc.integer({ min: 0, max: 19 }).map((roll) => roll === 0),
          oldClassifier: fc.integer({ min: 0, max: 9 }).map((roll) => roll === 0),
          issuedLongAgo: fc.integer({ min: 0, max: 9 }).map((roll) => roll === 0),
          draw: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        }),
        { minLength: 20, maxLength: 150, size: 'max' },
      ),
      shiftFrom: fc.integer({ min: 0, max: 200 }),
    })
    .map(({ draws, shiftFrom }) =>
      draws.map((draw, index) => {
        const probability = draw.percent / 100;
        const truth = index < shiftFrom ? probability : Math.min(1, probability + 0.4);
        return outcome(index, probability, draw.draw < truth, {
          epoch: draw.epochTwo ? 2 : 1,
          classifierVersion: draw.oldClassifier ? 0 : 1,
          predictedAtMs: draw.issuedLongAgo ? -1 : 10 * index,
        });
      }),
    );

  it('foldOutcomes in any batches gives the same state and the same reports as folding one by one (property)', () => {
    fc.assert(
      fc.property(
        streamArbitrary,
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 20 }),
        (stream, cuts) => {
          let oneByOne = start();
          const singleChanges: unknown[] = [];
          for (const next of stream) {
            const folded = foldOutcomes(oneByOne, [next], CONFIG, POLICY);
            oneByOne = folded.state;
            singleChanges.push(...folded.report.changes);
          }
          let batched = start();
          const batchedChanges: unknown[] = [];
          let position = 0;
          let cut = 0;
          while (position < stream.length) {
            const size = cuts[cut % cuts.length] as number;
            const folded = foldOutcomes(batched, stream.slice(position, position + size), CONFIG, POLICY);
            batched = folded.state;
            batchedChanges.push(...folded.report.changes);
            position += size;
            cut += 1;
          }

          const whole = foldOutcomes(start(), stream, CONFIG, POLICY);

          expect(batched).toEqual(oneByOne);
          expect(whole.state).toEqual(oneByOne);
          expect(batchedChanges).toEqual(singleChanges);
          expect(whole.report.changes).toEqual(singleChanges);
          expect(whole.report.folded + whole.report.skipped).toBe(stream.length);
          expect(whole.report.skipped).toBe(stream.filter((next) => next.epoch !== 1).length);
          expect(whole.state.counters.skippedOutcomes).toBe(whole.report.skipped);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('foldOutcomes reports only decisions that changed something, with where and on what they were taken', () => {
    const stream = calibratedStream(29, 40);

    const { report, state } = foldOutcomes(start(QUIET), stream, QUIET, POLICY);

    // Decisions at 5, 10, 15, 20 keep learning mode (nothing changes); at 22 the scope leaves learning.
    expect(report.folded).toBe(40);
    expect(report.skipped).toBe(0);
    expect(report.changes[0]?.atOutcome).toBe(22);
    expect(report.changes[0]?.atMs).toBe((stream[21] as FoldedOutcome).observedAtMs);
    expect(report.changes[0]?.standing.scope).not.toBe('learning');
    expect(report.changes[0]?.evidence?.count).toBe(22);
    expect(report.last?.standing).toEqual(state.standing);
    for (const change of report.changes) expect([22, 25, 30, 35, 40]).toContain(change.atOutcome);
  });

  it('foldOutcomes of nothing, or of skipped outcomes only, reports no decision', () => {
    const empty = foldOutcomes(start(), [], CONFIG, POLICY);
    const skipped = foldOutcomes(start(), [outcome(0, 0.5, true, { epoch: 0 })], CONFIG, POLICY);

    expect(empty.report).toEqual({ folded: 0, skipped: 0, changes: [], last: null });
    expect(skipped.report).toEqual({ folded: 0, skipped: 1, changes: [], last: null });
  });

  it('foldOutcomes reports a change of the retrain verdict alone', () => {
    // Scores that rank long waits below short ones: AUROC 0 over ≥ 30 outcomes → retrain due at the next decision.
    const inverted = Array.from({ length: 60 }, (_, index) =>
      outcome(index, 0.5, index % 2 === 0, { classifierProbability: index % 2 === 0 ? 0.2 : 0.8 }),
    );

    const { report, state } = foldOutcomes(start(QUIET), inverted, QUIET, POLICY);

    expect(state.retrainDue).toBe(true);
    expect(report.changes.some((change) => change.retrain)).toBe(true);
    expect(state.classifierCheck.auroc).toBe(0);
  });
});

describe('retrainsWithoutRecovery', () => {
  // POLICY checks the classifier every 10 outcomes; retrainBelowAuroc is the default 0.6.
  it('a classifier check that finds the classes separated clears the count; one that does not, or no check, keeps it', () => {
    // A classifier probability that ranks the labels perfectly (AUROC 1), and one that ranks them backwards (AUROC 0).
    const separating = (index: number): FoldedOutcome =>
      outcome(index, 0.5, index % 2 === 0, { classifierProbability: index % 2 === 0 ? 0.9 : 0.1 });
    const backwards = (index: number): FoldedOutcome =>
      outcome(index, 0.5, index % 2 === 0, { classifierProbability: index % 2 === 0 ? 0.1 : 0.9 });
    const counted = { ...start(QUIET), retrainsWithoutRecovery: 3 };

    const beforeCheck = foldAll(
      counted,
      Array.from({ length: 9 }, (_, index) => separating(index)),
      QUIET,
    );
    const separated = foldOutcome(beforeCheck, separating(9), QUIET, POLICY).state;
    const stillBackwards = foldAll(
      counted,
      Array.from({ length: 10 }, (_, index) => backwards(index)),
      QUIET,
    );

    expect(beforeCheck.retrainsWithoutRecovery).toBe(3);
    expect(separated.classifierCheck).toEqual({ auroc: 1, outcomes: 10 });
    expect(separated.retrainsWithoutRecovery).toBe(0);
    expect(stillBackwards.classifierCheck.auroc).toBe(0);
    expect(stillBackwards.retrainsWithoutRecovery).toBe(3);
  });
});

describe('withNewClassifier and rebaselined', () => {
  it('withNewClassifier starts the calibrator over and keeps the evidence, drift detector and standing', () => {
    const state = { ...foldAll(start(QUIET), calibratedStream(31, 45), QUIET), retrainDue: true };

    const next = withNewClassifier(state, 2, POLICY);

    expect(next).toEqual({
      ...state,
      classifierVersion: 2,
      calibrator: initialOnlineCalibrator(CALIBRATOR),
      classifierCheck: { auroc: null, outcomes: 0 },
      retrainDue: false,
      retrainsWithoutRecovery: 1,
    });
    expect(withNewClassifier(next, 3, POLICY).retrainsWithoutRecovery).toBe(2);
    expect(next.evidence).toBe(state.evidence);
    expect(next.standing).toBe(state.standing);
  });

  it('rebaselined starts the next epoch in learning mode with a new threshold, keeping the counters and the classifier', () => {
    const state = foldAll(
      foldAll(start(), calibratedStream(23, 40)),
      Array.from({ length: 10 }, (_, offset) => outcome(40 + offset, 0.1, true)),
    );

    const next = rebaselined(state, 900, 123_456, CONFIG, POLICY);

    expect(next).toEqual(
      initialLearningState(
        { longWaitThresholdSeconds: 900, nowMs: 123_456, classifierVersion: 1, epoch: 2, counters: state.counters },
        CONFIG,
        POLICY,
      ),
    );
    expect(next.standing.scope).toBe('learning');
    expect(next.counters.adaptations).toBeGreaterThan(0);
    expect(checkpointDue(next, POLICY)).toBe(false);
    expect(foldOutcome(next, outcome(0, 0.5, true), CONFIG, POLICY).skipped).toBe(true);
  });
});

describe('checkpointDue and markCheckpointed', () => {
  it('checkpointDue every checkpointEveryOutcomes outcomes, and not again once marked', () => {
    const at39 = foldAll(start(QUIET), calibratedStream(37, 39), QUIET);
    const at40 = foldOutcome(at39, calibratedStream(37, 40)[39] as FoldedOutcome, QUIET, POLICY).state;

    expect(checkpointDue(at39, POLICY)).toBe(false);
    expect(checkpointDue(at40, POLICY)).toBe(true);
    const marked = markCheckpointed(at40);
    expect(marked).toEqual({ ...at40, checkpointedAtOutcomes: 40, checkpointedAtResponses: 0 });
    expect(checkpointDue(marked, POLICY)).toBe(false);
  });

  it('checkpointDue after every drift response (adaptation or reset), and not once marked', () => {
    const adapted = { ...start(), counters: { ...start().counters, adaptations: 1 } };
    const reset = { ...start(), counters: { ...start().counters, resets: 1 } };

    expect(checkpointDue(adapted, POLICY)).toBe(true);
    expect(checkpointDue(reset, POLICY)).toBe(true);
    expect(checkpointDue(markCheckpointed(reset), POLICY)).toBe(false);
    expect(markCheckpointed(reset).checkpointedAtResponses).toBe(1);
  });
});

describe('maintenanceDue and maintenanceSignal', () => {
  // POLICY: checkpoint every 40 outcomes, retry signals every driftBatchOutcomes = 5 outcomes.
  const at = (outcomes: number, overrides: Partial<LearningState> = {}): LearningState => ({
    ...start(QUIET),
    outcomes,
    ...overrides,
  });

  it('maintenanceDue when a retrain or a checkpoint is due, not otherwise', () => {
    expect(maintenanceDue(at(10), POLICY)).toBe(false);
    expect(maintenanceDue(at(10, { retrainDue: true }), POLICY)).toBe(true);
    expect(maintenanceDue(at(40), POLICY)).toBe(true);
  });

  it('maintenanceSignal when maintenance becomes due, then only at each batch boundary while it stays due', () => {
    // Hand-worked over folds ending at 36…55: due from 40 on (checkpoint); batches of 5 end at 40, 45, 50, 55.
    const signals = Array.from({ length: 20 }, (_, index) => 35 + index)
      .filter((outcomes) => maintenanceSignal(at(outcomes), at(outcomes + 1), POLICY))
      .map((outcomes) => outcomes + 1);

    expect(signals).toEqual([40, 45, 50, 55]);
  });

  it('maintenanceSignal never while nothing is due, and once for a batch of outcomes that makes it due', () => {
    expect(maintenanceSignal(at(10), at(20), POLICY)).toBe(false);
    expect(maintenanceSignal(at(10), at(20, { retrainDue: true }), POLICY)).toBe(true);
    expect(maintenanceSignal(at(41), at(44), POLICY)).toBe(false);
    expect(maintenanceSignal(at(41), at(47), POLICY)).toBe(true);
  });
});
