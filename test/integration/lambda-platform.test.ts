/**
 * Prediction serving on Lambda wraps a VGAC platform when configured (template.yaml PlatformUrl,
 * PlatformClusters, PlatformApiKeyParameterName): the real API handler module (api.ts) with the
 * environment the template gives it reads the platform's key from SSM Parameter Store once at cold
 * start (a loopback Parameter Store), and answers a recorded API Gateway prediction event for a
 * platform cluster from the loopback platform's own P(long wait), sent with that key — through
 * the cluster's pass-through prior, as `vgac start` does; with the platform down, 503
 * SOURCE_UNAVAILABLE. Clusters not on the platform still use the stored queue state.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket } from '../../src/adapters/s3/s3-bundle-store.ts';
import { platformPassthroughBundle } from '../../src/core/model/platform-bundle.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { createLambdaRuntime, type LambdaRuntime } from '../../src/entry/lambda/lambda-runtime.ts';
import { sha256Hex } from '../../src/entry/runtime.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { KNOWN_CLUSTER } from '../support/http-stack.ts';
import { captureOutput, importFresh, loadEventFixture, setEnvironment } from '../support/lambda-harness.ts';
import { startSsmJsonServer, type SsmJsonServer } from '../support/ssm-json-server.ts';
import { sampleBundle } from '../support/storage-fixtures.ts';
import {
  PLATFORM_PROBABILITY,
  startVgacPlatformServer,
  type VgacPlatformServer,
} from '../support/vgac-platform-server.ts';

const API_KEY = 'platform-test-api-key-0123456789';
const PLATFORM_KEY_PARAMETER = '/vgac/platform/api-key';
const PLATFORM_KEY = 'platform-secret-key-0123';
const PLATFORM_CLUSTER = 'plat-a';

const context = {
  awsRequestId: 'req-platform-1',
  functionName: 'vgac-api',
  callbackWaitsForEmptyEventLoop: false,
} as unknown as Context;

type HttpResult = { statusCode: number; body: string };

let aws: TestAws;
let platform: VgacPlatformServer;
let ssm: SsmJsonServer;
let runtime: LambdaRuntime;
let restoreEnvironment: () => void;

beforeAll(async () => {
  aws = await startTestAws();
  platform = await startVgacPlatformServer();
  ssm = await startSsmJsonServer({ [PLATFORM_KEY_PARAMETER]: PLATFORM_KEY });
  const table = uniqueName('platform');
  const bucket = uniqueName('platform');
  await ensureTable(aws.clients.dynamo, table);
  await ensureBucket(aws.clients.s3, bucket);
  restoreEnvironment = setEnvironment({
    VGAC_MODE: 'aws',
    VGAC_TABLE: table,
    VGAC_BUCKET: bucket,
    VGAC_DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
    VGAC_S3_ENDPOINT: aws.s3Endpoint,
    VGAC_API_KEY: API_KEY,
    VGAC_API_KEY_PARAM: undefined,
    VGAC_LOG_LEVEL: 'info',
    POWERTOOLS_TRACE_ENABLED: 'false',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDPLATFORMTEST',
    AWS_SECRET_ACCESS_KEY: 'platform-test-secret',
    VGAC_SSM_ENDPOINT: ssm.endpoint,
    // What template.yaml gives the API function with PlatformUrl set.
    VGAC_COLLECTOR: 'vgac-api',
    VGAC_PLATFORM_URL: platform.url,
    VGAC_PLATFORM_CLUSTERS: PLATFORM_CLUSTER,
    VGAC_PLATFORM_API_KEY_PARAM: PLATFORM_KEY_PARAMETER,
  });
  runtime = await createLambdaRuntime(loadConfig());
  // What `vgac onboard --cluster plat-a --vgac-platform --long-wait-seconds 600` registers.
  await registerCluster(runtime.learning, {
    clusterId: PLATFORM_CLUSTER,
    prior: platformPassthroughBundle(600, sha256Hex),
    platform: 'other',
    nowMs: Date.now(),
  });
  await registerCluster(runtime.learning, {
    clusterId: KNOWN_CLUSTER,
    prior: sampleBundle(),
    platform: 'kubernetes',
    nowMs: Date.now(),
  });
}, 60_000);

afterAll(async () => {
  restoreEnvironment?.();
  await runtime?.close();
  await ssm?.stop();
  await platform?.close();
  await aws?.stop();
});

async function predictEvent(body: Record<string, unknown>): Promise<unknown> {
  const recorded = (await loadEventFixture('apigw-v2-predict-wait.json')) as Record<string, unknown> & {
    headers: Record<string, string>;
  };
  return { ...recorded, headers: { ...recorded.headers, 'x-api-key': API_KEY }, body: JSON.stringify(body) };
}

describe('api.ts wrapping a VGAC platform', () => {
  it("reads the platform's key from SSM once at cold start and answers a platform cluster from the platform's P(long wait), sent with that key", async () => {
    const ssmBefore = ssm.requests.length;
    const { handler } = await importFresh<{ handler: (event: unknown, context: Context) => Promise<HttpResult> }>(
      '../../src/entry/lambda/api.ts',
    );
    const platformBefore = platform.requests.length;

    const first = await captureOutput(async () =>
      handler(await predictEvent({ cluster_id: PLATFORM_CLUSTER, gpus: 2, gpu_type: 'A100' }), context),
    );
    const second = await captureOutput(async () =>
      handler(await predictEvent({ cluster_id: PLATFORM_CLUSTER, gpus: 4 }), context),
    );

    expect(ssm.requests.slice(ssmBefore)).toEqual([{ name: PLATFORM_KEY_PARAMETER, withDecryption: true }]);
    expect([first.result?.statusCode, second.result?.statusCode]).toEqual([200, 200]);
    // The pass-through prior: a fresh cluster predicts the platform's probability (logit, weight 1, and an online calibrator
    // that starts as the identity on single-precision logits, hence 6 digits).
    expect(
      (JSON.parse(first.result?.body ?? '{}') as { probability_long_wait: number }).probability_long_wait,
    ).toBeCloseTo(PLATFORM_PROBABILITY, 6);
    const asked = platform.requests.slice(platformBefore);
    expect(asked.map((request) => [request.path, request.apiKey])).toEqual([
      ['/api/predict/wait', PLATFORM_KEY],
      ['/api/predict/wait', PLATFORM_KEY],
    ]);
    expect(asked[0]?.body).toEqual({ gpus: 2, gpu_type: 'A100', cluster_id: PLATFORM_CLUSTER });
    expect(JSON.stringify([...first.lines, ...second.lines])).not.toContain(PLATFORM_KEY);
  });

  it('answers 503 SOURCE_UNAVAILABLE while the platform is down, and a cluster not on the platform never asks it', async () => {
    const { handler } = await importFresh<{ handler: (event: unknown, context: Context) => Promise<HttpResult> }>(
      '../../src/entry/lambda/api.ts',
    );
    platform.down = true;
    const down = await captureOutput(async () =>
      handler(await predictEvent({ cluster_id: PLATFORM_CLUSTER, gpus: 1 }), context),
    );
    platform.down = false;
    const before = platform.requests.length;

    const other = await captureOutput(async () =>
      handler(await predictEvent({ cluster_id: KNOWN_CLUSTER, gpus: 1 }), context),
    );

    expect(down.result?.statusCode).toBe(503);
    expect((JSON.parse(down.result?.body ?? '{}') as { error: { code: string } }).error.code).toBe(
      'SOURCE_UNAVAILABLE',
    );
    // eks-prod is not a platform cluster: the stored queue state (none yet) answers, the platform is not asked.
    expect(other.result?.statusCode).toBe(503);
    expect((JSON.parse(other.result?.body ?? '{}') as { error: { message: string } }).error.message).toContain(
      'the collector function stores one',
    );
    expect(platform.requests.length).toBe(before);
  });
});
