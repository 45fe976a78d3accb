/**
 * What questions about one job read, for every runtime: a cluster's own scheduler when this
 * process reaches it (a live Slurm's lookup: the client commands or slurmrestd), else the queue
 * state `vgac agent --push` sends for it (one GetItem per question); and, for their fresh
 * forecasts, the pushed listing as the cluster's queue where one is fresh, else `observer`.
 */
import { pushedStateJobLookup, pushedStateObserver } from '../app/jobs/pushed-state-job-lookup.ts';
import type { ClusterObserver } from '../app/ports/cluster-observer.ts';
import type { JobLookup } from '../app/ports/job-lookup.ts';
import type { PushedQueueStateStore } from '../app/ports/pushed-queue-state-store.ts';

export interface JobQuestionParts {
  readonly jobLookup: (clusterId: string) => JobLookup;
  readonly jobObserver: ClusterObserver;
}

export function jobQuestionParts(options: {
  readonly queueStates: PushedQueueStateStore;
  readonly observer: ClusterObserver;
  /** The schedulers this process reaches, by cluster; undefined for the others. */
  readonly liveLookup?: (clusterId: string) => JobLookup | undefined;
  /** Epoch ms. */
  readonly clock: () => number;
}): JobQuestionParts {
  const { queueStates, clock } = options;
  return {
    jobLookup: (clusterId) => options.liveLookup?.(clusterId) ?? pushedStateJobLookup(queueStates, clusterId, clock),
    jobObserver: pushedStateObserver(queueStates, options.observer, clock),
  };
}
