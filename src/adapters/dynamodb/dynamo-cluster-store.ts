/**
 * `ClusterStore` on one DynamoDB table (layout in `cluster-table-keys.ts`), through the
 * document client. Runs unchanged against AWS and against the embedded dynalite.
 *
 * Every write is a single-item conditional write: dynalite has no TransactWriteItems, and the
 * invariants below hold without transactions.
 * - A prediction is claimed by its `JOB#` pointer first, so a second prediction for a job id is
 *   refused before anything is written.
 * - An outcome is stored on the prediction with `attribute_not_exists(outcome)`: whoever wins that
 *   write is the only caller that increments the cluster's outcome counter.
 * - The counter lives in its own `COUNTERS` item, so `putCalibration`'s full conditional write
 *   can never overwrite it with a stale value; `getCalibration` merges it into `outcomeCount`.
 * - Every conditional write carries a per-call writeId (write-id.ts), so a write whose response
 *   was lost and whose SDK retry then failed its own condition is still reported as written: the
 *   whole-item puts store it as `writeId`, the outcome as `outcomeWriteId`, and the counter's
 *   ADD appends it to `recentWriteIds` and refuses one already there (never counted twice).
 * - The online wait-interval state (`CONFORMAL`, issue 7) is one item written whole on its own
 *   `version`; its number windows are packed as little-endian float32 binaries (bins as bytes) (4 bytes a value,
 *   about a third of a number list, and a write's cost is its size): the core keeps the windows at
 *   single precision, so packing is exact, and a value that is not is refused, never rounded.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CalibrationRecord } from '../../app/records/calibration-record.ts';
import type { ClusterProfile } from '../../app/records/cluster-profile.ts';
import type { ClusterStore, RecordOutcomeResult } from '../../app/ports/cluster-store.ts';
import type { ConditionalWriteResult } from '../../app/ports/conditional-write.ts';
import type { ConformalRecord } from '../../app/records/conformal-record.ts';
import type { Outcome, PredictionRecord } from '../../app/records/prediction-record.ts';
import { DuplicateError, InfrastructureError, UnknownJobError } from '../../app/errors.ts';
import { InvalidInputError } from '../../core/errors.ts';
import {
  CalibrationRecordSchema,
  ClusterProfileSchema,
  ConformalRecordSchema,
  OutcomeSchema,
  PredictionRecordSchema,
  decodeItem,
  validForWrite,
} from './cluster-table-items.ts';
import {
  CLUSTER_LIST_PARTITION,
  SortKey,
  clusterPartitionKey,
  jobSortKey,
  predictionExpiresAtSeconds,
  predictionSortKey,
} from './cluster-table-keys.ts';
import { MAX_ITEM_SIZE_BYTES, dynamoItemSizeBytes } from './dynamo-item-size.ts';
import { CLUSTER_INDEX_NAME, TTL_ATTRIBUTE, TableKey } from './table-definition.ts';
import {
  WRITE_ID_ATTRIBUTE,
  WRITE_ID_RESERVE_BYTES,
  appendWriteId,
  isConditionFailure,
  randomWriteId,
  trimRecentWriteIds,
  updatesAfter,
  type NewWriteId,
} from './write-id.ts';

/** Items read per query page at least, when scanning for outcomes among newer predictions without one. */
export const MIN_OUTCOME_PAGE_ITEMS = 100;

/**
 * Bytes reserved in every prediction item for the outcome `recordOutcome` adds later, so a
 * prediction accepted now can always take its outcome (an outcome map is under 100 bytes).
 */
export const OUTCOME_RESERVE_BYTES = 256;

export interface DynamoClusterStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Items per query page (DynamoDB's `Limit`); absent: as many as fit in DynamoDB's 1 MB page. Tests set it small to force pagination. */
  readonly pageSize?: number;
  /** A fresh writeId per write call (default `randomWriteId`); tests inject fixed ids. */
  readonly newWriteId?: NewWriteId;
}

/** Attribute of a prediction item holding the writeId of the `recordOutcome` call that stored its outcome. */
export const OUTCOME_WRITE_ID_ATTRIBUTE = 'outcomeWriteId';

type Item = Record<string, unknown>;

export class DynamoClusterStore implements ClusterStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #pageSize: number | undefined;
  readonly #newWriteId: NewWriteId;

  constructor(options: DynamoClusterStoreOptions) {
    if (options.pageSize !== undefined && !(Number.isInteger(options.pageSize) && options.pageSize > 0)) {
      throw new InvalidInputError(`invalid pageSize ${options.pageSize}: expected a positive integer`);
    }
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#pageSize = options.pageSize;
    this.#newWriteId = options.newWriteId ?? randomWriteId;
  }

  /** The calibration item with `outcomeCount` taken from the atomic counter (0 before any outcome); undefined when the cluster has none. */
  async getCalibration(clusterId: string): Promise<CalibrationRecord | undefined> {
    const partitionKey = clusterPartitionKey(clusterId);
    const [calibrationItem, countersItem] = await Promise.all([
      this.#get(partitionKey, SortKey.calibration),
      this.#get(partitionKey, SortKey.counters),
    ]);
    if (calibrationItem === undefined) return undefined;
    const outcomeCount = typeof countersItem?.outcomeCount === 'number' ? countersItem.outcomeCount : 0;
    return decodeItem(CalibrationRecordSchema, { ...calibrationItem, outcomeCount }, `calibration of cluster '${clusterId}'`);
  }

  /**
   * Writes the whole calibration item when the stored `version` equals `expectedVersion`
   * (undefined: only when no calibration exists yet); otherwise `{ status: 'conflict' }`.
   * `record.version` must exceed `expectedVersion`, so every successful write moves the version on.
   * The record's `outcomeCount` is not stored: the counter item owns it.
   */
  async putCalibration(record: CalibrationRecord, expectedVersion: number | undefined): Promise<ConditionalWriteResult> {
    const partitionKey = clusterPartitionKey(record.clusterId);
    const valid = validForWrite(CalibrationRecordSchema, record, `calibration of cluster '${record.clusterId}'`);
    if (expectedVersion !== undefined && !(Number.isInteger(expectedVersion) && valid.version > expectedVersion)) {
      throw new InvalidInputError(
        `calibration of cluster '${record.clusterId}' has version ${valid.version}; it must be greater than the expected version ${expectedVersion}`,
      );
    }
    const { outcomeCount: _notStored, ...stored } = valid;
    const item: Item = {
      [TableKey.partition]: partitionKey,
      [TableKey.sort]: SortKey.calibration,
      [TableKey.indexPartition]: CLUSTER_LIST_PARTITION,
      [TableKey.indexSort]: record.clusterId,
      ...stored,
    };
    this.#assertFits(item, `calibration of cluster '${record.clusterId}'`);

    const written = await this.#conditionalPut(
      item,
      expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TableKey.partition } }
        : {
            ConditionExpression: '#version = :expectedVersion',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expectedVersion': expectedVersion },
          },
    );
    return written ? { status: 'written' } : { status: 'conflict' };
  }

  async getProfile(clusterId: string): Promise<ClusterProfile | undefined> {
    const item = await this.#get(clusterPartitionKey(clusterId), SortKey.profile);
    return item === undefined ? undefined : decodeItem(ClusterProfileSchema, item, `profile of cluster '${clusterId}'`);
  }

  /** Replaces the profile (last writer wins: a profile is a summary, recomputed whole). */
  async putProfile(profile: ClusterProfile): Promise<void> {
    const partitionKey = clusterPartitionKey(profile.clusterId);
    const valid = validForWrite(ClusterProfileSchema, profile, `profile of cluster '${profile.clusterId}'`);
    const item: Item = { [TableKey.partition]: partitionKey, [TableKey.sort]: SortKey.profile, ...valid };
    this.#assertFits(item, `profile of cluster '${profile.clusterId}'`);
    await this.#send('PutItem', () => this.#client.send(new PutCommand({ TableName: this.#tableName, Item: item })));
  }

  /**
   * Stores a prediction and its `JOB#` pointer. The pointer is written first, with
   * `attribute_not_exists`, so it claims the job id: a second prediction for the job throws
   * `DuplicateError` and leaves nothing behind. If a crash left a pointer without its prediction,
   * retrying the same prediction (same job, same `predictedAtMs`) completes it. A prediction that
   * already carries an outcome counts it, like `recordOutcome`.
   * Throws `InvalidInputError` for unsafe ids, invalid fields or an item over 400 KB.
   */
  async recordPrediction(prediction: PredictionRecord): Promise<void> {
    const partitionKey = clusterPartitionKey(prediction.clusterId);
    const sortKey = predictionSortKey(prediction.predictedAtMs, prediction.jobId);
    const valid = validForWrite(PredictionRecordSchema, prediction, `prediction for job '${prediction.jobId}'`);
    const expiresAt = predictionExpiresAtSeconds(valid.predictedAtMs);
    const item: Item = { [TableKey.partition]: partitionKey, [TableKey.sort]: sortKey, ...valid, [TTL_ATTRIBUTE]: expiresAt };
    this.#assertFits(item, `prediction for job '${prediction.jobId}'`, OUTCOME_RESERVE_BYTES);
    const pointer: Item = {
      [TableKey.partition]: partitionKey,
      [TableKey.sort]: jobSortKey(prediction.jobId),
      predictionSk: sortKey,
      [TTL_ATTRIBUTE]: expiresAt,
    };
    const duplicate = (): DuplicateError =>
      new DuplicateError(`job '${prediction.jobId}' on cluster '${prediction.clusterId}' already has a prediction`);

    // One writeId for the whole call: the pointer, the prediction and the counter are distinct items.
    const writeId = this.#newWriteId();
    const claimed = await this.#conditionalPut(pointer, this.#mustNotExist(), writeId);
    if (!claimed) {
      const existing = await this.#get(partitionKey, jobSortKey(prediction.jobId));
      const interrupted = existing?.predictionSk === sortKey && (await this.#get(partitionKey, sortKey)) === undefined;
      if (!interrupted) throw duplicate();
    }
    const stored = await this.#conditionalPut(item, this.#mustNotExist(), writeId);
    if (!stored) throw duplicate();
    if (valid.outcome !== undefined) await this.#incrementOutcomeCount(partitionKey, writeId);
  }

  /**
   * Attaches `outcome` to the job's prediction, once. Resolves the `JOB#` pointer, then writes the
   * outcome with `attribute_not_exists(outcome)`: the single winner increments the counter and
   * gets `recorded`; every other call (repeated or concurrent) gets `duplicate` with the stored
   * prediction. Unknown job → `UnknownJobError`.
   *
   * Crash window: a crash between the outcome write and the counter increment undercounts the
   * counter (which only triggers recomputation) by one. The outcome itself is stored exactly once,
   * and calibration windows are recomputed from stored outcomes, so nothing is double-counted.
   */
  async recordOutcome(clusterId: string, jobId: string, outcome: Outcome): Promise<RecordOutcomeResult> {
    const partitionKey = clusterPartitionKey(clusterId);
    const pointerKey = jobSortKey(jobId);
    const validOutcome = validForWrite(OutcomeSchema, outcome, `outcome for job '${jobId}'`);

    const pointer = await this.#get(partitionKey, pointerKey);
    const predictionSk = pointer?.predictionSk;
    if (typeof predictionSk !== 'string') throw new UnknownJobError(clusterId, jobId);

    const describe = `prediction for job '${jobId}'`;
    const writeId = this.#newWriteId();
    let updated: Item | undefined;
    try {
      const response = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { [TableKey.partition]: partitionKey, [TableKey.sort]: predictionSk },
          UpdateExpression: 'SET #outcome = :outcome, #outcomeWriteId = :writeId',
          // attribute_exists(PK): a pointer whose prediction write never happened must not create a stub item.
          ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#outcome)',
          ExpressionAttributeNames: { '#pk': TableKey.partition, '#outcome': 'outcome', '#outcomeWriteId': OUTCOME_WRITE_ID_ATTRIBUTE },
          ExpressionAttributeValues: { ':outcome': validOutcome, ':writeId': writeId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      updated = response.Attributes;
    } catch (error) {
      if (!isConditionFailure(error)) throw infrastructure('UpdateItem', this.#tableName, error);
    }

    if (updated === undefined) {
      const stored = await this.#get(partitionKey, predictionSk);
      if (stored === undefined) throw new UnknownJobError(clusterId, jobId);
      // Our own outcome: the first attempt was applied and only its response was lost.
      if (stored[OUTCOME_WRITE_ID_ATTRIBUTE] !== writeId) return { status: 'duplicate', prediction: decodeItem(PredictionRecordSchema, stored, describe) };
      updated = stored;
    }
    const outcomeCount = await this.#incrementOutcomeCount(partitionKey, writeId);
    return { status: 'recorded', prediction: decodeItem(PredictionRecordSchema, updated, describe), outcomeCount };
  }

  async recentOutcomes(clusterId: string, limit: number): Promise<PredictionRecord[]> {
    return this.#recentPredictions(clusterId, limit, true);
  }

  async recentPredictions(clusterId: string, limit: number): Promise<PredictionRecord[]> {
    return this.#recentPredictions(clusterId, limit, false);
  }

  /** Cluster ids that have a calibration item, in ascending order (the index's sort order). */
  async listClusters(): Promise<string[]> {
    const clusterIds: string[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.#send('Query', () =>
        this.#client.send(
          new QueryCommand({
            TableName: this.#tableName,
            IndexName: CLUSTER_INDEX_NAME,
            KeyConditionExpression: '#indexPk = :clusters',
            ExpressionAttributeNames: { '#indexPk': TableKey.indexPartition, '#indexSk': TableKey.indexSort },
            ExpressionAttributeValues: { ':clusters': CLUSTER_LIST_PARTITION },
            ProjectionExpression: '#indexSk',
            ExclusiveStartKey: startKey,
            Limit: this.#pageSize,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const clusterId: unknown = item[TableKey.indexSort];
        if (typeof clusterId === 'string') clusterIds.push(clusterId);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return clusterIds;
  }

  /** The cluster's online wait-interval state; undefined before its first outcome. */
  async getConformal(clusterId: string): Promise<ConformalRecord | undefined> {
    const item = await this.#get(clusterPartitionKey(clusterId), SortKey.conformal);
    if (item === undefined) return undefined;
    const what = `conformal state of cluster '${clusterId}'`;
    return decodeItem(
      ConformalRecordSchema,
      { ...item, probabilities: unpackFloat32(item.probabilities, what), bins: unpackBytes(item.bins, what), waitsSeconds: unpackFloat32(item.waitsSeconds, what), scores: unpackFloat32(item.scores, what) },
      what,
    );
  }

  /**
   * Writes the whole conformal item when the stored `version` equals `expectedVersion`
   * (undefined: only when none exists yet); otherwise `{ status: 'conflict' }`. `record.version`
   * must exceed `expectedVersion`. Throws `InvalidInputError` for a window value that float32
   * cannot hold exactly, or an invalid field.
   */
  async putConformal(record: ConformalRecord, expectedVersion: number | undefined): Promise<ConditionalWriteResult> {
    const what = `conformal state of cluster '${record.clusterId}'`;
    const partitionKey = clusterPartitionKey(record.clusterId);
    const valid = validForWrite(ConformalRecordSchema, record, what);
    if (expectedVersion !== undefined && !(Number.isInteger(expectedVersion) && valid.version > expectedVersion)) {
      throw new InvalidInputError(`${what} has version ${valid.version}; it must be greater than the expected version ${expectedVersion}`);
    }
    // validForWrite flushes magnitudes below DynamoDB's range to 0; pack the caller's own values so float32's range applies instead.
    const item: Item = {
      [TableKey.partition]: partitionKey,
      [TableKey.sort]: SortKey.conformal,
      ...valid,
      probabilities: packFloat32(record.probabilities, `${what}: probabilities`),
      bins: Uint8Array.from(valid.bins),
      waitsSeconds: packFloat32(record.waitsSeconds, `${what}: waitsSeconds`),
      scores: packFloat32(record.scores, `${what}: scores`),
    };
    this.#assertFits(item, what);
    const written = await this.#conditionalPut(
      item,
      expectedVersion === undefined
        ? this.#mustNotExist()
        : { ConditionExpression: '#version = :expectedVersion', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expectedVersion': expectedVersion } },
    );
    return written ? { status: 'written' } : { status: 'conflict' };
  }

  /**
   * Newest-first query over `PREDICTION#` sort keys, following `LastEvaluatedKey` until `limit`
   * matching items are collected or the partition is exhausted.
   */
  async #recentPredictions(clusterId: string, limit: number, withOutcomeOnly: boolean): Promise<PredictionRecord[]> {
    const partitionKey = clusterPartitionKey(clusterId);
    if (!Number.isInteger(limit) || limit < 0) throw new InvalidInputError(`invalid limit ${limit}: expected a non-negative integer`);
    const records: PredictionRecord[] = [];
    let startKey: Item | undefined;
    while (records.length < limit) {
      const remaining = limit - records.length;
      // With a filter, Limit counts items read before filtering: read a little ahead so newer
      // predictions still waiting for outcomes do not cost one round trip each.
      const wanted = withOutcomeOnly ? Math.max(remaining, MIN_OUTCOME_PAGE_ITEMS) : remaining;
      const page = await this.#send('Query', () =>
        this.#client.send(
          new QueryCommand({
            TableName: this.#tableName,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
            ...(withOutcomeOnly ? { FilterExpression: 'attribute_exists(#outcome)' } : {}),
            ExpressionAttributeNames: {
              '#pk': TableKey.partition,
              '#sk': TableKey.sort,
              ...(withOutcomeOnly ? { '#outcome': 'outcome' } : {}),
            },
            ExpressionAttributeValues: { ':pk': partitionKey, ':prefix': SortKey.predictionPrefix },
            ScanIndexForward: false,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
            Limit: Math.min(wanted, this.#pageSize ?? wanted),
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        if (records.length === limit) break;
        const jobId = typeof item.jobId === 'string' ? item.jobId : '?';
        records.push(decodeItem(PredictionRecordSchema, item, `prediction for job '${jobId}'`));
      }
      startKey = page.LastEvaluatedKey;
      if (startKey === undefined) break;
    }
    return records;
  }

  /**
   * ADD 1 to the cluster's outcome counter, once per `writeId`; returns the count this increment
   * produced. The writeId joins the counter's recent list in the same request and the condition
   * refuses one already there, so an SDK retry of an applied increment fails instead of counting
   * twice; the count it produced is then read back as the current count minus the increments
   * listed after it (one consistent read holds both).
   */
  async #incrementOutcomeCount(partitionKey: string, writeId: string): Promise<number> {
    const key = { [TableKey.partition]: partitionKey, [TableKey.sort]: SortKey.counters };
    const once = appendWriteId(writeId);
    let counters: Item | undefined;
    let later = 0;
    try {
      const response = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: key,
          UpdateExpression: `SET ${once.set} ADD #outcomeCount :one`,
          ConditionExpression: once.condition,
          ExpressionAttributeNames: { '#outcomeCount': 'outcomeCount', ...once.names },
          ExpressionAttributeValues: { ':one': 1, ...once.values },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      counters = response.Attributes;
    } catch (error) {
      if (!isConditionFailure(error)) throw infrastructure('UpdateItem', this.#tableName, error);
      counters = await this.#get(partitionKey, SortKey.counters);
      const after = updatesAfter(counters, writeId);
      // Only our own earlier attempt can have put the writeId there (ids are unique per call).
      if (after === undefined) throw new InfrastructureError(`outcome counter of '${partitionKey}' refused write ${writeId} it does not list`);
      later = after;
    }
    const outcomeCount: unknown = counters?.outcomeCount;
    if (typeof outcomeCount !== 'number') throw new InfrastructureError(`outcome counter of '${partitionKey}' is not a number`);
    await trimRecentWriteIds(this.#client, this.#tableName, key, counters);
    return outcomeCount - later;
  }

  async #get(partitionKey: string, sortKey: string): Promise<Item | undefined> {
    const response = await this.#send('GetItem', () =>
      this.#client.send(
        new GetCommand({
          TableName: this.#tableName,
          Key: { [TableKey.partition]: partitionKey, [TableKey.sort]: sortKey },
          ConsistentRead: true,
        }),
      ),
    );
    return response.Item;
  }

  /**
   * PutItem with a condition, stamped with `writeId`: true when written, false when the condition
   * failed — unless the stored item carries our writeId (consistent read), i.e. an earlier attempt
   * of this very call was applied and the SDK's retry failed on it: that is our write, so true.
   */
  async #conditionalPut(
    item: Item,
    condition: { ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Item },
    writeId: string = this.#newWriteId(),
  ): Promise<boolean> {
    try {
      await this.#client.send(new PutCommand({ TableName: this.#tableName, Item: { ...item, [WRITE_ID_ATTRIBUTE]: writeId }, ...condition }));
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw infrastructure('PutItem', this.#tableName, error);
    }
    const stored = await this.#get(String(item[TableKey.partition]), String(item[TableKey.sort]));
    return stored?.[WRITE_ID_ATTRIBUTE] === writeId;
  }

  #mustNotExist(): { ConditionExpression: string; ExpressionAttributeNames: Record<string, string> } {
    return { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TableKey.partition } };
  }

  async #send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw infrastructure(operation, this.#tableName, error);
    }
  }

  /** Refuses, before any request, an item DynamoDB would reject for size (`reserveBytes` kept free for later updates, plus the writeId's). */
  #assertFits(item: Item, what: string, reserveBytes = 0): void {
    const sizeBytes = dynamoItemSizeBytes(item) + reserveBytes + WRITE_ID_RESERVE_BYTES;
    if (sizeBytes > MAX_ITEM_SIZE_BYTES) {
      throw new InvalidInputError(`${what} is ${Math.ceil(sizeBytes / 1024)} KB; the limit is ${MAX_ITEM_SIZE_BYTES / 1024} KB`);
    }
  }
}

/** Little-endian float32 bytes of `values`; InvalidInputError when one is not exactly a float32. */
function packFloat32(values: readonly number[], what: string): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => {
    if (Math.fround(value) !== value) throw new InvalidInputError(`${what}[${index}] = ${value} is not a single-precision value`);
    view.setFloat32(index * 4, value, true);
  });
  return bytes;
}

/** The numbers packed by `packFloat32` (an empty list is stored as an empty binary); a malformed attribute → InfrastructureError. */
function unpackFloat32(attribute: unknown, what: string): number[] {
  if (!(attribute instanceof Uint8Array) || attribute.byteLength % 4 !== 0) throw new InfrastructureError(`stored ${what} has a malformed window`);
  const view = new DataView(attribute.buffer, attribute.byteOffset, attribute.byteLength);
  return Array.from({ length: attribute.byteLength / 4 }, (_, index) => view.getFloat32(index * 4, true));
}

/** The bytes of a binary attribute as numbers (the bins window); a malformed attribute → InfrastructureError. */
function unpackBytes(attribute: unknown, what: string): number[] {
  if (!(attribute instanceof Uint8Array)) throw new InfrastructureError(`stored ${what} has a malformed window`);
  return Array.from(attribute);
}

function infrastructure(operation: string, tableName: string, cause: unknown): InfrastructureError {
  const name = cause instanceof Error ? cause.name : 'unknown error';
  return new InfrastructureError(`DynamoDB ${operation} on table '${tableName}' failed: ${name}`, { cause });
}
