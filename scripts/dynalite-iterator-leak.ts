/**
 * Standalone reproduction of dynalite 4.0.0's LevelDB iterator leak: dynalite on a fresh temp
 * directory, the AWS SDK v3 DynamoDB client, and a loop that rewrites a few items and queries them
 * (with `Limit`, or without: `--no-limit`) — the pattern of `vgac start`'s stores. Every tenth of
 * the run it prints the data directory's size and the number of LevelDB iterators still open.
 *
 * The cause: dynalite turns abstract-level iterators into streams and "closes" them in the
 * stream's destroy() by calling `iterator.return()`, which abstract-level iterators do not have,
 * so no iterator is ever closed. classic-level gives every iterator an implicit LevelDB snapshot:
 * while one is open, compaction keeps every version written after it, and the iterator pins the
 * SST files and memtables it was built on, so files that compaction replaced are never deleted.
 * `patches/dynalite+4.0.0.patch` (applied by `npm ci`'s postinstall) closes them.
 *
 * usage: node --import tsx scripts/dynalite-iterator-leak.ts [--rounds N] [--items N]
 *        [--item-bytes N] [--limit N | --no-limit]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CreateTableCommand,
  DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { directoryBytes } from './directory-bytes.ts';

interface LevelResource {
  readonly constructor: { readonly name: string };
}
interface AbstractLevelPrototype {
  attachResource: (this: unknown, resource: LevelResource) => void;
  detachResource: (this: unknown, resource: LevelResource) => void;
}

/**
 * Starts counting the abstract-level iterators open in this process (across every database) and
 * returns a function reading the count. Each dynalite Query or Scan opens two: its value iterator
 * and the native LevelDB iterator that one wraps.
 *
 * dynalite keeps its LevelDB handle private, so this wraps `attachResource` / `detachResource` on
 * the abstract-level prototype dynalite itself loads: every abstract-level iterator attaches
 * itself to its database when created and detaches when closed.
 */
export function countOpenIterators(): () => number {
  const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { AbstractLevel } = requireFromDynalite('abstract-level') as {
    AbstractLevel: { prototype: AbstractLevelPrototype };
  };
  const prototype = AbstractLevel.prototype;
  const open = new Set<LevelResource>();
  const attach = prototype.attachResource;
  const detach = prototype.detachResource;
  prototype.attachResource = function (resource) {
    if (resource.constructor.name.includes('Iterator')) open.add(resource);
    attach.call(this, resource);
  };
  prototype.detachResource = function (resource) {
    open.delete(resource);
    detach.call(this, resource);
  };
  return () => open.size;
}

/** The table the workload writes: a hash key `pk` and a range key `sk`, both strings. */
export async function createLeakTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
}

export interface RewriteAndQueryOptions {
  readonly rounds: number;
  /** Items of the one partition, each rewritten once per round. */
  readonly items: number;
  /** Random bytes per item: LevelDB's Snappy compression cannot shrink them. */
  readonly itemBytes: number;
  /** Query `Limit`; undefined: no limit (the query reads the whole partition). */
  readonly limit: number | undefined;
  /** Called after each round (1-based). */
  readonly afterRound?: (round: number) => Promise<void>;
}

/**
 * Each round rewrites every item of one partition (`UpdateItem`) and then queries the partition
 * once: old versions become garbage that compaction may drop only if no snapshot still needs them.
 */
export async function rewriteAndQuery(
  client: DynamoDBClient,
  tableName: string,
  options: RewriteAndQueryOptions,
): Promise<void> {
  for (let round = 1; round <= options.rounds; round += 1) {
    for (let item = 0; item < options.items; item += 1) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: 'p' }, sk: { S: `item-${item}` } },
          UpdateExpression: 'SET payload = :payload, round = :round',
          ExpressionAttributeValues: {
            ':payload': { B: crypto.getRandomValues(new Uint8Array(options.itemBytes)) },
            ':round': { N: String(round) },
          },
        }),
      );
    }
    await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'p' } },
        Limit: options.limit,
      }),
    );
    await options.afterRound?.(round);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '2000' },
      items: { type: 'string', default: '10' },
      'item-bytes': { type: 'string', default: '2000' },
      limit: { type: 'string', default: '5' },
      'no-limit': { type: 'boolean', default: false },
    },
  });
  const rounds = Number(values.rounds);
  const items = Number(values.items);
  const itemBytes = Number(values['item-bytes']);
  const limit = values['no-limit'] ? undefined : Number(values.limit);

  const openIterators = countOpenIterators();
  const dataDir = await mkdtemp(join(tmpdir(), 'dynalite-leak-'));
  const server = dynalite({ path: dataDir, createTableMs: 0 });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tableName = 'leak';
  try {
    await createLeakTable(client, tableName);
    console.log(
      `dynalite ${endpoint} on ${dataDir}: ${rounds} rounds × (${items} UpdateItem of ${itemBytes} B + 1 Query, Limit ${limit ?? 'none'})`,
    );
    console.log('round  updates  queries  data-dir MB  open iterators');
    const report = async (round: number): Promise<void> => {
      const megabytes = (await directoryBytes(dataDir)) / 1e6;
      console.log(
        `${String(round).padStart(5)}  ${String(round * items).padStart(7)}  ${String(round).padStart(7)}  ${megabytes.toFixed(1).padStart(11)}  ${String(openIterators()).padStart(14)}`,
      );
    };
    const every = Math.max(1, Math.floor(rounds / 10));
    await report(0);
    await rewriteAndQuery(client, tableName, {
      rounds,
      items,
      itemBytes,
      limit,
      afterRound: (round) => (round % every === 0 ? report(round) : Promise.resolve()),
    });
  } finally {
    client.destroy();
    await new Promise<void>((closed) => {
      server.close(() => closed());
      server.closeAllConnections();
    });
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
