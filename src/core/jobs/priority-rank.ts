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

/** A job with what decides its place in the scheduler's order. */
export interface PrioritizedJob extends RankedJob {
  /** Slurm's priority (higher first); null when not reported (last). */
  readonly priority: number | null;
}

function numericOrText(left: string, right: string): number {
  const a = Number(left);
  const b = Number(right);
  if (Number.isSafeInteger(a) && Number.isSafeInteger(b) && a !== b) return a - b;
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * The jobs in the order `squeue --sort=-p` shows them for a listing that does not come sorted
 * (slurmrestd, a pushed state): priority highest first, equal priorities by job id (the earlier
 * submission first, as Slurm's scheduler breaks ties), unknown priorities last. Returns a new
 * array. O(n log n).
 */
export function byPriority<T extends PrioritizedJob>(jobs: readonly T[]): T[] {
  return [...jobs].sort((left, right) => {
    if (left.priority !== right.priority) {
      if (left.priority === null) return 1;
      if (right.priority === null) return -1;
      return right.priority - left.priority;
    }
    return numericOrText(left.jobId, right.jobId);
  });
}
