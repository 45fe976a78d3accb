/**
 * Submit-instant features from a live queue listing, named and defined like the trace replay's
 * {@link SNAPSHOT_FEATURES} (src/core/traces/queue-state.ts) so the same models apply to both.
 *
 * A live listing is taken at or after the instant the features are for (a poller sees a job up to
 * one poll after its submission), so the state AT that instant is reconstructed from what the
 * listing reveals — never read off the listing as it stands (that would be look-ahead):
 * - a job submitted after the subject was not there yet;
 * - a job with `startTimeMs` > the instant was still pending then, whatever it is now;
 * - a job that ended (`endTimeMs`) at or before the instant was gone; one that ended after it
 *   was still running (or, never started, still pending);
 * - a job that finished but whose end time is unknown is taken as gone (nothing says otherwise);
 * - a job that ended between the instant and the listing and is no longer listed is invisible
 *   here: the caller adds it from an earlier listing (see `submit-capture.ts`).
 * Pure: the instant and the jobs arrive as arguments.
 */
import { quantileOfSorted } from '../metrics/quantile-of-sorted.ts';
import {
  DEFAULT_RECENT_WAIT_WINDOW,
  RECENT_STARTS_SPAN_SECONDS,
  RECENT_WAIT_QUANTILES,
  type SnapshotFeature,
} from '../traces/queue-state.ts';

/** Extra features beyond SNAPSHOT_FEATURES that a live collector can also report. */
export const LIVE_EXTRA_FEATURES = ['totalGpus', 'gpuUtilisation'] as const;
export type LiveExtraFeature = (typeof LIVE_EXTRA_FEATURES)[number];

/** Every feature {@link liveQueueFeatures} returns: the snapshot names plus the live extras. */
export type LiveQueueFeatures = Record<SnapshotFeature | LiveExtraFeature, number>;

/** A job as a live listing reports it (the Observer's `QueuedJob` fits this shape). */
export interface LiveJob {
  readonly jobId: string;
  readonly user: string;
  readonly state: 'pending' | 'running' | 'completed' | 'cancelled' | 'failed' | 'other';
  /** Epoch ms. */
  readonly submitTimeMs: number;
  /** Epoch ms; null while it has not started (or never did). */
  readonly startTimeMs: number | null;
  readonly requestedGpus: number;
  readonly requestedCpus: number;
  readonly timeLimitSeconds: number | null;
  /** When a finished job ended or left the queue, epoch ms; null/absent while queued or running, or unknown. */
  readonly endTimeMs?: number | null;
}

/** What a job not yet in the listing asks for (0 when unknown or unlimited). */
export interface RequestedResources {
  readonly processors: number;
  readonly gpus: number;
  readonly timeSeconds: number;
}

/** The job the features are for: a job already in the listing, or a request not yet submitted. */
export type LiveFeatureSubject =
  | { readonly kind: 'queued'; readonly jobId: string }
  | { readonly kind: 'request'; readonly request: RequestedResources; readonly user?: string };

export interface LiveQueueFeatureRequest {
  readonly jobs: readonly LiveJob[];
  /** GPUs of the nodes that can run jobs. */
  readonly totalGpus: number;
  /** The instant, epoch ms: a queued subject's submit time, else the observation time. */
  readonly atMs: number;
  readonly subject?: LiveFeatureSubject;
}

const MS_PER_SECOND = 1_000;

/** Where a job stood at the instant. */
const STANDING = { absent: 0, pending: 1, running: 2, gone: 3 } as const;
type Standing = (typeof STANDING)[keyof typeof STANDING];

/** True when `job` was queued before `subject`: submit time, then numeric job id (the replay's order). */
function submittedBefore(job: LiveJob, subject: LiveJob): boolean {
  if (job.submitTimeMs !== subject.submitTimeMs) return job.submitTimeMs < subject.submitTimeMs;
  return Number(job.jobId) < Number(subject.jobId);
}

/** Where `job` (already known to be queued before the subject) stood at `atMs`. */
function standingAt(job: LiveJob, atMs: number): Standing {
  const finished = job.state !== 'pending' && job.state !== 'running';
  const endTimeMs = job.endTimeMs ?? null;
  // A finished job is gone once it ended; with its end unknown nothing says it was still there.
  const endedByThen = finished && (endTimeMs === null || endTimeMs <= atMs);
  if (job.startTimeMs !== null && job.startTimeMs <= atMs) return endedByThen ? STANDING.gone : STANDING.running;
  // Not started by then (pending now, started later, or withdrawn without starting).
  if (finished && job.startTimeMs === null && endedByThen) return STANDING.gone;
  return STANDING.pending;
}

/**
 * Features of the queue at `atMs` (epoch ms), counts excluding the subject itself:
 * - `pendingJobsAhead` / `pendingProcessorsAhead` / `pendingGpusAhead`: jobs queued before the
 *   subject (for a request, or without a subject: submitted by `atMs`) and not started by `atMs`;
 * - `runningJobs` / `processorsInUse` / `gpusInUse`: jobs started by `atMs` and not ended by it;
 * - `requestedProcessors` / `requestedGpus` / `requestedTimeSeconds` (0 when unknown or unlimited;
 *   a queued subject missing from `jobs` requests nothing);
 * - `userPendingJobs`: pending jobs ahead from the subject's user (0 without a user);
 * - `hourOfDay` (0–23, UTC) and `dayOfWeek` (0 = Sunday) of `atMs`;
 * - `recentWaitMedianSeconds` / `recentWaitP90Seconds`: type-7 quantiles of the waits
 *   (start − submit, seconds) of the last {@link DEFAULT_RECENT_WAIT_WINDOW} jobs to start by
 *   `atMs` (0 when none);
 * - `jobsStartedLastHour`: starts in (atMs − {@link RECENT_STARTS_SPAN_SECONDS}, atMs];
 * - `totalGpus` and `gpuUtilisation` = gpusInUse / totalGpus (0 without GPUs).
 * Jobs queued after the subject count for nothing (the replay's tie rule: an event at the very
 * instant has happened only for jobs queued before). Never throws. O(n log n) for the wait sort.
 */
export function liveQueueFeatures(request: LiveQueueFeatureRequest): LiveQueueFeatures {
  const { jobs, atMs, totalGpus, subject } = request;
  const subjectJob = subject?.kind === 'queued' ? jobs.find((job) => job.jobId === subject.jobId) : undefined;
  const subjectUser = subject?.kind === 'queued' ? (subjectJob?.user ?? '') : (subject?.user ?? '');
  const queuedBefore = (job: LiveJob): boolean =>
    subjectJob === undefined ? job.submitTimeMs <= atMs : submittedBefore(job, subjectJob);
  const present = jobs.filter(
    (job) => !(subject?.kind === 'queued' && job.jobId === subject.jobId) && queuedBefore(job),
  );

  let pendingJobsAhead = 0;
  let pendingProcessorsAhead = 0;
  let pendingGpusAhead = 0;
  let userPendingJobs = 0;
  let runningJobs = 0;
  let processorsInUse = 0;
  let gpusInUse = 0;
  const started: LiveJob[] = [];
  for (const job of present) {
    const standing = standingAt(job, atMs);
    if (job.startTimeMs !== null && job.startTimeMs <= atMs) started.push(job);
    if (standing === STANDING.pending) {
      pendingJobsAhead += 1;
      pendingProcessorsAhead += job.requestedCpus;
      pendingGpusAhead += job.requestedGpus;
      if (subjectUser !== '' && job.user === subjectUser) userPendingJobs += 1;
    } else if (standing === STANDING.running) {
      runningJobs += 1;
      processorsInUse += job.requestedCpus;
      gpusInUse += job.requestedGpus;
    }
  }

  const startedWaitsSeconds = started
    .sort((left, right) => (left.startTimeMs as number) - (right.startTimeMs as number))
    .slice(-DEFAULT_RECENT_WAIT_WINDOW)
    .map((job) => ((job.startTimeMs as number) - job.submitTimeMs) / MS_PER_SECOND)
    .sort((left, right) => left - right);
  const hourAgoMs = atMs - RECENT_STARTS_SPAN_SECONDS * MS_PER_SECOND;
  const jobsStartedLastHour = started.filter((job) => (job.startTimeMs as number) > hourAgoMs).length;

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
    recentWaitMedianSeconds:
      startedWaitsSeconds.length === 0 ? 0 : quantileOfSorted(startedWaitsSeconds, RECENT_WAIT_QUANTILES.median),
    recentWaitP90Seconds:
      startedWaitsSeconds.length === 0 ? 0 : quantileOfSorted(startedWaitsSeconds, RECENT_WAIT_QUANTILES.p90),
    jobsStartedLastHour,
    totalGpus,
    gpuUtilisation: totalGpus > 0 ? gpusInUse / totalGpus : 0,
  };
}

const NOTHING_REQUESTED: RequestedResources = { processors: 0, gpus: 0, timeSeconds: 0 };

function requestedResources(
  subject: LiveFeatureSubject | undefined,
  subjectJob: LiveJob | undefined,
): RequestedResources {
  if (subject?.kind === 'request') return subject.request;
  if (subjectJob === undefined) return NOTHING_REQUESTED;
  return {
    processors: subjectJob.requestedCpus,
    gpus: subjectJob.requestedGpus,
    timeSeconds: subjectJob.timeLimitSeconds ?? 0,
  };
}
