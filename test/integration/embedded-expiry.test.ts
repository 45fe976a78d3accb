/**
 * The embedded mode's TTL on dynalite: the sweeper deletes exactly the items DynamoDB's TTL would
 * (an `expiresAt` before now), and the simulation's short retention of answered predictions keeps
 * the outcome exactly-once after its prediction and folded marker are gone.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExpiredItemSweeper } from '../../src/adapters/dynamodb/expired-item-sweeper.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { MemoryBundleStore } from '../../src/adapters/memory/memory-bundle-store.ts';
import { createLearningDeps, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { predictJob } from '../../src/app/learning/predict-job.ts';
import { recordJobOutcome } from '../../src/app/learning/record-outcome.ts';
import { UnknownJobError } from '../../src/app/errors.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import { LOCAL_DUMMY_CREDENTIALS } from '../../src/entry/aws-clients.ts';
import { dynamoLearningStores } from '../../src/entry/learning-stores.ts';
import { startTestAws, TEST_REGION, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { registerSyntheticCluster } from '../support/learning-fixtures.ts';
import { JAN_1_2025_MS } from '../support/storage-fixtures.ts';

let aws: TestAws;

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  aws = await startTestAws();
});

afterAll(async () => {
  await aws?.stop();
});

async function freshTable(prefix: string): Promise<string> {
  const tableName = uniqueName(prefix);
  await ensureTable(aws.clients.dynamo, tableName);
  return tableName;
}

async function sortKeys(tableName: string, client: DynamoDBDocumentClient = aws.clients.dynamo): Promise<string[]> {
  const { Items: items = [] } = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
  return items.map((item) => String(item.SK)).sort();
}

describe('the expired-item sweeper', () => {
  it('deletes exactly the items whose expiresAt is before now, across scan pages, and counts them', async () => {
    const tableName = await freshTable('vgac-it-sweep');
    const nowSeconds = 2_000_000;
    // expiresAt per item: before, at and after now, and none (an item without TTL never expires).
    const items = [
      ...Array.from({ length: 30 }, (_, index) => ({ SK: `old-${index}`, expiresAt: nowSeconds - 1 - index })),
      { SK: 'at-now', expiresAt: nowSeconds },
      { SK: 'later', expiresAt: nowSeconds + 60 },
      { SK: 'no-ttl' },
      { SK: 'text-ttl', expiresAt: 'soon' },
    ];
    for (const item of items)
      await aws.clients.dynamo.send(new PutCommand({ TableName: tableName, Item: { PK: 'SWEEP', ...item } }));
    const expected = items
      .filter((item) => !(typeof item.expiresAt === 'number' && item.expiresAt < nowSeconds))
      .map((item) => item.SK)
      .sort();

    const deleted = await new ExpiredItemSweeper({ client: aws.clients.dynamo, tableName, pageSize: 7 }).sweep(
      nowSeconds * 1000 + 999,
    );

    expect(deleted).toBe(items.length - expected.length);
    expect(await sortKeys(tableName)).toEqual(expected);
  });

  it('keeps an item rewritten with a later expiresAt between the scan and its delete', async () => {
    const tableName = await freshTable('vgac-it-sweep-race');
    const nowSeconds = 2_000_000;
    for (const key of ['a', 'b'])
      await aws.clients.dynamo.send(
        new PutCommand({ TableName: tableName, Item: { PK: 'RACE', SK: key, expiresAt: nowSeconds - 10 } }),
      );
    // A client whose first DeleteItem is preceded by a writer renewing item 'a'.
    const base = new DynamoDBClient({
      region: TEST_REGION,
      endpoint: aws.dynamoEndpoint,
      credentials: { ...LOCAL_DUMMY_CREDENTIALS },
    });
    let renewed = false;
    base.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteItemCommand' && !renewed) {
          renewed = true;
          await aws.clients.dynamo.send(
            new PutCommand({ TableName: tableName, Item: { PK: 'RACE', SK: 'a', expiresAt: nowSeconds + 600 } }),
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'renewBeforeFirstDelete' },
    );
    const client = DynamoDBDocumentClient.from(base);

    const deleted = await new ExpiredItemSweeper({ client, tableName }).sweep(nowSeconds * 1000);
    client.destroy();

    expect(renewed).toBe(true);
    expect(deleted).toBe(1);
    expect(await sortKeys(tableName)).toEqual(['a']);
  });
});

describe("the simulation's short retention of answered predictions", () => {
  let tableName: string;
  let deps: LearningDeps;

  beforeAll(async () => {
    tableName = await freshTable('vgac-it-retention');
    deps = createLearningDeps({
      ...dynamoLearningStores(aws.clients.dynamo, tableName),
      bundles: new MemoryBundleStore(),
      gate: DEFAULT_GATE_CONFIG,
      logger: silent,
    });
  });

  it('gives the prediction and its folded marker the kept-until TTL; after the sweep a repeated outcome is unknown, never counted twice', async () => {
    const clusterId = await registerSyntheticCluster(deps, uniqueName('retained'), JAN_1_2025_MS);
    await predictJob(deps, { clusterId, jobId: 'job-1', features: { x: 1 }, nowMs: JAN_1_2025_MS });
    await predictJob(deps, { clusterId, jobId: 'job-2', features: { x: 1 }, nowMs: JAN_1_2025_MS });
    const observedAtMs = JAN_1_2025_MS + 60_000;
    // 10 min 0.5 s later: the TTL is the next whole second, never sooner.
    const keepUntilMs = observedAtMs + 600_500;
    await recordJobOutcome(deps, { clusterId, jobId: 'job-1', waitSeconds: 60, nowMs: observedAtMs, keepUntilMs });
    await recordJobOutcome(deps, { clusterId, jobId: 'job-2', waitSeconds: 60, nowMs: observedAtMs });
    const item = async (sortKey: string): Promise<Record<string, unknown> | undefined> =>
      (
        await aws.clients.dynamo.send(
          new GetCommand({ TableName: tableName, Key: { PK: `CLUSTER#${clusterId}`, SK: sortKey } }),
        )
      ).Item;
    const keptUntilSeconds = (observedAtMs + 601_000) / 1000;
    const fullTtlSeconds = (JAN_1_2025_MS + 30 * 86_400_000) / 1000;

    expect((await item('JOB#job-1'))?.expiresAt).toBe(keptUntilSeconds);
    expect((await item('FOLDED#job-1'))?.expiresAt).toBe(keptUntilSeconds);
    expect((await item('JOB#job-2'))?.expiresAt).toBe(fullTtlSeconds);
    expect((await item('FOLDED#job-2'))?.expiresAt).toBe(fullTtlSeconds);

    const sweeper = new ExpiredItemSweeper({ client: aws.clients.dynamo, tableName });
    await sweeper.sweep(keptUntilSeconds * 1000);
    expect(await item('JOB#job-1')).toBeDefined();
    expect(await item('FOLDED#job-1')).toBeDefined();
    await sweeper.sweep(keptUntilSeconds * 1000 + 1000);
    expect(await item('JOB#job-1')).toBeUndefined();
    expect(await item('FOLDED#job-1')).toBeUndefined();
    expect(await item('JOB#job-2')).toBeDefined();

    await expect(
      recordJobOutcome(deps, { clusterId, jobId: 'job-1', waitSeconds: 60, nowMs: keptUntilSeconds * 1000 + 2000 }),
    ).rejects.toBeInstanceOf(UnknownJobError);
    expect((await deps.learning.load(clusterId))?.totalOutcomes).toBe(2);
  });

  it('refuses a kept-until instant that is not epoch milliseconds, naming it', async () => {
    await expect(
      deps.predictions.recordOutcome(
        'any-cluster',
        'job-1',
        { waitSeconds: 1, longWait: false, observedAtMs: JAN_1_2025_MS },
        { keepUntilMs: 1.5 },
      ),
    ).rejects.toThrow(/keepUntilMs 1.5/);
  });
});
