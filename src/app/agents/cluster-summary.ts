/** Counts the Observer reports about a queue, and the anomalies it flags. */
import type { ClusterState } from '../records/queue.ts';

export interface ClusterSummary {
  readonly clusterId: string;
  readonly observedAtMs: number;
  readonly queuedJobs: number;
  readonly runningJobs: number;
  readonly pendingGpus: number;
  readonly gpusInUse: number;
  readonly totalGpus: number;
  /** GPUs in use / total, percent in [0, 100]; 0 for a cluster without GPUs. */
  readonly utilisationPercent: number;
  readonly anomalies: readonly string[];
}

/** Pending jobs older than this are flagged as stuck. */
export const STUCK_PENDING_MS = 24 * 3_600_000;

export function summariseCluster(state: ClusterState): ClusterSummary {
  const pending = state.jobs.filter((job) => job.state === 'pending');
  const running = state.jobs.filter((job) => job.state === 'running');
  const pendingGpus = pending.reduce((sum, job) => sum + job.requestedGpus, 0);
  const utilisationPercent = state.totalGpus > 0 ? Math.min(100, (100 * state.gpusInUse) / state.totalGpus) : 0;
  const anomalies: string[] = [];
  if (state.gpusInUse > state.totalGpus) anomalies.push(`${state.gpusInUse} GPUs in use of ${state.totalGpus}`);
  if (pending.length > 0 && state.gpusInUse === 0 && state.totalGpus > 0)
    anomalies.push(`${pending.length} jobs pending while every GPU is idle`);
  const stuck = pending.filter((job) => state.observedAtMs - job.submitTimeMs > STUCK_PENDING_MS).length;
  if (stuck > 0) anomalies.push(`${stuck} jobs pending for more than a day`);
  return {
    clusterId: state.clusterId,
    observedAtMs: state.observedAtMs,
    queuedJobs: pending.length,
    runningJobs: running.length,
    pendingGpus,
    gpusInUse: state.gpusInUse,
    totalGpus: state.totalGpus,
    utilisationPercent,
    anomalies,
  };
}
