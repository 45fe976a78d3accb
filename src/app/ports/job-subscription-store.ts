import type { JobNotice, JobSubscription } from '../records/job-subscription.ts';

/**
 * Who waits for which job. One subscription per (cluster, job, user): a repeated subscribe (a
 * Slack retry, a second "notify me") finds the first. Each notice is claimed at most once per
 * subscription, so a retried collector tick never sends a message twice. InvalidInputError for an
 * unsafe id; InfrastructureError when the store fails.
 */
export interface JobSubscriptionStore {
  /** Stores `subscription` unless one for its cluster, job and user is live: `exists` then (the first stands). */
  subscribe(subscription: JobSubscription): Promise<'created' | 'exists'>;
  /** The cluster's subscriptions that have not expired at `nowMs`, in (job, user) order. */
  forCluster(clusterId: string, nowMs: number): Promise<JobSubscription[]>;
  /** Claims `notice` for the subscription at `nowMs`: true the first time, false when already claimed or the subscription is gone. */
  claimNotice(clusterId: string, jobId: string, userId: string, notice: JobNotice, nowMs: number): Promise<boolean>;
  /** Gives back a claim made at `claimedAtMs` (the message could not be sent), so the next check may send it. */
  releaseNotice(
    clusterId: string,
    jobId: string,
    userId: string,
    notice: JobNotice,
    claimedAtMs: number,
  ): Promise<void>;
  /** Removes the subscription (the job started or ended); a missing one is a no-op. */
  remove(clusterId: string, jobId: string, userId: string): Promise<void>;
}
