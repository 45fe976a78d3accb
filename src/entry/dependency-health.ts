/**
 * `/health`'s view of the dependencies: each client's circuit breaker (dependency-guard.ts). A
 * closed breaker is healthy at no cost; while one is open, the breaker's trial call is a cheap
 * probe (a GetItem of a key that is never written; a HeadBucket), made at most once per
 * half-open interval however many `/health` requests arrive.
 * The S3 probe is in s3-probe.ts, so that the Lambda runtime (DynamoDB only at cold start) does
 * not load @aws-sdk/client-s3 through this file.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DependencyHealth } from '../app/ports/dependency-health.ts';
import type { Dependency } from '../app/errors.ts';
import type { DependencyGuard } from '../adapters/shared/dependency-guard.ts';
import { TableKey } from '../adapters/dynamodb/table-definition.ts';

/** The key the DynamoDB probe reads (nothing is ever stored there). */
export const HEALTH_PROBE_KEY = Object.freeze({
  [TableKey.partition]: 'HEALTH#probe',
  [TableKey.sort]: 'HEALTH#probe',
});

export interface GuardedDependency {
  readonly guard: DependencyGuard;
  readonly probe: () => Promise<unknown>;
}

export function dependencyHealth(dependencies: readonly GuardedDependency[]): DependencyHealth {
  return {
    async failing(): Promise<Dependency[]> {
      const statuses = await Promise.all(
        dependencies.map(async ({ guard, probe }) => ({
          dependency: guard.dependency,
          status: await guard.check(probe),
        })),
      );
      return statuses.filter((entry) => entry.status === 'degraded').map((entry) => entry.dependency);
    },
  };
}

export function dynamoProbe(client: DynamoDBDocumentClient, tableName: string): () => Promise<unknown> {
  return () => client.send(new GetCommand({ TableName: tableName, Key: HEALTH_PROBE_KEY }));
}
