import { lowerBound } from '../binary-search.ts';
import { InvalidInputError } from '../errors.ts';
import { quantileType7 } from '../metrics/quantile-of-sorted.ts';
import { createFenwickTree, fenwickAdd, fenwickSelect } from './fenwick-tree.ts';
import { buildTraceEvents, EVENT_KIND, validateTraceJob } from './trace-events.ts';
import type { TraceJob } from './trace-job.ts';

/** Default number of most recent starts whose waits feed `recentWait*Seconds`. */
export const DEFAULT_RECENT_WAIT_WINDOW = 50;

/** `jobsStartedLastHour` counts starts in (t − this, t]. */
export const RECENT_STARTS_SPAN_SECONDS = 3_600;

/**
 * The numeric features of a {@link SubmitSnapshot}, in the fixed order of
 * {@link snapshotFeatureRow}. Append new names at the end: models store weights by position.
 */
export const SNAPSHOT_FEATURES = [
  'pendingJobsAhead',
  'pendingProcessorsAhead',
  'pendingGpusAhead',
  'runningJobs',
  'processorsInUse',
  'gpusInUse',
  'requestedProcessors',
  'requestedGpus',
  'requestedTimeSeconds',
  'userPendingJobs',
  'hourOfDay',
  'dayOfWeek',
  'recentWaitMedianSeconds',
  'recentWaitP90Seconds',
  'jobsStartedLastHour',
] as const;

export type SnapshotFeature = (typeof SNAPSHOT_FEATURES)[number];

/** What happened to the job afterwards: label material, never a feature. */
export interface SubmitOutcome {
  /** start − submit, seconds; null when the job never started (censored). */
  waitSeconds: number | null;
  censored: boolean;
}

/**
 * The queue as a live observer saw it at one job's submit instant, plus (in `outcome`, kept apart)
 * what happened to that job. Counts exclude the job itself.
 */
export interface SubmitSnapshot {
  jobId: string;
  submitTimeSeconds: number;
  /** Jobs submitted before this one that had neither started nor left the queue. */
  pendingJobsAhead: number;
  pendingProcessorsAhead: number;
  pendingGpusAhead: number;
  /** Jobs started and not yet ended. */
  runningJobs: number;
  processorsInUse: number;
  gpusInUse: number;
  requestedProcessors: number;
  requestedGpus: number;
  requestedTimeSeconds: number | null;
  /** Pending jobs ahead from the same user; 0 when the log has no user for this job. */
  userPendingJobs: number;
  /** 0–23, UTC, of submit time + `epochOffsetSeconds`. */
  hourOfDay: number;
  /** 0 (Sunday) – 6 (Saturday), UTC, like `Date.prototype.getUTCDay`. */
  dayOfWeek: number;
  /** Median wait of the last `recentWaitWindow` jobs to start; null when none had started. */
  recentWaitMedianSeconds: number | null;
  /** 90th percentile of the same waits; null when none had started. */
  recentWaitP90Seconds: number | null;
  /** Jobs that started in (t − {@link RECENT_STARTS_SPAN_SECONDS}, t]. */
  jobsStartedLastHour: number;
  outcome: SubmitOutcome;
}

/** Options for {@link reconstructQueueState}. */
export interface QueueStateOptions {
  /** How many most recent starts feed the recent-wait quantiles (integer ≥ 1). Default {@link DEFAULT_RECENT_WAIT_WINDOW}. */
  recentWaitWindow?: number;
  /**
   * Added to trace times to get Unix epoch seconds for `hourOfDay`/`dayOfWeek` (SWF times are
   * relative; pass `ImportResult.epochOffsetSeconds`). Default 0.
   */
  epochOffsetSeconds?: number;
}

/** Resource sums are kept in integer millionths so that adding and removing never drifts. */
const MICRO_UNITS = 1_000_000;
const SECONDS_PER_DAY = 86_400;
const SECONDS_PER_HOUR = 3_600;
/** 1970-01-01 was a Thursday (getUTCDay() = 4). */
const EPOCH_DAY_OF_WEEK = 4;
/** The probabilities of `recentWaitMedianSeconds` and `recentWaitP90Seconds`. */
export const RECENT_WAIT_QUANTILES = { median: 0.5, p90: 0.9 } as const;

/**
 * Replays a job log and returns, for every job, the queue state a live observer would have seen
 * at its submit instant — using only what had happened by then (no look-ahead).
 *
 * Definitions, at job k's submit instant t:
 * - jobs are ordered by (submit time, natural job id, input position); "submitted before k" means
 *   earlier in that order;
 * - ties at one instant: everything that happens to jobs already queued (ends, starts,
 *   withdrawals of censored jobs — among themselves by job order, which changes no snapshot) comes
 *   first, then the submissions, in job order; a job that starts (or ends) at its own submit
 *   instant does so right after its own submission, before the next one. Equivalently: an event of
 *   job j at time ≤ t has happened for k iff j was submitted before k;
 * - pending ahead: submitted before k, not started, not withdrawn (a censored job leaves the queue
 *   at `censoredAtSeconds`; with a null `censoredAtSeconds` it stays pending for ever);
 * - running: started, not ended (a null end means running for ever);
 * - recent waits: the last `recentWaitWindow` jobs to start (by start time, then job order), their
 *   waits start − submit; quantiles by linear interpolation between order statistics (Hyndman &
 *   Fan type 7, numpy's default: https://doi.org/10.2307/2684934).
 * Snapshots come back in input order. Processor and GPU sums are exact to 10⁻⁶.
 *
 * Throws InvalidInputError naming the job for a non-finite time, a start before submit, an end
 * before start, an end without a start, a `censoredAtSeconds` before submit, or a negative request;
 * and for a `recentWaitWindow` that is not an integer ≥ 1.
 *
 * Complexity O(n log n): one sort of ≤ 3n events, then a sweep with a Fenwick tree over
 * rank-compressed waits for the rolling quantiles (O(log n) per start).
 */
export function reconstructQueueState(jobs: readonly TraceJob[], options: QueueStateOptions = {}): SubmitSnapshot[] {
  const recentWaitWindow = options.recentWaitWindow ?? DEFAULT_RECENT_WAIT_WINDOW;
  if (!Number.isInteger(recentWaitWindow) || recentWaitWindow < 1) {
    throw new InvalidInputError(`recentWaitWindow must be an integer ≥ 1, got ${recentWaitWindow}`);
  }
  const epochOffsetSeconds = options.epochOffsetSeconds ?? 0;
  if (!Number.isFinite(epochOffsetSeconds))
    throw new InvalidInputError(`epochOffsetSeconds must be finite, got ${epochOffsetSeconds}`);
  jobs.forEach(validateTraceJob);

  const jobCount = jobs.length;
  const job = (index: number): TraceJob => jobs[index] as TraceJob;
  const events = buildTraceEvents(jobs);
  const waitRanks = rankWaits(jobs);
  const processorsMicro = Float64Array.from(jobs, (entry) => Math.round(entry.requestedProcessors * MICRO_UNITS));
  const gpusMicro = Float64Array.from(jobs, (entry) => Math.round(entry.requestedGpus * MICRO_UNITS));

  let pendingJobs = 0;
  let pendingProcessorsMicro = 0;
  let pendingGpusMicro = 0;
  let runningJobs = 0;
  let runningProcessorsMicro = 0;
  let runningGpusMicro = 0;
  const pendingByUser = new Map<string, number>();
  const waitTree = createFenwickTree(Math.max(waitRanks.sortedWaits.length, 1));
  // Ring buffer of the wait ranks in the window, oldest first. It never holds more than one
  // entry per job, so a window larger than the log needs no larger buffer.
  const ringSize = Math.min(recentWaitWindow, Math.max(jobCount, 1));
  const windowRanks = new Int32Array(ringSize);
  let windowStart = 0;
  let windowCount = 0;
  const startTimes = new Float64Array(jobCount);
  let startCount = 0;
  let hourStart = 0;

  // Type 7 over the window, its order statistics read from the Fenwick tree of wait ranks.
  const quantile = (probability: number): number =>
    quantileType7(
      windowCount,
      probability,
      (index) => waitRanks.sortedWaits[fenwickSelect(waitTree, index + 1)] as number,
    );

  const snapshots = new Array<SubmitSnapshot>(jobCount);
  for (let eventIndex = 0; eventIndex < events.count; eventIndex += 1) {
    const slot = events.order[eventIndex] as number;
    const jobIndex = events.jobIndex[slot] as number;
    const entry = job(jobIndex);
    switch (events.kind[slot]) {
      case EVENT_KIND.submit: {
        const t = entry.submitTimeSeconds;
        while (hourStart < startCount && (startTimes[hourStart] as number) <= t - RECENT_STARTS_SPAN_SECONDS)
          hourStart += 1;
        const epochSeconds = t + epochOffsetSeconds;
        snapshots[jobIndex] = {
          jobId: entry.id,
          submitTimeSeconds: t,
          pendingJobsAhead: pendingJobs,
          pendingProcessorsAhead: pendingProcessorsMicro / MICRO_UNITS,
          pendingGpusAhead: pendingGpusMicro / MICRO_UNITS,
          runningJobs,
          processorsInUse: runningProcessorsMicro / MICRO_UNITS,
          gpusInUse: runningGpusMicro / MICRO_UNITS,
          requestedProcessors: entry.requestedProcessors,
          requestedGpus: entry.requestedGpus,
          requestedTimeSeconds: entry.requestedTimeSeconds,
          userPendingJobs: entry.user === '' ? 0 : (pendingByUser.get(entry.user) ?? 0),
          hourOfDay: Math.floor(positiveModulo(epochSeconds, SECONDS_PER_DAY) / SECONDS_PER_HOUR),
          dayOfWeek: positiveModulo(Math.floor(epochSeconds / SECONDS_PER_DAY) + EPOCH_DAY_OF_WEEK, 7),
          recentWaitMedianSeconds: windowCount === 0 ? null : quantile(RECENT_WAIT_QUANTILES.median),
          recentWaitP90Seconds: windowCount === 0 ? null : quantile(RECENT_WAIT_QUANTILES.p90),
          jobsStartedLastHour: startCount - hourStart,
          outcome: {
            waitSeconds: entry.startTimeSeconds === null ? null : entry.startTimeSeconds - t,
            censored: entry.startTimeSeconds === null,
          },
        };
        pendingJobs += 1;
        pendingProcessorsMicro += processorsMicro[jobIndex] as number;
        pendingGpusMicro += gpusMicro[jobIndex] as number;
        if (entry.user !== '') pendingByUser.set(entry.user, (pendingByUser.get(entry.user) ?? 0) + 1);
        break;
      }
      case EVENT_KIND.start:
      case EVENT_KIND.withdraw: {
        pendingJobs -= 1;
        pendingProcessorsMicro -= processorsMicro[jobIndex] as number;
        pendingGpusMicro -= gpusMicro[jobIndex] as number;
        if (entry.user !== '') pendingByUser.set(entry.user, (pendingByUser.get(entry.user) as number) - 1);
        if (events.kind[slot] === EVENT_KIND.withdraw) break;
        runningJobs += 1;
        runningProcessorsMicro += processorsMicro[jobIndex] as number;
        runningGpusMicro += gpusMicro[jobIndex] as number;
        startTimes[startCount] = entry.startTimeSeconds as number;
        startCount += 1;
        const rank = waitRanks.rankOf[jobIndex] as number;
        fenwickAdd(waitTree, rank, 1);
        if (windowCount < recentWaitWindow) {
          windowRanks[(windowStart + windowCount) % ringSize] = rank;
          windowCount += 1;
        } else {
          fenwickAdd(waitTree, windowRanks[windowStart] as number, -1);
          windowRanks[windowStart] = rank;
          windowStart = (windowStart + 1) % ringSize;
        }
        break;
      }
      default: {
        // EVENT_KIND.end
        runningJobs -= 1;
        runningProcessorsMicro -= processorsMicro[jobIndex] as number;
        runningGpusMicro -= gpusMicro[jobIndex] as number;
      }
    }
  }
  return snapshots;
}

/**
 * A snapshot's features as numbers, in {@link SNAPSHOT_FEATURES} order. A missing value (no
 * requested time, no recent starts yet) becomes NaN: the model's feature pipeline must impute it
 * explicitly rather than read a silent 0.
 */
export function snapshotFeatureRow(snapshot: SubmitSnapshot): number[] {
  return SNAPSHOT_FEATURES.map((name) => snapshot[name] ?? Number.NaN);
}

/** Distinct waits of started jobs, ascending, and each started job's rank among them (−1 if not started). */
function rankWaits(jobs: readonly TraceJob[]): { sortedWaits: Float64Array; rankOf: Int32Array } {
  const waits: number[] = [];
  for (const entry of jobs)
    if (entry.startTimeSeconds !== null) waits.push(entry.startTimeSeconds - entry.submitTimeSeconds);
  const sorted = Float64Array.from(waits).sort();
  let distinct = 0;
  for (let index = 0; index < sorted.length; index += 1) {
    if (index === 0 || sorted[index] !== sorted[distinct - 1]) {
      sorted[distinct] = sorted[index] as number;
      distinct += 1;
    }
  }
  const sortedWaits = sorted.subarray(0, distinct);
  const rankOf = Int32Array.from(jobs, (entry) =>
    entry.startTimeSeconds === null ? -1 : lowerBound(sortedWaits, entry.startTimeSeconds - entry.submitTimeSeconds),
  );
  return { sortedWaits, rankOf };
}

function positiveModulo(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}
