/**
 * `PredictionLog` on the single table (layout in cluster-table-keys.ts). Runs unchanged against
 * AWS and against the embedded dynalite.
 *
 * - A prediction is ONE conditional PutItem on `JOB#{jobId}` (`attribute_not_exists`): a second
 *   prediction for the job is refused, and there is no second item a crash could leave half
 *   written. Its writeId (write-id.ts) makes an SDK retry of an applied write count as ours.
 * - An outcome is one conditional UpdateItem on the prediction (`attribute_not_exists(outcome)`),
 *   then a put of the pending outcome (`INBOX#…`) the learning state folds — batched with the
 *   inbox puts of concurrent outcomes into one BatchWriteItem (batched-puts.ts). The second write
 *   is idempotent (same key, same content), and a duplicate delivery repeats it while the
 *   prediction is not yet marked folded: an outcome whose first delivery failed between the two
 *   writes is completed by its retry, and one already folded is not queued again.
 */
import type { PredictionLog, RecordOutcomeOptions, RecordOutcomeResult } from '../../app/ports/prediction-log.ts';
import type { Outcome, PendingOutcome, PredictionRecord } from '../../app/records/prediction-record.ts';
import { DuplicateError, UnknownJobError } from '../../app/errors.ts';
import { InvalidInputError } from '../../core/errors.ts';
import {
  OutcomeSchema,
  PendingOutcomeSchema,
  PredictionRecordSchema,
  decodeItem,
  validForWrite,
} from './cluster-table-items.ts';
import {
  clusterPartitionKey,
  foldedSortKey,
  inboxSortKey,
  jobSortKey,
  keptUntilSeconds,
  predictionExpiresAtSeconds,
  predictionListPartition,
  predictionSortKey,
} from './cluster-table-keys.ts';
import { CLUSTER_INDEX_NAME, TTL_ATTRIBUTE, TableKey } from './table-definition.ts';
import { MUST_NOT_EXIST, TableIo, type Item, type TableIoOptions } from './table-io.ts';
import { BatchedPuts } from './batched-puts.ts';

/**
 * Bytes reserved in every prediction item for the outcome `recordOutcome` adds later, so a
 * prediction accepted now can always take its outcome (an outcome map is under 100 bytes).
 */
export const OUTCOME_RESERVE_BYTES = 256;

/** Attribute of a prediction item holding the writeId of the `recordOutcome` call that stored its outcome. */
export const OUTCOME_WRITE_ID_ATTRIBUTE = 'outcomeWriteId';

/**
 * When a job's outcome entered the learning state: the attribute of its `FOLDED#{jobId}` marker
 * (and, as older versions wrote it, of the prediction itself).
 */
export const FOLDED_ATTRIBUTE = 'foldedAtMs';

/** Items read per query page at least, when looking for outcomes among newer predictions without one. */
export const MIN_OUTCOME_PAGE_ITEMS = 100;

/** The pending outcome of a prediction that has one (`keepUntilMs`: see RecordOutcomeOptions). */
export function pendingOutcomeOf(prediction: PredictionRecord, outcome: Outcome, keepUntilMs?: number): PendingOutcome {
  return {
    clusterId: prediction.clusterId,
    jobId: prediction.jobId,
    epoch: prediction.epoch,
    bundleVersion: prediction.bundleVersion,
    classifierProbability: prediction.classifierProbability,
    probability: prediction.probability,
    predictedAtMs: prediction.predictedAtMs,
    outcome,
    waitEstimate: prediction.waitEstimate,
    ...(prediction.waitDistribution === undefined ? {} : { waitDistribution: prediction.waitDistribution }),
    ...(keepUntilMs === undefined ? {} : { keepUntilMs }),
  };
}

/** The inbox item of a pending outcome. */
export function inboxItem(pending: PendingOutcome): Item {
  const valid = validForWrite(PendingOutcomeSchema, pending, `pending outcome of job '${pending.jobId}'`);
  return {
    [TableKey.partition]: clusterPartitionKey(pending.clusterId),
    [TableKey.sort]: inboxSortKey(pending.outcome.observedAtMs, pending.jobId),
    ...valid,
  };
}

export class DynamoPredictionLog implements PredictionLog {
  readonly #io: TableIo;
  /** Inbox items of concurrent outcomes go out together (batched-puts.ts): one request carries many. */
  readonly #inbox: BatchedPuts;

  constructor(options: TableIoOptions) {
    this.#io = new TableIo(options);
    this.#inbox = new BatchedPuts(this.#io);
  }

  async record(prediction: PredictionRecord): Promise<void> {
    const what = `prediction for job '${prediction.jobId}'`;
    const valid = validForWrite(PredictionRecordSchema, prediction, what);
    const item: Item = {
      [TableKey.partition]: clusterPartitionKey(prediction.clusterId),
      [TableKey.sort]: jobSortKey(prediction.jobId),
      [TableKey.indexPartition]: predictionListPartition(prediction.clusterId),
      [TableKey.indexSort]: predictionSortKey(valid.predictedAtMs, prediction.jobId),
      ...valid,
      [TTL_ATTRIBUTE]: predictionExpiresAtSeconds(valid.predictedAtMs),
    };
    this.#io.assertFits(item, what, OUTCOME_RESERVE_BYTES);
    if (!(await this.#io.conditionalPut(item, MUST_NOT_EXIST))) {
      throw new DuplicateError(
        `job '${prediction.jobId}' on cluster '${prediction.clusterId}' already has a prediction`,
      );
    }
  }

  async recordOutcome(
    clusterId: string,
    jobId: string,
    outcome: Outcome,
    options: RecordOutcomeOptions = {},
  ): Promise<RecordOutcomeResult> {
    const partitionKey = clusterPartitionKey(clusterId);
    const sortKey = jobSortKey(jobId);
    const validOutcome = validForWrite(OutcomeSchema, outcome, `outcome for job '${jobId}'`);
    const what = `prediction for job '${jobId}'`;
    const { keepUntilMs } = options;
    if (keepUntilMs !== undefined && !(Number.isInteger(keepUntilMs) && keepUntilMs >= 0)) {
      throw new InvalidInputError(`invalid keepUntilMs ${keepUntilMs}: expected epoch milliseconds`);
    }
    const writeId = this.#io.newWriteId();
    // The shortened TTL rides on the outcome's own write: no extra request.
    const expires = keepUntilMs === undefined ? '' : ', #ttl = :expiresAt';
    let stored = await this.#io.conditionalUpdate({
      Key: { [TableKey.partition]: partitionKey, [TableKey.sort]: sortKey },
      UpdateExpression: `SET #outcome = :outcome, #outcomeWriteId = :writeId${expires}`,
      // attribute_exists(PK): an unknown job must not create a stub item.
      ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#outcome)',
      ExpressionAttributeNames: {
        '#pk': TableKey.partition,
        '#outcome': 'outcome',
        '#outcomeWriteId': OUTCOME_WRITE_ID_ATTRIBUTE,
        ...(keepUntilMs === undefined ? {} : { '#ttl': TTL_ATTRIBUTE }),
      },
      ExpressionAttributeValues: {
        ':outcome': validOutcome,
        ':writeId': writeId,
        ...(keepUntilMs === undefined ? {} : { ':expiresAt': keptUntilSeconds(keepUntilMs) }),
      },
    });
    let status: RecordOutcomeResult['status'] = 'recorded';
    if (stored === undefined) {
      stored = await this.#io.get(partitionKey, sortKey);
      if (stored === undefined) throw new UnknownJobError(clusterId, jobId);
      // Our own outcome when the first attempt was applied and only its response was lost.
      if (stored[OUTCOME_WRITE_ID_ATTRIBUTE] !== writeId) status = 'duplicate';
    }
    const prediction = decodeItem(PredictionRecordSchema, stored, what);
    const storedOutcome = prediction.outcome;
    if (storedOutcome === undefined) throw new UnknownJobError(clusterId, jobId);
    // A repeated delivery re-queues the outcome unless it is already folded (its marker, read only
    // on this rare path): that completes an outcome whose first queueing failed.
    if (status === 'recorded' || !(await this.#folded(clusterId, jobId, stored))) {
      await this.#inbox.put(inboxItem(pendingOutcomeOf(prediction, storedOutcome, keepUntilMs)));
    }
    return { status, prediction };
  }

  async #folded(clusterId: string, jobId: string, prediction: Item): Promise<boolean> {
    if (prediction[FOLDED_ATTRIBUTE] !== undefined) return true;
    return (await this.#io.get(clusterPartitionKey(clusterId), foldedSortKey(jobId))) !== undefined;
  }

  async find(clusterId: string, jobId: string): Promise<PredictionRecord | undefined> {
    const item = await this.#io.get(clusterPartitionKey(clusterId), jobSortKey(jobId));
    return item === undefined ? undefined : decodeItem(PredictionRecordSchema, item, `prediction for job '${jobId}'`);
  }

  /**
   * Newest first through the index (eventually consistent: a prediction stored a moment ago may
   * not be listed yet), following pages until `limit` matching items are collected.
   */
  async recent(
    clusterId: string,
    options: { readonly limit: number; readonly withOutcome?: boolean },
  ): Promise<PredictionRecord[]> {
    const { limit } = options;
    if (!Number.isInteger(limit) || limit < 0)
      throw new InvalidInputError(`invalid limit ${limit}: expected a non-negative integer`);
    if (limit === 0) return [];
    const withOutcome = options.withOutcome === true;
    const items = await this.#io.query(
      {
        IndexName: CLUSTER_INDEX_NAME,
        KeyConditionExpression: '#indexPk = :partition',
        ExpressionAttributeNames: { '#indexPk': TableKey.indexPartition },
        ExpressionAttributeValues: { ':partition': predictionListPartition(clusterId) },
        ScanIndexForward: false,
      },
      limit,
      withOutcome ? { accept: (item) => item.outcome !== undefined, minPageItems: MIN_OUTCOME_PAGE_ITEMS } : {},
    );
    const records = items.map((item) =>
      decodeItem(
        PredictionRecordSchema,
        item,
        `prediction for job '${typeof item.jobId === 'string' ? item.jobId : '?'}'`,
      ),
    );
    return records;
  }
}
