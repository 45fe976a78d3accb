/**
 * Workflow step 3 (Step Functions task `UpdateProfile`): refresh one cluster's environment
 * profile from its recent predictions and outcomes. The result lands in the item's `$.profile`.
 */
import type { Context } from 'aws-lambda';
import { updateProfile, type UpdateProfileResult } from '../../../app/learning/update-profile.ts';
import type { ClusterProfile } from '../../../app/records/cluster-profile.ts';
import { createLambdaRuntime } from '../lambda-runtime.ts';
import { runTask } from './run-task.ts';
import { ClusterItem, parseTaskInput } from './task-events.ts';

const runtime = await createLambdaRuntime();

/** The profile's statistics (every ClusterProfile field but its identity and timestamps) and the sample behind them. */
export type UpdateProfileOutput = Omit<ClusterProfile, 'clusterId' | 'platform' | 'createdAtMs' | 'updatedAtMs'> &
  Omit<UpdateProfileResult, 'profile'>;

export async function handler(event: unknown, context?: Context): Promise<UpdateProfileOutput> {
  return runTask(runtime, 'update-profile', context, async () => {
    const item = parseTaskInput(ClusterItem, event, 'UpdateProfile');
    const { profile, ...sample } = await updateProfile(runtime.learning, {
      clusterId: item.clusterId,
      nowMs: Date.now(),
    });
    const {
      clusterId: _clusterId,
      platform: _platform,
      createdAtMs: _createdAtMs,
      updatedAtMs: _updatedAtMs,
      ...statistics
    } = profile;
    return { ...statistics, ...sample };
  });
}
