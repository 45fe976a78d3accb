/**
 * Integration-test harness: dynalite and s3rver on loopback (port 0) in a fresh temp directory,
 * clients wired to them, and unique table/bucket names. Refuses to run against anything that is
 * not on this machine, so a mis-set endpoint can never touch a real AWS account.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsCallPolicy } from '../../src/entry/aws-call-policy.ts';
import { createAwsClients, isLoopbackEndpoint, type AwsClients } from '../../src/entry/aws-clients.ts';
import { startEmbeddedAws } from '../../src/entry/local/embedded-aws.ts';

export const TEST_REGION = 'us-east-1';

export interface TestAws {
  readonly dataDir: string;
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  readonly clients: AwsClients;
  /** Stops the servers, closes the clients and deletes the data directory. */
  stop(): Promise<void>;
}

let nameCounter = 0;

/** A name no other test (in this or another process) uses: lowercase, digits and `-`, valid for tables and buckets. */
export function uniqueName(prefix: string): string {
  nameCounter += 1;
  return `${prefix}-${process.pid}-${nameCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Throws unless every endpoint is an http(s) URL on localhost / 127.0.0.1. */
export function assertLoopbackEndpoints(...endpoints: readonly string[]): void {
  for (const endpoint of endpoints) {
    if (!isLoopbackEndpoint(endpoint)) {
      throw new Error(
        `refusing to run integration tests against '${endpoint}': only localhost / 127.0.0.1 endpoints are allowed`,
      );
    }
  }
}

/** Clients for already-running loopback endpoints (checked first). */
/**
 * The call policy of test clients. dynalite runs in the test's own process, whose event loop the
 * test's load (hundreds of concurrent calls, folds of 50 KB records) can keep busy for seconds, so
 * a production timeout would fail calls that are only waiting their turn. Timeouts, retries and
 * the breaker are exercised where a dependency really stalls (dependency-timeouts.test.ts).
 */
export const TEST_CALL_POLICY: AwsCallPolicy = Object.freeze({
  timeoutMs: 60_000,
  maxAttempts: 3,
  breakerFailures: 1_000,
  breakerHalfOpenMs: 1_000,
});

export function loopbackClients(dynamoEndpoint: string, s3Endpoint: string): AwsClients {
  assertLoopbackEndpoints(dynamoEndpoint, s3Endpoint);
  return createAwsClients({ region: TEST_REGION, dynamoEndpoint, s3Endpoint, callPolicy: TEST_CALL_POLICY });
}

/** Starts dynalite + s3rver in a new temp directory on free loopback ports. */
export async function startTestAws(): Promise<TestAws> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vgac-it-'));
  const embedded = await startEmbeddedAws({ dataDir, dynamoPort: 0, s3Port: 0 });
  let clients: AwsClients;
  try {
    clients = loopbackClients(embedded.dynamoEndpoint, embedded.s3Endpoint);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return {
    dataDir,
    dynamoEndpoint: embedded.dynamoEndpoint,
    s3Endpoint: embedded.s3Endpoint,
    clients,
    async stop(): Promise<void> {
      clients.destroy();
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
