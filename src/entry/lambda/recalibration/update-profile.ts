/**
 * Workflow step 3 (Step Functions task `UpdateProfile`): refresh one cluster's environment
 * profile from its recent predictions and outcomes. The result lands in the item's `$.profile`.
 */
import type { Context } from 'aws-lambda';
import { updateProfile } from '../../../app/learning/update-profile.ts';
import { createLambdaRuntime } from '../lambda-runtime.ts';
import { runTask } from './run-task.ts';
import { ClusterItem, parseTaskInput } from './task-events.ts';

const runtime = createLambdaRuntime();

export interface UpdateProfileOutput {
  readonly queueDepthMean: number;
  readonly queueDepthMax: number;
  readonly utilisationMean: number;
  readonly typicalWaitSeconds: number | null;
  readonly longWaitThresholdSeconds: number | null;
  readonly peakHoursUtc: readonly number[];
  readonly predictions: number;
  readonly outcomes: number;
  readonly waitsUpdated: boolean;
}

export async function handler(event: unknown, context?: Context): Promise<UpdateProfileOutput> {
  return runTask(runtime, 'update-profile', context, async () => {
    const item = parseTaskInput(ClusterItem, event, 'UpdateProfile');
    const { profile, predictions, outcomes, waitsUpdated } = await updateProfile(runtime.learning, { clusterId: item.clusterId, nowMs: Date.now() });
    return {
      queueDepthMean: profile.queueDepthMean,
      queueDepthMax: profile.queueDepthMax,
      utilisationMean: profile.utilisationMean,
      typicalWaitSeconds: profile.typicalWaitSeconds,
      longWaitThresholdSeconds: profile.longWaitThresholdSeconds,
      peakHoursUtc: profile.peakHoursUtc,
      predictions,
      outcomes,
      waitsUpdated,
    };
  });
}
