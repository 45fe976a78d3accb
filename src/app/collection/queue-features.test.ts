import { describe, expect, it } from 'vitest';
import type { QueuedJob } from '../ports.ts';
import { quantileType7, queueFeatures } from './queue-features.ts';

function job(overrides: Partial<QueuedJob> & Pick<QueuedJob, 'jobId'>): QueuedJob {
  return { user: 'u', partition: 'gpu', state: 'pending', submitTimeMs: 0, startTimeMs: null, requestedGpus: 1, requestedCpus: 1, timeLimitSeconds: 600, priority: null, reason: null, ...overrides };
}

describe('queueFeatures', () => {
  it('queuedSubject_countsOnlyJobsAheadAndExcludesItself', () => {
    // 2025-01-01T10:00:00Z is a Wednesday (getUTCDay 3), hour 10.
    const atMs = Date.UTC(2025, 0, 1, 10, 0, 0);
    const jobs = [
      job({ jobId: '1', state: 'running', submitTimeMs: atMs - 100_000, startTimeMs: atMs - 40_000, requestedGpus: 2, requestedCpus: 4 }),
      job({ jobId: '2', state: 'running', submitTimeMs: atMs - 90_000, startTimeMs: atMs - 80_000, requestedGpus: 1, requestedCpus: 2 }),
      job({ jobId: '3', user: 'ana', submitTimeMs: atMs - 10_000, requestedGpus: 3, requestedCpus: 6 }),
      job({ jobId: '4', user: 'bob', submitTimeMs: atMs - 5_000, requestedGpus: 1, requestedCpus: 1 }),
      job({ jobId: '5', user: 'ana', submitTimeMs: atMs, requestedGpus: 2, requestedCpus: 2, timeLimitSeconds: 1_200 }),
      job({ jobId: '6', user: 'ana', submitTimeMs: atMs + 2_000, requestedGpus: 4 }),
      job({ jobId: '7', state: 'cancelled', submitTimeMs: atMs - 50_000 }),
    ];

    const features = queueFeatures({ jobs, totalGpus: 8, atMs, subject: { kind: 'queued', jobId: '5' } });

    // Waits of the started jobs: 60 s and 10 s → median 35, P90 = 10 + 0.9·50 = 55.
    expect(features).toEqual({
      pendingJobsAhead: 2, pendingProcessorsAhead: 7, pendingGpusAhead: 4, runningJobs: 2, processorsInUse: 6, gpusInUse: 3,
      requestedProcessors: 2, requestedGpus: 2, requestedTimeSeconds: 1_200, userPendingJobs: 1, hourOfDay: 10, dayOfWeek: 3,
      recentWaitMedianSeconds: 35, recentWaitP90Seconds: 55, jobsStartedLastHour: 2, totalGpus: 8, gpuUtilisation: 0.375,
    });
  });

  it('specSubject_countsEveryPendingJobAndUsesTheSpec', () => {
    const jobs = [job({ jobId: '1', requestedGpus: 2 }), job({ jobId: '2', requestedGpus: 3, submitTimeMs: 5 })];

    const features = queueFeatures({ jobs, totalGpus: 0, atMs: 10, subject: { kind: 'spec', spec: { gpus: 1, cpuMillicores: 2_500, estimatedDurationMinutes: 3 } } });

    expect(features).toMatchObject({ pendingJobsAhead: 2, pendingGpusAhead: 5, requestedGpus: 1, requestedProcessors: 2.5, requestedTimeSeconds: 180, recentWaitMedianSeconds: 0, gpuUtilisation: 0 });
  });

  it('quantileType7_matchesNumpyLinear', () => {
    // numpy.quantile([1, 2, 4, 10], [0.5, 0.9]) == [3.0, 8.2]
    expect(quantileType7([1, 2, 4, 10], 0.5)).toBeCloseTo(3, 12);
    expect(quantileType7([1, 2, 4, 10], 0.9)).toBeCloseTo(8.2, 12);
  });
});
