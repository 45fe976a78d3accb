import type { PriorityRank } from '../../core/jobs/priority-rank.ts';
import type { QueuedJob } from './queue.ts';

/** A submitted job as its scheduler reports it now. */
export interface JobDetails {
  readonly job: QueuedJob;
  /** The job's account (partitions may be restricted to some); null when not reported. */
  readonly account: string | null;
  /** Its place among the pending jobs of its partition by priority; null when not pending or not exposed. */
  readonly priorityRank: PriorityRank | null;
}
