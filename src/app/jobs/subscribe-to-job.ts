/**
 * "Notify me when 12345 starts": subscribes a Slack user to a job, once per (cluster, job, user).
 * The job must be known and still pending; the subscription remembers the wait estimate the user
 * was told (what a material move is judged against) and lives at most
 * {@link SUBSCRIPTION_TTL_MS}, or until the job starts or ends (notify-job-subscribers.ts).
 */
import type { JobSubscriptionStore } from '../ports/job-subscription-store.ts';
import { forecastJob, type JobForecast, type JobForecastDeps } from './forecast-job.ts';
import { moveBasisSeconds } from './forecast-view.ts';

/** A subscription lasts at most this long (ms): 14 days, beyond most clusters' longest waits. */
export const SUBSCRIPTION_TTL_MS = 14 * 86_400_000;

export interface SubscribeDeps extends JobForecastDeps {
  readonly subscriptions: JobSubscriptionStore;
}

export type SubscribeResult =
  | { readonly status: 'created' | 'exists'; readonly forecast: JobForecast }
  /** Nothing to wait for: it started, ended, or its state cannot be seen from here. */
  | { readonly status: 'not_pending'; readonly forecast: JobForecast };

/** Throws what {@link forecastJob} throws (unknown cluster or job) and the store's errors. */
export async function subscribeToJob(
  deps: SubscribeDeps,
  request: { readonly clusterId: string; readonly jobId: string; readonly userId: string; readonly nowMs: number },
): Promise<SubscribeResult> {
  const forecast = await forecastJob(deps, {
    clusterId: request.clusterId,
    jobId: request.jobId,
    nowMs: request.nowMs,
  });
  if (forecast.state !== 'pending') return { status: 'not_pending', forecast };
  const told = forecast.now ?? forecast.atSubmit;
  const status = await deps.subscriptions.subscribe({
    clusterId: request.clusterId,
    jobId: request.jobId,
    userId: request.userId,
    createdAtMs: request.nowMs,
    expiresAtMs: request.nowMs + SUBSCRIPTION_TTL_MS,
    baselineWaitSeconds: told === null ? null : moveBasisSeconds(told),
    startedNoticeAtMs: null,
    movedNoticeAtMs: null,
  });
  deps.learning.logger.info('job.subscribed', {
    clusterId: request.clusterId,
    jobId: request.jobId,
    userId: request.userId,
    status,
  });
  return { status, forecast };
}
