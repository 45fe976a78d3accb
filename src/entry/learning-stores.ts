/** The learning loop's stores on the single DynamoDB table, as every runtime wires them. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cacheCalibration } from '../app/learning/calibration-cache.ts';
import type { LearningDeps } from '../app/learning/learning-deps.ts';
import { DynamoClusterRegistry } from '../adapters/dynamodb/dynamo-cluster-registry.ts';
import { DynamoLearningStateStore } from '../adapters/dynamodb/dynamo-learning-state-store.ts';
import { DynamoOnceGuard } from '../adapters/dynamodb/dynamo-once-guard.ts';
import { DynamoPredictionLog } from '../adapters/dynamodb/dynamo-prediction-log.ts';

export type LearningStores = Pick<LearningDeps, 'predictions' | 'learning' | 'calibration' | 'registry' | 'foldLease'>;

export interface LearningStoreOptions {
  /** How old a calibration the serving path may use, ms (calibration-cache.ts); 0 or absent: read every time. */
  readonly calibrationMaxAgeMs?: number;
}

export function dynamoLearningStores(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: LearningStoreOptions = {},
): LearningStores {
  const learning = cacheCalibration(new DynamoLearningStateStore({ client, tableName }), {
    maxAgeMs: options.calibrationMaxAgeMs ?? 0,
    nowMs: () => performance.now(),
  });
  return {
    predictions: new DynamoPredictionLog({ client, tableName }),
    learning,
    calibration: learning,
    registry: new DynamoClusterRegistry({ client, tableName }),
    foldLease: new DynamoOnceGuard({ client, tableName }),
  };
}
