/**
 * PushedQueueStateStore on the single table: one item per cluster (`CLUSTER#{id}` / `QUEUE_STATE`)
 * holding the agent's latest state as its wire JSON (queue-state-wire.ts, at most
 * MAX_QUEUE_STATE_BYTES, so the item stays well under DynamoDB's 400 KB) and `observedAtMs`. A put
 * is one conditional PutItem that replaces only an older state; a read is one GetItem.
 */
import { InfrastructureError } from '../../app/errors.ts';
import { bodyOfPushedQueueState, pushedQueueStateOf, QueueStateBody } from '../../app/collection/queue-state-wire.ts';
import type { PushedQueueStateStore } from '../../app/ports/pushed-queue-state-store.ts';
import type { PushedQueueState } from '../../app/records/pushed-queue-state.ts';
import { clusterPartitionKey, SortKey } from './cluster-table-keys.ts';
import { dynamoItemSizeBytes, MAX_ITEM_SIZE_BYTES } from './dynamo-item-size.ts';
import { TableKey } from './table-definition.ts';
import { TableIo, type TableIoOptions } from './table-io.ts';

export class DynamoPushedQueueStateStore implements PushedQueueStateStore {
  readonly #io: TableIo;

  constructor(options: TableIoOptions) {
    this.#io = new TableIo(options);
  }

  async put(state: PushedQueueState): Promise<boolean> {
    const item = {
      [TableKey.partition]: clusterPartitionKey(state.clusterId),
      [TableKey.sort]: SortKey.queueState,
      observedAtMs: state.observedAtMs,
      state: JSON.stringify(bodyOfPushedQueueState(state)),
    };
    const bytes = dynamoItemSizeBytes(item);
    if (bytes > MAX_ITEM_SIZE_BYTES)
      throw new InfrastructureError(
        `the queue state of cluster '${state.clusterId}' is ${bytes} bytes, over DynamoDB's ${MAX_ITEM_SIZE_BYTES}`,
      );
    return this.#io.conditionalPut(item, {
      ConditionExpression: 'attribute_not_exists(#pk) OR #observedAtMs < :observedAtMs',
      ExpressionAttributeNames: { '#pk': TableKey.partition, '#observedAtMs': 'observedAtMs' },
      ExpressionAttributeValues: { ':observedAtMs': state.observedAtMs },
    });
  }

  async latest(clusterId: string): Promise<PushedQueueState | undefined> {
    const item = await this.#io.get(clusterPartitionKey(clusterId), SortKey.queueState);
    if (item === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(item.state));
    } catch (error) {
      throw new InfrastructureError(`the queue state of cluster '${clusterId}' is corrupt (not JSON)`, {
        cause: error,
      });
    }
    const body = QueueStateBody.safeParse(parsed);
    if (!body.success)
      throw new InfrastructureError(
        `the queue state of cluster '${clusterId}' is corrupt (${body.error.issues[0]?.message ?? 'invalid'})`,
      );
    return pushedQueueStateOf(clusterId, body.data);
  }
}
