/**
 * One observer and one set of actions over several sources: each cluster id routed to its own
 * (e.g. a live Slurm under `vgac start --collector slurm`), every other cluster to the fallback
 * (the simulated clusters). The agents and the HTTP app see one ClusterObserver and one
 * ClusterActions, so a question or an approved escalation reaches the source that owns the cluster.
 */
import type { JobLookup } from '../ports/job-lookup.ts';
import type { ClusterAction, ClusterActionResult, ClusterActions } from '../ports/cluster-actions.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { ClusterState, JobSpec } from '../records/queue.ts';

export interface ClusterRoute {
  readonly clusterId: string;
  readonly observer: ClusterObserver;
  readonly actions: ClusterActions;
  /** Its scheduler, asked about one job (questions about a submitted job); absent → the prediction log only. */
  readonly jobLookup?: JobLookup;
}

export interface RoutedCluster {
  readonly observer: ClusterObserver;
  readonly actions: ClusterActions;
}

export function routeClusters(routes: readonly ClusterRoute[], fallback: RoutedCluster): RoutedCluster {
  const byId = new Map(routes.map((route) => [route.clusterId, route]));
  const owner = (clusterId: string): RoutedCluster => byId.get(clusterId) ?? fallback;
  return {
    observer: {
      observe: (clusterId: string, job?: JobSpec): Promise<ClusterState> =>
        owner(clusterId).observer.observe(clusterId, job),
    },
    actions: {
      execute: (action: ClusterAction, options?: { readonly dryRun?: boolean }): Promise<ClusterActionResult> =>
        owner(action.clusterId).actions.execute(action, options),
    },
  };
}
