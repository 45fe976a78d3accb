import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBundleStore } from '../../adapters/memory/memory-bundle-store.ts';
import { memoryLearningStores, MemoryTables } from '../../adapters/memory/memory-tables.ts';
import { DEFAULT_GATE_CONFIG } from '../../core/gating/gate-config.ts';
import type { PartitionOffer } from '../../core/jobs/what-if-alternatives.ts';
import { smallPrior } from '../../../test/support/slurm/small-prior.ts';
import { JobNotFoundError, SourceUnavailableError, UnknownClusterError } from '../errors.ts';
import { createLearningDeps, type LearningDeps } from '../learning/learning-deps.ts';
import { predictJob } from '../learning/predict-job.ts';
import { registerCluster } from '../learning/register-cluster.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { JobLookup } from '../ports/job-lookup.ts';
import type { QueuedJob } from '../records/queue.ts';
import { forecastJob, type JobForecastDeps } from './forecast-job.ts';
import { jobAnswerText } from './job-answer-text.ts';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function queued(overrides: Partial<QueuedJob> & Pick<QueuedJob, 'jobId'>): QueuedJob {
  return {
    user: 'alice',
    partition: 'gpu',
    state: 'pending',
    submitTimeMs: T0 - 600_000,
    startTimeMs: null,
    requestedGpus: 4,
    requestedCpus: 1,
    timeLimitSeconds: 7200,
    priority: 1,
    reason: 'Resources',
    ...overrides,
  };
}

/** A scheduler double answering from a fixed listing (the real one is tested on a real Slurm). */
function lookupOf(jobs: readonly QueuedJob[], offers: readonly PartitionOffer[], unavailable = false): JobLookup {
  return {
    job: (jobId) =>
      unavailable
        ? Promise.reject(new SourceUnavailableError('slurmctld down'))
        : Promise.resolve(
            jobs
              .filter((job) => job.jobId === jobId)
              .map((job) => ({ job, account: 'lab', priorityRank: { position: 2, pendingInPartition: 3 } }))[0],
          ),
    partitions: () => Promise.resolve([...offers]),
  };
}

function observerOf(jobs: readonly QueuedJob[]): ClusterObserver {
  return {
    observe: (clusterId) =>
      Promise.resolve({ clusterId, observedAtMs: T0, jobs, totalGpus: 4, gpusInUse: 4, features: {} }),
  };
}

describe('forecastJob', () => {
  let learning: LearningDeps;

  beforeEach(async () => {
    learning = createLearningDeps({
      ...memoryLearningStores(new MemoryTables()),
      bundles: new MemoryBundleStore(),
      gate: DEFAULT_GATE_CONFIG,
      logger: quiet,
    });
    await registerCluster(learning, { clusterId: 'c', prior: smallPrior(), platform: 'slurm', nowMs: T0 - 3_600_000 });
    await predictJob(learning, {
      clusterId: 'c',
      jobId: '5',
      features: { pendingGpusAhead: 0, gpusInUse: 4, requestedGpus: 4 },
      nowMs: T0 - 600_000,
    });
  });

  it('forecastJob_pendingJobOnTheScheduler_givesReasonRankForecastsAndOnlyFittingAlternatives', async () => {
    const jobs = [
      queued({ jobId: '4', state: 'running', startTimeMs: T0 - 900_000, submitTimeMs: T0 - 1_000_000 }),
      queued({ jobId: '5' }),
    ];
    const offers: PartitionOffer[] = [
      { name: 'gpu', gpus: 4, maxTimeSeconds: null, up: true, allowAccounts: null },
      { name: 'short', gpus: 4, maxTimeSeconds: 3600, up: true, allowAccounts: null },
      { name: 'other-lab', gpus: 8, maxTimeSeconds: null, up: true, allowAccounts: ['other'] },
    ];
    const deps: JobForecastDeps = { learning, observer: observerOf(jobs), jobLookup: () => lookupOf(jobs, offers) };

    const forecast = await forecastJob(deps, { clusterId: 'c', jobId: '5', nowMs: T0, alternatives: true });

    expect(forecast.source).toBe('scheduler');
    expect(forecast.state).toBe('pending');
    // Pending since T0 − 600 s.
    expect(forecast.pendingSeconds).toBe(600);
    expect(forecast.reason?.code).toBe('Resources');
    expect(forecast.priorityRank).toEqual({ position: 2, pendingInPartition: 3 });
    expect(forecast.atSubmit?.issuedAtMs).toBe(T0 - 600_000);
    expect(forecast.now?.issuedAtMs).toBe(T0);
    expect(forecast.scope).toBe('learning');
    // 'short' caps limits at 1 h < the job's 2 h; 'other-lab' is not open to account 'lab'.
    expect(forecast.alternatives.map((entry) => entry.change).sort()).toEqual([
      '1 GPU instead of 4',
      '2 GPUs instead of 4',
      'a 1 h time limit instead of 2 h',
    ]);
    const starts = forecast.alternatives.map((entry) => entry.forecast.expectedStartMs ?? Number.POSITIVE_INFINITY);
    expect(starts).toEqual([...starts].sort((left, right) => left - right));
    expect(jobAnswerText(forecast, { alternatives: true })).toContain(
      'Why it waits: it is next in line and waits for enough free resources',
    );
  });

  it('forecastJob_noSchedulerReachable_answersFromThePredictionLog', async () => {
    const unreachable: JobForecastDeps = {
      learning,
      observer: observerOf([]),
      jobLookup: () => lookupOf([], [], true),
    };
    const none: JobForecastDeps = { learning, observer: observerOf([]), jobLookup: () => undefined };

    const down = await forecastJob(unreachable, { clusterId: 'c', jobId: '5', nowMs: T0 });
    const fromLog = await forecastJob(none, { clusterId: 'c', jobId: '5', nowMs: T0 });

    expect(down.source).toBe('prediction_log');
    expect(down.schedulerNote).toContain('slurmctld down');
    expect(fromLog.state).toBe('unknown');
    expect(fromLog.requestedGpus).toBe(4);
    expect(fromLog.atSubmit).not.toBeNull();
    expect(fromLog.now).toBeNull();
  });

  it('forecastJob_unknownJobOrCluster_throwsErrorsNamingThem', async () => {
    const deps: JobForecastDeps = { learning, observer: observerOf([]), jobLookup: () => lookupOf([], []) };

    await expect(forecastJob(deps, { clusterId: 'c', jobId: '999', nowMs: T0 })).rejects.toThrow(JobNotFoundError);
    await expect(forecastJob(deps, { clusterId: 'c', jobId: '999', nowMs: T0 })).rejects.toThrow("job '999'");
    await expect(forecastJob(deps, { clusterId: 'nope', jobId: '5', nowMs: T0 })).rejects.toThrow(UnknownClusterError);
  });

  it('forecastJob_startedJob_reportsItsWaitAndNoFreshForecast', async () => {
    const jobs = [queued({ jobId: '5', state: 'running', startTimeMs: T0 - 60_000 })];
    const deps: JobForecastDeps = { learning, observer: observerOf(jobs), jobLookup: () => lookupOf(jobs, []) };

    const forecast = await forecastJob(deps, { clusterId: 'c', jobId: '5', nowMs: T0, alternatives: true });

    // Waited (T0 − 60 s) − (T0 − 600 s) = 540 s.
    expect(forecast.pendingSeconds).toBe(540);
    expect(forecast.now).toBeNull();
    expect(forecast.alternatives).toEqual([]);
    expect(forecast.priorityRank).toBeNull();
    expect(jobAnswerText(forecast)).toMatch(
      /^Job 5 on c \(4 GPUs, partition gpu\) started at 2026-06-01T11:59:00Z after 9 min\. At submit: ~\d+ s \(80 % between \d+ s and \d+ s\), P\(long wait\) \d+ %\.$/,
    );
  });
});
