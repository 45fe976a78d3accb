/**
 * `ExplanationCache` on the single table: `PK = CLUSTER#{id}`, `SK = EXPLANATION#{hash}`.
 * Freshness (an hour) is the use case's rule; items expire by TTL after a day.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InfrastructureError } from '../../app/errors.ts';
import type { CachedExplanation, ExplanationCache } from '../../app/ports/explanation-cache.ts';
import { explanationSortKey, EXPLANATION_TTL_SECONDS } from './agent-table-keys.ts';
import { clusterPartitionKey } from './cluster-table-keys.ts';
import { TableKey, TTL_ATTRIBUTE } from './table-definition.ts';

/** Longest explanation stored (a model answer is a sentence or two). */
export const MAX_EXPLANATION_CHARACTERS = 4000;

export class DynamoExplanationCache implements ExplanationCache {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async get(clusterId: string, hash: string): Promise<CachedExplanation | undefined> {
    const key = { [TableKey.partition]: clusterPartitionKey(clusterId), [TableKey.sort]: explanationSortKey(hash) };
    let item: Record<string, unknown> | undefined;
    try {
      item = (await this.#client.send(new GetCommand({ TableName: this.#tableName, Key: key }))).Item;
    } catch (error) {
      throw new InfrastructureError(`DynamoDB GetItem on table '${this.#tableName}' failed: ${errorName(error)}`, {
        cause: error,
      });
    }
    if (item === undefined) return undefined;
    const { text, modelId, createdAtMs } = item;
    if (typeof text !== 'string' || typeof modelId !== 'string' || typeof createdAtMs !== 'number') {
      throw new InfrastructureError(`explanation ${hash} of cluster '${clusterId}' is corrupt`);
    }
    return { text, modelId, createdAtMs };
  }

  async put(clusterId: string, hash: string, explanation: CachedExplanation): Promise<void> {
    const item = {
      [TableKey.partition]: clusterPartitionKey(clusterId),
      [TableKey.sort]: explanationSortKey(hash),
      text: explanation.text.slice(0, MAX_EXPLANATION_CHARACTERS),
      modelId: explanation.modelId,
      createdAtMs: explanation.createdAtMs,
      [TTL_ATTRIBUTE]: Math.floor(explanation.createdAtMs / 1000) + EXPLANATION_TTL_SECONDS,
    };
    try {
      await this.#client.send(new PutCommand({ TableName: this.#tableName, Item: item }));
    } catch (error) {
      throw new InfrastructureError(`DynamoDB PutItem on table '${this.#tableName}' failed: ${errorName(error)}`, {
        cause: error,
      });
    }
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}
