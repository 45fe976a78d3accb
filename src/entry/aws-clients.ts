/**
 * The AWS SDK v3 clients, built once per process (per Lambda cold start). The same clients talk
 * to AWS or, given loopback endpoints, to the embedded dynalite and s3rver.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDependencyGuard, type DependencyGuard } from '../adapters/shared/dependency-guard.ts';
import { DEFAULT_CALL_POLICY, sdkCallSettings, type AwsCallPolicy } from './aws-call-policy.ts';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsClientOptions {
  readonly region: string;
  /** Custom DynamoDB endpoint, e.g. the embedded dynalite; AWS's regional endpoint when absent. */
  readonly dynamoEndpoint?: string;
  /** Custom S3 endpoint, e.g. the embedded s3rver; path-style addressing is forced for it. */
  readonly s3Endpoint?: string;
  /** Explicit credentials; otherwise the SDK's default chain, or dummies for loopback endpoints. */
  readonly credentials?: AwsCredentials;
  /** Timeouts, retries and circuit breakers of every call; {@link DEFAULT_CALL_POLICY} when absent. */
  readonly callPolicy?: AwsCallPolicy;
}

export interface AwsClients {
  readonly dynamo: DynamoDBDocumentClient;
  readonly s3: S3Client;
  /** Each client's circuit breaker: what `/health` reports. */
  readonly guards: { readonly dynamodb: DependencyGuard; readonly s3: DependencyGuard };
  /** Closes the clients' keep-alive sockets. */
  destroy(): void;
}

/**
 * Credentials for loopback endpoints. They are not secrets: s3rver accepts exactly this key pair
 * (its built-in default account) and dynalite accepts any signature.
 */
export const LOCAL_DUMMY_CREDENTIALS: AwsCredentials = Object.freeze({
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
});

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True when `endpoint` is an http(s) URL on this machine's loopback interface; false for anything else, including unparsable text. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * Builds the DynamoDB document client and the S3 client.
 * Explicit credentials win; otherwise loopback endpoints get `LOCAL_DUMMY_CREDENTIALS` and AWS
 * endpoints use the SDK's default provider chain. Never fails: bad endpoints surface on first use.
 */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const dynamoLocal = options.dynamoEndpoint !== undefined && isLoopbackEndpoint(options.dynamoEndpoint);
  const s3Local = options.s3Endpoint !== undefined && isLoopbackEndpoint(options.s3Endpoint);
  const dynamoCredentials = copyOf(options.credentials ?? (dynamoLocal ? LOCAL_DUMMY_CREDENTIALS : undefined));
  const s3Credentials = copyOf(options.credentials ?? (s3Local ? LOCAL_DUMMY_CREDENTIALS : undefined));

  const policy = options.callPolicy ?? DEFAULT_CALL_POLICY;
  const guardOf = (dependency: 'dynamodb' | 's3'): DependencyGuard =>
    createDependencyGuard({
      dependency,
      failuresToOpen: policy.breakerFailures,
      halfOpenAfterMs: policy.breakerHalfOpenMs,
    });
  const guards = { dynamodb: guardOf('dynamodb'), s3: guardOf('s3') };
  const dynamoBase = new DynamoDBClient({
    region: options.region,
    ...sdkCallSettings(policy),
    ...(options.dynamoEndpoint === undefined ? {} : { endpoint: options.dynamoEndpoint }),
    ...(dynamoCredentials === undefined ? {} : { credentials: dynamoCredentials }),
  });
  const dynamo = DynamoDBDocumentClient.from(dynamoBase, {
    marshallOptions: { removeUndefinedValues: true },
  });

  guards.dynamodb.attach(dynamo.middlewareStack);

  const s3 = new S3Client({
    region: options.region,
    ...sdkCallSettings(policy),
    ...(options.s3Endpoint === undefined
      ? {}
      : {
          endpoint: options.s3Endpoint,
          forcePathStyle: true,
          // s3rver predates S3's default CRC checksums (and the aws-chunked uploads they bring):
          // only send and verify checksums where an operation requires them.
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }),
    ...(s3Credentials === undefined ? {} : { credentials: s3Credentials }),
  });

  guards.s3.attach(s3.middlewareStack);

  return {
    dynamo,
    s3,
    guards,
    destroy(): void {
      dynamo.destroy();
      dynamoBase.destroy();
      s3.destroy();
    },
  };
}

/** The SDK records where credentials came from by writing onto the object it is given: hand it a private, mutable copy. */
function copyOf(credentials: AwsCredentials | undefined): AwsCredentials | undefined {
  return credentials === undefined ? undefined : { ...credentials };
}
