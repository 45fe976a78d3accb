import type { ClusterState, JobSpec } from '../records/queue.ts';

/** The Observer's port: a collector (Slurm, VGAC platform API, the built-in simulator). */
export interface ClusterObserver {
  /** Current state; `job` (when given) is the job being predicted, so its own request enters the features. Throws `SourceUnavailableError` when unreachable. */
  observe(clusterId: string, job?: JobSpec): Promise<ClusterState>;
}
