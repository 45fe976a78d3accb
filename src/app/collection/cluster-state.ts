/** Assembles the Observer's ClusterState from a collector's job and node listing. Pure. */
import type { ClusterState, JobSpec, QueuedJob } from '../records/queue.ts';
import { liveQueueFeatures } from '../../core/features/live-queue-features.ts';
import { jobSpecRequest } from './job-spec-request.ts';

export interface ClusterListing {
  readonly clusterId: string;
  readonly observedAtMs: number;
  readonly jobs: readonly QueuedJob[];
  /** GPUs on the nodes that can run jobs. */
  readonly totalGpus: number;
  /** The job being predicted (its request enters the features), if any. */
  readonly job?: JobSpec;
}

/** The ClusterState of a listing: `gpusInUse` sums the running jobs' GPUs; features from {@link liveQueueFeatures} at `observedAtMs`. */
export function buildClusterState(listing: ClusterListing): ClusterState {
  const gpusInUse = listing.jobs.reduce((sum, job) => sum + (job.state === 'running' ? job.requestedGpus : 0), 0);
  return {
    clusterId: listing.clusterId,
    observedAtMs: listing.observedAtMs,
    jobs: listing.jobs,
    totalGpus: listing.totalGpus,
    gpusInUse,
    features: liveQueueFeatures({
      jobs: listing.jobs,
      totalGpus: listing.totalGpus,
      atMs: listing.observedAtMs,
      ...(listing.job === undefined
        ? {}
        : { subject: { kind: 'request' as const, request: jobSpecRequest(listing.job) } }),
    }),
  };
}
