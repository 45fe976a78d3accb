/**
 * Submit-time capture: turns successive queue listings into predictions at each job's submit
 * instant and outcomes when jobs start — the learning loop's live feed.
 *
 * Each poll's ClusterState is diffed against what was seen before:
 * - a job first seen with a submit time after the previous poll was requested (or capture began) is a
 *   new submission: it is predicted from the state AT its submit instant, reconstructed from the
 *   listing (jobs that started after it are pending ahead, jobs that ended before it are gone —
 *   see `liveQueueFeatures`) plus the previous listing's running jobs that have since left the
 *   listing (they ended between the polls, possibly after the submit instant)
 *   (the VGAC research found that 30 s snapshots invert the sign of the key correlation, so poll
 *   often: default every {@link DEFAULT_CAPTURE_INTERVAL_MS} ms);
 * - a job with a start time is the outcome: wait = start − submit → `recordJobOutcome`
 *   (idempotent by job id, so a restart never counts one twice);
 * - a job cancelled (or failed, or gone from the listing) while still pending is censored: its
 *   wait is only known to exceed what it waited. It is never recorded as a short wait; when it
 *   already waited beyond the cluster's long-wait threshold its label is certain and is recorded
 *   as a long wait.
 * Jobs already queued when capture began are adopted: not predicted (their submit-time state was
 * not seen), but a prediction stored before a restart still gets its outcome.
 */
import { DuplicateError, UnknownJobError } from '../errors.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import { predictJob } from '../learning/predict-job.ts';
import { recordJobOutcome } from '../learning/record-outcome.ts';
import type { ClusterState, QueuedJob } from '../records/queue.ts';
import { liveQueueFeatures } from '../../core/features/live-queue-features.ts';
import { compareJobIds } from '../../core/traces/compare-job-ids.ts';

export const DEFAULT_CAPTURE_INTERVAL_MS = 5_000;
/** Slurm reports submit times in whole seconds: a job submitted in the second a poll began may carry an earlier time. */
export const SUBMIT_TIME_RESOLUTION_MS = 1_000;

const MS_PER_SECOND = 1_000;

interface TrackedJob {
  readonly submitTimeMs: number;
  /** Predicted by this capture (false: adopted, queued before capture began). */
  readonly predicted: boolean;
  /** Outcome recorded or censoring decided: nothing more to do. */
  resolved: boolean;
  lastSeenMs: number;
}

/** What capture remembers between polls (in memory; the store makes restarts safe). */
export interface CaptureTracker {
  readonly clusterId: string;
  readonly jobs: Map<string, TrackedJob>;
  /** Untracked jobs submitted at or after this instant (to the second) are new: when the previous listing was requested. */
  lastObservedAtMs: number;
  /** The previous listing's running jobs: one that is gone from the next listing ended between the polls. */
  previousRunning: readonly QueuedJob[];
}

/** A tracker for a capture that begins at `startedAtMs` (epoch ms). */
export function createCaptureTracker(clusterId: string, startedAtMs: number): CaptureTracker {
  return { clusterId, jobs: new Map(), lastObservedAtMs: startedAtMs, previousRunning: [] };
}

/** A departure's verdict: recorded as a long wait, or left unlabelled (`duplicate` when an earlier delivery recorded it). */
export interface CensoredJob {
  readonly jobId: string;
  readonly waitedAtLeastSeconds: number;
  readonly recordedAsLongWait: boolean;
  readonly duplicate?: true;
}

export interface CaptureTickResult {
  readonly predicted: readonly {
    readonly jobId: string;
    readonly probability: number;
    readonly features: Readonly<Record<string, number | string>>;
  }[];
  readonly outcomes: readonly {
    readonly jobId: string;
    readonly waitSeconds: number;
    readonly status: 'recorded' | 'duplicate';
  }[];
  readonly censored: readonly CensoredJob[];
  readonly adopted: readonly string[];
}

/**
 * The features of `job` at its submit instant, reconstructed from the listing it was first seen in
 * (`state`) and `departedRunning`: jobs running at the previous poll that are gone from this
 * listing (they ended between the polls; whether before or after the submit instant is unknown,
 * so they count as running when they had started by then).
 */
export function submitInstantFeatures(
  state: ClusterState,
  job: QueuedJob,
  departedRunning: readonly QueuedJob[] = [],
): Record<string, number> {
  return liveQueueFeatures({
    jobs: [...state.jobs, ...departedRunning],
    totalGpus: state.totalGpus,
    atMs: job.submitTimeMs,
    subject: { kind: 'queued', jobId: job.jobId },
  });
}

/** A job seen for the first time with a submit time after the previous listing was requested. */
export interface SubmittedJob {
  readonly jobId: string;
  readonly submitTimeMs: number;
  /** Its queue's features at the submit instant ({@link submitInstantFeatures}). */
  readonly features: Readonly<Record<string, number>>;
  /** When the listing it was first seen in was requested (epoch ms). */
  readonly observedAtMs: number;
}

/** A tracked job that has a start time: its wait is known. */
export interface StartedJob {
  readonly jobId: string;
  readonly submitTimeMs: number;
  readonly startTimeMs: number;
  readonly waitSeconds: number;
  readonly observedAtMs: number;
}

/** A tracked job that left the queue (cancelled, failed, or gone from the listing) without starting: censored. */
export interface LeftJob {
  readonly jobId: string;
  readonly submitTimeMs: number;
  /** Its end time when Slurm reports one, else when it was last seen queued (epoch ms). */
  readonly leftAtMs: number;
  /** ≥ 0: the wait is only known to exceed this. */
  readonly waitedAtLeastSeconds: number;
  readonly observedAtMs: number;
}

/**
 * What a queue transition is handed to: the local capture predicts and records at once
 * ({@link captureTick}); `vgac agent` appends it to its spool for the API. A handler that throws
 * leaves that job untracked (a new job) or unresolved (a start or departure), so the next listing
 * hands it over again.
 */
export interface TransitionHandler {
  submitted(job: SubmittedJob): Promise<void>;
  started(job: StartedJob): Promise<void>;
  left(job: LeftJob): Promise<void>;
}

/**
 * Diffs one listing against the tracker and hands each transition to `handler`, in submit order
 * (a job's submission before its start). Returns the jobs adopted: already queued when the
 * tracker began, so not predicted, though their starts are still handed over (a prediction stored
 * before a restart gets its outcome). The tracker is advanced past the listing only when every
 * handler call succeeded.
 */
export async function followListing(
  tracker: CaptureTracker,
  state: ClusterState,
  handler: TransitionHandler,
): Promise<{ readonly adopted: readonly string[] }> {
  const adopted: string[] = [];
  const listed = new Set<string>();
  const ordered = [...state.jobs].sort(
    (left, right) => left.submitTimeMs - right.submitTimeMs || compareJobIds(left.jobId, right.jobId),
  );
  const listedNow = new Set(state.jobs.map((job) => job.jobId));
  const departedRunning = tracker.previousRunning.filter((job) => !listedNow.has(job.jobId));

  for (const job of ordered) {
    listed.add(job.jobId);
    let tracked = tracker.jobs.get(job.jobId);
    if (tracked === undefined) {
      const newSince = Math.floor(tracker.lastObservedAtMs / SUBMIT_TIME_RESOLUTION_MS) * SUBMIT_TIME_RESOLUTION_MS;
      if (job.submitTimeMs >= newSince) {
        await handler.submitted({
          jobId: job.jobId,
          submitTimeMs: job.submitTimeMs,
          features: submitInstantFeatures(state, job, departedRunning),
          observedAtMs: state.observedAtMs,
        });
        tracked = { submitTimeMs: job.submitTimeMs, predicted: true, resolved: false, lastSeenMs: state.observedAtMs };
      } else {
        adopted.push(job.jobId);
        tracked = { submitTimeMs: job.submitTimeMs, predicted: false, resolved: false, lastSeenMs: state.observedAtMs };
      }
      tracker.jobs.set(job.jobId, tracked);
    }
    const previouslySeenMs = tracked.lastSeenMs;
    tracked.lastSeenMs = state.observedAtMs;
    if (tracked.resolved) continue;

    if (job.startTimeMs !== null) {
      const waitSeconds = Math.max(0, (job.startTimeMs - job.submitTimeMs) / MS_PER_SECOND);
      await handler.started({
        jobId: job.jobId,
        submitTimeMs: job.submitTimeMs,
        startTimeMs: job.startTimeMs,
        waitSeconds,
        observedAtMs: state.observedAtMs,
      });
      tracked.resolved = true;
    } else if (job.state !== 'pending' && job.state !== 'running') {
      // It left the queue at its end time (when known), not when we noticed.
      const leftAtMs = job.endTimeMs ?? previouslySeenMs;
      await handler.left({
        jobId: job.jobId,
        submitTimeMs: job.submitTimeMs,
        leftAtMs,
        waitedAtLeastSeconds: Math.max(0, (leftAtMs - job.submitTimeMs) / MS_PER_SECOND),
        observedAtMs: state.observedAtMs,
      });
      tracked.resolved = true;
    }
  }

  for (const [jobId, tracked] of tracker.jobs) {
    if (listed.has(jobId)) continue;
    // Gone from the listing: a pending job withdrawn between polls is censored at its last sighting.
    if (!tracked.resolved) {
      await handler.left({
        jobId,
        submitTimeMs: tracked.submitTimeMs,
        leftAtMs: tracked.lastSeenMs,
        waitedAtLeastSeconds: Math.max(0, (tracked.lastSeenMs - tracked.submitTimeMs) / MS_PER_SECOND),
        observedAtMs: state.observedAtMs,
      });
    }
    tracker.jobs.delete(jobId);
  }
  tracker.lastObservedAtMs = Math.max(tracker.lastObservedAtMs, state.observedAtMs);
  tracker.previousRunning = state.jobs.filter((job) => job.state === 'running');
  return { adopted };
}

/**
 * Processes one listing: predicts each new submission at its submit instant, records each start
 * as its outcome, and censors each departure. Throws what the learning loop throws (e.g.
 * UnknownClusterError for an unregistered cluster, storage failures); the tracker is only advanced
 * past a listing that was fully processed, so the next poll retries what failed.
 */
export async function captureTick(
  deps: LearningDeps,
  tracker: CaptureTracker,
  state: ClusterState,
): Promise<CaptureTickResult> {
  const predicted: CaptureTickResult['predicted'][number][] = [];
  const outcomes: CaptureTickResult['outcomes'][number][] = [];
  const censored: CaptureTickResult['censored'][number][] = [];
  const { adopted } = await followListing(tracker, state, {
    async submitted(job) {
      const probability = await predictSubmission(deps, tracker.clusterId, job);
      if (probability !== null) predicted.push({ jobId: job.jobId, probability, features: job.features });
    },
    async started(job) {
      const status = await recordStart(deps, tracker.clusterId, job);
      if (status !== null) outcomes.push({ jobId: job.jobId, waitSeconds: job.waitSeconds, status });
    },
    async left(job) {
      censored.push(await censorDeparture(deps, tracker.clusterId, job));
    },
  });
  for (const entry of predicted)
    deps.logger.info('capture.predicted', {
      clusterId: tracker.clusterId,
      jobId: entry.jobId,
      probability: entry.probability,
    });
  for (const entry of outcomes) deps.logger.info('capture.outcome', { clusterId: tracker.clusterId, ...entry });
  for (const entry of censored) deps.logger.info('capture.censored', { clusterId: tracker.clusterId, ...entry });
  return { predicted, outcomes, censored, adopted };
}

/**
 * Stores the prediction of a submission (at `observedAtMs`, with its submit-instant features).
 * The issued probability, or null when the job already had one (predicted before a restart, or a
 * repeated delivery: the stored prediction stands, one conditional write per job).
 */
export async function predictSubmission(
  deps: LearningDeps,
  clusterId: string,
  job: Pick<SubmittedJob, 'jobId' | 'features' | 'observedAtMs'>,
): Promise<number | null> {
  return predictOnce(deps, clusterId, job.jobId, { ...job.features }, job.observedAtMs);
}

/** Records a start as its outcome: `recorded`, `duplicate` (already recorded), or null when nobody predicted the job. */
export async function recordStart(
  deps: LearningDeps,
  clusterId: string,
  job: Pick<StartedJob, 'jobId' | 'waitSeconds' | 'observedAtMs'>,
): Promise<'recorded' | 'duplicate' | null> {
  return recordOnce(deps, clusterId, job.jobId, job.waitSeconds, job.observedAtMs);
}

/**
 * Censors a departure: never a short wait; recorded as a long wait when it had already waited
 * beyond the cluster's long-wait threshold (a repeated delivery finds it recorded: `duplicate`).
 */
export async function censorDeparture(
  deps: LearningDeps,
  clusterId: string,
  job: Pick<LeftJob, 'jobId' | 'waitedAtLeastSeconds' | 'observedAtMs'>,
): Promise<CensoredJob> {
  return censor(deps, clusterId, job.jobId, job.waitedAtLeastSeconds, job.observedAtMs);
}

async function predictOnce(
  deps: LearningDeps,
  clusterId: string,
  jobId: string,
  features: Record<string, number>,
  nowMs: number,
): Promise<number | null> {
  try {
    const result = await predictJob(deps, { clusterId, jobId, features, nowMs });
    return result.prediction.probability;
  } catch (error) {
    // Predicted before a restart: the stored prediction stands.
    if (error instanceof DuplicateError) return null;
    throw error;
  }
}

async function recordOnce(
  deps: LearningDeps,
  clusterId: string,
  jobId: string,
  waitSeconds: number,
  nowMs: number,
): Promise<'recorded' | 'duplicate' | null> {
  try {
    const response = await recordJobOutcome(deps, { clusterId, jobId, waitSeconds, nowMs });
    return response.result.status;
  } catch (error) {
    // An adopted job nobody predicted: no prediction to join the outcome to.
    if (error instanceof UnknownJobError) return null;
    throw error;
  }
}

async function censor(
  deps: LearningDeps,
  clusterId: string,
  jobId: string,
  waitedAtLeastSeconds: number,
  nowMs: number,
): Promise<CensoredJob> {
  const waited = Math.max(0, waitedAtLeastSeconds);
  const threshold = (await deps.calibration.current(clusterId))?.longWaitThresholdSeconds ?? null;
  // A job that left the queue after waiting past the threshold is a long wait whatever it would have waited.
  if (threshold !== null && waited > threshold) {
    const status = await recordOnce(deps, clusterId, jobId, waited, nowMs);
    return {
      jobId,
      waitedAtLeastSeconds: waited,
      recordedAsLongWait: status !== null,
      ...(status === 'duplicate' ? { duplicate: true } : {}),
    };
  }
  return { jobId, waitedAtLeastSeconds: waited, recordedAsLongWait: false };
}
