import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconstructQueueState, SNAPSHOT_FEATURES } from '../traces/queue-state.ts';
import type { TraceJob } from '../traces/trace-job.ts';
import { LIVE_EXTRA_FEATURES, liveQueueFeatures, type LiveJob } from './live-queue-features.ts';

function job(overrides: Partial<LiveJob> & Pick<LiveJob, 'jobId'>): LiveJob {
  return {
    user: 'u',
    state: 'pending',
    submitTimeMs: 0,
    startTimeMs: null,
    requestedGpus: 1,
    requestedCpus: 1,
    timeLimitSeconds: 600,
    ...overrides,
  };
}

// 2025-01-01T10:00:00Z is a Wednesday (getUTCDay 3), hour 10.
const AT_MS = Date.UTC(2025, 0, 1, 10, 0, 0);

describe('liveQueueFeatures', () => {
  it('liveQueueFeatures_queuedSubject_countsOnlyJobsAheadAndExcludesItself', () => {
    const jobs = [
      job({
        jobId: '1',
        state: 'running',
        submitTimeMs: AT_MS - 100_000,
        startTimeMs: AT_MS - 40_000,
        requestedGpus: 2,
        requestedCpus: 4,
      }),
      job({
        jobId: '2',
        state: 'running',
        submitTimeMs: AT_MS - 90_000,
        startTimeMs: AT_MS - 80_000,
        requestedGpus: 1,
        requestedCpus: 2,
      }),
      job({ jobId: '3', user: 'ana', submitTimeMs: AT_MS - 10_000, requestedGpus: 3, requestedCpus: 6 }),
      job({ jobId: '4', user: 'bob', submitTimeMs: AT_MS - 5_000, requestedGpus: 1, requestedCpus: 1 }),
      job({
        jobId: '5',
        user: 'ana',
        submitTimeMs: AT_MS,
        requestedGpus: 2,
        requestedCpus: 2,
        timeLimitSeconds: 1_200,
      }),
      job({ jobId: '6', user: 'ana', submitTimeMs: AT_MS + 2_000, requestedGpus: 4 }),
      job({ jobId: '7', state: 'cancelled', submitTimeMs: AT_MS - 50_000, endTimeMs: AT_MS - 20_000 }),
    ];

    const features = liveQueueFeatures({ jobs, totalGpus: 8, atMs: AT_MS, subject: { kind: 'queued', jobId: '5' } });

    // Waits of the started jobs: 60 s and 10 s → median 35, P90 = 10 + 0.9·50 = 55.
    expect(features).toEqual({
      pendingJobsAhead: 2,
      pendingProcessorsAhead: 7,
      pendingGpusAhead: 4,
      runningJobs: 2,
      processorsInUse: 6,
      gpusInUse: 3,
      requestedProcessors: 2,
      requestedGpus: 2,
      requestedTimeSeconds: 1_200,
      userPendingJobs: 1,
      hourOfDay: 10,
      dayOfWeek: 3,
      recentWaitMedianSeconds: 35,
      recentWaitP90Seconds: 55,
      jobsStartedLastHour: 2,
      totalGpus: 8,
      gpuUtilisation: 0.375,
    });
  });

  it('liveQueueFeatures_queuedSubjectWithoutTimeLimit_requestsZeroTime', () => {
    const jobs = [
      job({ jobId: '1', user: 'ana' }),
      job({ jobId: '9', user: 'ana', submitTimeMs: AT_MS, timeLimitSeconds: null, requestedGpus: 2, requestedCpus: 3 }),
    ];

    const features = liveQueueFeatures({ jobs, totalGpus: 4, atMs: AT_MS, subject: { kind: 'queued', jobId: '9' } });

    expect(features).toMatchObject({
      requestedTimeSeconds: 0,
      requestedGpus: 2,
      requestedProcessors: 3,
      userPendingJobs: 1,
      pendingJobsAhead: 1,
    });
  });

  it('liveQueueFeatures_queuedSubjectMissingFromTheListing_requestsNothingAndHasNoUser', () => {
    // The subject already left the listing: everything queued by the instant counts, nothing is requested.
    const jobs = [job({ jobId: '1', user: '' }), job({ jobId: '2', user: 'ana', submitTimeMs: AT_MS + 1 })];

    const features = liveQueueFeatures({ jobs, totalGpus: 4, atMs: AT_MS, subject: { kind: 'queued', jobId: 'gone' } });

    expect(features).toMatchObject({
      pendingJobsAhead: 1,
      requestedGpus: 0,
      requestedProcessors: 0,
      requestedTimeSeconds: 0,
      userPendingJobs: 0,
    });
  });

  it('liveQueueFeatures_withoutSubject_countsTheQueueAtTheInstantAndRequestsNothing', () => {
    const jobs = [job({ jobId: '1', user: 'ana' }), job({ jobId: '2', user: 'bob', submitTimeMs: AT_MS + 1 })];

    const features = liveQueueFeatures({ jobs, totalGpus: 0, atMs: AT_MS });

    expect(features).toMatchObject({
      pendingJobsAhead: 1,
      requestedGpus: 0,
      userPendingJobs: 0,
      totalGpus: 0,
      gpuUtilisation: 0,
    });
  });

  it('liveQueueFeatures_jobStartedAfterTheSubmitInstant_isPendingAheadNotRunning', () => {
    // Listed 5 s after job 9's submit: job 1 started 2 s after it, so at the instant it was pending ahead.
    const jobs = [
      job({
        jobId: '1',
        state: 'running',
        submitTimeMs: AT_MS - 30_000,
        startTimeMs: AT_MS + 2_000,
        requestedGpus: 4,
        requestedCpus: 8,
      }),
      job({ jobId: '9', submitTimeMs: AT_MS, requestedGpus: 2 }),
    ];

    const features = liveQueueFeatures({ jobs, totalGpus: 8, atMs: AT_MS, subject: { kind: 'queued', jobId: '9' } });

    expect(features).toMatchObject({
      pendingJobsAhead: 1,
      pendingGpusAhead: 4,
      pendingProcessorsAhead: 8,
      runningJobs: 0,
      gpusInUse: 0,
      gpuUtilisation: 0,
      jobsStartedLastHour: 0,
      recentWaitMedianSeconds: 0,
    });
  });

  it('liveQueueFeatures_jobEndedAfterTheSubmitInstant_isRunning_endedBefore_isGone', () => {
    const jobs = [
      job({
        jobId: '1',
        state: 'completed',
        submitTimeMs: AT_MS - 60_000,
        startTimeMs: AT_MS - 50_000,
        endTimeMs: AT_MS + 3_000,
        requestedGpus: 2,
        requestedCpus: 2,
      }),
      job({
        jobId: '2',
        state: 'completed',
        submitTimeMs: AT_MS - 60_000,
        startTimeMs: AT_MS - 50_000,
        endTimeMs: AT_MS - 1_000,
        requestedGpus: 1,
        requestedCpus: 1,
      }),
      job({
        jobId: '3',
        state: 'cancelled',
        submitTimeMs: AT_MS - 40_000,
        startTimeMs: null,
        endTimeMs: AT_MS + 1_000,
        requestedGpus: 3,
      }),
      job({
        jobId: '4',
        state: 'failed',
        submitTimeMs: AT_MS - 40_000,
        startTimeMs: null,
        endTimeMs: null,
        requestedGpus: 5,
      }),
      job({
        jobId: '5',
        state: 'completed',
        submitTimeMs: AT_MS - 40_000,
        startTimeMs: AT_MS - 30_000,
        endTimeMs: null,
        requestedGpus: 6,
      }),
      job({ jobId: '9', submitTimeMs: AT_MS, requestedGpus: 1 }),
    ];

    const features = liveQueueFeatures({ jobs, totalGpus: 4, atMs: AT_MS, subject: { kind: 'queued', jobId: '9' } });

    // Running at the instant: job 1 only (2 GPUs); pending: job 3 (withdrawn after the instant).
    // Started by then: jobs 1, 2 (waits 10 s) and 5 (wait 10 s) → median 10, three starts.
    expect(features).toMatchObject({
      runningJobs: 1,
      gpusInUse: 2,
      gpuUtilisation: 0.5,
      pendingJobsAhead: 1,
      pendingGpusAhead: 3,
      jobsStartedLastHour: 3,
      recentWaitMedianSeconds: 10,
    });
  });

  it('liveQueueFeatures_requestSubject_countsJobsSubmittedByTheInstantAndUsesTheRequest', () => {
    const jobs = [
      job({ jobId: '1', requestedGpus: 2 }),
      job({ jobId: '2', requestedGpus: 3, submitTimeMs: 5 }),
      job({ jobId: '3', requestedGpus: 7, submitTimeMs: 11 }),
    ];

    const features = liveQueueFeatures({
      jobs,
      totalGpus: 0,
      atMs: 10,
      subject: { kind: 'request', request: { processors: 2.5, gpus: 1, timeSeconds: 180 } },
    });
    const withoutSubject = liveQueueFeatures({ jobs, totalGpus: 0, atMs: 10 });

    expect(features).toMatchObject({
      pendingJobsAhead: 2,
      pendingGpusAhead: 5,
      requestedGpus: 1,
      requestedProcessors: 2.5,
      requestedTimeSeconds: 180,
      recentWaitMedianSeconds: 0,
      gpuUtilisation: 0,
    });
    expect(withoutSubject).toMatchObject({
      pendingJobsAhead: 2,
      requestedGpus: 0,
      requestedProcessors: 0,
      requestedTimeSeconds: 0,
      userPendingJobs: 0,
    });
  });

  it('liveQueueFeatures_returnsExactlyTheSnapshotNamesPlusTheLiveExtras', () => {
    const features = liveQueueFeatures({ jobs: [], totalGpus: 2, atMs: AT_MS });

    expect(Object.keys(features).sort()).toEqual([...SNAPSHOT_FEATURES, ...LIVE_EXTRA_FEATURES].sort());
  });

  it('liveQueueFeatures_fromTheFinalListing_agreesWithTheReplayAtEverySubmitInstant', () => {
    // Whatever happens after an instant, reading the final listing back to that instant must give
    // what the no-look-ahead replay (reconstructQueueState) saw then.
    const jobArbitrary = fc.record({
      submitSeconds: fc.integer({ min: 0, max: 40 }),
      waitSeconds: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
      runSeconds: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
      withdrawAfterSeconds: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
      gpus: fc.integer({ min: 0, max: 4 }),
      cpus: fc.integer({ min: 0, max: 8 }),
      user: fc.constantFrom('ana', 'bob'),
    });
    fc.assert(
      fc.property(fc.array(jobArbitrary, { minLength: 1, maxLength: 12 }), (specs) => {
        const traceJobs: TraceJob[] = specs.map((spec, index) => {
          const start = spec.waitSeconds === null ? null : spec.submitSeconds + spec.waitSeconds;
          return {
            id: String(index + 1),
            submitTimeSeconds: spec.submitSeconds,
            startTimeSeconds: start,
            endTimeSeconds: start === null || spec.runSeconds === null ? null : start + spec.runSeconds,
            censoredAtSeconds:
              start === null && spec.withdrawAfterSeconds !== null
                ? spec.submitSeconds + spec.withdrawAfterSeconds
                : null,
            requestedProcessors: spec.cpus,
            requestedGpus: spec.gpus,
            requestedMemoryMb: null,
            requestedTimeSeconds: 600,
            user: spec.user,
            queue: '',
            qos: '',
            status: '',
          };
        });
        const liveJobs: LiveJob[] = traceJobs.map((trace) => {
          const endSeconds = trace.endTimeSeconds ?? trace.censoredAtSeconds;
          const state =
            trace.startTimeSeconds === null
              ? endSeconds === null
                ? 'pending'
                : 'cancelled'
              : trace.endTimeSeconds === null
                ? 'running'
                : 'completed';
          return job({
            jobId: trace.id,
            user: trace.user,
            state,
            submitTimeMs: trace.submitTimeSeconds * 1_000,
            startTimeMs: trace.startTimeSeconds === null ? null : trace.startTimeSeconds * 1_000,
            endTimeMs: endSeconds === null ? null : endSeconds * 1_000,
            requestedGpus: trace.requestedGpus,
            requestedCpus: trace.requestedProcessors,
            timeLimitSeconds: 600,
          });
        });

        const snapshots = reconstructQueueState(traceJobs);

        for (const snapshot of snapshots) {
          const live = liveQueueFeatures({
            jobs: liveJobs,
            totalGpus: 4,
            atMs: snapshot.submitTimeSeconds * 1_000,
            subject: { kind: 'queued', jobId: snapshot.jobId },
          });
          for (const name of SNAPSHOT_FEATURES) {
            if (name === 'hourOfDay' || name === 'dayOfWeek') continue;
            expect([snapshot.jobId, name, live[name]]).toEqual([snapshot.jobId, name, snapshot[name] ?? 0]);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
