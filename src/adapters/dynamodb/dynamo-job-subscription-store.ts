/**
 * JobSubscriptionStore on the single table (keys: subscription-table-keys.ts). A subscribe is one
 * conditional PutItem that succeeds unless a live subscription exists (an expired one still
 * present — DynamoDB's TTL sweeps late, dynalite never — counts as absent). A notice claim is one
 * conditional UpdateItem that sets the notice's instant only where none is set, stamped with a
 * per-call write id: when the SDK retries a claim whose response was lost, the retry fails on our
 * own claim and the read-back reports it as ours (write-id.ts).
 */
import type { JobSubscriptionStore } from '../../app/ports/job-subscription-store.ts';
import { JobNotice, type JobSubscription } from '../../app/records/job-subscription.ts';
import { clusterPartitionKey } from './cluster-table-keys.ts';
import { SUBSCRIPTION_PREFIX, subscriptionSortKey } from './subscription-table-keys.ts';
import { TableKey, TTL_ATTRIBUTE } from './table-definition.ts';
import { TableIo, type Item, type TableIoOptions } from './table-io.ts';

const NOTICE_FIELD = { [JobNotice.started]: 'startedNoticeAtMs', [JobNotice.moved]: 'movedNoticeAtMs' } as const;
const claimIdField = (notice: JobNotice): string => `${NOTICE_FIELD[notice]}WriteId`;

function subscriptionOf(item: Item): JobSubscription {
  const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);
  return {
    clusterId: String(item.clusterId),
    jobId: String(item.jobId),
    userId: String(item.userId),
    createdAtMs: Number(item.createdAtMs),
    expiresAtMs: Number(item.expiresAtMs),
    baselineWaitSeconds: number(item.baselineWaitSeconds),
    startedNoticeAtMs: number(item.startedNoticeAtMs),
    movedNoticeAtMs: number(item.movedNoticeAtMs),
  };
}

export class DynamoJobSubscriptionStore implements JobSubscriptionStore {
  readonly #io: TableIo;

  constructor(options: TableIoOptions) {
    this.#io = new TableIo(options);
  }

  async subscribe(subscription: JobSubscription): Promise<'created' | 'exists'> {
    const item: Item = {
      [TableKey.partition]: clusterPartitionKey(subscription.clusterId),
      [TableKey.sort]: subscriptionSortKey(subscription.jobId, subscription.userId),
      clusterId: subscription.clusterId,
      jobId: subscription.jobId,
      userId: subscription.userId,
      createdAtMs: subscription.createdAtMs,
      expiresAtMs: subscription.expiresAtMs,
      [TTL_ATTRIBUTE]: Math.ceil(subscription.expiresAtMs / 1000),
      // Absent rather than null: a claim's condition tests for the attribute's absence.
      ...(subscription.baselineWaitSeconds === null ? {} : { baselineWaitSeconds: subscription.baselineWaitSeconds }),
      ...(subscription.startedNoticeAtMs === null ? {} : { startedNoticeAtMs: subscription.startedNoticeAtMs }),
      ...(subscription.movedNoticeAtMs === null ? {} : { movedNoticeAtMs: subscription.movedNoticeAtMs }),
    };
    const written = await this.#io.conditionalPut(item, {
      ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAtMs <= :now',
      ExpressionAttributeNames: { '#pk': TableKey.partition, '#expiresAtMs': 'expiresAtMs' },
      ExpressionAttributeValues: { ':now': subscription.createdAtMs },
    });
    return written ? 'created' : 'exists';
  }

  async forCluster(clusterId: string, nowMs: number): Promise<JobSubscription[]> {
    const items = await this.#io.query(
      {
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': TableKey.partition, '#sk': TableKey.sort },
        ExpressionAttributeValues: { ':pk': clusterPartitionKey(clusterId), ':prefix': SUBSCRIPTION_PREFIX },
        ConsistentRead: true,
      },
      Number.POSITIVE_INFINITY,
      { accept: (item) => Number(item.expiresAtMs) > nowMs },
    );
    return items.map(subscriptionOf);
  }

  async claimNotice(
    clusterId: string,
    jobId: string,
    userId: string,
    notice: JobNotice,
    nowMs: number,
  ): Promise<boolean> {
    const key = {
      [TableKey.partition]: clusterPartitionKey(clusterId),
      [TableKey.sort]: subscriptionSortKey(jobId, userId),
    };
    const writeId = this.#io.newWriteId();
    const updated = await this.#io.conditionalUpdate({
      Key: key,
      UpdateExpression: 'SET #field = :now, #claimId = :writeId',
      ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#field) AND #expiresAtMs > :now',
      ExpressionAttributeNames: {
        '#pk': TableKey.partition,
        '#field': NOTICE_FIELD[notice],
        '#claimId': claimIdField(notice),
        '#expiresAtMs': 'expiresAtMs',
      },
      ExpressionAttributeValues: { ':now': nowMs, ':writeId': writeId },
    });
    if (updated !== undefined) return true;
    const stored = await this.#io.get(key[TableKey.partition], key[TableKey.sort]);
    return stored?.[claimIdField(notice)] === writeId;
  }

  async releaseNotice(
    clusterId: string,
    jobId: string,
    userId: string,
    notice: JobNotice,
    claimedAtMs: number,
  ): Promise<void> {
    await this.#io.conditionalUpdate({
      Key: {
        [TableKey.partition]: clusterPartitionKey(clusterId),
        [TableKey.sort]: subscriptionSortKey(jobId, userId),
      },
      UpdateExpression: 'REMOVE #field, #claimId',
      ConditionExpression: '#field = :claimedAtMs',
      ExpressionAttributeNames: { '#field': NOTICE_FIELD[notice], '#claimId': claimIdField(notice) },
      ExpressionAttributeValues: { ':claimedAtMs': claimedAtMs },
    });
  }

  async remove(clusterId: string, jobId: string, userId: string): Promise<void> {
    await this.#io.delete(clusterPartitionKey(clusterId), subscriptionSortKey(jobId, userId));
  }
}
