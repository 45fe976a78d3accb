/**
 * Workflow step 1 (Step Functions task `CheckDrift`): recompute every cluster's calibration and
 * drift; returns `{clusters: [{clusterId, recalibrate, notify, …}]}` for the Map state.
 * Metric: `ScopeChanges`. Each cluster's ECE is one `check_drift.cluster` log line (the CloudWatch
 * dashboard graphs it per cluster with Logs Insights): a metric per cluster would be one billed
 * custom metric per cluster.
 */
import type { Context } from 'aws-lambda';
import {
  listClustersForRecalibration,
  type ClusterDriftCheck,
} from '../../../app/learning/list-clusters-for-recalibration.ts';
import { countMetric, createLambdaRuntime, MetricName } from '../lambda-runtime.ts';
import { runTask } from './run-task.ts';
import { CheckDriftInput, parseTaskInput } from './task-events.ts';

const runtime = await createLambdaRuntime();

export interface CheckDriftOutput {
  readonly clusters: readonly ClusterDriftCheck[];
}

export async function handler(event: unknown, context?: Context): Promise<CheckDriftOutput> {
  return runTask(runtime, 'check-drift', context, async (logger) => {
    const input = parseTaskInput(CheckDriftInput, event, 'CheckDrift');
    const clusters = await listClustersForRecalibration(runtime.learning, { nowMs: Date.now() });
    let scopeChanges = 0;
    for (const check of clusters) {
      if (check.ece !== null)
        logger.info('check_drift.cluster', {
          clusterId: check.clusterId,
          ece: check.ece,
          sampleCount: check.sampleCount,
          scope: check.scope,
          driftStatus: check.driftStatus,
        });
      if (check.previousScope !== null && check.scope !== null && check.previousScope !== check.scope)
        scopeChanges += 1;
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
