/**
 * What the job lookups share once each client's text or JSON is read: a pending job's place among
 * its partition's pending jobs in a JSON listing (slurmrestd's `GET /jobs`, `squeue --json`: the
 * same job shape), a partition's offer from its fields, the GPUs of the nodes that can run jobs by
 * partition (for a partition whose TRES does not track `gres/gpu`), and the job's account. Pure;
 * the client-specific reading stays in slurm-cli-job-lookup.ts and slurmrestd-job-lookup.ts.
 */
import type { QueuedJob } from '../../app/records/queue.ts';
import { byPriority, priorityRank, type PriorityRank } from '../../core/jobs/priority-rank.ts';
import type { PartitionOffer } from '../../core/jobs/what-if-alternatives.ts';
import { gpusInTres, nodeIsUnavailable, queuedJobFromJson, type SlurmJsonJob } from './slurm-fields.ts';

/** The jobs of a JSON listing's `jobs` array (entries without a job id left out). */
export function jobsOfListing(body: unknown): QueuedJob[] {
  const jobs = (body as { jobs?: unknown } | null | undefined)?.jobs;
  if (!Array.isArray(jobs)) return [];
  return jobs
    .filter((entry): entry is SlurmJsonJob => entry !== null && typeof entry === 'object')
    .map(queuedJobFromJson)
    .filter((job): job is QueuedJob => job !== null);
}

/** `job`'s place among the pending jobs of its partition in `listing`, ordered as `squeue --sort=-p` would; null when it is not pending there. */
export function rankInListing(
  listing: readonly QueuedJob[],
  job: Pick<QueuedJob, 'jobId' | 'partition'>,
): PriorityRank | null {
  const pending = listing
    .filter((entry) => entry.state === 'pending')
    .map((entry) => ({ jobId: entry.jobId, partition: entry.partition, pending: true, priority: entry.priority }));
  return priorityRank(byPriority(pending), job.jobId, job.partition);
}

/** A partition as either client reports it, in Slurm's own forms. */
export interface SlurmPartitionFields {
  readonly name: string;
  /** Its TRES text (`cpu=8,gres/gpu=4,…`), when reported. */
  readonly tres: string | undefined;
  /** Its maximum time limit in seconds; null when unlimited. */
  readonly maxTimeSeconds: number | null;
  /** `UP`, `DOWN`, `DRAIN`, `INACTIVE` (any case). */
  readonly state: string;
  /** Comma-separated accounts; `ALL` or empty when every account may use it. */
  readonly allowAccounts: string;
}

/** A node as either client reports it: its gres, its state with flags, its partitions. */
export interface SlurmNodeFields {
  readonly gres: string | undefined;
  readonly state: string;
  readonly partitions: readonly string[];
}

/** The partition's offer (GPUs from its TRES; 0 when it does not track them); null for a partition without a name. */
export function partitionOffer(fields: SlurmPartitionFields): PartitionOffer | null {
  if (fields.name === '') return null;
  const accounts = fields.allowAccounts.trim();
  return {
    name: fields.name,
    gpus: gpusInTres(fields.tres),
    maxTimeSeconds: fields.maxTimeSeconds,
    up: fields.state.trim().toUpperCase() === 'UP',
    allowAccounts:
      accounts === '' || accounts.toUpperCase() === 'ALL'
        ? null
        : accounts.split(',').filter((account) => account !== ''),
  };
}

/** GPUs on the nodes that can run jobs (not down, drained, failed…), summed by partition. */
export function nodeGpusByPartition(nodes: readonly SlurmNodeFields[]): Map<string, number> {
  const byPartition = new Map<string, number>();
  for (const node of nodes) {
    if (nodeIsUnavailable(node.state)) continue;
    const gpus = gpusInTres(node.gres);
    for (const partition of node.partitions)
      if (partition !== '') byPartition.set(partition, (byPartition.get(partition) ?? 0) + gpus);
  }
  return byPartition;
}

/** The offers, each without GPUs in its TRES given those of its nodes (where accounting does not track `gres/gpu`). */
export function withNodeGpus(
  offers: readonly (PartitionOffer | null)[],
  nodeGpus: ReadonlyMap<string, number>,
): PartitionOffer[] {
  return offers
    .filter((offer): offer is PartitionOffer => offer !== null)
    .map((offer) => (offer.gpus > 0 ? offer : { ...offer, gpus: nodeGpus.get(offer.name) ?? 0 }));
}

/** The job's account; null when Slurm reports none (`(null)` from scontrol, empty from slurmrestd). */
export function jobAccount(text: string | undefined): string | null {
  return text === undefined || text === '' || text === '(null)' ? null : text;
}
