import type { PartitionOffer } from '../../core/jobs/what-if-alternatives.ts';
import type { QueuedJob } from './queue.ts';

/**
 * A cluster's queue as `vgac agent --push` last saw it on a login node, stored by the API (one
 * item per cluster, replaced by each newer push): what job questions read where no scheduler is
 * reachable from the API (AWS). Bounded: when the listing does not fit
 * (MAX_QUEUE_STATE_BYTES in queue-state-wire.ts), the lowest-priority pending jobs are left out
 * and counted.
 */
export interface PushedQueueState {
  readonly clusterId: string;
  /** When the agent's listing was requested (epoch ms, the agent's clock). */
  readonly observedAtMs: number;
  /** How often the agent pushes its state (ms): a state several intervals old is stale. */
  readonly intervalMs: number;
  /** GPUs on nodes that can run jobs. */
  readonly totalGpus: number;
  /** The pending and running jobs (those kept), running first, then pending by priority. */
  readonly jobs: readonly QueuedJob[];
  /** Pending jobs per partition in the whole listing (ranks stay true when jobs were left out). */
  readonly pendingByPartition: Readonly<Record<string, number>>;
  /** Jobs of the listing left out to keep the state bounded (their questions fall back to the prediction log). */
  readonly omittedJobs: number;
  /** The partitions jobs may be submitted to. */
  readonly partitions: readonly PartitionOffer[];
}
