/**
 * Workflow step 1 (Step Functions task `CheckDrift`): recompute every cluster's calibration and
 * drift; returns `{clusters: [{clusterId, recalibrate, notify, …}]}` for the Map state.
 * Metrics: `Ece` per cluster (ClusterId dimension) and `ScopeChanges`.
 */
import type { Context } from 'aws-lambda';
import { listClustersForRecalibration, type ClusterDriftCheck } from '../../../app/learning/list-clusters-for-recalibration.ts';
import { countMetric, createLambdaRuntime, eceMetric, MetricName } from '../lambda-runtime.ts';
import { runTask } from './run-task.ts';
import { CheckDriftInput, parseTaskInput } from './task-events.ts';

const runtime = createLambdaRuntime();

export interface CheckDriftOutput {
  readonly clusters: readonly ClusterDriftCheck[];
}

export async function handler(event: unknown, context?: Context): Promise<CheckDriftOutput> {
  return runTask(runtime, 'check-drift', context, async (logger) => {
    const input = parseTaskInput(CheckDriftInput, event, 'CheckDrift');
    const clusters = await listClustersForRecalibration(runtime.learning, { nowMs: Date.now() });
    let scopeChanges = 0;
    for (const check of clusters) {
      if (check.ece !== null) eceMetric(runtime, check.clusterId, check.ece);
      if (check.previousScope !== null && check.scope !== null && check.previousScope !== check.scope) scopeChanges += 1;
    }
    countMetric(runtime, MetricName.scopeChanges, scopeChanges);
    logger.info('check_drift.done', {
      triggerId: input.id ?? null,
      clusters: clusters.length,
      recalibrate: clusters.filter((check) => check.recalibrate).length,
      notify: clusters.filter((check) => check.notify).length,
    });
    return { clusters };
  });
}
