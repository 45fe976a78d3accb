/**
 * Workflow step 2 (Step Functions task `Recalibrate`): for one cluster CheckDrift marked, run its
 * learning-loop maintenance (`maintainCluster`: fold what is pending, retrain when discrimination
 * is lost, checkpoint the online calibrator, measure feature shifts). The result lands in the
 * item's `$.recalibration`. Metrics: `ScopeChanges` when the cluster's scope changed since the check.
 *
 * Also subscribed to the recompute topic: an SNS delivery carries maintenance that outcomes made
 * due (recompute-messages.ts); maintenance does only what is still due, so a repeated delivery
 * does no harm. A failure fails the invocation and SNS retries it.
 */
import type { Context } from 'aws-lambda';
import { maintainCluster, type MaintenanceStep } from '../../../app/learning/maintain-cluster.ts';
import { countMetric, createLambdaRuntime, MetricName } from '../lambda-runtime.ts';
import { recomputeDeliveriesOf } from './recompute-messages.ts';
import { runTask } from './run-task.ts';
import { ClusterItem, parseTaskInput } from './task-events.ts';

const runtime = await createLambdaRuntime();

export interface RecalibrateOutput {
  readonly status: 'maintained' | 'nothing_due';
  readonly steps: readonly MaintenanceStep[];
  readonly bundleVersion: number | null;
  readonly scope: string | null;
  readonly reasons: readonly string[];
}

export async function handler(event: unknown, context?: Context): Promise<RecalibrateOutput> {
  return runTask(runtime, 'recalibrate', context, async (logger) => {
    const deliveries = recomputeDeliveriesOf(event);
    const maintain = async (clusterId: string): Promise<RecalibrateOutput> => {
      const result = await maintainCluster(runtime.learning, { clusterId, nowMs: Date.now() });
      const calibration = await runtime.learning.calibration.current(clusterId);
      return {
        status: result.steps.length === 0 ? 'nothing_due' : 'maintained',
        steps: result.steps,
        bundleVersion: calibration?.activeBundleVersion ?? null,
        scope: calibration?.scope ?? null,
        reasons: result.notes,
      };
    };
    if (deliveries !== null) {
      const results: RecalibrateOutput[] = [];
      for (const { messageId, task } of deliveries) {
        const output = await maintain(task.clusterId);
        logger.info('recompute.done', {
          messageId,
          clusterId: task.clusterId,
          reason: task.reason,
          requestedAtMs: task.requestedAtMs,
          status: output.status,
          steps: output.steps,
        });
        results.push(output);
      }
      // One delivery per invocation in practice (SNS → Lambda sends one record); the last result stands for the batch.
      return results[results.length - 1] as RecalibrateOutput;
    }
    const item = parseTaskInput(ClusterItem, event, 'Recalibrate');
    const output = await maintain(item.clusterId);
    const previousScope = item.scope ?? null;
    countMetric(
      runtime,
      MetricName.scopeChanges,
      previousScope !== null && output.scope !== null && previousScope !== output.scope ? 1 : 0,
    );
    logger.info('recalibrate.done', {
      clusterId: item.clusterId,
      status: output.status,
      steps: output.steps,
      bundleVersion: output.bundleVersion,
      scope: output.scope,
    });
    return output;
  });
}
