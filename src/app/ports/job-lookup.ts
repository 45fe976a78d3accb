import type { PartitionOffer } from '../../core/jobs/what-if-alternatives.ts';
import type { JobDetails } from '../records/job-details.ts';

/**
 * A scheduler asked about one job and what it offers (one cluster's Slurm, through its clients or
 * REST API). Throws SourceUnavailableError when the scheduler cannot be reached, AuthError when it
 * refuses our credentials.
 */
export interface JobLookup {
  /** The job as the scheduler reports it now; undefined when it does not know the job (never existed, or purged after it ended). */
  job(jobId: string): Promise<JobDetails | undefined>;
  /** The partitions jobs may be submitted to, with their GPUs, time limits and who may use them. */
  partitions(): Promise<PartitionOffer[]>;
}
