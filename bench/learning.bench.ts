/**
 * Learning-loop costs, per outcome: folding one outcome into a cluster's learning state (online
 * Platt step, calibeating, residual CUSUM, evidence window; a decision every 25 outcomes on a
 * 1,000-forecast window) against refitting Platt scaling from scratch on the calibrator's
 * 2,000-outcome window — what a batch calibrator would redo to stay as current.
 */
import { DEFAULT_GATE_CONFIG } from '../src/core/gating/gate-config.ts';
import { DEFAULT_LEARNING_POLICY } from '../src/core/learning/learning-policy.ts';
import {
  foldOutcome,
  initialLearningState,
  type FoldedOutcome,
  type LearningState,
} from '../src/core/learning/learning-state.ts';
import { fitPlatt } from '../src/core/model/platt.ts';
import { syntheticJobs } from '../test/support/learning-fixtures.ts';
import type { BenchResult } from './types.ts';

const OUTCOMES = 20_000;
const THRESHOLD_SECONDS = 600;

function millisecondsOf(work: () => void, repeats: number): number {
  work();
  const started = process.hrtime.bigint();
  for (let repeat = 0; repeat < repeats; repeat += 1) work();
  return Number(process.hrtime.bigint() - started) / 1e6 / repeats;
}

export async function benchLearning(): Promise<BenchResult[]> {
  // Jobs whose true log-odds are 2x − 2, issued by a classifier that is off by a constant: the
  // calibrator has something to learn, the evidence something to judge.
  const outcomes: FoldedOutcome[] = syntheticJobs(OUTCOMES, 5).map((job, index) => {
    const probability = 1 / (1 + Math.exp(-(2 * job.x - 1)));
    return {
      epoch: 1,
      classifierVersion: 1,
      classifierProbability: probability,
      issuedProbability: probability,
      predictedAtMs: index * 60_000,
      observedAtMs: index * 60_000 + 30_000,
      waitSeconds: job.longWait ? 2 * THRESHOLD_SECONDS : 10,
    };
  });
  const start = initialLearningState(
    { longWaitThresholdSeconds: THRESHOLD_SECONDS, nowMs: 0, classifierVersion: 1 },
    DEFAULT_GATE_CONFIG,
    DEFAULT_LEARNING_POLICY,
  );
  // Warm up to full windows so every fold below works on a steady-state state.
  let warmed: LearningState = start;
  for (const outcome of outcomes.slice(0, OUTCOMES / 2))
    warmed = foldOutcome(warmed, outcome, DEFAULT_GATE_CONFIG, DEFAULT_LEARNING_POLICY).state;
  const timed = outcomes.slice(OUTCOMES / 2);
  const foldMs =
    millisecondsOf(() => {
      let state = warmed;
      for (const outcome of timed)
        state = foldOutcome(state, outcome, DEFAULT_GATE_CONFIG, DEFAULT_LEARNING_POLICY).state;
    }, 2) / timed.length;

  const window = DEFAULT_LEARNING_POLICY.calibrator.platt.window;
  const recent = outcomes.slice(-window);
  const logits = Float64Array.from(recent, (outcome) =>
    Math.log(outcome.classifierProbability / (1 - outcome.classifierProbability)),
  );
  const labels = Uint8Array.from(recent, (outcome) => (outcome.waitSeconds > THRESHOLD_SECONDS ? 1 : 0));
  const refitMs = millisecondsOf(() => {
    fitPlatt(logits, labels);
  }, 50);
  await Promise.resolve();
  return [
    {
      name: `fold one outcome into the learning state (core, windows full)`,
      value: foldMs,
      unit: 'ms',
      baseline: { name: `batch Platt refit on the ${window.toLocaleString('en')}-outcome window`, value: refitMs },
    },
  ];
}
