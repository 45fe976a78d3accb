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

export interface CaptureTickResult {
  readonly predicted: readonly { readonly jobId: string; readonly probability: number; readonly features: Readonly<Record<string, number | string>> }[];
  readonly outcomes: readonly { readonly jobId: string; readonly waitSeconds: number; readonly status: 'recorded' | 'duplicate' }[];
  readonly censored: readonly { readonly jobId: string; readonly waitedAtLeastSeconds: number; readonly recordedAsLongWait: boolean }[];
  readonly adopted: readonly string[];
}

/**
 * The features of `job` at its submit instant, reconstructed from the listing it was first seen in
 * (`state`) and `departedRunning`: jobs running at the previous poll that are gone from this
 * listing (they ended between the polls; whether before or after the submit instant is unknown,
 * so they count as running when they had started by then).
 */
export function submitInstantFeatures(state: ClusterState, job: QueuedJob, departedRunning: readonly QueuedJob[] = []): Record<string, number> {
  return liveQueueFeatures({ jobs: [...state.jobs, ...departedRunning], totalGpus: state.totalGpus, atMs: job.submitTimeMs, subject: { kind: 'queued', jobId: job.jobId } });
}

/**
 * Processes one listing. Throws what the learning loop throws (e.g. UnknownClusterError for an
 * unregistered cluster, storage failures); the tracker is only advanced past a listing that was
 * fully processed, so the next poll retries what failed.
 */
export async function captureTick(deps: LearningDeps, tracker: CaptureTracker, state: ClusterState): Promise<CaptureTickResult> {
  const predicted: CaptureTickResult['predicted'][number][] = [];
  const outcomes: CaptureTickResult['outcomes'][number][] = [];
  const censored: CaptureTickResult['censored'][number][] = [];
  const adopted: string[] = [];
  const listed = new Set<string>();
  const ordered = [...state.jobs].sort((left, right) => left.submitTimeMs - right.submitTimeMs || Number(left.jobId) - Number(right.jobId));
  const listedNow = new Set(state.jobs.map((job) => job.jobId));
  const departedRunning = tracker.previousRunning.filter((job) => !listedNow.has(job.jobId));

  for (const job of ordered) {
    listed.add(job.jobId);
    let tracked = tracker.jobs.get(job.jobId);
    if (tracked === undefined) {
      const newSince = Math.floor(tracker.lastObservedAtMs / SUBMIT_TIME_RESOLUTION_MS) * SUBMIT_TIME_RESOLUTION_MS;
      if (job.submitTimeMs >= newSince) {
        const features = submitInstantFeatures(state, job, departedRunning);
        const probability = await predictOnce(deps, tracker.clusterId, job.jobId, features, state.observedAtMs);
        if (probability !== null) predicted.push({ jobId: job.jobId, probability, features });
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
      const status = await recordOnce(deps, tracker.clusterId, job.jobId, waitSeconds, undefined, state.observedAtMs);
      if (status !== null) outcomes.push({ jobId: job.jobId, waitSeconds, status });
      tracked.resolved = true;
    } else if (job.state !== 'pending' && job.state !== 'running') {
      // It left the queue at its end time (when known), not when we noticed.
      const leftQueueMs = job.endTimeMs ?? previouslySeenMs;
      censored.push(await censor(deps, tracker.clusterId, job.jobId, (leftQueueMs - job.submitTimeMs) / MS_PER_SECOND, state.observedAtMs));
      tracked.resolved = true;
    }
  }

  for (const [jobId, tracked] of tracker.jobs) {
    if (listed.has(jobId)) continue;
    // Gone from the listing: a pending job withdrawn between polls is censored at its last sighting.
    if (!tracked.resolved) {
      censored.push(await censor(deps, tracker.clusterId, jobId, (tracked.lastSeenMs - tracked.submitTimeMs) / MS_PER_SECOND, state.observedAtMs));
    }
    tracker.jobs.delete(jobId);
  }
  tracker.lastObservedAtMs = Math.max(tracker.lastObservedAtMs, state.observedAtMs);
  tracker.previousRunning = state.jobs.filter((job) => job.state === 'running');
  for (const entry of predicted) deps.logger.info('capture.predicted', { clusterId: tracker.clusterId, jobId: entry.jobId, probability: entry.probability });
  for (const entry of outcomes) deps.logger.info('capture.outcome', { clusterId: tracker.clusterId, ...entry });
  for (const entry of censored) deps.logger.info('capture.censored', { clusterId: tracker.clusterId, ...entry });
  return { predicted, outcomes, censored, adopted };
}

async function predictOnce(deps: LearningDeps, clusterId: string, jobId: string, features: Record<string, number>, nowMs: number): Promise<number | null> {
  try {
    const result = await predictJob(deps, { clusterId, jobId, features, nowMs });
    return result.prediction.probability;
  } catch (error) {
    // Predicted before a restart: the stored prediction stands.
    if (error instanceof DuplicateError) return null;
    throw error;
  }
}

async function recordOnce(deps: LearningDeps, clusterId: string, jobId: string, waitSeconds: number, longWait: boolean | undefined, nowMs: number): Promise<'recorded' | 'duplicate' | null> {
  try {
    const response = await recordJobOutcome(deps, { clusterId, jobId, waitSeconds, nowMs, ...(longWait === undefined ? {} : { longWait }) });
    return response.result.status;
  } catch (error) {
    // An adopted job nobody predicted: no prediction to join the outcome to.
    if (error instanceof UnknownJobError) return null;
    throw error;
  }
}

async function censor(deps: LearningDeps, clusterId: string, jobId: string, waitedAtLeastSeconds: number, nowMs: number): Promise<CaptureTickResult['censored'][number]> {
  const waited = Math.max(0, waitedAtLeastSeconds);
  const threshold = (await deps.store.getProfile(clusterId))?.longWaitThresholdSeconds ?? null;
  if (threshold !== null && waited > threshold) {
    const status = await recordOnce(deps, clusterId, jobId, waited, true, nowMs);
    return { jobId, waitedAtLeastSeconds: waited, recordedAsLongWait: status !== null };
  }
  return { jobId, waitedAtLeastSeconds: waited, recordedAsLongWait: false };
}
