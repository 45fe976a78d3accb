/**
 * The learning state (`LEARNING`), its calibration summary (`CALIBRATION`) and the pending outcomes
 * (`INBOX#…`) on the single table: `LearningStateStore` and `CalibrationSource`.
 *
 * - The learning record is written whole with one conditional PutItem on its `version`. Its number
 *   windows are packed as little-endian binaries (float32 values, float64 instants, byte labels,
 *   8-byte folded-job keys): about a third of a number list, and a write's cost is its size. The core keeps windows at single
 *   precision, so packing is exact, and a value that is not is refused, never rounded.
 * - The summary follows it, written only over an older one (`learningVersion`), so two writers that
 *   commit in one order never leave the summary of the earlier record.
 * - Acknowledging outcomes deletes their inbox items and writes a `FOLDED#{jobId}` marker for each
 *   (a retried delivery of a folded outcome is then not queued again), both in shared
 *   BatchWriteItem requests: a few requests per fold, not one per outcome. A marker expires with
 *   its prediction.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CalibrationSource } from '../../app/ports/calibration-source.ts';
import type { ConditionalWriteResult } from '../../app/ports/conditional-write.ts';
import type { LearningStateStore } from '../../app/ports/learning-state-store.ts';
import type { CalibrationRecord } from '../../app/records/calibration-record.ts';
import type { LearningRecord } from '../../app/records/learning-record.ts';
import type { PendingOutcome } from '../../app/records/prediction-record.ts';
import type { OnlineWaitState } from '../../core/conformal/online-wait-interval.ts';
import { InfrastructureError } from '../../app/errors.ts';
import { InvalidInputError } from '../../core/errors.ts';
import {
  CalibrationRecordSchema,
  LearningRecordSchema,
  PendingOutcomeSchema,
  decodeItem,
  validForWrite,
} from './cluster-table-items.ts';
import {
  CLUSTER_LIST_PARTITION,
  SortKey,
  clusterPartitionKey,
  foldedSortKey,
  inboxSortKey,
  keptUntilSeconds,
  predictionExpiresAtSeconds,
} from './cluster-table-keys.ts';
import { FOLDED_ATTRIBUTE } from './dynamo-prediction-log.ts';
import { TTL_ATTRIBUTE, TableKey } from './table-definition.ts';
import {
  TableIo,
  packBytes,
  packFloat32,
  packFloat64,
  unpackBytes,
  unpackFloat32,
  unpackFloat64,
  versionIs,
  type Item,
  type TableIoOptions,
} from './table-io.ts';
import { BATCH_WRITE_LIMIT } from './batched-puts.ts';

/** Bytes per folded-job key (16 hex digits). */
const JOB_KEY_BYTES = 8;

/** The folded-job keys as one binary, 8 bytes each (the record schema has already checked each is 16 hex digits). */
function packJobKeys(keys: readonly string[]): Uint8Array {
  return Uint8Array.from(Buffer.from(keys.join(''), 'hex'));
}

function unpackJobKeys(attribute: unknown, what: string): string[] {
  if (!(attribute instanceof Uint8Array) || attribute.length % JOB_KEY_BYTES !== 0)
    throw new InfrastructureError(`stored ${what} has malformed folded-job keys`);
  const hex = Buffer.from(attribute).toString('hex');
  return Array.from({ length: attribute.length / JOB_KEY_BYTES }, (_, index) =>
    hex.slice(index * 2 * JOB_KEY_BYTES, (index + 1) * 2 * JOB_KEY_BYTES),
  );
}

function packWait(wait: OnlineWaitState, what: string): Item {
  return {
    waitsSeconds: packFloat32(wait.waitsSeconds, `${what}: waits`),
    neighbourInputs: packBytes(wait.neighbourInputs, `${what}: neighbour inputs`),
    ridge: packFloat64(wait.ridge),
    queueDepths: packFloat32(wait.queueDepths, `${what}: queue depths`),
    quantileLevels: packFloat32(wait.quantileLevels, `${what}: quantile levels`),
  };
}

function unpackWait(item: unknown, what: string): unknown {
  const wait = (item ?? {}) as Item;
  return {
    ...wait,
    waitsSeconds: unpackFloat32(wait.waitsSeconds, what),
    // Absent from records written before the neighbour window existed.
    neighbourInputs: wait.neighbourInputs === undefined ? [] : unpackBytes(wait.neighbourInputs, what),
    ridge: wait.ridge === undefined ? [] : unpackFloat64(wait.ridge, what),
    // Absent from records written before the wait distribution existed.
    queueDepths: wait.queueDepths === undefined ? [] : unpackFloat32(wait.queueDepths, what),
    quantileLevels: wait.quantileLevels === undefined ? [] : unpackFloat32(wait.quantileLevels, what),
  };
}

/**
 * The learning item of a record. Packed from the caller's own values (validation flushes magnitudes
 * below DynamoDB's range to 0; float32's range applies to the packed windows instead).
 */
function learningItem(record: LearningRecord): Item {
  const what = `learning state of cluster '${record.clusterId}'`;
  const valid = validForWrite(LearningRecordSchema, record, what);
  const { state } = record;
  return {
    [TableKey.partition]: clusterPartitionKey(record.clusterId),
    [TableKey.sort]: SortKey.learning,
    ...valid,
    foldedJobKeys: packJobKeys(record.foldedJobKeys),
    state: {
      ...valid.state,
      calibrator: {
        ...valid.state.calibrator,
        platt: {
          slope: state.calibrator.platt.slope,
          intercept: state.calibrator.platt.intercept,
          logits: packFloat32(state.calibrator.platt.logits, `${what}: calibrator logits`),
          labels: packBytes(state.calibrator.platt.labels, `${what}: calibrator labels`),
        },
      },
      evidence: {
        sinceMs: state.evidence.sinceMs,
        probabilities: packFloat32(state.evidence.probabilities, `${what}: evidence probabilities`),
        labels: packBytes(state.evidence.labels, `${what}: evidence labels`),
        observedAtMs: packFloat64(state.evidence.observedAtMs),
      },
    },
    wait: packWait(record.wait, what),
  };
}

function decodeLearning(item: Item, clusterId: string): LearningRecord {
  const what = `learning state of cluster '${clusterId}'`;
  const state = (item.state ?? {}) as Item;
  const calibrator = (state.calibrator ?? {}) as Item;
  const platt = (calibrator.platt ?? {}) as Item;
  const evidence = (state.evidence ?? {}) as Item;
  const folded = item.foldedJobKeys;
  return decodeItem(
    LearningRecordSchema,
    {
      ...item,
      foldedJobKeys: unpackJobKeys(folded, what),
      state: {
        ...state,
        calibrator: {
          ...calibrator,
          platt: { ...platt, logits: unpackFloat32(platt.logits, what), labels: unpackBytes(platt.labels, what) },
        },
        evidence: {
          ...evidence,
          probabilities: unpackFloat32(evidence.probabilities, what),
          labels: unpackBytes(evidence.labels, what),
          observedAtMs: unpackFloat64(evidence.observedAtMs, what),
        },
      },
      wait: unpackWait(item.wait, what),
    },
    what,
  );
}

/** The calibration item of a summary (listed in the cluster index). */
export function calibrationItem(calibration: CalibrationRecord): Item {
  const what = `calibration of cluster '${calibration.clusterId}'`;
  const valid = validForWrite(CalibrationRecordSchema, calibration, what);
  return {
    [TableKey.partition]: clusterPartitionKey(calibration.clusterId),
    [TableKey.sort]: SortKey.calibration,
    [TableKey.indexPartition]: CLUSTER_LIST_PARTITION,
    [TableKey.indexSort]: calibration.clusterId,
    ...valid,
    wait: packWait(calibration.wait, what),
  };
}

export function decodeCalibration(item: Item, clusterId: string): CalibrationRecord {
  const what = `calibration of cluster '${clusterId}'`;
  return decodeItem(CalibrationRecordSchema, { ...item, wait: unpackWait(item.wait, what) }, what);
}

/** Writes the summary unless a newer one (a higher `learningVersion`) is stored. */
export async function putCalibrationIfNewer(io: TableIo, calibration: CalibrationRecord): Promise<void> {
  const item = calibrationItem(calibration);
  io.assertFits(item, `calibration of cluster '${calibration.clusterId}'`);
  await io.conditionalPut(item, {
    ConditionExpression: 'attribute_not_exists(#pk) OR #learningVersion < :learningVersion',
    ExpressionAttributeNames: { '#pk': TableKey.partition, '#learningVersion': 'learningVersion' },
    ExpressionAttributeValues: { ':learningVersion': calibration.learningVersion },
  });
}

export class DynamoLearningStateStore implements LearningStateStore, CalibrationSource {
  readonly #io: TableIo;

  constructor(options: TableIoOptions) {
    this.#io = new TableIo(options);
  }

  async load(clusterId: string): Promise<LearningRecord | undefined> {
    const item = await this.#io.get(clusterPartitionKey(clusterId), SortKey.learning);
    return item === undefined ? undefined : decodeLearning(item, clusterId);
  }

  async current(clusterId: string): Promise<CalibrationRecord | undefined> {
    const item = await this.#io.get(clusterPartitionKey(clusterId), SortKey.calibration);
    return item === undefined ? undefined : decodeCalibration(item, clusterId);
  }

  async pending(clusterId: string, limit: number): Promise<PendingOutcome[]> {
    if (!Number.isInteger(limit) || limit < 1)
      throw new InvalidInputError(`invalid limit ${limit}: expected a positive integer`);
    const items = await this.#io.query(
      {
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': TableKey.partition, '#sk': TableKey.sort },
        ExpressionAttributeValues: { ':pk': clusterPartitionKey(clusterId), ':prefix': SortKey.inboxPrefix },
        ConsistentRead: true,
      },
      limit,
    );
    return items.map((item) =>
      decodeItem(
        PendingOutcomeSchema,
        item,
        `pending outcome of job '${typeof item.jobId === 'string' ? item.jobId : '?'}'`,
      ),
    );
  }

  async commit(
    record: LearningRecord,
    expectedVersion: number | undefined,
    calibration: CalibrationRecord,
  ): Promise<ConditionalWriteResult> {
    const what = `learning state of cluster '${record.clusterId}'`;
    if (expectedVersion !== undefined && !(Number.isInteger(expectedVersion) && record.version > expectedVersion)) {
      throw new InvalidInputError(
        `${what} has version ${record.version}; it must be greater than the expected version ${expectedVersion}`,
      );
    }
    const item = learningItem(record);
    this.#io.assertFits(item, what);
    if (!(await this.#io.conditionalPut(item, versionIs(expectedVersion)))) return { status: 'conflict' };
    await putCalibrationIfNewer(this.#io, calibration);
    return { status: 'written' };
  }

  async acknowledge(outcomes: readonly PendingOutcome[]): Promise<void> {
    // The markers first: an inbox item is deleted only once its marker is stored, so a crash in
    // between leaves it pending with its job already listed as folded (the fold drops it then).
    const markers = outcomes.map((pending) => ({
      PutRequest: {
        Item: {
          [TableKey.partition]: clusterPartitionKey(pending.clusterId),
          [TableKey.sort]: foldedSortKey(pending.jobId),
          [FOLDED_ATTRIBUTE]: pending.outcome.observedAtMs,
          // Expires with its prediction (recordOutcome gave both the same TTL): a marker that went
          // first would let a repeated delivery queue a folded outcome again.
          [TTL_ATTRIBUTE]:
            pending.keepUntilMs === undefined
              ? predictionExpiresAtSeconds(pending.predictedAtMs)
              : keptUntilSeconds(pending.keepUntilMs),
        },
      },
    }));
    const deletes = outcomes.map((pending) => ({
      DeleteRequest: {
        Key: {
          [TableKey.partition]: clusterPartitionKey(pending.clusterId),
          [TableKey.sort]: inboxSortKey(pending.outcome.observedAtMs, pending.jobId),
        },
      },
    }));
    await this.#batchWrite(markers);
    await this.#batchWrite(deletes);
  }

  /** Sends `requests` in BatchWriteItems of 25, in parallel; unprocessed ones are sent again (puts and deletes here are idempotent). */
  async #batchWrite(requests: readonly Item[]): Promise<void> {
    const batches: Item[][] = [];
    for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT)
      batches.push(requests.slice(start, start + BATCH_WRITE_LIMIT));
    await Promise.all(
      batches.map(async (batch) => {
        let left = batch;
        // BatchWriteItem may leave some unprocessed under throttling: send those again.
        for (let attempt = 0; left.length > 0; attempt += 1) {
          const response = await this.#io.send('BatchWriteItem', () =>
            this.#io.client.send(new BatchWriteCommand({ RequestItems: { [this.#io.tableName]: left } })),
          );
          left = response.UnprocessedItems?.[this.#io.tableName] ?? [];
          if (left.length > 0 && attempt >= 5)
            throw new InfrastructureError(
              `DynamoDB left ${left.length} pending-outcome writes unprocessed after ${attempt + 1} attempts`,
            );
        }
      }),
    );
  }
}
