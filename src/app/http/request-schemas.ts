/**
 * The HTTP API's request shapes (zod). Field names follow the VGAC platform's prediction API
 * (snake_case: gpus, cpu in millicores, memory_gb, …); our additions are `cluster_id` and
 * `job_id`. Objects are strict: an unknown or misspelt field is a 400 naming it.
 * Schemas are built on first use (`z.lazy`): building zod schemas costs CPU, and a Lambda cold start
 * should pay only for those its first request reads.
 */
import * as z from 'zod';
import type { JobSpec } from '../records/queue.ts';

/** Cluster, job and escalation ids: what the single table accepts in a key. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Most jobs in one `POST /api/predict/batch`. */
export const MAX_BATCH_JOBS = 100;

/** Most items one list request returns. */
export const MAX_LIST_LIMIT = 500;

const Id = z.string().regex(ID_PATTERN, 'an id of 1–128 letters, digits, . _ : - (starting with a letter or digit)');
const Label = z.string().min(1).max(128);

export const JobSpecBody = z.lazy(() =>
  z.strictObject({
    cluster_id: Id.optional(),
    /** When given, the prediction is stored so an outcome can later be joined to it; otherwise it is a what-if. */
    job_id: Id.optional(),
    gpus: z.number().int().min(0).max(100_000),
    /** Millicores. */
    cpu: z.number().int().min(0).max(100_000_000).optional(),
    memory_gb: z.number().min(0).max(1_000_000).optional(),
    priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
    namespace: Label.optional(),
    queue: Label.optional(),
    estimated_duration_minutes: z.number().min(0).max(1_000_000).optional(),
    is_distributed: z.boolean().optional(),
    gpu_type: Label.optional(),
    job_type: Label.optional(),
  }),
);
export type JobSpecBody = z.infer<typeof JobSpecBody>;

/** Longest horizon `within_seconds` accepts: about 31 years, far past any queue. */
export const MAX_WITHIN_SECONDS = 1e9;

/**
 * One job's prediction request: the job, and optionally the question "will it start by then?",
 * as a time (`start_by`, ISO 8601 with a zone or Z) or as a horizon from now (`within_seconds`);
 * not both. Whether `start_by` is past is judged against the server's clock (predict-wait.ts).
 */
export const PredictWaitBody = z.lazy(() =>
  JobSpecBody.unwrap()
    .extend({
      start_by: z.iso
        .datetime({ offset: true, message: 'an ISO 8601 date and time with a zone, e.g. 2025-01-01T17:00:00Z' })
        .optional(),
      within_seconds: z.number().min(0).max(MAX_WITHIN_SECONDS).optional(),
    })
    .refine((body) => body.start_by === undefined || body.within_seconds === undefined, {
      path: ['within_seconds'],
      message: 'give start_by or within_seconds, not both',
    }),
);
export type PredictWaitBody = z.infer<typeof PredictWaitBody>;

export const BatchBody = z.lazy(() =>
  z.strictObject({
    cluster_id: Id.optional(),
    jobs: z.array(JobSpecBody).min(1).max(MAX_BATCH_JOBS),
  }),
);

export const OutcomeBody = z.lazy(() =>
  z.strictObject({
    cluster_id: Id,
    job_id: Id,
    wait_seconds: z.number().min(0).max(1e9),
    /** Optional, and only accepted when it agrees with the cluster's label (its long-wait threshold decides). */
    long_wait: z.boolean().optional(),
  }),
);

export const EscalationDecisionBody = z.lazy(() =>
  z.strictObject({
    cluster_id: Id,
    escalation_id: Id,
    decision: z.enum(['approve', 'reject']),
    /** Who decided (shown in the audit trail), e.g. an operator's name. */
    decided_by: z.string().min(1).max(128),
  }),
);

/** Routes without parameters still refuse unknown ones (a misspelt filter must not be silently ignored). */
export const NoQuery = z.lazy(() => z.strictObject({}));

export const ClusterQuery = z.lazy(() => z.strictObject({ cluster_id: Id.optional() }));

export const QueueQuery = z.lazy(() =>
  z.strictObject({
    cluster_id: Id.optional(),
    state: z.enum(['pending', 'running', 'all']).default('all'),
    limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(100),
  }),
);

export const EscalationListQuery = z.lazy(() =>
  z.strictObject({
    cluster_id: Id.optional(),
    status: z.enum(['pending', 'approved', 'rejected', 'executed', 'failed']).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(50),
  }),
);

export const ClusterPath = z.lazy(() => z.strictObject({ id: Id }));

/** `GET /api/jobs/{id}/forecast`: the job id as its scheduler writes it (Slurm: `12345`, `12345_7`). */
export const JobPath = z.lazy(() => z.strictObject({ id: Id }));

/** `?cluster=ID` (or `cluster_id`), `alternatives=false` to skip the what-if alternatives. */
export const JobForecastQuery = z.lazy(() =>
  z.strictObject({
    cluster: Id.optional(),
    cluster_id: Id.optional(),
    alternatives: z.enum(['true', 'false']).default('true'),
  }),
);

/** The port's JobSpec from the wire's snake_case fields. */
export function toJobSpec(body: JobSpecBody): JobSpec {
  return {
    gpus: body.gpus,
    ...(body.cpu === undefined ? {} : { cpuMillicores: body.cpu }),
    ...(body.memory_gb === undefined ? {} : { memoryGb: body.memory_gb }),
    ...(body.priority === undefined ? {} : { priority: body.priority }),
    ...(body.namespace === undefined ? {} : { namespace: body.namespace }),
    ...(body.queue === undefined ? {} : { queue: body.queue }),
    ...(body.estimated_duration_minutes === undefined
      ? {}
      : { estimatedDurationMinutes: body.estimated_duration_minutes }),
    ...(body.is_distributed === undefined ? {} : { isDistributed: body.is_distributed }),
    ...(body.gpu_type === undefined ? {} : { gpuType: body.gpu_type }),
    ...(body.job_type === undefined ? {} : { jobType: body.job_type }),
  };
}
