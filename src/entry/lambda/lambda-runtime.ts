/**
 * What the storage-backed Lambda handlers share, built ONCE per cold start at module scope from
 * `loadConfig()`: the DynamoDB/S3 clients (traced through X-Ray when tracing is on), the stores
 * and the learning-loop dependencies, plus the observability of lambda-observability.ts.
 *
 * It never creates the table or the bucket: on AWS the SAM template owns them (and the
 * functions' IAM does not allow CreateTable/CreateBucket); tests create them before importing a
 * handler. Endpoint overrides (VGAC_DYNAMODB_ENDPOINT / VGAC_S3_ENDPOINT) point the same code at
 * dynalite and s3rver. Embedded mode without endpoints is refused: a Lambda cannot host dynalite.
 */
import { createLearningDeps, type LearningDeps } from '../../app/learning/learning-deps.ts';
import { DynamoCalibrationHistory } from '../../adapters/dynamodb/dynamo-calibration-history.ts';
import { DynamoClusterStore } from '../../adapters/dynamodb/dynamo-cluster-store.ts';
import { S3BundleStore } from '../../adapters/s3/s3-bundle-store.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { createAwsClients, type AwsClients } from '../aws-clients.ts';
import { loadConfig, Mode, type Config } from '../config.ts';
import { createObservability, type LambdaObservability } from './lambda-observability.ts';

export { countMetric, eceMetric, endpointOverride, MetricName, runInvocation } from './lambda-observability.ts';

export interface LambdaRuntime extends LambdaObservability {
  readonly config: Config;
  readonly clients: AwsClients;
  readonly learning: LearningDeps;
}

/** Builds the shared runtime. Throws InvalidInputError on bad configuration (the function then fails every invocation, loudly). */
export function createLambdaRuntime(config: Config = loadConfig()): LambdaRuntime {
  if (config.mode === Mode.embedded && (config.dynamoEndpoint === undefined || config.s3Endpoint === undefined)) {
    throw new InvalidInputError('a Lambda handler needs VGAC_MODE=aws, or VGAC_DYNAMODB_ENDPOINT and VGAC_S3_ENDPOINT set (it cannot start dynalite/s3rver itself)');
  }
  const { logger, metrics, tracer } = createObservability(config);
  const clients = createAwsClients({
    region: config.region,
    ...(config.dynamoEndpoint === undefined ? {} : { dynamoEndpoint: config.dynamoEndpoint }),
    ...(config.s3Endpoint === undefined ? {} : { s3Endpoint: config.s3Endpoint }),
  });
  // No-ops when tracing is off; on AWS every DynamoDB/S3 call becomes an X-Ray subsegment.
  tracer.captureAWSv3Client(clients.dynamo);
  tracer.captureAWSv3Client(clients.s3);
  const learning = createLearningDeps({
    store: new DynamoClusterStore({ client: clients.dynamo, tableName: config.table }),
    bundles: new S3BundleStore({ client: clients.s3, bucket: config.bucket }),
    history: new DynamoCalibrationHistory({ client: clients.dynamo, tableName: config.table }),
    gate: config.gate,
    logger,
  });
  return { config, clients, learning, logger, metrics, tracer };
}
