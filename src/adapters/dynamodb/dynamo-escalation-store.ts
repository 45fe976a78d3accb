/**
 * `EscalationStore` on the single table: `PK = CLUSTER#{id}`, `SK = ESCALATION#{escalationId}`,
 * listed across clusters, newest first, through the `ClusterIndex` GSI under one partition per
 * status (`GSI1PK = ESCALATIONS#{status}`, `GSI1SK = {iso-ts}#{clusterId}#{id}`), so a listing
 * by status reads only the items it returns (plus those of the legacy `ESCALATIONS` partition,
 * where items written before per-status partitions stay until their next transition). A
 * transition is one conditional UpdateItem on the current status that appends to the history and
 * moves the item to its new status partition, so a decision is taken once however many humans
 * click at the same time.
 *
 * `create` and every transition carry a per-call writeId (write-id.ts), appended to the item's
 * `recentWriteIds` (one per history entry, so bounded like the history) and refused when already
 * there: an SDK retry of an applied write fails its condition and is then recognised as ours,
 * never misreported as a duplicate or a conflict, and never appends its history entry twice.
 * Schemas are built on first use (`z.lazy`): building zod schemas costs CPU, and a Lambda cold start
 * should pay only for those its first request reads.
 */
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DuplicateError, InfrastructureError } from '../../app/errors.ts';
import { ClusterActionKind } from '../../app/ports/cluster-actions.ts';
import { EscalationStatus, type Escalation } from '../../app/records/escalation.ts';
import type { ConditionalWriteResult } from '../../app/ports/conditional-write.ts';
import type { EscalationStore } from '../../app/ports/escalation-store.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { escalationListPartition, escalationSortKey, ESCALATION_LIST_PARTITION } from './agent-table-keys.ts';
import { clusterPartitionKey } from './cluster-table-keys.ts';
import { CLUSTER_INDEX_NAME, TableKey } from './table-definition.ts';
import {
  RECENT_WRITE_IDS_ATTRIBUTE,
  appendWriteId,
  isConditionFailure,
  randomWriteId,
  recentWriteIds,
  type NewWriteId,
} from './write-id.ts';

const statusSchema = z.enum(EscalationStatus);
const EscalationSchema = z.lazy(() =>
  z.object({
    escalationId: z.string(),
    clusterId: z.string(),
    jobId: z.string(),
    action: z.object({
      kind: z.enum(ClusterActionKind),
      clusterId: z.string(),
      jobId: z.string(),
      value: z.union([z.string(), z.number()]).optional(),
      reason: z.string(),
    }),
    probability: z.number().min(0).max(1),
    scope: z.string(),
    reasons: z.array(z.string()),
    status: statusSchema,
    createdAtMs: z.number().int().min(0),
    decidedBy: z.string().nullable(),
    decidedAtMs: z.number().int().min(0).nullable(),
    result: z.string().nullable(),
    history: z.array(z.object({ atMs: z.number(), by: z.string(), status: statusSchema, note: z.string() })),
  }),
);

type Item = Record<string, unknown>;

/** Items one filtered index page reads at least (the filter drops some of them). */
const MIN_FILTERED_PAGE_ITEMS = 25;

export class DynamoEscalationStore implements EscalationStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #newWriteId: NewWriteId;

  /** `newWriteId`: a fresh id per write call (default `randomWriteId`); tests inject fixed ids. */
  constructor(options: {
    readonly client: DynamoDBDocumentClient;
    readonly tableName: string;
    readonly newWriteId?: NewWriteId;
  }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#newWriteId = options.newWriteId ?? randomWriteId;
  }

  /** Stores a new escalation; an existing id → DuplicateError; invalid fields → InvalidInputError. */
  async create(escalation: Escalation): Promise<void> {
    const parsed = EscalationSchema.safeParse(escalation);
    if (!parsed.success)
      throw new InvalidInputError(
        `escalation '${escalation.escalationId}': ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
      );
    const item: Item = {
      [TableKey.partition]: clusterPartitionKey(escalation.clusterId),
      [TableKey.sort]: escalationSortKey(escalation.escalationId),
      [TableKey.indexPartition]: escalationListPartition(parsed.data.status),
      [TableKey.indexSort]: `${new Date(escalation.createdAtMs).toISOString()}#${escalation.clusterId}#${escalation.escalationId}`,
      ...parsed.data,
    };
    const writeId = this.#newWriteId();
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...item, [RECENT_WRITE_IDS_ATTRIBUTE]: [writeId] },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TableKey.partition },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw this.#infrastructure('PutItem', error);
      if (!(await this.#wrote(escalation.clusterId, escalation.escalationId, writeId)))
        throw new DuplicateError(`escalation '${escalation.escalationId}' already exists`);
    }
  }

  async get(clusterId: string, escalationId: string): Promise<Escalation | undefined> {
    const item = await this.#read(clusterId, escalationId);
    return item === undefined ? undefined : this.#decode(item);
  }

  async transition(
    clusterId: string,
    escalationId: string,
    from: EscalationStatus,
    to: EscalationStatus,
    entry: { atMs: number; by: string; note: string; result?: string },
  ): Promise<ConditionalWriteResult> {
    const deciding = from === EscalationStatus.pending;
    const writeId = this.#newWriteId();
    const once = appendWriteId(writeId);
    const sets = ['#status = :to', '#indexPk = :toPartition', '#history = list_append(#history, :entry)', once.set];
    const names: Record<string, string> = {
      '#status': 'status',
      '#indexPk': TableKey.indexPartition,
      '#history': 'history',
      ...once.names,
    };
    const values: Item = {
      ':from': from,
      ':to': to,
      ':toPartition': escalationListPartition(to),
      ':entry': [{ atMs: entry.atMs, by: entry.by, status: to, note: entry.note }],
      ...once.values,
    };
    if (deciding) {
      sets.push('#decidedBy = :by', '#decidedAtMs = :at');
      Object.assign(names, { '#decidedBy': 'decidedBy', '#decidedAtMs': 'decidedAtMs' });
      Object.assign(values, { ':by': entry.by, ':at': entry.atMs });
    }
    if (entry.result !== undefined) {
      sets.push('#result = :result');
      names['#result'] = 'result';
      values[':result'] = entry.result;
    }
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: this.#key(clusterId, escalationId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(#pk) AND #status = :from AND ${once.condition}`,
          ExpressionAttributeNames: { ...names, '#pk': TableKey.partition },
          ExpressionAttributeValues: values,
        }),
      );
      return { status: 'written' };
    } catch (error) {
      if (!isConditionFailure(error)) throw this.#infrastructure('UpdateItem', error);
    }
    return (await this.#wrote(clusterId, escalationId, writeId)) ? { status: 'written' } : { status: 'conflict' };
  }

  /**
   * Newest first, across clusters unless `clusterId` is given; at most `limit`. Reads the status
   * partition of `status` (every status partition without one) page by page until `limit` match,
   * and the legacy partition filtered the same way; merges them by index sort key.
   */
  async list(options: {
    readonly status?: EscalationStatus;
    readonly clusterId?: string;
    readonly limit: number;
  }): Promise<Escalation[]> {
    if (!Number.isInteger(options.limit) || options.limit < 0)
      throw new InvalidInputError(`invalid limit ${options.limit}: expected a non-negative integer`);
    if (options.limit === 0) return [];
    const statuses = options.status === undefined ? Object.values(EscalationStatus) : [options.status];
    const partitions = [
      ...statuses.map((status) => ({ partition: escalationListPartition(status), status: undefined })),
      { partition: ESCALATION_LIST_PARTITION, status: options.status },
    ];
    const pages = await Promise.all(
      partitions.map(({ partition, status }) =>
        this.#listPartition(partition, { limit: options.limit, status, clusterId: options.clusterId }),
      ),
    );
    return pages
      .flat()
      .sort((left, right) => (left.indexSort < right.indexSort ? 1 : left.indexSort > right.indexSort ? -1 : 0))
      .slice(0, options.limit)
      .map((entry) => entry.escalation);
  }

  /** Newest first from one index partition, filtered by status and cluster when given; at most `limit`. */
  async #listPartition(
    partition: string,
    options: {
      readonly limit: number;
      readonly status: EscalationStatus | undefined;
      readonly clusterId: string | undefined;
    },
  ): Promise<{ indexSort: string; escalation: Escalation }[]> {
    const filters: string[] = [];
    const names: Record<string, string> = { '#indexPk': TableKey.indexPartition };
    const values: Item = { ':partition': partition };
    if (options.status !== undefined) {
      filters.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = options.status;
    }
    if (options.clusterId !== undefined) {
      filters.push('#clusterId = :clusterId');
      names['#clusterId'] = 'clusterId';
      values[':clusterId'] = options.clusterId;
    }
    const found: { indexSort: string; escalation: Escalation }[] = [];
    let startKey: Item | undefined;
    while (found.length < options.limit) {
      const remaining = options.limit - found.length;
      let page;
      try {
        page = await this.#client.send(
          new QueryCommand({
            TableName: this.#tableName,
            IndexName: CLUSTER_INDEX_NAME,
            KeyConditionExpression: '#indexPk = :partition',
            ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            ExclusiveStartKey: startKey,
            // Limit counts items read before the filter: without a filter exactly what is missing,
            // with one a page ahead (a page without Limit would read up to 1 MB).
            Limit: filters.length > 0 ? Math.max(remaining, MIN_FILTERED_PAGE_ITEMS) : remaining,
          }),
        );
      } catch (error) {
        throw this.#infrastructure('Query', error);
      }
      for (const item of page.Items ?? []) {
        if (found.length === options.limit) break;
        found.push({ indexSort: String(item[TableKey.indexSort]), escalation: this.#decode(item) });
      }
      startKey = page.LastEvaluatedKey;
      if (startKey === undefined) break;
    }
    return found;
  }

  /** Consistent read of the stored item (undefined when absent). */
  async #read(clusterId: string, escalationId: string): Promise<Item | undefined> {
    try {
      return (
        await this.#client.send(
          new GetCommand({ TableName: this.#tableName, Key: this.#key(clusterId, escalationId), ConsistentRead: true }),
        )
      ).Item;
    } catch (error) {
      throw this.#infrastructure('GetItem', error);
    }
  }

  /** Whether the stored escalation lists `writeId`, i.e. a write of this very call was applied. */
  async #wrote(clusterId: string, escalationId: string, writeId: string): Promise<boolean> {
    return recentWriteIds(await this.#read(clusterId, escalationId)).includes(writeId);
  }

  #key(clusterId: string, escalationId: string): Item {
    return { [TableKey.partition]: clusterPartitionKey(clusterId), [TableKey.sort]: escalationSortKey(escalationId) };
  }

  #decode(item: Item): Escalation {
    const parsed = EscalationSchema.safeParse(item);
    if (!parsed.success)
      throw new InfrastructureError(
        `stored escalation '${String(item.escalationId)}' is corrupt: ${parsed.error.issues[0]?.path.join('.') ?? '?'}`,
      );
    return parsed.data;
  }

  #infrastructure(operation: string, cause: unknown): InfrastructureError {
    return new InfrastructureError(
      `DynamoDB ${operation} on table '${this.#tableName}' (escalations) failed: ${cause instanceof Error ? cause.name : 'unknown error'}`,
      { cause },
    );
  }
}
