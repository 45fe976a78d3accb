import { describe, expect, it } from 'vitest';
import { MemoryBundleStore } from '../../adapters/memory/memory-bundle-store.ts';
import { memoryLearningStores } from '../../adapters/memory/memory-tables.ts';
import { DEFAULT_GATE_CONFIG } from '../../core/gating/gate-config.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import { createLearningDeps, type LearningDeps } from '../learning/learning-deps.ts';
import { registerCluster } from '../learning/register-cluster.ts';
import type { ClusterState, QueuedJob } from '../records/queue.ts';
import type { Logger } from '../ports/logger.ts';
import { captureTick, createCaptureTracker } from './submit-capture.ts';

const quietLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const CLUSTER = 'capture-unit';

const PRIOR: ModelBundle = {
  schemaVersion: 1,
  bundleId: 'capture-prior',
  training: { source: 'synthetic', dataHash: 'none', rows: 0, positives: 0, labelThresholdSeconds: 600 },
  numericFeatures: ['gpusInUse'],
  categoricalFeatures: [],
  scaler: { means: [0], scales: [1] },
  classifier: { kind: 'logistic', weights: [0.5], intercept: -1, l2: 1 },
  calibrator: { kind: 'platt', slope: 1, intercept: 0 },
  ensemble: null,
  waitModel: null,
  metrics: {},
};

// Whole seconds, like Slurm's times.
const T0_MS = Date.UTC(2025, 0, 1, 10, 0, 0);
const POLL_MS = 5_000;

function job(overrides: Partial<QueuedJob> & Pick<QueuedJob, 'jobId'>): QueuedJob {
  return {
    user: 'u',
    partition: 'gpu',
    state: 'pending',
    submitTimeMs: 0,
    startTimeMs: null,
    requestedGpus: 1,
    requestedCpus: 1,
    timeLimitSeconds: 600,
    priority: null,
    reason: null,
    ...overrides,
  };
}

function listing(observedAtMs: number, jobs: QueuedJob[]): ClusterState {
  return { clusterId: CLUSTER, observedAtMs, jobs, totalGpus: 8, gpusInUse: 0, features: {} };
}

async function learningDeps(): Promise<LearningDeps> {
  const deps = createLearningDeps({
    ...memoryLearningStores(),
    bundles: new MemoryBundleStore(),
    gate: DEFAULT_GATE_CONFIG,
    logger: quietLogger,
  });
  await registerCluster(deps, { clusterId: CLUSTER, prior: PRIOR, platform: 'slurm', nowMs: T0_MS - 60_000 });
  return deps;
}

describe('captureTick', () => {
  it('captureTick_predictsFromTheStateAtTheSubmitInstant_notFromTheLaterListing', async () => {
    const deps = await learningDeps();
    const tracker = createCaptureTracker(CLUSTER, T0_MS);
    // Poll 1: three jobs running, one pending, all queued before capture began (adopted).
    const gone = job({
      jobId: '1',
      state: 'running',
      submitTimeMs: T0_MS - 60_000,
      startTimeMs: T0_MS - 50_000,
      requestedGpus: 2,
      requestedCpus: 2,
    });
    const endedBefore = job({
      jobId: '2',
      state: 'running',
      submitTimeMs: T0_MS - 60_000,
      startTimeMs: T0_MS - 40_000,
      requestedGpus: 1,
      requestedCpus: 1,
    });
    const endedAfter = job({
      jobId: '3',
      state: 'running',
      submitTimeMs: T0_MS - 60_000,
      startTimeMs: T0_MS - 30_000,
      requestedGpus: 1,
      requestedCpus: 3,
    });
    const startsLater = job({ jobId: '4', submitTimeMs: T0_MS - 20_000, requestedGpus: 4, requestedCpus: 4 });
    await captureTick(deps, tracker, listing(T0_MS, [gone, endedBefore, endedAfter, startsLater]));
    // Job 9 is submitted 2 s after poll 1; by poll 2 job 1 ended and was purged from the listing,
    // job 2 ended 1 s before the submit, job 3 ended 1 s after it, and job 4 started 1 s after it.
    const subject = job({ jobId: '9', submitTimeMs: T0_MS + 2_000, requestedGpus: 1, requestedCpus: 1 });
    const secondListing = listing(T0_MS + POLL_MS, [
      { ...endedBefore, state: 'completed', endTimeMs: T0_MS + 1_000 },
      { ...endedAfter, state: 'completed', endTimeMs: T0_MS + 3_000 },
      { ...startsLater, state: 'running', startTimeMs: T0_MS + 3_000 },
      subject,
    ]);

    const result = await captureTick(deps, tracker, secondListing);

    // At T0 + 2 s: running = jobs 1 and 3 (3 GPUs, 5 CPUs); pending ahead = job 4 (4 GPUs).
    expect(result.predicted.map((entry) => entry.jobId)).toEqual(['9']);
    expect(result.predicted[0]?.features).toMatchObject({
      runningJobs: 2,
      gpusInUse: 3,
      processorsInUse: 5,
      gpuUtilisation: 3 / 8,
      pendingJobsAhead: 1,
      pendingGpusAhead: 4,
      pendingProcessorsAhead: 4,
    });
  });

  it('captureTick_forgetsRunningJobsOfOlderListings', async () => {
    const deps = await learningDeps();
    const tracker = createCaptureTracker(CLUSTER, T0_MS);
    const running = job({
      jobId: '1',
      state: 'running',
      submitTimeMs: T0_MS - 60_000,
      startTimeMs: T0_MS - 50_000,
      requestedGpus: 2,
    });
    await captureTick(deps, tracker, listing(T0_MS, [running]));
    await captureTick(deps, tracker, listing(T0_MS + POLL_MS, []));
    // Submitted after poll 2, when job 1 was already known to be gone.
    const subject = job({ jobId: '9', submitTimeMs: T0_MS + POLL_MS + 1_000 });

    const result = await captureTick(deps, tracker, listing(T0_MS + 2 * POLL_MS, [subject]));

    expect(result.predicted[0]?.features).toMatchObject({ runningJobs: 0, gpusInUse: 0 });
  });
});
