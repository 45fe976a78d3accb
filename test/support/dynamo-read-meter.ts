/**
 * Counts what a DynamoDB client reads: every GetItem / BatchGetItem / Query / Scan it sends, the
 * items each Query scanned (before its filter), and the read capacity units DynamoDB (here
 * dynalite, which implements AWS's rounding: 4 KB per unit per request, half for eventually
 * consistent reads) reports for them — the middleware asks for `ReturnConsumedCapacity: TOTAL` on
 * every read. Attach it to a client of its own (`loopbackClients`), not to one other tests share.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const READ_COMMANDS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);

export interface ReadTally {
  /** Read requests by command name (`GetItemCommand`, `QueryCommand`, …). */
  readonly requests: Readonly<Record<string, number>>;
  readonly totalRequests: number;
  /** Items Query/Scan read before any filter. */
  readonly scannedItems: number;
  /** Read capacity units consumed (on-demand: read request units). */
  readonly readUnits: number;
}

export interface ReadMeter {
  /** What was read since the last `reset()` (or since attaching). */
  tally(): ReadTally;
  reset(): void;
}

export function attachReadMeter(client: DynamoDBDocumentClient): ReadMeter {
  let requests: Record<string, number> = {};
  let scannedItems = 0;
  let readUnits = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      if (!READ_COMMANDS.has(command)) return next(args);
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const output = result.output as {
        ScannedCount?: number;
        ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
      };
      requests[command] = (requests[command] ?? 0) + 1;
      scannedItems += output.ScannedCount ?? 0;
      const consumed = Array.isArray(output.ConsumedCapacity)
        ? output.ConsumedCapacity
        : output.ConsumedCapacity === undefined
          ? []
          : [output.ConsumedCapacity];
      for (const entry of consumed) readUnits += entry.CapacityUnits ?? 0;
      return result;
    },
    { step: 'initialize', priority: 'high', name: 'vgacTestReadMeter' },
  );
  return {
    tally: () => ({
      requests: { ...requests },
      totalRequests: Object.values(requests).reduce((sum, count) => sum + count, 0),
      scannedItems,
      readUnits,
    }),
    reset() {
      requests = {};
      scannedItems = 0;
      readUnits = 0;
    },
  };
}
