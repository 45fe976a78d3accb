/**
 * JobLookup and ClusterObserver over the queue state `vgac agent --push` sends from a login node
 * (where the API cannot reach the scheduler: AWS). One read of the cluster's stored state per
 * call (PushedQueueStateStore.latest: a GetItem, never a scan); the job's request, state, reason
 * and priority as the agent's listing had them, its rank among its partition's pending jobs by
 * priority (core's byPriority, as the slurmrestd lookup orders `GET /jobs`), the partitions the
 * agent read. The state carries no accounts: `account` is null (partitions restricted to some
 * accounts are then never proposed).
 *
 * A state older than {@link STALE_AFTER_PUSH_INTERVALS} of the agent's push intervals (at least
 * {@link MIN_STALE_AFTER_MS}) is stale: the scheduler "did not answer" (SourceUnavailableError,
 * naming its age), as when no state was ever pushed.
 */
import { buildClusterState } from '../collection/cluster-state.ts';
import { byPriority, priorityRank } from '../../core/jobs/priority-rank.ts';
import type { PartitionOffer } from '../../core/jobs/what-if-alternatives.ts';
import { SourceUnavailableError } from '../errors.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { JobLookup } from '../ports/job-lookup.ts';
import type { PushedQueueStateStore } from '../ports/pushed-queue-state-store.ts';
import type { JobDetails } from '../records/job-details.ts';
import type { PushedQueueState } from '../records/pushed-queue-state.ts';
import type { ClusterState, JobSpec } from '../records/queue.ts';

/** A pushed state older than this many of the agent's push intervals is stale (two pushes may fail in a row). */
export const STALE_AFTER_PUSH_INTERVALS = 3;
/** The shortest staleness bound, ms: an agent pushing every few seconds may still lag a minute behind. */
export const MIN_STALE_AFTER_MS = 120_000;

const MS_PER_SECOND = 1_000;

/** The cluster's pushed state when it is fresh; SourceUnavailableError (naming why) when none was pushed or it is stale. */
export async function freshPushedState(
  store: PushedQueueStateStore,
  clusterId: string,
  nowMs: number,
): Promise<PushedQueueState> {
  const state = await store.latest(clusterId);
  if (state === undefined)
    throw new SourceUnavailableError(
      `no queue state was pushed for '${clusterId}' (run \`vgac agent --push\` on a login node)`,
    );
  const ageMs = nowMs - state.observedAtMs;
  const staleAfterMs = Math.max(MIN_STALE_AFTER_MS, STALE_AFTER_PUSH_INTERVALS * state.intervalMs);
  if (ageMs > staleAfterMs)
    throw new SourceUnavailableError(
      `the queue state pushed for '${clusterId}' is ${Math.round(ageMs / MS_PER_SECOND)} s old (the agent pushes every ${Math.round(state.intervalMs / MS_PER_SECOND)} s): is \`vgac agent --push\` running?`,
    );
  return state;
}

/** The job's details from a pushed state; undefined when the state does not hold it (ended, or left out of a bounded state). */
export function jobDetailsOf(state: PushedQueueState, jobId: string): JobDetails | undefined {
  const job = state.jobs.find((entry) => entry.jobId === jobId);
  if (job === undefined) return undefined;
  if (job.state !== 'pending') return { job, account: null, priorityRank: null };
  const pending = state.jobs
    .filter((entry) => entry.state === 'pending')
    .map((entry) => ({ jobId: entry.jobId, partition: entry.partition, pending: true, priority: entry.priority }));
  const rank = priorityRank(byPriority(pending), job.jobId, job.partition);
  // Jobs left out of a bounded state were the lowest-priority ones: a position stands, the count comes from the whole listing.
  const counted = state.pendingByPartition[job.partition];
  return {
    job,
    account: null,
    priorityRank:
      rank === null ? null : { ...rank, pendingInPartition: Math.max(rank.pendingInPartition, counted ?? 0) },
  };
}

/** The JobLookup of `clusterId` over its pushed state, as of `clock()`. */
export function pushedStateJobLookup(store: PushedQueueStateStore, clusterId: string, clock: () => number): JobLookup {
  return {
    async job(jobId: string): Promise<JobDetails | undefined> {
      return jobDetailsOf(await freshPushedState(store, clusterId, clock()), jobId);
    },
    async partitions(): Promise<PartitionOffer[]> {
      return [...(await freshPushedState(store, clusterId, clock())).partitions];
    },
  };
}

/**
 * A ClusterObserver reading a cluster's fresh pushed state as its listing (features computed as a
 * live collector computes them); every other cluster, and one whose state is missing or stale,
 * through `fallback`.
 */
export function pushedStateObserver(
  store: PushedQueueStateStore,
  fallback: ClusterObserver,
  clock: () => number,
): ClusterObserver {
  return {
    async observe(clusterId: string, job?: JobSpec): Promise<ClusterState> {
      let state: PushedQueueState;
      try {
        state = await freshPushedState(store, clusterId, clock());
      } catch (error) {
        if (error instanceof SourceUnavailableError) return fallback.observe(clusterId, job);
        throw error;
      }
      return buildClusterState({
        clusterId,
        observedAtMs: state.observedAtMs,
        jobs: state.jobs,
        totalGpus: state.totalGpus,
        ...(job === undefined ? {} : { job }),
      });
    },
  };
}
