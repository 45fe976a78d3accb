/** A pending job's place in its partition's queue, from the scheduler's priority order. Pure. */

export interface RankedJob {
  readonly jobId: string;
  readonly partition: string;
  readonly pending: boolean;
}

export interface PriorityRank {
  /** 1 = the next pending job of its partition to be considered. */
  readonly position: number;
  /** Pending jobs in that partition, the job included. */
  readonly pendingInPartition: number;
}

/**
 * The position of `jobId` among the pending jobs of `partition` in `ordered` (highest priority
 * first, as `squeue --sort=-p` lists them); null when the job is not pending there. O(n).
 */
export function priorityRank(ordered: readonly RankedJob[], jobId: string, partition: string): PriorityRank | null {
  let position = 0;
  let found = 0;
  let count = 0;
  for (const job of ordered) {
    if (!job.pending || job.partition !== partition) continue;
    count += 1;
    if (job.jobId === jobId && found === 0) {
      position = count;
      found = 1;
    }
  }
  return found === 0 ? null : { position, pendingInPartition: count };
}
