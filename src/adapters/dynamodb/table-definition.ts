/**
 * The single table's shape, as data. The SAM template declares the same shape; keep the two in
 * step (key names, index name, TTL attribute, on-demand billing).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InfrastructureError } from '../../app/errors.ts';

/** Attribute names of the table's and the listing index's keys. */
export const TableKey = {
  partition: 'PK',
  sort: 'SK',
  indexPartition: 'GSI1PK',
  indexSort: 'GSI1SK',
} as const;
export type TableKey = (typeof TableKey)[keyof typeof TableKey];

/** The sparse GSI that lists clusters (only items carrying `GSI1PK` appear in it). */
export const CLUSTER_INDEX_NAME = 'ClusterIndex';

/** TTL attribute: absolute expiry in epoch seconds. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** Poll interval while a new table is CREATING, in milliseconds. */
export const TABLE_POLL_INTERVAL_MS = 100;

/** How long `ensureTable` waits for ACTIVE before failing, in milliseconds. */
export const TABLE_ACTIVE_TIMEOUT_MS = 120_000;

/** The CreateTable request for the single table named `tableName`. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: TableKey.partition, AttributeType: 'S' },
      { AttributeName: TableKey.sort, AttributeType: 'S' },
      { AttributeName: TableKey.indexPartition, AttributeType: 'S' },
      { AttributeName: TableKey.indexSort, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: TableKey.partition, KeyType: 'HASH' },
      { AttributeName: TableKey.sort, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: CLUSTER_INDEX_NAME,
        KeySchema: [
          { AttributeName: TableKey.indexPartition, KeyType: 'HASH' },
          { AttributeName: TableKey.indexSort, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/**
 * Creates the table when missing, waits until it (and its index) is ACTIVE, and enables TTL on
 * `TTL_ATTRIBUTE`. Idempotent: safe to call on every start. Throws `InfrastructureError` when
 * DynamoDB fails or the table is not ACTIVE within `TABLE_ACTIVE_TIMEOUT_MS`.
 */
export async function ensureTable(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { readonly timeoutMs?: number; readonly pollIntervalMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? TABLE_ACTIVE_TIMEOUT_MS;
  const pollIntervalMs = options.pollIntervalMs ?? TABLE_POLL_INTERVAL_MS;

  let status = await describeStatus(client, tableName);
  if (status === undefined) {
    try {
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
    } catch (error) {
      // Another process created it between our describe and create: fine, wait for it below.
      if (errorName(error) !== 'ResourceInUseException') {
        throw new InfrastructureError(`DynamoDB CreateTable failed for table '${tableName}'`, { cause: error });
      }
    }
  }

  const deadlineMs = Date.now() + timeoutMs;
  for (;;) {
    status = await describeStatus(client, tableName);
    if (status === 'ACTIVE') break;
    if (Date.now() > deadlineMs) {
      throw new InfrastructureError(
        `table '${tableName}' is ${status ?? 'missing'} after ${timeoutMs} ms; expected ACTIVE`,
      );
    }
    await sleep(pollIntervalMs);
  }

  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (error) {
    const name = errorName(error);
    // dynalite does not implement UpdateTimeToLive and answers UnknownOperationException: the
    // embedded table simply never expires items. AWS answers ValidationException when TTL is
    // already enabled (e.g. by the SAM template): nothing to do either.
    if (name === 'UnknownOperationException') return;
    if (name === 'ValidationException' && /already enabled/i.test(errorMessage(error))) return;
    throw new InfrastructureError(`DynamoDB UpdateTimeToLive failed for table '${tableName}'`, { cause: error });
  }
}

/** The table's status, counting it ACTIVE only when every GSI is ACTIVE too; undefined when missing. */
async function describeStatus(client: DynamoDBDocumentClient, tableName: string): Promise<string | undefined> {
  try {
    const { Table: table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    const status = table?.TableStatus ?? 'UNKNOWN';
    return status === 'ACTIVE' && !indexesActive ? 'CREATING' : status;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw new InfrastructureError(`DynamoDB DescribeTable failed for table '${tableName}'`, { cause: error });
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
