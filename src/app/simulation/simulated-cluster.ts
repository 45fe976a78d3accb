/**
 * The built-in simulator as a collector and a cluster: the Observer's port (the queue as the
 * replay stands — the queue-state features captured at the latest submit, the jobs submitted and
 * not yet started) and the Actor's port (actions are applied to the simulated job's record and
 * reported executed; the trace's recorded outcome is not changed by them, which the detail says).
 * A live, in-process resource: the replay is its only writer.
 */
import { InvalidInputError } from '../../core/errors.ts';
import { SourceUnavailableError } from '../errors.ts';
import type { ClusterAction, ClusterActionResult, ClusterActions } from '../ports/cluster-actions.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { ClusterState, JobSpec, QueuedJob } from '../records/queue.ts';
import type { SimulatedClusterTrace } from './simulated-job.ts';

/** Feature name of the declared job class. */
export const JOB_TYPE_FEATURE = 'job_type';

export interface SimulatedClusters extends ClusterObserver, ClusterActions {
  /** A job was submitted: its queue-state features become the cluster's current state. */
  submitted(
    clusterId: string,
    jobId: string,
    job: JobSpec,
    features: Readonly<Record<string, number | string>>,
    nowMs: number,
  ): void;
  /** A job started (its outcome is known): it leaves the queue. */
  started(clusterId: string, jobId: string): void;
  /** Actions applied to a job so far (newest last). */
  actionsOn(clusterId: string, jobId: string): readonly ClusterAction[];
}

interface LiveCluster {
  readonly trace: SimulatedClusterTrace;
  features: Readonly<Record<string, number | string>> | null;
  observedAtMs: number;
  readonly pending: Map<string, QueuedJob>;
  readonly actions: Map<string, ClusterAction[]>;
}

/** Most remembered jobs with actions per cluster (oldest forgotten first). */
const MAX_ACTION_RECORDS = 5000;

export function createSimulatedClusters(traces: readonly SimulatedClusterTrace[]): SimulatedClusters {
  const clusters = new Map<string, LiveCluster>(
    traces.map((trace) => [
      trace.clusterId,
      { trace, features: null, observedAtMs: 0, pending: new Map(), actions: new Map() },
    ]),
  );
  const live = (clusterId: string): LiveCluster => {
    const cluster = clusters.get(clusterId);
    if (cluster === undefined) throw new InvalidInputError(`'${clusterId}' is not a simulated cluster`);
    return cluster;
  };
  return {
    observe(clusterId: string, job?: JobSpec): Promise<ClusterState> {
      const cluster = clusters.get(clusterId);
      if (cluster === undefined)
        return Promise.reject(new SourceUnavailableError(`no collector for cluster '${clusterId}'`));
      if (cluster.features === null)
        return Promise.reject(
          new SourceUnavailableError(`the simulated cluster '${clusterId}' has no queue state yet`),
        );
      const features: Record<string, number | string> = { ...cluster.features };
      // The declared job class belongs to the job asked about, not to the last job submitted.
      delete features[JOB_TYPE_FEATURE];
      if (job?.jobType !== undefined) features[JOB_TYPE_FEATURE] = job.jobType;
      const jobs = [...cluster.pending.values()];
      const gpusInUse =
        typeof cluster.features['running_gpus'] === 'number'
          ? Math.min(cluster.features['running_gpus'], cluster.trace.totalGpus)
          : 0;
      return Promise.resolve({
        clusterId,
        observedAtMs: cluster.observedAtMs,
        jobs,
        totalGpus: cluster.trace.totalGpus,
        gpusInUse,
        features,
      });
    },

    execute(action: ClusterAction, options?: { readonly dryRun?: boolean }): Promise<ClusterActionResult> {
      const cluster = clusters.get(action.clusterId);
      if (cluster === undefined)
        return Promise.resolve({ status: 'failed', detail: `'${action.clusterId}' is not a simulated cluster` });
      const what = `${action.kind}${action.value === undefined ? '' : ` ${String(action.value)}`} on ${action.jobId}`;
      if (options?.dryRun === true)
        return Promise.resolve({ status: 'dry_run', detail: `would apply ${what} (simulated cluster)` });
      const queued = cluster.pending.has(action.jobId);
      const list = cluster.actions.get(action.jobId) ?? [];
      list.push(action);
      cluster.actions.set(action.jobId, list);
      if (cluster.actions.size > MAX_ACTION_RECORDS)
        cluster.actions.delete(cluster.actions.keys().next().value as string);
      return Promise.resolve({
        status: 'executed',
        detail: `simulated cluster: ${what} applied${queued ? ' while queued' : ' after the job started (recorded only)'}; the replayed outcome is unchanged`,
      });
    },

    submitted(clusterId, jobId, job, features, nowMs) {
      const cluster = live(clusterId);
      cluster.features = { ...features };
      cluster.observedAtMs = nowMs;
      cluster.pending.set(jobId, {
        jobId,
        user: 'replay',
        partition: job.queue ?? 'default',
        state: 'pending',
        submitTimeMs: nowMs,
        startTimeMs: null,
        requestedGpus: job.gpus,
        requestedCpus: Math.ceil((job.cpuMillicores ?? 1000) / 1000),
        timeLimitSeconds: job.estimatedDurationMinutes === undefined ? null : job.estimatedDurationMinutes * 60,
        priority: job.priority ?? null,
        reason: 'Resources',
      });
    },

    started(clusterId, jobId) {
      live(clusterId).pending.delete(jobId);
    },

    actionsOn(clusterId, jobId) {
      return live(clusterId).actions.get(jobId) ?? [];
    },
  };
}
