/**
 * Workflow step 2 (Step Functions task `Recalibrate`): for one cluster CheckDrift marked, run
 * the recompute with refits allowed — it recalibrates (or retrains) and publishes a new bundle
 * version when the window still calls for it. The result lands in the item's `$.recalibration`.
 * Metrics: `ScopeChanges` when the new version resets the cluster's scope.
 *
 * Also subscribed to the recompute topic: an SNS delivery carries recomputes that outcomes made
 * due (recompute-messages.ts); each runs only if still due (`recomputeIfDue`), so a repeated
 * delivery recomputes a window once. A failure fails the invocation and SNS retries it.
 */
import type { Context } from 'aws-lambda';
import { recomputeIfDue } from '../../../app/learning/recompute-if-due.ts';
import { recomputeCalibration } from '../../../app/learning/recompute-calibration.ts';
import { countMetric, createLambdaRuntime, MetricName } from '../lambda-runtime.ts';
import { recomputeDeliveriesOf } from './recompute-messages.ts';
import { runTask } from './run-task.ts';
import { ClusterItem, parseTaskInput } from './task-events.ts';

const runtime = createLambdaRuntime();

export type RecalibrateOutput =
  | { readonly status: 'updated'; readonly action: 'none' | 'recalibrated' | 'retrained'; readonly bundleVersion: number; readonly scope: string; readonly reasons: readonly string[] }
  | { readonly status: 'skipped'; readonly reason: string };

export async function handler(event: unknown, context?: Context): Promise<RecalibrateOutput> {
  return runTask(runtime, 'recalibrate', context, async (logger) => {
    const deliveries = recomputeDeliveriesOf(event);
    if (deliveries !== null) {
      const results: RecalibrateOutput[] = [];
      for (const { messageId, task } of deliveries) {
        const result = await recomputeIfDue(runtime.learning, { clusterId: task.clusterId, reason: task.reason, nowMs: Date.now() });
        logger.info('recompute.done', { messageId, clusterId: task.clusterId, reason: task.reason, requestedAtMs: task.requestedAtMs, status: result.status, ...(result.status === 'updated' ? { action: result.action } : { why: result.reason }) });
        results.push(result.status === 'updated'
          ? { status: 'updated', action: result.action, bundleVersion: result.calibration.activeBundleVersion, scope: result.calibration.scope, reasons: result.reasons }
          : { status: 'skipped', reason: result.reason });
      }
      // One delivery per invocation in practice (SNS → Lambda sends one record); the last result stands for the batch.
      return results[results.length - 1] as RecalibrateOutput;
    }
    const item = parseTaskInput(ClusterItem, event, 'Recalibrate');
    const result = await recomputeCalibration(runtime.learning, { clusterId: item.clusterId, nowMs: Date.now(), reason: 'schedule' });
    if (result.status === 'skipped') {
      logger.info('recalibrate.skipped', { clusterId: item.clusterId, reason: result.reason });
      return { status: 'skipped', reason: result.reason };
    }
    const { calibration } = result;
    const previousScope = item.scope ?? null;
    countMetric(runtime, MetricName.scopeChanges, previousScope !== null && previousScope !== calibration.scope ? 1 : 0);
    logger.info('recalibrate.done', { clusterId: item.clusterId, action: result.action, bundleVersion: calibration.activeBundleVersion, scope: calibration.scope });
    return { status: 'updated', action: result.action, bundleVersion: calibration.activeBundleVersion, scope: calibration.scope, reasons: result.reasons };
  });
}
