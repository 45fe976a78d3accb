/**
 * What the storage-backed Lambda handlers share, built ONCE per cold start at module scope from
 * `loadConfig()`: the DynamoDB document client (traced through X-Ray when tracing is on), the
 * stores and the learning-loop dependencies, plus the observability of lambda-observability.ts.
 * It has the shape of runtime.ts's `Runtime` where the agents and HTTP wiring need one
 * (config, DynamoDB client, learning deps, logger, hash).
 *
 * Only DynamoDB is loaded at cold start: every storage handler's first invocation reads the
 * table. The S3 bundle store is built on first use (lazy-aws.ts): CheckDrift, UpdateProfile,
 * the collector and most API routes never touch S3, and importing @aws-sdk/client-s3 alone
 * costs ≈ 100 ms of CPU on Node 20.
 *
 * It never creates the table or the bucket: on AWS the SAM template owns them (and the
 * functions' IAM does not allow CreateTable/CreateBucket); tests create them before importing a
 * handler. Endpoint overrides (VGAC_DYNAMODB_ENDPOINT / VGAC_S3_ENDPOINT) point the same code at
 * dynalite and s3rver. Embedded mode without endpoints is refused: a Lambda cannot host dynalite.
 *
 * With VGAC_RECOMPUTE_TOPIC_ARN (the API and collector functions), maintenance that an outcome
 * makes due (a retrain, a checkpoint) is published to that SNS topic — the Recalibrate function
 * runs it — instead of running inside the request; the SNS client is built on the first publish.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLearningDeps, sha256Hex, type LearningDeps } from '../../app/learning/learning-deps.ts';
import { queuedMaintenanceScheduler, type RecomputeTask } from '../../app/learning/queued-maintenance-scheduler.ts';
import { DynamoCalibrationHistory } from '../../adapters/dynamodb/dynamo-calibration-history.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { loadConfig, Mode, type Config } from '../config.ts';
import { lazyS3BundleStore } from './lazy-s3-bundle-store.ts';
import { lazySnsTaskQueue } from './lazy-sns-task-queue.ts';
import { createObservability, lambdaClientSettings, type LambdaObservability } from './lambda-observability.ts';
import { dynamoLearningStores } from '../learning-stores.ts';
import { dependencyHealth, dynamoProbe } from '../dependency-health.ts';
import type { DependencyHealth } from '../../app/ports/dependency-health.ts';
import { createDependencyGuard, type DependencyGuard } from '../../adapters/shared/dependency-guard.ts';
import { meteredPredictions } from './metered-predictions.ts';

export { countMetric, MetricName, runInvocation } from './lambda-observability.ts';

/** The clients a Lambda runtime builds at cold start (S3, SSM and SNS are built on first use: lazy-aws.ts). */
export interface LambdaClients {
  readonly dynamo: DynamoDBDocumentClient;
  /** Closes every client's keep-alive sockets (the lazily built S3 client too, if it was built). */
  destroy(): void;
}

export interface LambdaRuntime extends LambdaObservability {
  readonly config: Config;
  readonly clients: LambdaClients;
  readonly learning: LearningDeps;
  /** SHA-256 hex of a text (explanation-cache keys), as runtime.ts's Runtime has it. */
  readonly hash: (text: string) => string;
  /** DynamoDB's and S3's circuit breakers: what `/health` reports. */
  readonly health: DependencyHealth;
  /** Closes the clients (tests; a Lambda environment is simply frozen). */
  close(): Promise<void>;
}

/** Builds the shared runtime. Rejects with InvalidInputError on bad configuration (the function then fails every invocation, loudly). */
export async function createLambdaRuntime(config: Config = loadConfig()): Promise<LambdaRuntime> {
  if (config.mode === Mode.embedded && (config.dynamoEndpoint === undefined || config.s3Endpoint === undefined)) {
    throw new InvalidInputError(
      'a Lambda handler needs VGAC_MODE=aws, or VGAC_DYNAMODB_ENDPOINT and VGAC_S3_ENDPOINT set (it cannot start dynalite/s3rver itself)',
    );
  }
  const { logger, metrics, tracer } = await createObservability(config);
  const dynamoBase = new DynamoDBClient({
    ...lambdaClientSettings(config.region, config.dynamoEndpoint, config.callPolicy),
  });
  const dynamo = DynamoDBDocumentClient.from(dynamoBase, { marshallOptions: { removeUndefinedValues: true } });
  const guardOf = (dependency: 'dynamodb' | 's3'): DependencyGuard =>
    createDependencyGuard({
      dependency,
      failuresToOpen: config.callPolicy.breakerFailures,
      halfOpenAfterMs: config.callPolicy.breakerHalfOpenMs,
    });
  const dynamoGuard = guardOf('dynamodb');
  dynamoGuard.attach(dynamo.middlewareStack);
  const s3Guard = guardOf('s3');
  // No-op when tracing is off; on AWS every DynamoDB call becomes an X-Ray subsegment.
  tracer.captureAWSv3Client(dynamo);
  const bundles = lazyS3BundleStore({
    region: config.region,
    endpoint: config.s3Endpoint,
    bucket: config.bucket,
    tracer,
    callPolicy: config.callPolicy,
    guard: s3Guard,
  });
  const clients: LambdaClients = {
    dynamo,
    destroy() {
      dynamo.destroy();
      dynamoBase.destroy();
      bundles.destroy();
    },
  };
  const stores = dynamoLearningStores(dynamo, config.table, { calibrationMaxAgeMs: config.calibrationMaxAgeMs });
  const learning = createLearningDeps({
    ...stores,
    predictions: meteredPredictions(stores.predictions, { metrics }),
    bundles,
    history: new DynamoCalibrationHistory({ client: dynamo, tableName: config.table }),
    gate: config.gate,
    logger,
    ...(config.lambda.recomputeTopicArn === undefined
      ? {}
      : {
          maintenance: queuedMaintenanceScheduler(
            lazySnsTaskQueue<RecomputeTask>({
              region: config.region,
              endpoint: config.lambda.snsEndpoint,
              topicArn: config.lambda.recomputeTopicArn,
              tracer,
              callPolicy: config.callPolicy,
            }),
          ),
        }),
  });
  return {
    config,
    clients,
    learning,
    logger,
    metrics,
    tracer,
    hash: sha256Hex,
    // S3's breaker only leaves `ok` after S3 calls failed, so its probe never builds the client itself.
    health: dependencyHealth([
      { guard: dynamoGuard, probe: dynamoProbe(dynamo, config.table) },
      { guard: s3Guard, probe: () => bundles.probe() },
    ]),
    close: () => Promise.resolve(clients.destroy()),
  };
}
