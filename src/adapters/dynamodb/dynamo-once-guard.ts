/**
 * `OnceGuard` on the single table: item `PK = ONCE#{key}`, `SK = ONCE`, `expiresAt` (TTL). A
 * claim is one conditional PutItem that succeeds only when no live claim exists — DynamoDB's
 * TTL sweeps lazily (up to days late, never on dynalite), so an expired-but-present item counts
 * as absent through the `expiresAt < :now` branch of the condition. The claim carries a per-call
 * writeId (write-id.ts): when the SDK retries a claim whose response was lost, the retry fails on
 * our own item, and reading the writeId back reports it as ours. A release is one conditional
 * DeleteItem on the claim's `claimedAtMs`, so it never removes a later claim made by someone else.
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InfrastructureError } from '../../app/errors.ts';
import type { OnceGuard } from '../../app/ports/once-guard.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { TableKey, TTL_ATTRIBUTE } from './table-definition.ts';
import { WRITE_ID_ATTRIBUTE, isConditionFailure, randomWriteId, type NewWriteId } from './write-id.ts';

export const ONCE_PARTITION_PREFIX = 'ONCE#';
export const ONCE_SORT_KEY = 'ONCE';

/** Claim keys: 1–200 characters of letters, digits and `._:-` (callers hash anything else). */
const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;

export class DynamoOnceGuard implements OnceGuard {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #newWriteId: NewWriteId;

  /** `newWriteId`: a fresh id per claim (default `randomWriteId`); tests inject fixed ids. */
  constructor(options: {
    readonly client: DynamoDBDocumentClient;
    readonly tableName: string;
    readonly newWriteId?: NewWriteId;
  }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#newWriteId = options.newWriteId ?? randomWriteId;
  }

  /** True for the first claim of `key` within `ttlSeconds`; false for every repeat. Throws InvalidInputError for a bad key, InfrastructureError when DynamoDB fails. */
  async claim(key: string, nowMs: number, ttlSeconds: number): Promise<boolean> {
    if (!KEY_PATTERN.test(key))
      throw new InvalidInputError(`invalid once-key '${key.slice(0, 64)}': expected ${KEY_PATTERN.source}`);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)
      throw new InvalidInputError(`invalid ttlSeconds ${ttlSeconds}: expected a positive integer`);
    const nowSeconds = Math.floor(nowMs / 1000);
    const itemKey = { [TableKey.partition]: `${ONCE_PARTITION_PREFIX}${key}`, [TableKey.sort]: ONCE_SORT_KEY };
    const writeId = this.#newWriteId();
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...itemKey,
            claimedAtMs: nowMs,
            [TTL_ATTRIBUTE]: nowSeconds + ttlSeconds,
            [WRITE_ID_ATTRIBUTE]: writeId,
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAt < :now',
          ExpressionAttributeNames: { '#pk': TableKey.partition, '#expiresAt': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw this.#infrastructure('PutItem', error);
    }
    let stored: Record<string, unknown> | undefined;
    try {
      stored = (
        await this.#client.send(new GetCommand({ TableName: this.#tableName, Key: itemKey, ConsistentRead: true }))
      ).Item;
    } catch (error) {
      throw this.#infrastructure('GetItem', error);
    }
    return stored?.[WRITE_ID_ATTRIBUTE] === writeId;
  }

  /** Deletes the claim of `key` only when it is the one made at `claimedAtMs`; otherwise (or when absent) does nothing. Throws InvalidInputError for a bad key, InfrastructureError when DynamoDB fails. */
  async release(key: string, claimedAtMs: number): Promise<void> {
    if (!KEY_PATTERN.test(key))
      throw new InvalidInputError(`invalid once-key '${key.slice(0, 64)}': expected ${KEY_PATTERN.source}`);
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: { [TableKey.partition]: `${ONCE_PARTITION_PREFIX}${key}`, [TableKey.sort]: ONCE_SORT_KEY },
          ConditionExpression: '#claimedAtMs = :claimedAtMs',
          ExpressionAttributeNames: { '#claimedAtMs': 'claimedAtMs' },
          ExpressionAttributeValues: { ':claimedAtMs': claimedAtMs },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw this.#infrastructure('DeleteItem', error);
    }
  }

  #infrastructure(operation: string, cause: unknown): InfrastructureError {
    return new InfrastructureError(
      `DynamoDB ${operation} on table '${this.#tableName}' (once-guard) failed: ${cause instanceof Error ? cause.name : 'unknown error'}`,
      { cause },
    );
  }
}
