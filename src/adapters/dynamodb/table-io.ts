/**
 * The single table's plumbing shared by the DynamoDB adapters: consistent reads, conditional writes
 * that survive the SDK's own retries (write-id.ts), paged queries, size checks and the translation
 * of SDK errors into InfrastructureError. An adapter holds one TableIo and adds its own port.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { DependencyUnavailableError, InfrastructureError } from '../../app/errors.ts';
import { isDependencyFailure } from '../shared/dependency-guard.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { MAX_ITEM_SIZE_BYTES, dynamoItemSizeBytes } from './dynamo-item-size.ts';
import { TableKey } from './table-definition.ts';
import {
  WRITE_ID_ATTRIBUTE,
  WRITE_ID_RESERVE_BYTES,
  isConditionFailure,
  randomWriteId,
  type NewWriteId,
} from './write-id.ts';

export type Item = Record<string, unknown>;

export interface Condition {
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues?: Item;
}

export interface TableIoOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Items per query page (DynamoDB's `Limit`); absent: as many as fit in DynamoDB's 1 MB page. Tests set it small to force pagination. */
  readonly pageSize?: number;
  /** A fresh writeId per write call (default `randomWriteId`); tests inject fixed ids. */
  readonly newWriteId?: NewWriteId;
}

/**
 * The error every adapter throws for a failed DynamoDB call: the operation and table, never the
 * payload. DynamoDB timing out, unreachable, failing on its side or behind an open breaker is a
 * DependencyUnavailableError naming it (a 503 a client may retry).
 */
export function infrastructure(operation: string, tableName: string, cause: unknown): InfrastructureError {
  const name = cause instanceof Error ? cause.name : 'unknown error';
  if (isDependencyFailure(cause)) {
    return new DependencyUnavailableError(
      'dynamodb',
      `DynamoDB is unavailable: ${operation} on table '${tableName}' failed: ${name}`,
      { cause },
    );
  }
  return new InfrastructureError(`DynamoDB ${operation} on table '${tableName}' failed: ${name}`, { cause });
}

export class TableIo {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly pageSize: number | undefined;
  readonly newWriteId: NewWriteId;

  constructor(options: TableIoOptions) {
    if (options.pageSize !== undefined && !(Number.isInteger(options.pageSize) && options.pageSize > 0)) {
      throw new InvalidInputError(`invalid pageSize ${options.pageSize}: expected a positive integer`);
    }
    this.client = options.client;
    this.tableName = options.tableName;
    this.pageSize = options.pageSize;
    this.newWriteId = options.newWriteId ?? randomWriteId;
  }

  /** One call to DynamoDB, its failure translated. */
  async send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw infrastructure(operation, this.tableName, error);
    }
  }

  /** A strongly consistent GetItem. */
  async get(partitionKey: string, sortKey: string): Promise<Item | undefined> {
    const response = await this.send('GetItem', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [TableKey.partition]: partitionKey, [TableKey.sort]: sortKey },
          ConsistentRead: true,
        }),
      ),
    );
    return response.Item;
  }

  async put(item: Item): Promise<void> {
    await this.send('PutItem', () => this.client.send(new PutCommand({ TableName: this.tableName, Item: item })));
  }

  async delete(partitionKey: string, sortKey: string): Promise<void> {
    await this.send('DeleteItem', () =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [TableKey.partition]: partitionKey, [TableKey.sort]: sortKey },
        }),
      ),
    );
  }

  /**
   * PutItem with a condition, stamped with `writeId`: true when written, false when the condition
   * failed — unless the stored item carries our writeId (consistent read), i.e. an earlier attempt
   * of this very call was applied and the SDK's retry failed on it: that is our write, so true.
   */
  async conditionalPut(item: Item, condition: Condition, writeId: string = this.newWriteId()): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({ TableName: this.tableName, Item: { ...item, [WRITE_ID_ATTRIBUTE]: writeId }, ...condition }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw infrastructure('PutItem', this.tableName, error);
    }
    const stored = await this.get(String(item[TableKey.partition]), String(item[TableKey.sort]));
    return stored?.[WRITE_ID_ATTRIBUTE] === writeId;
  }

  /** UpdateItem returning the new item, or undefined when its condition failed. */
  async conditionalUpdate(input: Omit<UpdateCommandInput, 'TableName' | 'ReturnValues'>): Promise<Item | undefined> {
    try {
      const response = await this.client.send(
        new UpdateCommand({ TableName: this.tableName, ...input, ReturnValues: 'ALL_NEW' }),
      );
      return response.Attributes;
    } catch (error) {
      if (!isConditionFailure(error)) throw infrastructure('UpdateItem', this.tableName, error);
      return undefined;
    }
  }

  /**
   * Pages of a query until `limit` items are collected (or the results end); with `accept`, only
   * items it accepts are collected and counted, and each page reads at least `minPageItems` so that
   * a filter does not cost a round trip per item.
   */
  async query(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>,
    limit: number = Number.POSITIVE_INFINITY,
    options: { readonly accept?: (item: Item) => boolean; readonly minPageItems?: number } = {},
  ): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const remaining = Math.max(limit - items.length, options.minPageItems ?? 0);
      const pageLimit = Number.isFinite(remaining) ? Math.min(remaining, this.pageSize ?? remaining) : this.pageSize;
      const page = await this.send('Query', () =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            ...input,
            ExclusiveStartKey: startKey,
            ...(pageLimit === undefined ? {} : { Limit: pageLimit }),
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        if (items.length < limit && (options.accept === undefined || options.accept(item))) items.push(item);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && items.length < limit);
    return items;
  }

  /** Refuses, before any request, an item DynamoDB would reject for size (`reserveBytes` kept free for later updates, plus the writeId's). */
  assertFits(item: Item, what: string, reserveBytes = 0): void {
    const sizeBytes = dynamoItemSizeBytes(item) + reserveBytes + WRITE_ID_RESERVE_BYTES;
    if (sizeBytes > MAX_ITEM_SIZE_BYTES) {
      throw new InvalidInputError(
        `${what} is ${Math.ceil(sizeBytes / 1024)} KB; the limit is ${MAX_ITEM_SIZE_BYTES / 1024} KB`,
      );
    }
  }
}

export const MUST_NOT_EXIST: Condition = Object.freeze({
  ConditionExpression: 'attribute_not_exists(#pk)',
  ExpressionAttributeNames: Object.freeze({ '#pk': TableKey.partition }),
});

/** The condition "the stored `version` equals `expected`" (undefined: the item must not exist). */
export function versionIs(expected: number | undefined): Condition {
  if (expected === undefined) return MUST_NOT_EXIST;
  return {
    ConditionExpression: '#version = :expectedVersion',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':expectedVersion': expected },
  };
}

/** Little-endian float32 bytes of `values`; InvalidInputError when one is not exactly a float32. */
export function packFloat32(values: readonly number[], what: string): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => {
    if (Math.fround(value) !== value)
      throw new InvalidInputError(`${what}[${index}] = ${value} is not a single-precision value`);
    view.setFloat32(index * 4, value, true);
  });
  return bytes;
}

/** The numbers packed by `packFloat32` (an empty list is stored as an empty binary); a malformed attribute → InfrastructureError. */
export function unpackFloat32(attribute: unknown, what: string): number[] {
  if (!(attribute instanceof Uint8Array) || attribute.byteLength % 4 !== 0)
    throw new InfrastructureError(`stored ${what} has a malformed window`);
  const view = new DataView(attribute.buffer, attribute.byteOffset, attribute.byteLength);
  return Array.from({ length: attribute.byteLength / 4 }, (_, index) => view.getFloat32(index * 4, true));
}

/** Little-endian float64 bytes of `values` (epoch milliseconds: exact). */
export function packFloat64(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => view.setFloat64(index * 8, value, true));
  return bytes;
}

export function unpackFloat64(attribute: unknown, what: string): number[] {
  if (!(attribute instanceof Uint8Array) || attribute.byteLength % 8 !== 0)
    throw new InfrastructureError(`stored ${what} has a malformed window`);
  const view = new DataView(attribute.buffer, attribute.byteOffset, attribute.byteLength);
  return Array.from({ length: attribute.byteLength / 8 }, (_, index) => view.getFloat64(index * 8, true));
}

/** Values in [0, 255] as bytes (labels, bins); InvalidInputError for anything else. */
export function packBytes(values: readonly number[], what: string): Uint8Array {
  values.forEach((value, index) => {
    if (!(Number.isInteger(value) && value >= 0 && value <= 255))
      throw new InvalidInputError(`${what}[${index}] = ${value} is not a byte`);
  });
  return Uint8Array.from(values);
}

export function unpackBytes(attribute: unknown, what: string): number[] {
  if (!(attribute instanceof Uint8Array)) throw new InfrastructureError(`stored ${what} has a malformed window`);
  return Array.from(attribute);
}
