/**
 * Wiring: builds the adapters for the configured mode and the use cases' dependencies.
 * Embedded mode (the default) starts dynalite and s3rver on loopback under the data directory
 * unless endpoints are configured; AWS mode talks to the real services. Only entries call this.
 */
import {
  createLearningDeps,
  sha256Hex,
  type LearningDeps,
  type LearningSettings,
} from '../app/learning/learning-deps.ts';
import type { DependencyHealth } from '../app/ports/dependency-health.ts';
import type { Logger } from '../app/ports/logger.ts';
import { dependencyHealth, dynamoProbe } from './dependency-health.ts';
import { s3Probe } from './s3-probe.ts';
import { dynamoLearningStores } from './learning-stores.ts';
import { ensureTable } from '../adapters/dynamodb/table-definition.ts';
import { createPowertoolsLogger } from '../adapters/logging/powertools-logger.ts';
import { ensureBucket, S3BundleStore } from '../adapters/s3/s3-bundle-store.ts';
import { createAwsClients, type AwsClients } from './aws-clients.ts';
import { Mode, type Config } from './config.ts';
import type { EmbeddedAws } from './local/embedded-aws.ts';

/** Loaded only in embedded mode, through a non-literal specifier so esbuild keeps dynalite and s3rver out of the Lambda bundles. */
const EMBEDDED_AWS_MODULE = './local/embedded-aws.ts';

export { sha256Hex };

export const SERVICE_NAME = 'vgac';

export interface Runtime {
  readonly config: Config;
  readonly clients: AwsClients;
  readonly learning: LearningDeps;
  readonly logger: Logger;
  /** Endpoints actually in use (embedded servers or configured ones); undefined on AWS. */
  readonly endpoints: { readonly dynamo: string; readonly s3: string } | undefined;
  /** SHA-256 hex of a text: bundle ids and data hashes. */
  readonly hash: (text: string) => string;
  /** DynamoDB's and S3's circuit breakers: what `/health` reports (absent: liveness only). */
  readonly health?: DependencyHealth;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  readonly logger?: Logger;
  /** Embedded mode, when another process already serves the data directory: share its servers (default) or refuse (`vgac start`). */
  readonly whenDataDirInUse?: 'share' | 'refuse';
  readonly settings?: Partial<LearningSettings>;
}

export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createPowertoolsLogger({ serviceName: SERVICE_NAME, level: config.logLevel });
  let embedded: EmbeddedAws | undefined;
  let dynamoEndpoint = config.dynamoEndpoint;
  let s3Endpoint = config.s3Endpoint;
  if (config.mode === Mode.embedded && (dynamoEndpoint === undefined || s3Endpoint === undefined)) {
    const { startEmbeddedAws } = (await import(EMBEDDED_AWS_MODULE)) as typeof import('./local/embedded-aws.ts');
    embedded = await startEmbeddedAws({
      dataDir: config.dataDir,
      ...(options.whenDataDirInUse === undefined ? {} : { whenInUse: options.whenDataDirInUse }),
    });
    dynamoEndpoint ??= embedded.dynamoEndpoint;
    s3Endpoint ??= embedded.s3Endpoint;
  }
  const clients = createAwsClients({
    region: config.region,
    callPolicy: config.callPolicy,
    ...(dynamoEndpoint === undefined ? {} : { dynamoEndpoint }),
    ...(s3Endpoint === undefined ? {} : { s3Endpoint }),
  });
  try {
    if (config.mode === Mode.embedded) {
      // On AWS the SAM template creates both; locally we create them on first start.
      await ensureTable(clients.dynamo, config.table);
      await ensureBucket(clients.s3, config.bucket);
    }
  } catch (error) {
    clients.destroy();
    await embedded?.stop();
    throw error;
  }
  const learning = createLearningDeps({
    ...dynamoLearningStores(clients.dynamo, config.table, { calibrationMaxAgeMs: config.calibrationMaxAgeMs }),
    bundles: new S3BundleStore({ client: clients.s3, bucket: config.bucket }),
    gate: config.gate,
    logger,
    ...(options.settings === undefined ? {} : { settings: options.settings }),
  });
  return {
    config,
    clients,
    learning,
    logger,
    endpoints:
      dynamoEndpoint !== undefined && s3Endpoint !== undefined ? { dynamo: dynamoEndpoint, s3: s3Endpoint } : undefined,
    hash: sha256Hex,
    health: dependencyHealth([
      { guard: clients.guards.dynamodb, probe: dynamoProbe(clients.dynamo, config.table) },
      { guard: clients.guards.s3, probe: s3Probe(clients.s3, config.bucket) },
    ]),
    async close() {
      clients.destroy();
      await embedded?.stop();
    },
  };
}
