/**
 * The built-in simulated collector: a replayable in-memory queue per cluster, fed by the
 * simulator (`vgac start` drives it) until a real collector (Slurm, VGAC platform) is configured.
 *
 * Interface for the simulator:
 * - `publish(state, jobFeatures?)` replaces a cluster's current state (jobs, GPUs, and the
 *   submit-time features the cluster's bundle expects); `jobFeatures(job)` adds the features a
 *   job's own request contributes (default: `job_type` from `JobSpec.jobType` when given);
 * - `setUnavailable(clusterId, reason)` makes `observe` fail like a collector that is down
 *   (`reason = null` brings it back);
 * - `history(clusterId)` replays every published state, oldest first (bounded).
 * `SimulatedClusterActions` (simulated-cluster-actions.ts) changes jobs in the same queue.
 */
import { SourceUnavailableError } from '../../app/errors.ts';
import type { ClusterObserver } from '../../app/ports/cluster-observer.ts';
import type { ClusterState, JobSpec, QueuedJob } from '../../app/records/queue.ts';

export type JobFeatures = (job: JobSpec) => Readonly<Record<string, number | string>>;

/** Published states kept per cluster for replay. */
export const MAX_HISTORY_STATES = 1000;

const defaultJobFeatures: JobFeatures = (job): Record<string, string> =>
  job.jobType === undefined ? {} : { job_type: job.jobType };

interface SimulatedCluster {
  state: ClusterState;
  jobFeatures: JobFeatures;
  history: ClusterState[];
}

export class SimulatedObserver implements ClusterObserver {
  readonly #clusters = new Map<string, SimulatedCluster>();
  readonly #unavailable = new Map<string, string>();

  publish(state: ClusterState, jobFeatures: JobFeatures = defaultJobFeatures): void {
    const frozen = Object.freeze({
      ...state,
      jobs: state.jobs.map((job) => ({ ...job })),
      features: { ...state.features },
    });
    const existing = this.#clusters.get(state.clusterId);
    const history = existing?.history ?? [];
    history.push(frozen);
    if (history.length > MAX_HISTORY_STATES) history.shift();
    this.#clusters.set(state.clusterId, { state: frozen, jobFeatures, history });
  }

  setUnavailable(clusterId: string, reason: string | null): void {
    if (reason === null) this.#unavailable.delete(clusterId);
    else this.#unavailable.set(clusterId, reason);
  }

  history(clusterId: string): readonly ClusterState[] {
    return [...(this.#clusters.get(clusterId)?.history ?? [])];
  }

  /** The current state with the job's own features; SourceUnavailableError when down or never published. */
  observe(clusterId: string, job?: JobSpec): Promise<ClusterState> {
    const down = this.#unavailable.get(clusterId);
    if (down !== undefined)
      return Promise.reject(new SourceUnavailableError(`simulated collector for '${clusterId}' is down: ${down}`));
    const cluster = this.#clusters.get(clusterId);
    if (cluster === undefined)
      return Promise.reject(new SourceUnavailableError(`no queue state published for '${clusterId}' yet`));
    const features =
      job === undefined ? cluster.state.features : { ...cluster.state.features, ...cluster.jobFeatures(job) };
    return Promise.resolve({ ...cluster.state, jobs: [...cluster.state.jobs], features });
  }

  /** Applies `change` to one job of the current state (used by SimulatedClusterActions); false when the job is unknown. */
  updateJob(clusterId: string, jobId: string, change: (job: QueuedJob) => QueuedJob): boolean {
    const cluster = this.#clusters.get(clusterId);
    const index = cluster?.state.jobs.findIndex((job) => job.jobId === jobId) ?? -1;
    if (cluster === undefined || index < 0) return false;
    const jobs = cluster.state.jobs.map((job, position) => (position === index ? change(job) : job));
    cluster.state = Object.freeze({ ...cluster.state, jobs });
    return true;
  }
}
