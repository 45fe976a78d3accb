/**
 * Everything about one submitted job (gather → decide → answer; nothing stored, nothing done):
 * - its request and state from its scheduler (JobLookup), or — where no scheduler is reachable or
 *   configured — from its stored prediction;
 * - its forecast at its submit instant (the stored prediction, as issued) and now: a fresh what-if
 *   on the current queue state, the job's own elapsed pending time counted (the jobs ahead of it
 *   are those queued before it and still pending now);
 * - Slurm's pending reason in plain words and its priority rank in its partition;
 * - optionally, nearby alternatives that might start sooner, each forecast the same way and
 *   ranked by expected start, only on partitions the cluster offers.
 * Forecasts are read through forecast-view.ts only.
 */
import { liveQueueFeatures, type LiveJob, type RequestedResources } from '../../core/features/live-queue-features.ts';
import type { ActionScope } from '../../core/gating/gate-config.ts';
import { pendingReasonText, type PendingReasonText } from '../../core/jobs/pending-reason.ts';
import type { PriorityRank } from '../../core/jobs/priority-rank.ts';
import {
  nearbyAlternatives,
  rankByExpectedStart,
  type Alternative,
  type JobRequestShape,
} from '../../core/jobs/what-if-alternatives.ts';
import { AuthError, JobNotFoundError, SourceUnavailableError, UnknownClusterError } from '../errors.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import { predictJob } from '../learning/predict-job.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { JobLookup } from '../ports/job-lookup.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { JobDetails } from '../records/job-details.ts';
import type { ClusterState, QueuedJob } from '../records/queue.ts';
import { forecastViewOf, type ForecastView } from './forecast-view.ts';

/** What a job forecast reads: the learning loop (calibration, predictions, model), the queue, and the cluster's scheduler when there is one. */
export interface JobForecastDeps {
  readonly learning: Pick<
    LearningDeps,
    'calibration' | 'predictions' | 'bundles' | 'cache' | 'gate' | 'policy' | 'settings' | 'logger'
  >;
  readonly observer: ClusterObserver;
  /** The scheduler of a cluster, when one is reachable from here; undefined → the prediction log only. */
  readonly jobLookup: (clusterId: string) => JobLookup | undefined;
}

export interface JobForecastRequest {
  readonly clusterId: string;
  readonly jobId: string;
  readonly nowMs: number;
  /** Also forecast nearby alternatives (fewer GPUs, a shorter limit, another partition). */
  readonly alternatives?: boolean;
}

/** An alternative request with its fresh forecast ("if submitted now"). */
export interface ForecastAlternative extends Alternative {
  readonly forecast: ForecastView;
}

export interface JobForecast {
  readonly clusterId: string;
  readonly jobId: string;
  /** Where the job's request and state came from. */
  readonly source: 'scheduler' | 'prediction_log';
  /** Why the scheduler was not asked or did not answer (null when it answered). */
  readonly schedulerNote: string | null;
  /** The scheduler's state; from the prediction log only `started` (an outcome was recorded) or `unknown`. */
  readonly state: QueuedJob['state'] | 'started' | 'unknown';
  readonly partition: string | null;
  readonly requestedGpus: number | null;
  readonly timeLimitSeconds: number | null;
  readonly submitTimeMs: number | null;
  readonly startTimeMs: number | null;
  /** Seconds pending so far (pending jobs), or waited (started jobs); null when unknown. */
  readonly pendingSeconds: number | null;
  readonly reason: PendingReasonText | null;
  readonly priorityRank: PriorityRank | null;
  /** The forecast stored when the job was submitted, as issued; null when it was never predicted. */
  readonly atSubmit: ForecastView | null;
  /** A fresh forecast from now (pending jobs whose queue could be observed), else null. */
  readonly now: ForecastView | null;
  /** The cluster's scope now: how far its forecasts are calibrated. */
  readonly scope: ActionScope;
  /** Alternatives ranked by expected start (earliest first); empty when none were asked or none fit. */
  readonly alternatives: readonly ForecastAlternative[];
  /** The job as it is, forecast like the alternatives (for comparison); null when no alternatives were computed. */
  readonly asIs: ForecastView | null;
}

const MS_PER_SECOND = 1_000;

/** What the scheduler says, or why it could not be asked. */
async function lookUp(
  lookup: JobLookup | undefined,
  jobId: string,
): Promise<{ details: JobDetails | undefined; note: string | null }> {
  if (lookup === undefined) return { details: undefined, note: 'no scheduler is reachable from here for this cluster' };
  try {
    return { details: await lookup.job(jobId), note: null };
  } catch (error) {
    if (error instanceof SourceUnavailableError || error instanceof AuthError)
      return { details: undefined, note: `the scheduler did not answer (${error.message})` };
    throw error;
  }
}

async function observed(observer: ClusterObserver, clusterId: string): Promise<ClusterState | null> {
  try {
    return await observer.observe(clusterId);
  } catch (error) {
    if (error instanceof SourceUnavailableError || error instanceof AuthError) return null;
    throw error;
  }
}

/** A fresh what-if (stored nowhere, logged nowhere) on `features` at `nowMs`. */
async function forecastNow(
  deps: JobForecastDeps,
  calibration: CalibrationRecord,
  clusterId: string,
  jobId: string,
  features: Record<string, number>,
  nowMs: number,
): Promise<ForecastView> {
  const result = await predictJob(deps.learning, {
    clusterId,
    jobId,
    features,
    nowMs,
    store: false,
    logDecision: false,
    calibration,
  });
  return forecastViewOf(result.prediction, nowMs);
}

/** The listing with `job` in it (the scheduler's own view of it wins over the listing's). */
function withJob(jobs: readonly QueuedJob[], job: QueuedJob): LiveJob[] {
  return [...jobs.filter((entry) => entry.jobId !== job.jobId), job];
}

/**
 * Features for "this request, submitted now": every job but the subject; pending jobs count only
 * in the option's own partition (another partition's queue is not ahead of it), running ones
 * everywhere (they hold the nodes partitions share).
 */
function requestFeatures(
  state: ClusterState,
  subject: QueuedJob,
  partition: string,
  request: RequestedResources,
  nowMs: number,
): Record<string, number> {
  const jobs = state.jobs.filter(
    (job) => job.jobId !== subject.jobId && (job.state !== 'pending' || job.partition === partition),
  );
  return liveQueueFeatures({
    jobs,
    totalGpus: state.totalGpus,
    atMs: nowMs,
    subject: { kind: 'request', request, user: subject.user },
  });
}

/**
 * The job's forecast (see the module comment). Throws UnknownClusterError for an unregistered
 * cluster, JobNotFoundError when neither the scheduler nor the prediction log knows the job, and
 * what the stores throw; an unreachable scheduler or queue is not an error (a note, and no fresh
 * forecast).
 */
export async function forecastJob(deps: JobForecastDeps, request: JobForecastRequest): Promise<JobForecast> {
  const { clusterId, jobId, nowMs } = request;
  const calibration = await deps.learning.calibration.current(clusterId);
  if (calibration === undefined) throw new UnknownClusterError(clusterId);
  const lookup = deps.jobLookup(clusterId);
  const [stored, looked] = await Promise.all([deps.learning.predictions.find(clusterId, jobId), lookUp(lookup, jobId)]);
  const details = looked.details;
  if (details === undefined && stored === undefined) throw new JobNotFoundError(clusterId, jobId);

  const job = details?.job;
  const submitTimeMs = job?.submitTimeMs ?? stored?.predictedAtMs ?? null;
  const atSubmit = stored === undefined ? null : forecastViewOf(stored, job?.submitTimeMs ?? stored.predictedAtMs);
  const startTimeMs = job?.startTimeMs ?? null;
  const storedWait = stored?.outcome?.waitSeconds;
  const pendingSeconds =
    job === undefined
      ? (storedWait ?? null)
      : startTimeMs !== null
        ? Math.max(0, (startTimeMs - job.submitTimeMs) / MS_PER_SECOND)
        : job.state === 'pending'
          ? Math.max(0, (nowMs - job.submitTimeMs) / MS_PER_SECOND)
          : null;

  let now: ForecastView | null = null;
  let asIs: ForecastView | null = null;
  let alternatives: ForecastAlternative[] = [];
  if (job !== undefined && job.state === 'pending') {
    const state = await observed(deps.observer, clusterId);
    if (state !== null) {
      const features = liveQueueFeatures({
        jobs: withJob(state.jobs, job),
        totalGpus: state.totalGpus,
        atMs: nowMs,
        subject: { kind: 'queued', jobId },
      });
      now = await forecastNow(deps, calibration, clusterId, jobId, features, nowMs);
      if (request.alternatives === true && lookup !== undefined) {
        const shape: JobRequestShape = {
          partition: job.partition,
          gpus: job.requestedGpus,
          timeLimitSeconds: job.timeLimitSeconds,
          account: details?.account ?? null,
        };
        const offers = await lookup.partitions();
        const resources = (option: JobRequestShape): RequestedResources => ({
          processors: job.requestedCpus,
          gpus: option.gpus,
          timeSeconds: option.timeLimitSeconds ?? 0,
        });
        asIs = await forecastNow(
          deps,
          calibration,
          clusterId,
          jobId,
          requestFeatures(state, job, shape.partition, resources(shape), nowMs),
          nowMs,
        );
        const forecast: ForecastAlternative[] = [];
        for (const alternative of nearbyAlternatives(shape, offers)) {
          const view = await forecastNow(
            deps,
            calibration,
            clusterId,
            jobId,
            requestFeatures(state, job, alternative.partition, resources(alternative), nowMs),
            nowMs,
          );
          forecast.push({ ...alternative, forecast: view });
        }
        alternatives = rankByExpectedStart(
          forecast.map((entry) => ({
            ...entry,
            expectedStartMs: entry.forecast.expectedStartMs,
            probability: entry.forecast.probabilityLongWait,
          })),
        ).map(({ expectedStartMs: _start, probability: _probability, ...entry }) => entry);
      }
    }
  }

  return {
    clusterId,
    jobId,
    source: details === undefined ? 'prediction_log' : 'scheduler',
    schedulerNote: looked.note,
    state: job?.state ?? (stored?.outcome === undefined ? 'unknown' : 'started'),
    partition: job?.partition ?? null,
    requestedGpus: job?.requestedGpus ?? numberFeature(stored?.features.requestedGpus),
    timeLimitSeconds: job?.timeLimitSeconds ?? numberFeature(stored?.features.requestedTimeSeconds),
    submitTimeMs,
    startTimeMs:
      startTimeMs ??
      (stored?.outcome === undefined || submitTimeMs === null
        ? null
        : submitTimeMs + Math.round(stored.outcome.waitSeconds * MS_PER_SECOND)),
    pendingSeconds,
    reason: job?.state === 'pending' ? pendingReasonText(job.reason) : null,
    // A place in the queue only means something while the job is in it.
    priorityRank: job?.state === 'pending' ? (details?.priorityRank ?? null) : null,
    atSubmit,
    now,
    scope: calibration.scope,
    alternatives,
    asIs,
  };
}

function numberFeature(value: number | string | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}
