/**
 * `OnceGuard` on the single table: item `PK = ONCE#{key}`, `SK = ONCE`, `expiresAt` (TTL). A
 * claim is one conditional PutItem that succeeds only when no live claim exists — DynamoDB's
 * TTL sweeps lazily (up to days late, never on dynalite), so an expired-but-present item counts
 * as absent through the `expiresAt < :now` branch of the condition.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InfrastructureError } from '../../app/errors.ts';
import type { OnceGuard } from '../../app/ports.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { TableKey, TTL_ATTRIBUTE } from './table-definition.ts';

export const ONCE_PARTITION_PREFIX = 'ONCE#';
export const ONCE_SORT_KEY = 'ONCE';

/** Claim keys: 1–200 characters of letters, digits and `._:-` (callers hash anything else). */
const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;

export class DynamoOnceGuard implements OnceGuard {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  /** True for the first claim of `key` within `ttlSeconds`; false for every repeat. Throws InvalidInputError for a bad key, InfrastructureError when DynamoDB fails. */
  async claim(key: string, nowMs: number, ttlSeconds: number): Promise<boolean> {
    if (!KEY_PATTERN.test(key)) throw new InvalidInputError(`invalid once-key '${key.slice(0, 64)}': expected ${KEY_PATTERN.source}`);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new InvalidInputError(`invalid ttlSeconds ${ttlSeconds}: expected a positive integer`);
    const nowSeconds = Math.floor(nowMs / 1000);
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { [TableKey.partition]: `${ONCE_PARTITION_PREFIX}${key}`, [TableKey.sort]: ONCE_SORT_KEY, claimedAtMs: nowMs, [TTL_ATTRIBUTE]: nowSeconds + ttlSeconds },
          ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAt < :now',
          ExpressionAttributeNames: { '#pk': TableKey.partition, '#expiresAt': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw new InfrastructureError(`DynamoDB PutItem on table '${this.#tableName}' (once-guard) failed: ${error instanceof Error ? error.name : 'unknown error'}`, { cause: error });
    }
  }
}
