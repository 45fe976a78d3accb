import { describe, expect, it } from 'vitest';
import { MemoryBundleStore } from '../../adapters/memory/memory-bundle-store.ts';
import { memoryLearningStores } from '../../adapters/memory/memory-tables.ts';
import { DEFAULT_GATE_CONFIG } from '../../core/gating/gate-config.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import { seededRandom } from '../../core/random.ts';
import { createLearningDeps } from '../learning/learning-deps.ts';
import { registerCluster } from '../learning/register-cluster.ts';
import type { Logger } from '../ports/logger.ts';
import { runOnlineReplay, type ReplayJob } from './run-online-replay.ts';

const THRESHOLD_SECONDS = 600;
const quietLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** P(long) = sigmoid(4x − 3): one feature, Platt(1, 0) on the raw score — calibrated by construction for labels drawn from it. */
const PRIOR: ModelBundle = {
  schemaVersion: 1,
  bundleId: 'synthetic-prior',
  training: { source: 'synthetic', dataHash: 'none', rows: 0, positives: 0, labelThresholdSeconds: null },
  numericFeatures: ['pending_ratio'],
  categoricalFeatures: [],
  scaler: { means: [0], scales: [1] },
  classifier: { kind: 'logistic', weights: [4], intercept: -3, l2: 1 },
  calibrator: { kind: 'platt', slope: 1, intercept: 0 },
  ensemble: null,
  waitModel: null,
  metrics: {},
};

const sigmoid = (value: number): number => 1 / (1 + Math.exp(-value));

function memoryDeps() {
  return createLearningDeps({
    ...memoryLearningStores(),
    bundles: new MemoryBundleStore(),
    gate: DEFAULT_GATE_CONFIG,
    logger: quietLogger,
  });
}

describe('runOnlineReplay', () => {
  it('runOnlineReplay detects a miscalibration that starts at a known outcome, withdraws autonomy, adapts, and earns it back', async () => {
    const deps = memoryDeps();
    await registerCluster(deps, {
      clusterId: 'synthetic',
      prior: PRIOR,
      platform: 'other',
      nowMs: 0,
      longWaitThresholdSeconds: THRESHOLD_SECONDS,
    });
    const random = seededRandom(3);
    const shiftAt = 2000;
    const jobCount = 4000;
    // Before the shift labels follow the model (calibrated); after it the true log-odds rise by 2
    // (same ranking, far more long waits). A long wait waits twice the threshold, a short one a
    // tenth of it; one job a minute, so outcomes arrive a few jobs after their predictions.
    const jobs: ReplayJob[] = Array.from({ length: jobCount }, (_, index) => {
      const x = random();
      const trueLogOdds = 4 * x - 3 + (index >= shiftAt ? 2 : 0);
      const waitSeconds = random() < sigmoid(trueLogOdds) ? 2 * THRESHOLD_SECONDS : THRESHOLD_SECONDS / 10;
      return {
        jobId: `job-${index}`,
        submitMs: index * 60_000,
        startMs: index * 60_000 + waitSeconds * 1000,
        features: { pending_ratio: x },
        predicted: true,
      };
    });

    const result = await runOnlineReplay(deps, { clusterId: 'synthetic', jobs, hooks: {} });

    const beforeShift = result.timeline.filter((entry) => entry.outcomes <= shiftAt && entry.ece !== null);
    const lastBefore = beforeShift[beforeShift.length - 1];
    const response = result.timeline.find((entry) => entry.outcomes > shiftAt && entry.action === 'adapted');
    const last = result.timeline[result.timeline.length - 1];
    expect(result.outcomes).toBe(jobCount);
    expect(lastBefore?.ece).toBeLessThan(0.05);
    expect(['autonomous', 'notify']).toContain(lastBefore?.scope);
    expect(response).toBeDefined();
    // A log-odds shift of 2 moves every residual far beyond the CUSUM's allowance: caught within a few batches.
    expect(response?.outcomes).toBeLessThanOrEqual(shiftAt + 300);
    // The drift response withdraws autonomy at once ...
    expect(response?.scope).toBe('escalate');
    // ... and it comes back only with evidence that earns it.
    expect(last?.ece).toBeLessThan(0.05);
    expect(['autonomous', 'notify']).toContain(last?.scope);
  });

  it('runOnlineReplay records an outcome at its start instant, after its own same-instant prediction, and never for censored jobs', async () => {
    const deps = memoryDeps();
    await registerCluster(deps, {
      clusterId: 'order',
      prior: PRIOR,
      platform: 'other',
      nowMs: 0,
      longWaitThresholdSeconds: THRESHOLD_SECONDS,
    });
    const seen: string[] = [];
    const jobs: ReplayJob[] = [
      { jobId: 'a', submitMs: 0, startMs: 5000, features: { pending_ratio: 0.1 }, predicted: true },
      { jobId: 'b', submitMs: 5000, startMs: 5000, features: { pending_ratio: 0.2 }, predicted: true },
      { jobId: 'c', submitMs: 1000, startMs: null, features: { pending_ratio: 0.3 }, predicted: true },
      { jobId: 'h', submitMs: 2000, startMs: 3000, features: { pending_ratio: 0.3 }, predicted: false },
    ];

    const result = await runOnlineReplay(deps, {
      clusterId: 'order',
      jobs,
      hooks: {
        onPredicted: (job) => seen.push(`predict ${job.jobId}`),
        onOutcome: (job, waitSeconds, response) =>
          seen.push(`outcome ${job.jobId} ${waitSeconds} ${response === null ? 'observed' : response.result.status}`),
      },
    });

    expect(seen).toEqual([
      'predict a',
      'predict c',
      'outcome h 1 observed',
      'outcome a 5 recorded',
      'predict b',
      'outcome b 0 recorded',
    ]);
    expect(result.outcomes).toBe(2);
    expect(result.predictedJobs).toBe(3);
  });
});
