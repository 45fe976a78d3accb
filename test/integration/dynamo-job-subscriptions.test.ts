/** The job subscription store on dynalite: the port contract, and where its items live in the table. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoJobSubscriptionStore } from '../../src/adapters/dynamodb/dynamo-job-subscription-store.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { describeJobSubscriptionStoreContract } from '../support/job-subscription-store-contracts.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';

let aws: TestAws;
let tableName: string;
let store: DynamoJobSubscriptionStore;

beforeAll(async () => {
  aws = await startTestAws();
  tableName = uniqueName('vgac-it-subs');
  await ensureTable(aws.clients.dynamo, tableName);
  store = new DynamoJobSubscriptionStore({ client: aws.clients.dynamo, tableName, pageSize: 2 });
});

afterAll(async () => {
  await aws?.stop();
});

describeJobSubscriptionStoreContract('DynamoDB (dynalite)', () => store);

describe('DynamoJobSubscriptionStore layout', () => {
  it('subscribe_writesOneItemInTheClusterPartition_withTheTtlInEpochSeconds', async () => {
    const createdAtMs = Date.UTC(2026, 0, 5, 9, 0, 0);
    await store.subscribe({
      clusterId: 'layout',
      jobId: '77',
      userId: 'U0CAROL',
      createdAtMs,
      expiresAtMs: createdAtMs + 1_000_500,
      baselineWaitSeconds: null,
      startedNoticeAtMs: null,
      movedNoticeAtMs: null,
    });

    const item = (
      await aws.clients.dynamo.send(
        new GetCommand({ TableName: tableName, Key: { PK: 'CLUSTER#layout', SK: 'SUBSCRIPTION#77#U0CAROL' } }),
      )
    ).Item;

    expect(item?.expiresAt).toBe(Math.ceil((createdAtMs + 1_000_500) / 1000));
    expect(item).not.toHaveProperty('baselineWaitSeconds');
  });
});
