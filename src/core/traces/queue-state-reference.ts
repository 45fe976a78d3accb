import { compareJobIds } from './compare-job-ids.ts';
import {
  DEFAULT_RECENT_WAIT_WINDOW,
  RECENT_STARTS_SPAN_SECONDS,
  type QueueStateOptions,
  type SubmitSnapshot,
} from './queue-state.ts';
import type { TraceJob } from './trace-job.ts';

/**
 * The definition of {@link reconstructQueueState}, written the obvious way: for each requested job,
 * scan every job. O(n) per snapshot, O(n²) for all. It exists as an independent oracle for tests
 * and as the benchmark baseline; it does not validate its input.
 *
 * @param indices which jobs to snapshot (positions in `jobs`); default all.
 * @returns one snapshot per entry of `indices`, in that order.
 */
export function reconstructQueueStateByScan(
  jobs: readonly TraceJob[],
  options: QueueStateOptions = {},
  indices: readonly number[] = jobs.map((_, index) => index),
): SubmitSnapshot[] {
  const window = options.recentWaitWindow ?? DEFAULT_RECENT_WAIT_WINDOW;
  const epochOffsetSeconds = options.epochOffsetSeconds ?? 0;
  return indices.map((k) => {
    const target = jobs[k] as TraceJob;
    const t = target.submitTimeSeconds;
    const submittedBefore = (j: number): boolean => {
      const other = jobs[j] as TraceJob;
      if (j === k) return false;
      if (other.submitTimeSeconds !== t) return other.submitTimeSeconds < t;
      const byId = compareJobIds(other.id, target.id);
      return byId !== 0 ? byId < 0 : j < k;
    };
    // Any event of a job submitted before k, at a time ≤ t, has happened; nothing else has.
    const happened = (j: number, time: number | null): boolean => time !== null && time <= t && submittedBefore(j);

    let pendingJobsAhead = 0;
    let pendingProcessorsAhead = 0;
    let pendingGpusAhead = 0;
    let runningJobs = 0;
    let processorsInUse = 0;
    let gpusInUse = 0;
    let userPendingJobs = 0;
    let jobsStartedLastHour = 0;
    const started: { startTimeSeconds: number; order: number; waitSeconds: number }[] = [];
    jobs.forEach((other, j) => {
      if (!submittedBefore(j)) return;
      const isStarted = happened(j, other.startTimeSeconds);
      const isWithdrawn = other.startTimeSeconds === null && happened(j, other.censoredAtSeconds);
      if (!isStarted && !isWithdrawn) {
        pendingJobsAhead += 1;
        pendingProcessorsAhead += other.requestedProcessors;
        pendingGpusAhead += other.requestedGpus;
        if (target.user !== '' && other.user === target.user) userPendingJobs += 1;
      }
      if (isStarted) {
        const startTimeSeconds = other.startTimeSeconds as number;
        started.push({ startTimeSeconds, order: j, waitSeconds: startTimeSeconds - other.submitTimeSeconds });
        if (startTimeSeconds > t - RECENT_STARTS_SPAN_SECONDS) jobsStartedLastHour += 1;
        if (!happened(j, other.endTimeSeconds)) {
          runningJobs += 1;
          processorsInUse += other.requestedProcessors;
          gpusInUse += other.requestedGpus;
        }
      }
    });
    started.sort(
      (left, right) => left.startTimeSeconds - right.startTimeSeconds || precedes(jobs, left.order, right.order),
    );
    const recentWaits = started
      .slice(-window)
      .map((entry) => entry.waitSeconds)
      .sort((left, right) => left - right);
    const epoch = new Date((t + epochOffsetSeconds) * 1000);
    return {
      jobId: target.id,
      submitTimeSeconds: t,
      pendingJobsAhead,
      pendingProcessorsAhead,
      pendingGpusAhead,
      runningJobs,
      processorsInUse,
      gpusInUse,
      requestedProcessors: target.requestedProcessors,
      requestedGpus: target.requestedGpus,
      requestedTimeSeconds: target.requestedTimeSeconds,
      userPendingJobs,
      hourOfDay: epoch.getUTCHours(),
      dayOfWeek: epoch.getUTCDay(),
      recentWaitMedianSeconds: interpolatedQuantile(recentWaits, 0.5),
      recentWaitP90Seconds: interpolatedQuantile(recentWaits, 0.9),
      jobsStartedLastHour,
      outcome: {
        waitSeconds: target.startTimeSeconds === null ? null : target.startTimeSeconds - t,
        censored: target.startTimeSeconds === null,
      },
    };
  });
}

/** Job order: submit time, natural id, position. */
function precedes(jobs: readonly TraceJob[], left: number, right: number): number {
  const leftJob = jobs[left] as TraceJob;
  const rightJob = jobs[right] as TraceJob;
  return (
    leftJob.submitTimeSeconds - rightJob.submitTimeSeconds || compareJobIds(leftJob.id, rightJob.id) || left - right
  );
}

/** numpy.quantile(sorted, p) with the default linear method; null for no values. */
function interpolatedQuantile(sorted: readonly number[], probability: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * probability;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return (sorted[lower] as number) + (position - lower) * ((sorted[upper] as number) - (sorted[lower] as number));
}
