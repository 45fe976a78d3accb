/**
 * A ClusterObserver for when no collector runs in this process (`vgac ask`; the API, Slack and
 * agent Lambdas, which read what the collector function stores): the
 * queue state is the features of the cluster's most recent stored prediction, with the asked
 * job's GPU count put in where the features have one. Its age is reported in `observedAtMs`;
 * no stored prediction → SourceUnavailableError (the answer is then "cannot predict now").
 */
import { SourceUnavailableError } from '../errors.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { ClusterState, JobSpec } from '../records/queue.ts';
import type { PredictionLog } from '../ports/prediction-log.ts';

/** Feature names that carry the job's own GPU request, by dataset family. */
export const REQUESTED_GPU_FEATURES = ['requestedGpus', 'requested_gpus', 'gpus'] as const;

/**
 * @param whereStateComesFrom what would store a queue state, for the "cannot predict now" answer
 * when none exists (default: `vgac start`).
 */
export function storedStateObserver(
  predictions: PredictionLog,
  whereStateComesFrom = 'run `vgac start`',
): ClusterObserver {
  return {
    async observe(clusterId: string, job?: JobSpec): Promise<ClusterState> {
      const [latest] = await predictions.recent(clusterId, { limit: 1 });
      if (latest === undefined)
        throw new SourceUnavailableError(`no queue state is stored for '${clusterId}' (${whereStateComesFrom})`);
      const features: Record<string, number | string> = { ...latest.features };
      for (const name of REQUESTED_GPU_FEATURES) if (job !== undefined && name in features) features[name] = job.gpus;
      if (job?.jobType !== undefined && 'job_type' in features) features.job_type = job.jobType;
      return { clusterId, observedAtMs: latest.predictedAtMs, jobs: [], totalGpus: 0, gpusInUse: 0, features };
    },
  };
}
