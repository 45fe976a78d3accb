import { describe, expect, it } from 'vitest';
import { DEFAULT_GATE_CONFIG } from '../../core/gating/gate-config.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import { seededRandom } from '../../core/random.ts';
import { createLearningDeps } from '../learning/learning-deps.ts';
import { registerCluster } from '../learning/register-cluster.ts';
import type { Logger } from '../ports/logger.ts';
import { MemoryBundleStore, MemoryClusterStore } from './memory-stores.ts';
import { runOnlineReplay, type ReplayJob } from './run-online-replay.ts';

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

describe('runOnlineReplay', () => {
  it('runOnlineReplay detects a miscalibration that starts at a known outcome, recalibrates, and earns autonomy back', async () => {
    const deps = createLearningDeps({ store: new MemoryClusterStore(), bundles: new MemoryBundleStore(), gate: DEFAULT_GATE_CONFIG, logger: quietLogger });
    await registerCluster(deps, { clusterId: 'synthetic', prior: PRIOR, platform: 'other', nowMs: 0 });
    const random = seededRandom(3);
    const shiftAt = 2000;
    const jobCount = 4000;
    // Before the shift labels follow the model (calibrated); after it the true log-odds rise by 2 (same ranking, far more long waits).
    const labels = new Map<string, boolean>();
    const jobs: ReplayJob[] = Array.from({ length: jobCount }, (_, index) => {
      const x = random();
      const trueLogOdds = 4 * x - 3 + (index >= shiftAt ? 2 : 0);
      labels.set(`job-${index}`, random() < sigmoid(trueLogOdds));
      // One job a minute, each starting 1 s later: outcome k is known before job k+1 is submitted.
      return { jobId: `job-${index}`, submitMs: index * 60_000, startMs: index * 60_000 + 1000, features: { pending_ratio: x }, predicted: true };
    });

    const result = await runOnlineReplay(deps, { clusterId: 'synthetic', jobs, hooks: { labelOf: (job) => labels.get(job.jobId) === true } });

    const beforeShift = result.timeline.filter((entry) => entry.outcomes <= shiftAt && entry.ece !== null);
    const lastBefore = beforeShift[beforeShift.length - 1];
    const firstAction = result.timeline.find((entry) => entry.outcomes > shiftAt && entry.action === 'recalibrated');
    const last = result.timeline[result.timeline.length - 1];
    expect(result.outcomes).toBe(jobCount);
    expect(lastBefore?.ece).toBeLessThan(0.05);
    expect(['autonomous', 'notify']).toContain(lastBefore?.scope);
    expect(firstAction).toBeDefined();
    // Recomputes run every 100 outcomes: the shift is caught within a few of them.
    expect(firstAction?.outcomes).toBeLessThanOrEqual(shiftAt + 600);
    // Right after a recalibration autonomy is withdrawn (learning) ...
    expect(firstAction?.scope).toBe('learning');
    // ... and is back only with an ECE that earns it.
    expect(last?.ece).toBeLessThan(0.05);
    expect(['autonomous', 'notify']).toContain(last?.scope);
  });

  it('runOnlineReplay records an outcome at its start instant, after its own same-instant prediction, and never for censored jobs', async () => {
    const deps = createLearningDeps({ store: new MemoryClusterStore(), bundles: new MemoryBundleStore(), gate: DEFAULT_GATE_CONFIG, logger: quietLogger });
    await registerCluster(deps, { clusterId: 'order', prior: PRIOR, platform: 'other', nowMs: 0 });
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
        labelOf: () => false,
        onPredicted: (job) => seen.push(`predict ${job.jobId}`),
        onOutcome: (job, waitSeconds, _longWait, response) => seen.push(`outcome ${job.jobId} ${waitSeconds} ${response === null ? 'observed' : response.result.status}`),
      },
    });

    expect(seen).toEqual(['predict a', 'predict c', 'outcome h 1 observed', 'outcome a 5 recorded', 'predict b', 'outcome b 0 recorded']);
    expect(result.outcomes).toBe(2);
    expect(result.predictedJobs).toBe(3);
  });
});
