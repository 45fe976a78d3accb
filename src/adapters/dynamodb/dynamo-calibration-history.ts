/**
 * `CalibrationHistoryStore` on the single table: `PK = CLUSTER#{id}`, `SK = CALHIST#{iso-ts}`, one
 * item per recompute, kept `CALIBRATION_HISTORY_TTL_DAYS` (TTL). Listing is one descending Query
 * on the sort-key prefix, so the newest points come first and are returned oldest first.
 * A point carries its append call's writeId (write-id.ts), so an SDK retry of an applied put is
 * recognised as ours instead of being written again under the next suffix.
 * Schemas are built on first use (`z.lazy`): building zod schemas costs CPU, and a Lambda cold start
 * should pay only for those its first request reads.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { InfrastructureError } from '../../app/errors.ts';
import type { CalibrationHistoryPoint } from '../../app/records/calibration-history-point.ts';
import type { CalibrationHistoryStore } from '../../app/ports/calibration-history-store.ts';
import { ActionScope, DriftStatus, Tier } from '../../core/gating/gate-config.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { clusterPartitionKey } from './cluster-table-keys.ts';
import { TableKey, TTL_ATTRIBUTE } from './table-definition.ts';
import { WRITE_ID_ATTRIBUTE, isConditionFailure, randomWriteId, type NewWriteId } from './write-id.ts';

export const CALIBRATION_HISTORY_PREFIX = 'CALHIST#';
/** Days a history point stays in the table. */
export const CALIBRATION_HISTORY_TTL_DAYS = 90;
/** Most points one `list` returns. */
export const MAX_HISTORY_POINTS = 1000;

const MS_PER_DAY = 86_400_000;
const nullableNumber = z.number().nullable();

const PointSchema = z.lazy(() =>
  z.object({
    clusterId: z.string(),
    atMs: z.number().int().min(0),
    ece: nullableNumber,
    eceLower: nullableNumber,
    eceUpper: nullableNumber,
    brier: nullableNumber,
    auroc: nullableNumber,
    sampleCount: z.number().int().min(0),
    outcomeCount: z.number().int().min(0),
    scope: z.enum(ActionScope),
    driftStatus: z.enum(DriftStatus),
    qualifiedTiers: z.array(z.enum(Tier)),
    action: z.enum(['none', 'adapted', 'reset', 'retrained']),
    activeBundleVersion: z.number().int().min(1),
  }),
);

/** `CALHIST#{iso-ts}`; two points in the same millisecond keep both (suffix `#n`). */
export function calibrationHistorySortKey(atMs: number, sequence = 0): string {
  if (!Number.isInteger(atMs) || atMs < 0)
    throw new InvalidInputError(`invalid history time ${atMs}: expected epoch milliseconds`);
  return `${CALIBRATION_HISTORY_PREFIX}${new Date(atMs).toISOString()}${sequence === 0 ? '' : `#${sequence}`}`;
}

export class DynamoCalibrationHistory implements CalibrationHistoryStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #newWriteId: NewWriteId;

  /** `newWriteId`: a fresh id per `append` (default `randomWriteId`); tests inject fixed ids. */
  constructor(options: {
    readonly client: DynamoDBDocumentClient;
    readonly tableName: string;
    readonly newWriteId?: NewWriteId;
  }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#newWriteId = options.newWriteId ?? randomWriteId;
  }

  async append(point: CalibrationHistoryPoint): Promise<void> {
    const parsed = PointSchema.safeParse(point);
    if (!parsed.success)
      throw new InvalidInputError(
        `calibration history of '${point.clusterId}': ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
      );
    const writeId = this.#newWriteId();
    // Two recomputes in one millisecond are rare but possible (two writers): retry with a suffix.
    for (let sequence = 0; sequence < 5; sequence += 1) {
      const key = {
        [TableKey.partition]: clusterPartitionKey(point.clusterId),
        [TableKey.sort]: calibrationHistorySortKey(point.atMs, sequence),
      };
      try {
        await this.#client.send(
          new PutCommand({
            TableName: this.#tableName,
            Item: {
              ...key,
              [TTL_ATTRIBUTE]: Math.floor((point.atMs + CALIBRATION_HISTORY_TTL_DAYS * MS_PER_DAY) / 1000),
              ...parsed.data,
              [WRITE_ID_ATTRIBUTE]: writeId,
            },
            ConditionExpression: 'attribute_not_exists(#sk)',
            ExpressionAttributeNames: { '#sk': TableKey.sort },
          }),
        );
        return;
      } catch (error) {
        if (!isConditionFailure(error)) {
          throw new InfrastructureError(`DynamoDB PutItem on table '${this.#tableName}' failed: ${errorName(error)}`, {
            cause: error,
          });
        }
      }
      // The point under this key may be ours: an earlier attempt applied, its response lost.
      if ((await this.#storedWriteId(key)) === writeId) return;
    }
  }

  async #storedWriteId(key: Record<string, string>): Promise<unknown> {
    try {
      return (await this.#client.send(new GetCommand({ TableName: this.#tableName, Key: key, ConsistentRead: true })))
        .Item?.[WRITE_ID_ATTRIBUTE];
    } catch (error) {
      throw new InfrastructureError(`DynamoDB GetItem on table '${this.#tableName}' failed: ${errorName(error)}`, {
        cause: error,
      });
    }
  }

  async list(clusterId: string, limit: number): Promise<CalibrationHistoryPoint[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_POINTS)
      throw new InvalidInputError(`history limit ${limit}: expected 1–${MAX_HISTORY_POINTS}`);
    let items: Record<string, unknown>[];
    try {
      const response = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': TableKey.partition, '#sk': TableKey.sort },
          ExpressionAttributeValues: { ':pk': clusterPartitionKey(clusterId), ':prefix': CALIBRATION_HISTORY_PREFIX },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      items = response.Items ?? [];
    } catch (error) {
      throw new InfrastructureError(`DynamoDB Query on table '${this.#tableName}' failed: ${errorName(error)}`, {
        cause: error,
      });
    }
    const points: CalibrationHistoryPoint[] = [];
    for (const item of items) {
      const parsed = PointSchema.safeParse(item);
      // A malformed point (written by hand, an old layout) is skipped: history is for display only.
      if (parsed.success) points.push(parsed.data);
    }
    return points.reverse();
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}
