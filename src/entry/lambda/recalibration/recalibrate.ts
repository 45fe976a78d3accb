/**
 * Workflow step 2 (Step Functions task `Recalibrate`): for one cluster CheckDrift marked, run
 * the recompute with refits allowed — it recalibrates (or retrains) and publishes a new bundle
 * version when the window still calls for it. The result lands in the item's `$.recalibration`.
 * Metrics: `ScopeChanges` when the new version resets the cluster's scope.
 */
import type { Context } from 'aws-lambda';
import { recomputeCalibration } from '../../../app/learning/recompute-calibration.ts';
import { countMetric, createLambdaRuntime, MetricName } from '../lambda-runtime.ts';
import { runTask } from './run-task.ts';
import { ClusterItem, parseTaskInput } from './task-events.ts';

const runtime = createLambdaRuntime();

export type RecalibrateOutput =
  | { readonly status: 'updated'; readonly action: 'none' | 'recalibrated' | 'retrained'; readonly bundleVersion: number; readonly scope: string; readonly reasons: readonly string[] }
  | { readonly status: 'skipped'; readonly reason: string };

export async function handler(event: unknown, context?: Context): Promise<RecalibrateOutput> {
  return runTask(runtime, 'recalibrate', context, async (logger) => {
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
