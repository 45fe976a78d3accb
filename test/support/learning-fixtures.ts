/**
 * Synthetic clusters for learning-loop tests: one numeric feature x ~ N(0, 1), true
 * P(long wait | x) = sigmoid(2x − 2) (base rate ≈ 0.2). A bundle with intercept −2 is exactly
 * calibrated for it; one with intercept 0 over-predicts long waits by a wide margin.
 */
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { ModelBundle } from '../../src/core/model/bundle.ts';
import { seededRandom, type Random } from '../../src/core/random.ts';

export const TRUE_WEIGHT = 2;
export const TRUE_INTERCEPT = -2;

export function logistic(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** A one-feature bundle: probability = sigmoid(weight·x + intercept) through a unit Platt calibrator. */
export function syntheticBundle(intercept: number, bundleId: string): ModelBundle {
  return {
    schemaVersion: 1,
    bundleId,
    training: { source: 'synthetic', dataHash: '0'.repeat(64), rows: 0, positives: 0, labelThresholdSeconds: 600 },
    numericFeatures: ['x'],
    categoricalFeatures: [],
    scaler: { means: [0], scales: [1] },
    classifier: { kind: 'logistic', weights: [TRUE_WEIGHT], intercept, l2: 1 },
    calibrator: { kind: 'platt', slope: 1, intercept: 0 },
    waitModel: null,
    metrics: {},
  };
}

export interface SyntheticJob {
  readonly jobId: string;
  readonly x: number;
  readonly longWait: boolean;
  readonly waitSeconds: number;
}

function standardNormal(random: Random): number {
  // Box–Muller; 1 − u keeps the logarithm finite.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Jobs whose labels are drawn from the true model, with waits consistent with the label (threshold 600 s). */
export function syntheticJobs(count: number, seed: number, prefix = 'job'): SyntheticJob[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const x = standardNormal(random);
    const longWait = random() < logistic(TRUE_WEIGHT * x + TRUE_INTERCEPT);
    const waitSeconds = longWait ? 600 + random() * 3000 : random() * 600;
    return { jobId: `${prefix}-${index}`, x, longWait, waitSeconds };
  });
}

/**
 * Registers `clusterId` on Slurm at `nowMs` from the calibrated synthetic prior (`bundleId`
 * prior-{clusterId}), long waits above 600 s; returns the id.
 */
export async function registerSyntheticCluster(
  deps: Parameters<typeof registerCluster>[0],
  clusterId: string,
  nowMs: number,
): Promise<string> {
  await registerCluster(deps, {
    clusterId,
    prior: syntheticBundle(TRUE_INTERCEPT, `prior-${clusterId}`),
    platform: 'slurm',
    nowMs,
    longWaitThresholdSeconds: 600,
  });
  return clusterId;
}
