/**
 * A stalled DynamoDB: dynalite (with s3rver) runs in a child process, which the test freezes with
 * SIGSTOP — its sockets still accept connections, nothing answers. The runtime is built by
 * `createRuntime` from a configuration that sets the call policy through the environment
 * (VGAC_AWS_TIMEOUT_MS, VGAC_AWS_MAX_ATTEMPTS, VGAC_BREAKER_FAILURES, VGAC_BREAKER_HALF_OPEN_MS):
 * - a request that needs DynamoDB is answered 503 DEPENDENCY_UNAVAILABLE naming `dynamodb`
 *   (its calls time out after the configured attempts) instead of hanging;
 * - after the configured failures in a row the breaker is open and `/health` is a 503
 *   `degraded` naming `dynamodb`;
 * - after SIGCONT, `/health` is ok again (the breaker's trial probe succeeds) and requests are
 *   served.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpApp } from '../../src/app/http/app.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { createHttpDeps } from '../../src/entry/http-wiring.ts';
import { createRuntime, type Runtime } from '../../src/entry/runtime.ts';
import { scriptedObserver } from '../support/http-stack.ts';
import { JAN_1_2025_MS, sampleBundle } from '../support/storage-fixtures.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD_SCRIPT = fileURLToPath(new URL('../support/embedded-aws-child.ts', import.meta.url));
const CLUSTER = 'stall-1';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let child: ChildProcess | undefined;
let runtime: Runtime | undefined;
let dataDir: string;
let app: ReturnType<typeof createHttpApp>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vgac-stall-'));
  const started = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, join(dataDir, 'aws')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = started;
  let stderr = '';
  started.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: started.stdout });
  const firstLine = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    started.once('exit', (code) =>
      reject(new Error(`embedded AWS child exited (${code}) before starting: ${stderr.slice(-500)}`)),
    );
  });
  lines.close();
  const endpoints = JSON.parse(firstLine) as { dynamoEndpoint: string; s3Endpoint: string };
  const config = loadConfig({
    VGAC_MODE: 'embedded',
    VGAC_DATA_DIR: dataDir,
    VGAC_DYNAMODB_ENDPOINT: endpoints.dynamoEndpoint,
    VGAC_S3_ENDPOINT: endpoints.s3Endpoint,
    VGAC_LOG_LEVEL: 'silent',
    VGAC_AWS_TIMEOUT_MS: '400',
    VGAC_AWS_MAX_ATTEMPTS: '2',
    VGAC_BREAKER_FAILURES: '2',
    VGAC_BREAKER_HALF_OPEN_MS: '200',
  });
  runtime = await createRuntime(config);
  await registerCluster(runtime.learning, {
    clusterId: CLUSTER,
    prior: sampleBundle(),
    platform: 'kubernetes',
    nowMs: JAN_1_2025_MS,
  });
  app = createHttpApp(createHttpDeps(runtime, { observer: scriptedObserver() }));
});

afterAll(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const response = await app.fetch(
    new Request(`http://localhost${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    }),
  );
  return { status: response.status, body: (await response.json()) as Json };
}

const predictStored = (jobId: string) =>
  call('POST', '/api/predict/wait', { cluster_id: CLUSTER, job_id: jobId, gpus: 2 });

describe('a stalled DynamoDB (SIGSTOPped dynalite)', () => {
  it('is a 503 naming dynamodb, /health is degraded while the breaker is open, and both recover after SIGCONT', async () => {
    expect(await call('GET', '/health')).toEqual({ status: 200, body: { status: 'ok' } });
    expect((await predictStored('before-1')).status).toBe(200);

    child?.kill('SIGSTOP');
    const first = await predictStored('stalled-1');
    const second = await predictStored('stalled-2');
    for (const answer of [first, second]) {
      expect(answer.status).toBe(503);
      expect(answer.body.error).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', dependency: 'dynamodb' });
    }
    // Two failures in a row opened the breaker: /health says so, and a request fails at once.
    expect(await call('GET', '/health')).toEqual({
      status: 503,
      body: { status: 'degraded', dependencies: ['dynamodb'] },
    });
    expect((await predictStored('stalled-3')).body.error).toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
      dependency: 'dynamodb',
    });

    child?.kill('SIGCONT');
    await vi.waitFor(
      async () => expect(await call('GET', '/health')).toEqual({ status: 200, body: { status: 'ok' } }),
      { timeout: 20_000, interval: 100 },
    );
    expect((await predictStored('after-1')).status).toBe(200);
  });
});
