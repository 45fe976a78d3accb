/**
 * DynamoEscalationStore's listing against dynalite: one index partition per status, so listing the
 * pending escalations (the dashboard does it on every refresh) reads the pending items only, not
 * every escalation ever decided; items written before per-status partitions (legacy `ESCALATIONS`
 * partition) keep showing and move to their status partition on their next transition.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESCALATION_LIST_PARTITION, escalationSortKey } from '../../src/adapters/dynamodb/agent-table-keys.ts';
import { clusterPartitionKey } from '../../src/adapters/dynamodb/cluster-table-keys.ts';
import { DynamoEscalationStore } from '../../src/adapters/dynamodb/dynamo-escalation-store.ts';
import { ensureTable, TableKey } from '../../src/adapters/dynamodb/table-definition.ts';
import type { AwsClients } from '../../src/entry/aws-clients.ts';
import { attachReadMeter, type ReadMeter } from '../support/dynamo-read-meter.ts';
import { loopbackClients, startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { sampleEscalation } from '../support/http-stack.ts';
import { JAN_1_2025_MS } from '../support/storage-fixtures.ts';

let aws: TestAws;
let metered: AwsClients;
let meter: ReadMeter;

beforeAll(async () => {
  aws = await startTestAws();
  metered = loopbackClients(aws.dynamoEndpoint, aws.s3Endpoint);
  meter = attachReadMeter(metered.dynamo);
}, 60_000);

afterAll(async () => {
  metered?.destroy();
  await aws?.stop();
});

async function freshStore(): Promise<{ store: DynamoEscalationStore; tableName: string }> {
  const tableName = uniqueName('escalations');
  await ensureTable(aws.clients.dynamo, tableName);
  return { store: new DynamoEscalationStore({ client: metered.dynamo, tableName }), tableName };
}

describe('DynamoEscalationStore.list', () => {
  it("list by status reads only that status's items: 3 pending among 40 decided cost 3 scanned items plus an empty legacy page", async () => {
    const { store } = await freshStore();
    for (let index = 0; index < 40; index += 1) {
      await store.create(
        sampleEscalation({ escalationId: `esc-old-${index}`, createdAtMs: JAN_1_2025_MS + index * 1000 }),
      );
      await store.transition('eks-prod', `esc-old-${index}`, 'pending', 'rejected', {
        atMs: JAN_1_2025_MS + 50_000,
        by: 'ops',
        note: 'no',
      });
    }
    for (let index = 0; index < 3; index += 1) {
      await store.create(
        sampleEscalation({ escalationId: `esc-new-${index}`, createdAtMs: JAN_1_2025_MS + 100_000 + index * 1000 }),
      );
    }
    meter.reset();

    const pending = await store.list({ status: 'pending', limit: 8 });

    const tally = meter.tally();
    expect(pending.map((escalation) => escalation.escalationId)).toEqual(['esc-new-2', 'esc-new-1', 'esc-new-0']);
    // One query on the pending partition (3 items) and one on the (empty) legacy partition.
    expect(tally.requests).toEqual({ QueryCommand: 2 });
    expect(tally.scannedItems).toBe(3);
  });

  it('list without a status merges every status newest first, and respects the limit', async () => {
    const { store } = await freshStore();
    await store.create(sampleEscalation({ escalationId: 'esc-a', createdAtMs: JAN_1_2025_MS + 1000 }));
    await store.create(sampleEscalation({ escalationId: 'esc-b', createdAtMs: JAN_1_2025_MS + 2000 }));
    await store.create(sampleEscalation({ escalationId: 'esc-c', createdAtMs: JAN_1_2025_MS + 3000 }));
    await store.transition('eks-prod', 'esc-b', 'pending', 'approved', {
      atMs: JAN_1_2025_MS + 4000,
      by: 'ops',
      note: 'ok',
    });
    await store.transition('eks-prod', 'esc-b', 'approved', 'executed', {
      atMs: JAN_1_2025_MS + 5000,
      by: 'actor',
      note: 'done',
    });

    const all = await store.list({ limit: 10 });
    const newestTwo = await store.list({ limit: 2 });
    const executed = await store.list({ status: 'executed', limit: 10 });

    expect(all.map((escalation) => [escalation.escalationId, escalation.status])).toEqual([
      ['esc-c', 'pending'],
      ['esc-b', 'executed'],
      ['esc-a', 'pending'],
    ]);
    expect(newestTwo.map((escalation) => escalation.escalationId)).toEqual(['esc-c', 'esc-b']);
    expect(executed.map((escalation) => escalation.escalationId)).toEqual(['esc-b']);
  });

  it('list filters by cluster within a status', async () => {
    const { store } = await freshStore();
    await store.create(sampleEscalation({ escalationId: 'esc-eks', createdAtMs: JAN_1_2025_MS + 1000 }));
    await store.create(
      sampleEscalation({ escalationId: 'esc-slurm', clusterId: 'slurm-hpc', createdAtMs: JAN_1_2025_MS + 2000 }),
    );

    const slurm = await store.list({ status: 'pending', clusterId: 'slurm-hpc', limit: 5 });

    expect(slurm.map((escalation) => escalation.escalationId)).toEqual(['esc-slurm']);
  });

  it('a legacy item (one index partition for every status) is listed by its status and moves to its status partition on transition, listed once', async () => {
    const { store, tableName } = await freshStore();
    const legacy = sampleEscalation({ escalationId: 'esc-legacy', createdAtMs: JAN_1_2025_MS + 1000 });
    await aws.clients.dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          [TableKey.partition]: clusterPartitionKey(legacy.clusterId),
          [TableKey.sort]: escalationSortKey(legacy.escalationId),
          [TableKey.indexPartition]: ESCALATION_LIST_PARTITION,
          [TableKey.indexSort]: `${new Date(legacy.createdAtMs).toISOString()}#${legacy.clusterId}#${legacy.escalationId}`,
          ...legacy,
        },
      }),
    );
    await store.create(sampleEscalation({ escalationId: 'esc-current', createdAtMs: JAN_1_2025_MS + 2000 }));

    const pendingBefore = await store.list({ status: 'pending', limit: 5 });
    const approvedBefore = await store.list({ status: 'approved', limit: 5 });
    await store.transition('eks-prod', 'esc-legacy', 'pending', 'approved', {
      atMs: JAN_1_2025_MS + 3000,
      by: 'ops',
      note: 'ok',
    });
    const pendingAfter = await store.list({ status: 'pending', limit: 5 });
    const approvedAfter = await store.list({ status: 'approved', limit: 5 });
    const all = await store.list({ limit: 5 });

    expect(pendingBefore.map((escalation) => escalation.escalationId)).toEqual(['esc-current', 'esc-legacy']);
    expect(approvedBefore).toEqual([]);
    expect(pendingAfter.map((escalation) => escalation.escalationId)).toEqual(['esc-current']);
    expect(approvedAfter.map((escalation) => escalation.escalationId)).toEqual(['esc-legacy']);
    expect(all.map((escalation) => escalation.escalationId)).toEqual(['esc-current', 'esc-legacy']);
  });

  it('list refuses a negative or fractional limit, and a zero limit reads nothing', async () => {
    const { store } = await freshStore();
    meter.reset();

    const none = await store.list({ limit: 0 });

    expect(none).toEqual([]);
    expect(meter.tally().totalRequests).toBe(0);
    await expect(store.list({ limit: -1 })).rejects.toThrow('invalid limit -1');
    await expect(store.list({ limit: 1.5 })).rejects.toThrow('invalid limit 1.5');
  });
});
