/**
 * The wire (and stored) form of the agent's queue state, `PUT /api/clusters/{id}/queue-state`:
 *
 * `{ "observed_at_ms", "interval_ms", "total_gpus", "omitted_jobs", "pending_by_partition": {name: n},
 *    "partitions": [{ "name", "gpus", "max_time_seconds", "up", "allow_accounts" }],
 *    "jobs": [[job_id, user, partition, state, submit_ms, start_ms, gpus, cpus, time_limit_seconds, priority, reason]] }`
 *
 * Jobs are tuples to keep a big queue small (about 80 bytes a job). The agent writes it
 * ({@link queueStateBody}, bounded to {@link MAX_QUEUE_STATE_BYTES}) and the API reads it
 * ({@link QueueStateBody}, refusing more) and stores it as is, so the stored item stays well under
 * DynamoDB's 400 KB. Objects are strict: an unknown or misspelt field is a 400 naming it.
 * Schemas are built on first use (`z.lazy`): building zod schemas costs CPU, and a Lambda cold start
 * should pay only for those its first request reads.
 */
import * as z from 'zod';
import { byPriority } from '../../core/jobs/priority-rank.ts';
import type { PartitionOffer } from '../../core/jobs/what-if-alternatives.ts';
import type { PushedQueueState } from '../records/pushed-queue-state.ts';
import type { ClusterState, QueuedJob } from '../records/queue.ts';

/** Largest queue state, in bytes of its JSON: half of DynamoDB's 400 KB item limit, below the API's default body limit. */
export const MAX_QUEUE_STATE_BYTES = 200_000;
/** Most partitions one state may list. */
export const MAX_PARTITIONS = 256;

const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const JobId = z
  .string()
  .regex(JOB_ID_PATTERN, 'a job id of 1–128 letters, digits, . _ : - (starting with a letter or digit)');
const Name = z.string().min(1).max(128);
const EpochMs = z.number().int().min(0).max(9_999_999_999_999);
const Count = z.number().int().min(0).max(10_000_000);
const Seconds = z.number().int().min(0).max(1_000_000_000);

const WireJob = z.lazy(() =>
  z.tuple([
    JobId,
    z.string().max(128),
    z.string().max(128),
    z.enum(['pending', 'running']),
    EpochMs,
    EpochMs.nullable(),
    Count,
    Count,
    Seconds.nullable(),
    z.number().finite().nullable(),
    z.string().max(256).nullable(),
  ]),
);
type WireJob = z.infer<typeof WireJob>;

const WirePartition = z.lazy(() =>
  z.strictObject({
    name: Name,
    gpus: Count,
    max_time_seconds: Seconds.nullable(),
    up: z.boolean(),
    allow_accounts: z.array(Name).max(1_000).nullable(),
  }),
);

export const QueueStateBody = z.lazy(() =>
  z.strictObject({
    observed_at_ms: EpochMs,
    interval_ms: z.number().int().min(1_000).max(86_400_000),
    total_gpus: Count,
    omitted_jobs: Count,
    pending_by_partition: z.record(z.string().max(128), Count),
    partitions: z.array(WirePartition).max(MAX_PARTITIONS),
    jobs: z.array(WireJob).max(MAX_QUEUE_STATE_BYTES / 16),
  }),
);
export type QueueStateBody = z.infer<typeof QueueStateBody>;

const encoder = new TextEncoder();

/** Bytes of `value`'s JSON (what the body and the stored item weigh). */
export function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

function wireJobOf(job: QueuedJob): WireJob {
  return [
    job.jobId,
    job.user,
    job.partition,
    job.state === 'running' ? 'running' : 'pending',
    job.submitTimeMs,
    job.startTimeMs,
    job.requestedGpus,
    job.requestedCpus,
    job.timeLimitSeconds,
    job.priority,
    job.reason,
  ];
}

function wirePartitionOf(offer: PartitionOffer): z.infer<typeof WirePartition> {
  return {
    name: offer.name,
    gpus: offer.gpus,
    max_time_seconds: offer.maxTimeSeconds,
    up: offer.up,
    allow_accounts: offer.allowAccounts === null ? null : [...offer.allowAccounts],
  };
}

/**
 * The body for a listing: its pending and running jobs whose ids the API accepts, running first,
 * then pending by priority (highest first); when their JSON would exceed `maxBytes`, the last
 * ones (the lowest-priority pending jobs) are left out and counted in `omitted_jobs`. O(n log n).
 */
export function queueStateBody(
  state: Pick<ClusterState, 'observedAtMs' | 'jobs' | 'totalGpus'>,
  options: {
    readonly intervalMs: number;
    readonly partitions: readonly PartitionOffer[];
    readonly maxBytes?: number;
  },
): QueueStateBody {
  const live = state.jobs.filter((job) => job.state === 'pending' || job.state === 'running');
  const sendable = live.filter((job) => JOB_ID_PATTERN.test(job.jobId));
  const pendingByPartition: Record<string, number> = {};
  for (const job of live)
    if (job.state === 'pending') pendingByPartition[job.partition] = (pendingByPartition[job.partition] ?? 0) + 1;
  const ordered = [
    ...sendable.filter((job) => job.state === 'running'),
    ...byPriority(sendable.filter((job) => job.state === 'pending').map((job) => ({ ...job, pending: true }))).map(
      ({ pending: _pending, ...job }) => job,
    ),
  ].map(wireJobOf);
  const empty: QueueStateBody = {
    observed_at_ms: state.observedAtMs,
    interval_ms: options.intervalMs,
    total_gpus: state.totalGpus,
    omitted_jobs: live.length,
    pending_by_partition: pendingByPartition,
    partitions: options.partitions.slice(0, MAX_PARTITIONS).map(wirePartitionOf),
    jobs: [],
  };
  // The JSON of k jobs weighs the empty body (with omitted_jobs at its widest) plus each job's JSON and k − 1 commas.
  const budget = (options.maxBytes ?? MAX_QUEUE_STATE_BYTES) - jsonBytes(empty);
  let kept = 0;
  let used = 0;
  for (const job of ordered) {
    const bytes = jsonBytes(job) + (kept === 0 ? 0 : 1);
    if (used + bytes > budget) break;
    used += bytes;
    kept += 1;
  }
  return { ...empty, omitted_jobs: live.length - kept, jobs: ordered.slice(0, kept) };
}

/** The record a validated body describes, for `clusterId`. */
export function pushedQueueStateOf(clusterId: string, body: QueueStateBody): PushedQueueState {
  return {
    clusterId,
    observedAtMs: body.observed_at_ms,
    intervalMs: body.interval_ms,
    totalGpus: body.total_gpus,
    omittedJobs: body.omitted_jobs,
    pendingByPartition: { ...body.pending_by_partition },
    partitions: body.partitions.map((partition) => ({
      name: partition.name,
      gpus: partition.gpus,
      maxTimeSeconds: partition.max_time_seconds,
      up: partition.up,
      allowAccounts: partition.allow_accounts,
    })),
    jobs: body.jobs.map(
      ([jobId, user, partition, state, submitTimeMs, startTimeMs, gpus, cpus, timeLimitSeconds, priority, reason]) => ({
        jobId,
        user,
        partition,
        state,
        submitTimeMs,
        startTimeMs,
        requestedGpus: gpus,
        requestedCpus: cpus,
        timeLimitSeconds,
        priority,
        reason,
        endTimeMs: null,
      }),
    ),
  };
}

/** The body of a record (what the store keeps and the publisher sends). */
export function bodyOfPushedQueueState(state: PushedQueueState): QueueStateBody {
  return {
    observed_at_ms: state.observedAtMs,
    interval_ms: state.intervalMs,
    total_gpus: state.totalGpus,
    omitted_jobs: state.omittedJobs,
    pending_by_partition: { ...state.pendingByPartition },
    partitions: state.partitions.map(wirePartitionOf),
    jobs: state.jobs.map(wireJobOf),
  };
}
