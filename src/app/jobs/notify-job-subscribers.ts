/**
 * Run where the collector sees the queue change (after each listing): for every live
 * subscription of the cluster, a job that started gets its one "started" direct message and the
 * subscription is removed; a job that ended without starting (or left the listing) is removed;
 * a job still pending gets one "forecast moved" message the first time its fresh wait estimate
 * doubles or halves against the one its subscriber was told (core/jobs/forecast-moved.ts).
 * A pending job is forecast at most once per the throttle's interval (core/jobs/forecast-due.ts),
 * however often the collector polls, and once per check however many people wait for it; the
 * start is checked on every call, so the throttle never delays a "started" message.
 * Each message is claimed in the store before it is sent, so a retried or concurrent check never
 * sends it twice; a send that fails gives the claim back for the next check.
 */
import { humanDuration } from '../../core/agents/answer-text.ts';
import { liveQueueFeatures } from '../../core/features/live-queue-features.ts';
import { forecastDue } from '../../core/jobs/forecast-due.ts';
import { forecastMove, type ForecastMove } from '../../core/jobs/forecast-moved.ts';
import { predictJob } from '../learning/predict-job.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { ChatMessage, ChatReplies } from '../ports/chat-replies.ts';
import type { JobSubscriptionStore } from '../ports/job-subscription-store.ts';
import { JobNotice, type JobSubscription } from '../records/job-subscription.ts';
import type { ClusterState, QueuedJob } from '../records/queue.ts';
import { forecastViewOf, moveBasisSeconds, type ForecastView } from './forecast-view.ts';
import { calibrationCaveat, forecastPhrase } from './job-answer-text.ts';

export interface NotifySubscribersDeps {
  readonly learning: Pick<
    LearningDeps,
    'calibration' | 'predictions' | 'bundles' | 'cache' | 'gate' | 'policy' | 'settings' | 'logger'
  >;
  readonly subscriptions: JobSubscriptionStore;
  /** Where direct messages go (Slack's chat.postMessage to the user id). */
  readonly chat: ChatReplies;
  /** When each pending subscribed job was last forecast: one per collector loop, kept between its checks. */
  readonly forecasts: SubscriberForecastThrottle;
}

/**
 * What a collector loop remembers between two checks: when it last forecast each pending subscribed
 * job. In memory, per process (a restarted collector forecasts each job at its first check); it holds
 * only the jobs that still wait for a forecast (the others are dropped at each check of their cluster).
 */
export interface SubscriberForecastThrottle {
  /** The shortest time between two forecasts of one job, ms (0: every check). */
  readonly intervalMs: number;
  /** Epoch ms of the last forecast, by cluster and job id. */
  readonly lastForecastAtMs: Map<string, number>;
}

/** A fresh throttle (nothing forecast yet) with the given interval in ms. */
export function subscriberForecastThrottle(intervalMs: number): SubscriberForecastThrottle {
  return { intervalMs, lastForecastAtMs: new Map() };
}

const throttleKey = (clusterId: string, jobId: string): string => `${clusterId}\u0000${jobId}`;

export interface NotifySubscribersResult {
  readonly started: readonly { readonly jobId: string; readonly userId: string }[];
  readonly moved: readonly { readonly jobId: string; readonly userId: string; readonly move: ForecastMove }[];
  readonly removed: readonly { readonly jobId: string; readonly userId: string; readonly why: 'started' | 'ended' }[];
  /** The pending jobs forecast afresh by this check (each once), in the order of their subscriptions. */
  readonly forecast: readonly string[];
}

const MS_PER_SECOND = 1_000;

function startedMessage(subscription: JobSubscription, job: QueuedJob): ChatMessage {
  const started = job.startTimeMs as number;
  const waited = humanDuration(Math.max(0, (started - job.submitTimeMs) / MS_PER_SECOND));
  return {
    text: `Your job ${subscription.jobId} on ${subscription.clusterId} started at ${new Date(started).toISOString().replace(/\.\d{3}Z$/, 'Z')}, after waiting ${waited}.`,
  };
}

function movedMessage(
  subscription: JobSubscription,
  move: ForecastMove,
  view: ForecastView,
  scopeCaveat: string,
): ChatMessage {
  const told =
    subscription.baselineWaitSeconds === null
      ? ''
      : ` (you were told ~${humanDuration(subscription.baselineWaitSeconds)})`;
  return {
    text: `The forecast for your job ${subscription.jobId} on ${subscription.clusterId} moved ${move}: now ${forecastPhrase(view)}${told}; ${scopeCaveat}. I will still tell you when it starts.`,
  };
}

/** Checks every live subscription of `state.clusterId` against the listing (see the module comment). Throws what the stores throw; a failed message is logged and retried next time. */
export async function notifyJobSubscribers(
  deps: NotifySubscribersDeps,
  state: ClusterState,
  nowMs: number,
): Promise<NotifySubscribersResult> {
  const { clusterId } = state;
  const subscriptions = await deps.subscriptions.forCluster(clusterId, nowMs);
  const result: {
    started: NotifySubscribersResult['started'][number][];
    moved: NotifySubscribersResult['moved'][number][];
    removed: NotifySubscribersResult['removed'][number][];
    forecast: string[];
  } = { started: [], moved: [], removed: [], forecast: [] };
  const { forecasts } = deps;
  // Jobs that still wait for a forecast; the throttle forgets every other job of this cluster below.
  const waiting = new Set<string>();
  const forgetOthers = (): void => {
    for (const key of forecasts.lastForecastAtMs.keys()) {
      const [keyCluster, keyJob] = key.split('\u0000');
      if (keyCluster === clusterId && !waiting.has(keyJob ?? '')) forecasts.lastForecastAtMs.delete(key);
    }
  };
  if (subscriptions.length === 0) {
    forgetOthers();
    return result;
  }
  const byId = new Map(state.jobs.map((job) => [job.jobId, job]));
  const calibration = await deps.learning.calibration.current(clusterId);
  const logger = deps.learning.logger;

  const send = async (subscription: JobSubscription, notice: JobNotice, message: ChatMessage): Promise<boolean> => {
    const { jobId, userId } = subscription;
    if (!(await deps.subscriptions.claimNotice(clusterId, jobId, userId, notice, nowMs))) return false;
    try {
      await deps.chat.post(userId, message);
    } catch (error) {
      logger.error('job.notice_failed', {
        clusterId,
        jobId,
        userId,
        notice,
        errorName: error instanceof Error ? error.name : typeof error,
      });
      await deps.subscriptions.releaseNotice(clusterId, jobId, userId, notice, nowMs);
      return false;
    }
    logger.info('job.notice_sent', { clusterId, jobId, userId, notice });
    return true;
  };

  // One forecast per job and check, shared by its subscribers; null while the throttle holds it back.
  const fresh = new Map<string, Promise<ForecastView | null>>();
  const forecastOf = (job: QueuedJob): Promise<ForecastView | null> => {
    let view = fresh.get(job.jobId);
    if (view === undefined) {
      view = forecastAfresh(job);
      fresh.set(job.jobId, view);
    }
    return view;
  };
  const forecastAfresh = async (job: QueuedJob): Promise<ForecastView | null> => {
    const { jobId } = job;
    const key = throttleKey(clusterId, jobId);
    if (calibration === undefined || !forecastDue(forecasts.lastForecastAtMs.get(key), nowMs, forecasts.intervalMs))
      return null;
    const features = liveQueueFeatures({
      jobs: state.jobs,
      totalGpus: state.totalGpus,
      atMs: nowMs,
      subject: { kind: 'queued', jobId },
    });
    const predicted = await predictJob(deps.learning, {
      clusterId,
      jobId,
      features,
      nowMs,
      store: false,
      logDecision: false,
      calibration,
    });
    forecasts.lastForecastAtMs.set(key, nowMs);
    result.forecast.push(jobId);
    return forecastViewOf(predicted.prediction, nowMs);
  };

  for (const subscription of subscriptions) {
    const { jobId, userId } = subscription;
    const job = byId.get(jobId);
    if (job !== undefined && job.startTimeMs !== null) {
      if (
        subscription.startedNoticeAtMs === null &&
        (await send(subscription, JobNotice.started, startedMessage(subscription, job)))
      )
        result.started.push({ jobId, userId });
      // Removed once the message is out (by this check or an earlier one); a failed send keeps it for the next check.
      if (
        subscription.startedNoticeAtMs !== null ||
        result.started.some((entry) => entry.jobId === jobId && entry.userId === userId)
      ) {
        await deps.subscriptions.remove(clusterId, jobId, userId);
        result.removed.push({ jobId, userId, why: 'started' });
      }
      continue;
    }
    if (job === undefined || (job.state !== 'pending' && job.state !== 'running')) {
      await deps.subscriptions.remove(clusterId, jobId, userId);
      result.removed.push({ jobId, userId, why: 'ended' });
      logger.info('job.subscription_ended', { clusterId, jobId, userId, state: job?.state ?? 'gone' });
      continue;
    }
    if (
      job.state !== 'pending' ||
      subscription.movedNoticeAtMs !== null ||
      subscription.baselineWaitSeconds === null ||
      calibration === undefined
    )
      continue;
    waiting.add(jobId);
    const view = await forecastOf(job);
    if (view === null) continue;
    const move = forecastMove(subscription.baselineWaitSeconds, moveBasisSeconds(view));
    if (
      move !== null &&
      (await send(
        subscription,
        JobNotice.moved,
        movedMessage(subscription, move, view, calibrationCaveat(calibration.scope)),
      ))
    )
      result.moved.push({ jobId, userId, move });
  }
  forgetOthers();
  return result;
}
