/**
 * `ClusterActions` on the simulated queue of a {@link SimulatedObserver}: the embedded stand-in for
 * `scontrol`. Each action changes the job in memory and is recorded (`executed()`), so the
 * dashboard and tests can see exactly what the agents did. Dry runs change nothing.
 */
import type { ClusterAction, ClusterActionResult, ClusterActions } from '../../app/ports/cluster-actions.ts';
import type { QueuedJob } from '../../app/records/queue.ts';
import type { SimulatedObserver } from './simulated-observer.ts';

export class SimulatedClusterActions implements ClusterActions {
  readonly #observer: SimulatedObserver;
  readonly #executed: { action: ClusterAction; result: ClusterActionResult }[] = [];

  constructor(observer: SimulatedObserver) {
    this.#observer = observer;
  }

  execute(action: ClusterAction, options: { readonly dryRun?: boolean } = {}): Promise<ClusterActionResult> {
    const command = describe(action);
    let result: ClusterActionResult;
    if (options.dryRun === true) {
      result = { status: 'dry_run', detail: command };
    } else {
      const changed = this.#observer.updateJob(action.clusterId, action.jobId, (job) => apply(job, action));
      // A job the simulator has not published (or that already left the queue) is recorded as executed on the annotation log only.
      result = { status: 'executed', detail: changed ? command : `${command} (job not in the simulated queue)` };
    }
    this.#executed.push({ action, result });
    return Promise.resolve(result);
  }

  executed(): readonly { action: ClusterAction; result: ClusterActionResult }[] {
    return [...this.#executed];
  }
}

function describe(action: ClusterAction): string {
  const value = action.value === undefined ? '' : `=${action.value}`;
  return `simulated ${action.kind}${value} on job ${action.jobId} of ${action.clusterId}`;
}

function apply(job: QueuedJob, action: ClusterAction): QueuedJob {
  switch (action.kind) {
    case 'adjust_priority':
      return { ...job, priority: typeof action.value === 'number' ? action.value : job.priority };
    case 'hold':
      return { ...job, reason: 'JobHeldUser' };
    case 'release':
      return { ...job, reason: null };
    case 'requeue':
      return { ...job, state: 'pending', startTimeMs: null, reason: 'Requeued' };
    case 'move_partition':
      return { ...job, partition: String(action.value ?? job.partition) };
    case 'annotate':
      return job;
  }
}
