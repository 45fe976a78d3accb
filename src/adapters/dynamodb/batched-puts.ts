/**
 * Plain PutItems of many concurrent callers as few BatchWriteItem requests (group commit): a put
 * joins the next batch; a batch goes at once when none is in flight, full batches (25 items) go
 * while fewer than MAX_BATCHES_IN_FLIGHT are in flight, and a partial one waits for a batch in
 * flight to return, gathering the items that arrive meanwhile. Each caller's
 * promise settles when its own item is durably written (or failed): batching changes how many
 * requests carry the items, never what a caller is told. Items left unprocessed (throttling) are
 * sent again, a few times. Only for unconditional, idempotent puts (the same item may be written
 * twice): BatchWriteItem takes no conditions.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { InfrastructureError } from '../../app/errors.ts';
import { TableKey } from './table-definition.ts';
import type { Item, TableIo } from './table-io.ts';

/** DynamoDB's BatchWriteItem takes at most this many requests. */
export const BATCH_WRITE_LIMIT = 25;
/** Batches in flight at once per table. */
export const MAX_BATCHES_IN_FLIGHT = 4;
/** Sends of one batch's unprocessed items before its callers are failed. */
const MAX_BATCH_ATTEMPTS = 6;

interface Waiting {
  readonly item: Item;
  readonly key: string;
  resolve(): void;
  reject(error: unknown): void;
}

export class BatchedPuts {
  readonly #io: TableIo;
  readonly #waiting: Waiting[] = [];
  #inFlight = 0;
  #flushScheduled = false;

  constructor(io: TableIo) {
    this.#io = io;
  }

  /** Writes `item` (resolves once it is stored); throws InfrastructureError when it could not be. */
  put(item: Item): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({
        item,
        key: `${String(item[TableKey.partition])}\u0000${String(item[TableKey.sort])}`,
        resolve,
        reject,
      });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        // After the callers that are ready in this turn of the event loop have joined.
        setImmediate(() => {
          this.#flushScheduled = false;
          this.#flush();
        });
      }
    });
  }

  #flush(): void {
    while (this.#inFlight < MAX_BATCHES_IN_FLIGHT && this.#waiting.length > 0) {
      // While a batch is in flight, a partial one waits for it (and fills meanwhile): under load the
      // items go in fewer, fuller requests, each costing a request's overhead once; an idle table
      // sends at once. The wait is at most one BatchWriteItem round trip.
      if (this.#inFlight > 0 && this.#waiting.length < BATCH_WRITE_LIMIT) return;
      // One item per key in a batch (DynamoDB refuses a batch naming a key twice); a repeat goes in a later one.
      const batch: Waiting[] = [];
      const keys = new Set<string>();
      for (let index = 0; index < this.#waiting.length && batch.length < BATCH_WRITE_LIMIT;) {
        const next = this.#waiting[index] as Waiting;
        if (keys.has(next.key)) {
          index += 1;
          continue;
        }
        keys.add(next.key);
        batch.push(next);
        this.#waiting.splice(index, 1);
      }
      this.#inFlight += 1;
      void this.#send(batch).finally(() => {
        this.#inFlight -= 1;
        this.#flush();
      });
    }
  }

  async #send(batch: readonly Waiting[]): Promise<void> {
    const byKey = new Map(batch.map((waiting) => [waiting.key, waiting]));
    let requests = batch.map((waiting) => ({ PutRequest: { Item: waiting.item } }));
    try {
      for (let attempt = 1; requests.length > 0; attempt += 1) {
        const response = await this.#io.send('BatchWriteItem', () =>
          this.#io.client.send(new BatchWriteCommand({ RequestItems: { [this.#io.tableName]: requests } })),
        );
        const unprocessed = (response.UnprocessedItems?.[this.#io.tableName] ?? []) as typeof requests;
        const left = new Set(
          unprocessed.map(
            (request) =>
              `${String(request.PutRequest.Item[TableKey.partition])}\u0000${String(request.PutRequest.Item[TableKey.sort])}`,
          ),
        );
        for (const [key, waiting] of byKey) {
          if (left.has(key)) continue;
          waiting.resolve();
          byKey.delete(key);
        }
        requests = unprocessed;
        if (requests.length > 0 && attempt >= MAX_BATCH_ATTEMPTS) {
          throw new InfrastructureError(
            `DynamoDB left ${requests.length} items unwritten after ${attempt} BatchWriteItem attempts`,
          );
        }
        if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt));
      }
    } catch (error) {
      for (const waiting of byKey.values()) waiting.reject(error);
    }
  }
}
