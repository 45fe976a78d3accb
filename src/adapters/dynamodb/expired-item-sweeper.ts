/**
 * DynamoDB's Time to Live for a table server that has none (the embedded dynalite): deletes the
 * items whose `expiresAt` (epoch seconds) has passed. On AWS the table's own TTL does this in the
 * background, usually within days and never before the instant; this sweep does it on the embedded
 * mode's timer, with the same rule. Each delete is conditional on the item still being expired, so
 * an item rewritten with a later TTL between the scan and the delete is kept.
 */
import { DeleteCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './write-id.ts';
import { TableKey, TTL_ATTRIBUTE } from './table-definition.ts';
import { TableIo, infrastructure, type TableIoOptions } from './table-io.ts';

/** Deletes in flight at once: enough to keep dynalite busy without queueing a page's worth of requests. */
const CONCURRENT_DELETES = 8;

const EXPIRED = '#ttl < :now';

export class ExpiredItemSweeper {
  readonly #io: TableIo;

  constructor(options: TableIoOptions) {
    this.#io = new TableIo(options);
  }

  /** Deletes every item whose TTL is before `nowMs`; returns how many it deleted. */
  async sweep(nowMs: number): Promise<number> {
    const names = { '#ttl': TTL_ATTRIBUTE, '#pk': TableKey.partition, '#sk': TableKey.sort };
    const values = { ':now': Math.floor(nowMs / 1000) };
    const pages = paginateScan(
      { client: this.#io.client, ...(this.#io.pageSize === undefined ? {} : { pageSize: this.#io.pageSize }) },
      {
        TableName: this.#io.tableName,
        FilterExpression: EXPIRED,
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    );
    let deleted = 0;
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const page = await this.#io.send('Scan', () => iterator.next());
      if (page.done === true) return deleted;
      const keys = page.value.Items ?? [];
      for (let start = 0; start < keys.length; start += CONCURRENT_DELETES) {
        const results = await Promise.all(
          keys.slice(start, start + CONCURRENT_DELETES).map((key) => this.#deleteIfExpired(key, values)),
        );
        deleted += results.filter(Boolean).length;
      }
    }
  }

  async #deleteIfExpired(key: Record<string, unknown>, values: Record<string, number>): Promise<boolean> {
    try {
      await this.#io.client.send(
        new DeleteCommand({
          TableName: this.#io.tableName,
          Key: { [TableKey.partition]: key[TableKey.partition], [TableKey.sort]: key[TableKey.sort] },
          ConditionExpression: EXPIRED,
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw infrastructure('DeleteItem', this.#io.tableName, error);
    }
  }
}
