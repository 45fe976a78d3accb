/**
 * The Actor's port where a deployment can observe a cluster but not change its jobs (e.g. a Lambda
 * that reads the queue from the table the collector fills): nothing is executed, and the result
 * says so and why, so an approved escalation ends `failed` with that reason instead of claiming a
 * change that never happened. A dry run reports what would have been asked.
 */
import type { ClusterAction, ClusterActionResult, ClusterActions } from '../ports/cluster-actions.ts';

export function unavailableClusterActions(reason: string): ClusterActions {
  return {
    execute(action: ClusterAction, options: { readonly dryRun?: boolean } = {}): Promise<ClusterActionResult> {
      const what = `${action.kind}${action.value === undefined ? '' : `=${action.value}`} on job ${action.jobId} of ${action.clusterId}`;
      return Promise.resolve(
        options.dryRun === true
          ? { status: 'dry_run', detail: `${what} (${reason})` }
          : { status: 'failed', detail: `${what} not executed: ${reason}` },
      );
    },
  };
}
