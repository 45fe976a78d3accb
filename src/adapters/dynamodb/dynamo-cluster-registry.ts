/**
 * `ClusterRegistry` on the single table: registration writes the learning record first, with
 * `attribute_not_exists` (the one write that decides whether the cluster is new), then its
 * calibration summary and, when the cluster has none, its profile. Clusters are listed through the
 * index their calibration items appear in.
 */
import type { ClusterRegistry } from '../../app/ports/cluster-registry.ts';
import type { CalibrationRecord } from '../../app/records/calibration-record.ts';
import type { ClusterProfile } from '../../app/records/cluster-profile.ts';
import type { LearningRecord } from '../../app/records/learning-record.ts';
import { ClusterProfileSchema, decodeItem, validForWrite } from './cluster-table-items.ts';
import { CLUSTER_LIST_PARTITION, SortKey, clusterPartitionKey } from './cluster-table-keys.ts';
import { DynamoLearningStateStore } from './dynamo-learning-state-store.ts';
import { CLUSTER_INDEX_NAME, TableKey } from './table-definition.ts';
import { MUST_NOT_EXIST, TableIo, type Item, type TableIoOptions } from './table-io.ts';

export class DynamoClusterRegistry implements ClusterRegistry {
  readonly #io: TableIo;
  readonly #learning: DynamoLearningStateStore;

  constructor(options: TableIoOptions) {
    this.#io = new TableIo(options);
    this.#learning = new DynamoLearningStateStore(options);
  }

  async register(
    learning: LearningRecord,
    calibration: CalibrationRecord,
    profile: ClusterProfile,
  ): Promise<'registered' | 'exists'> {
    const written = await this.#learning.commit(learning, undefined, calibration);
    if (written.status === 'conflict') return 'exists';
    const profileItem = this.#profileItem(profile);
    await this.#io.conditionalPut(profileItem, MUST_NOT_EXIST);
    return 'registered';
  }

  async profile(clusterId: string): Promise<ClusterProfile | undefined> {
    const item = await this.#io.get(clusterPartitionKey(clusterId), SortKey.profile);
    return item === undefined ? undefined : decodeItem(ClusterProfileSchema, item, `profile of cluster '${clusterId}'`);
  }

  async putProfile(profile: ClusterProfile): Promise<void> {
    await this.#io.put(this.#profileItem(profile));
  }

  async list(): Promise<string[]> {
    const items = await this.#io.query({
      IndexName: CLUSTER_INDEX_NAME,
      KeyConditionExpression: '#indexPk = :clusters',
      ExpressionAttributeNames: { '#indexPk': TableKey.indexPartition, '#indexSk': TableKey.indexSort },
      ExpressionAttributeValues: { ':clusters': CLUSTER_LIST_PARTITION },
      ProjectionExpression: '#indexSk',
    });
    return items.flatMap((item) =>
      typeof item[TableKey.indexSort] === 'string' ? [item[TableKey.indexSort] as string] : [],
    );
  }

  #profileItem(profile: ClusterProfile): Item {
    const what = `profile of cluster '${profile.clusterId}'`;
    const item: Item = {
      [TableKey.partition]: clusterPartitionKey(profile.clusterId),
      [TableKey.sort]: SortKey.profile,
      ...validForWrite(ClusterProfileSchema, profile, what),
    };
    this.#io.assertFits(item, what);
    return item;
  }
}
