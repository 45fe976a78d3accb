/**
 * Key layout of the single table for cluster state:
 *
 * | item            | PK                    | SK                                  | extra                                                       |
 * | --------------- | --------------------- | ----------------------------------- | ----------------------------------------------------------- |
 * | calibration     | `CLUSTER#{clusterId}` | `CALIBRATION`                       | GSI1PK = `CLUSTERS`, GSI1SK = id (the cluster listing)      |
 * | learning state  | `CLUSTER#{clusterId}` | `LEARNING`                          | windows packed as binaries                                  |
 * | profile         | `CLUSTER#{clusterId}` | `PROFILE`                           |                                                             |
 * | prediction      | `CLUSTER#{clusterId}` | `JOB#{jobId}`                       | GSI1PK = `PREDICTIONS#{id}`, GSI1SK = `PREDICTION#{iso-ts}#{jobId}`; `expiresAt` (TTL) |
 * | pending outcome | `CLUSTER#{clusterId}` | `INBOX#{iso-observed}#{jobId}`      |                                                             |
 * | pushed queue    | `CLUSTER#{clusterId}` | `QUEUE_STATE`                       | the agent's latest listing, as its wire JSON (≤ 200 KB)     |
 *
 * A prediction is keyed by its job so that storing it is ONE conditional write and an outcome
 * finds it by job id; SPEC's time-ordered `PREDICTION#{iso-ts}#{jobId}` is its sort key in the
 * index, where the dashboard and retraining list predictions by time. Ids never contain `#`, so a
 * key always splits back into its parts.
 */
import { InvalidInputError } from '../../core/errors.ts';

/** Cluster and job ids: 1–128 characters, starting alphanumeric, then letters, digits, `.`, `_`, `:`, `-`. */
export const SAFE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Days a prediction (and its job pointer) lives before DynamoDB's TTL may delete it. */
export const PREDICTION_TTL_DAYS = 30;

/** Latest `predictedAtMs` whose ISO form still has the fixed 24-character shape (9999-12-31T23:59:59.999Z), so sort keys order by time. */
export const MAX_PREDICTED_AT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const SortKey = {
  calibration: 'CALIBRATION',
  learning: 'LEARNING',
  profile: 'PROFILE',
  queueState: 'QUEUE_STATE',
  predictionPrefix: 'PREDICTION#',
  jobPrefix: 'JOB#',
  inboxPrefix: 'INBOX#',
  foldedPrefix: 'FOLDED#',
} as const;

/** Sort key of the marker that a job's outcome is in the learning state (written when it is acknowledged). */
export function foldedSortKey(jobId: string): string {
  return `${SortKey.foldedPrefix}${jobId}`;
}

/** GSI1PK of every calibration item: the one partition of the cluster listing index. */
export const CLUSTER_LIST_PARTITION = 'CLUSTERS';

/** GSI1PK of a cluster's predictions: their partition of the index, sorted by prediction time. */
export function predictionListPartition(clusterId: string): string {
  assertSafeId('cluster', clusterId);
  return `PREDICTIONS#${clusterId}`;
}

/** `INBOX#{iso-ts}#{jobId}` of an outcome observed at `observedAtMs`: pending outcomes list oldest first. */
export function inboxSortKey(observedAtMs: number, jobId: string): string {
  return `${SortKey.inboxPrefix}${predictionSortKey(observedAtMs, jobId).slice(SortKey.predictionPrefix.length)}`;
}

const MS_PER_DAY = 86_400_000;

/** Throws `InvalidInputError` naming the value unless `id` matches `SAFE_ID_PATTERN`. */
export function assertSafeId(kind: 'cluster' | 'job', id: string): void {
  if (!SAFE_ID_PATTERN.test(id)) {
    throw new InvalidInputError(`invalid ${kind} id '${truncated(id)}': expected ${SAFE_ID_PATTERN.source}`);
  }
}

/** `CLUSTER#{clusterId}`; throws `InvalidInputError` for an unsafe id. */
export function clusterPartitionKey(clusterId: string): string {
  assertSafeId('cluster', clusterId);
  return `CLUSTER#${clusterId}`;
}

/**
 * `PREDICTION#{iso-ts}#{jobId}` with iso-ts = `new Date(predictedAtMs).toISOString()`; sorts by
 * time, then job id. Throws `InvalidInputError` for an unsafe job id or a time outside
 * [0, MAX_PREDICTED_AT_MS] or not a whole millisecond.
 */
export function predictionSortKey(predictedAtMs: number, jobId: string): string {
  assertSafeId('job', jobId);
  if (!Number.isInteger(predictedAtMs) || predictedAtMs < 0 || predictedAtMs > MAX_PREDICTED_AT_MS) {
    throw new InvalidInputError(
      `invalid predictedAtMs ${predictedAtMs} for job '${jobId}': expected an integer in [0, ${MAX_PREDICTED_AT_MS}]`,
    );
  }
  return `${SortKey.predictionPrefix}${new Date(predictedAtMs).toISOString()}#${jobId}`;
}

/** `JOB#{jobId}`; throws `InvalidInputError` for an unsafe id. */
export function jobSortKey(jobId: string): string {
  assertSafeId('job', jobId);
  return `${SortKey.jobPrefix}${jobId}`;
}

/** TTL of a prediction made at `predictedAtMs`: `PREDICTION_TTL_DAYS` later, in whole epoch seconds. */
export function predictionExpiresAtSeconds(predictedAtMs: number): number {
  return Math.floor((predictedAtMs + PREDICTION_TTL_DAYS * MS_PER_DAY) / 1000);
}

/** TTL of an item that may expire at `keepUntilMs`: the whole second at or after it (never sooner). */
export function keptUntilSeconds(keepUntilMs: number): number {
  return Math.ceil(keepUntilMs / 1000);
}

function truncated(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
