/**
 * Submit-time features from a live queue listing, named like the trace replay's
 * `SNAPSHOT_FEATURES` (src/core/traces/queue-state.ts) so the same models apply to both.
 * Pure: the instant and the jobs arrive as arguments.
 */
import { DEFAULT_RECENT_WAIT_WINDOW, RECENT_STARTS_SPAN_SECONDS } from '../../core/traces/queue-state.ts';
import type { JobSpec, QueuedJob } from '../ports.ts';

/** Extra features beyond SNAPSHOT_FEATURES that a live collector can also report. */
export const LIVE_EXTRA_FEATURES = ['totalGpus', 'gpuUtilisation'] as const;

/** The job the features are for: a job already in the listing, or a specification not yet submitted. */
export type FeatureSubject =
  | { readonly kind: 'queued'; readonly jobId: string }
  | { readonly kind: 'spec'; readonly spec: JobSpec; readonly user?: string };

export interface QueueFeatureRequest {
  readonly jobs: readonly QueuedJob[];
  /** GPUs of the nodes that can run jobs. */
  readonly totalGpus: number;
  /** The instant, epoch ms: the subject's submit time for a queued job, else the observation time. */
  readonly atMs: number;
  readonly subject?: FeatureSubject;
}

const MS_PER_SECOND = 1_000;
const MEDIAN = 0.5;
const P90 = 0.9;

/** Quantile by linear interpolation between order statistics (Hyndman & Fan type 7, numpy's default); `sorted` ascending, non-empty. */
export function quantileType7(sorted: readonly number[], probability: number): number {
  const position = (sorted.length - 1) * probability;
  const lower = Math.floor(position);
  const lowerValue = sorted[lower] as number;
  const upperValue = sorted[Math.min(lower + 1, sorted.length - 1)] as number;
  return lowerValue + (position - lower) * (upperValue - lowerValue);
}

/** True when `job` was queued before `subject` (submit time, then numeric job id). */
function submittedBefore(job: QueuedJob, subject: QueuedJob): boolean {
  if (job.submitTimeMs !== subject.submitTimeMs) return job.submitTimeMs < subject.submitTimeMs;
  return Number(job.jobId) < Number(subject.jobId);
}

/**
 * Features of the queue at `atMs`, as a live observer sees it (counts exclude the subject itself):
 * - `pendingJobsAhead` / `pendingProcessorsAhead` / `pendingGpusAhead`: pending jobs queued before
 *   the subject (for a specification: every pending job), their CPUs and GPUs;
 * - `runningJobs` / `processorsInUse` / `gpusInUse`: running jobs and what they hold;
 * - `requestedProcessors` / `requestedGpus` / `requestedTimeSeconds` (0 when unknown or unlimited);
 * - `userPendingJobs`: pending jobs ahead from the subject's user (0 without a user);
 * - `hourOfDay` (0–23, UTC) and `dayOfWeek` (0 = Sunday) of `atMs`;
 * - `recentWaitMedianSeconds` / `recentWaitP90Seconds`: waits (start − submit) of the last
 *   {@link DEFAULT_RECENT_WAIT_WINDOW} jobs to start by `atMs` (0 when none), type-7 quantiles;
 * - `jobsStartedLastHour`: starts in (atMs − {@link RECENT_STARTS_SPAN_SECONDS}, atMs];
 * - `totalGpus` and `gpuUtilisation` = gpusInUse / totalGpus (0 without GPUs).
 * A queued subject missing from `jobs` counts as a specification-less job requesting nothing.
 * Cost O(n log n) for the recent-wait sort.
 */
export function queueFeatures(request: QueueFeatureRequest): Record<string, number> {
  const { jobs, atMs, totalGpus } = request;
  const subject = request.subject;
  const subjectJob = subject?.kind === 'queued' ? jobs.find((job) => job.jobId === subject.jobId) : undefined;
  const subjectUser = subject?.kind === 'queued' ? (subjectJob?.user ?? '') : (subject?.user ?? '');
  const others = subject?.kind === 'queued' ? jobs.filter((job) => job.jobId !== subject.jobId) : jobs;

  let pendingJobsAhead = 0;
  let pendingProcessorsAhead = 0;
  let pendingGpusAhead = 0;
  let userPendingJobs = 0;
  let runningJobs = 0;
  let processorsInUse = 0;
  let gpusInUse = 0;
  for (const job of others) {
    if (job.state === 'pending') {
      if (subjectJob !== undefined && !submittedBefore(job, subjectJob)) continue;
      pendingJobsAhead += 1;
      pendingProcessorsAhead += job.requestedCpus;
      pendingGpusAhead += job.requestedGpus;
      if (subjectUser !== '' && job.user === subjectUser) userPendingJobs += 1;
    } else if (job.state === 'running') {
      runningJobs += 1;
      processorsInUse += job.requestedCpus;
      gpusInUse += job.requestedGpus;
    }
  }

  const startedWaitsSeconds = others
    .filter((job) => job.startTimeMs !== null && job.startTimeMs <= atMs)
    .sort((left, right) => (left.startTimeMs as number) - (right.startTimeMs as number))
    .slice(-DEFAULT_RECENT_WAIT_WINDOW)
    .map((job) => ((job.startTimeMs as number) - job.submitTimeMs) / MS_PER_SECOND)
    .sort((left, right) => left - right);
  const hourAgoMs = atMs - RECENT_STARTS_SPAN_SECONDS * MS_PER_SECOND;
  const jobsStartedLastHour = others.filter((job) => job.startTimeMs !== null && job.startTimeMs > hourAgoMs && job.startTimeMs <= atMs).length;

  const requested = requestedResources(subject, subjectJob);
  const date = new Date(atMs);
  return {
    pendingJobsAhead,
    pendingProcessorsAhead,
    pendingGpusAhead,
    runningJobs,
    processorsInUse,
    gpusInUse,
    requestedProcessors: requested.processors,
    requestedGpus: requested.gpus,
    requestedTimeSeconds: requested.timeSeconds,
    userPendingJobs,
    hourOfDay: date.getUTCHours(),
    dayOfWeek: date.getUTCDay(),
    recentWaitMedianSeconds: startedWaitsSeconds.length === 0 ? 0 : quantileType7(startedWaitsSeconds, MEDIAN),
    recentWaitP90Seconds: startedWaitsSeconds.length === 0 ? 0 : quantileType7(startedWaitsSeconds, P90),
    jobsStartedLastHour,
    totalGpus,
    gpuUtilisation: totalGpus > 0 ? gpusInUse / totalGpus : 0,
  };
}

const MILLICORES_PER_CPU = 1_000;
const SECONDS_PER_MINUTE = 60;

function requestedResources(subject: FeatureSubject | undefined, subjectJob: QueuedJob | undefined): { processors: number; gpus: number; timeSeconds: number } {
  if (subject?.kind === 'spec') {
    const { spec } = subject;
    return {
      processors: spec.cpuMillicores === undefined ? 0 : spec.cpuMillicores / MILLICORES_PER_CPU,
      gpus: spec.gpus,
      timeSeconds: spec.estimatedDurationMinutes === undefined ? 0 : spec.estimatedDurationMinutes * SECONDS_PER_MINUTE,
    };
  }
  if (subjectJob === undefined) return { processors: 0, gpus: 0, timeSeconds: 0 };
  return { processors: subjectJob.requestedCpus, gpus: subjectJob.requestedGpus, timeSeconds: subjectJob.timeLimitSeconds ?? 0 };
}
