/**
 * The serving path on dynalite and s3rver (loopback), through the ONE HTTP app:
 * - a what-if prediction makes no storage call once the calibration and the bundle are cached,
 *   and a stored one makes exactly its one write (counted by middleware on the clients);
 * - 400 concurrent outcome deliveries (200 jobs, each delivered twice) over a real HTTP server,
 *   folded in the background, reach the learning state exactly once each;
 * - an outcome whose inbox put fails after its prediction update was applied (the proxy refuses
 *   the BatchWriteItem past the SDK's retries) is a 503 naming DynamoDB, leaves nothing folded,
 *   and its redelivery heals it — folded once, never twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MiddlewareStack } from '@smithy/types';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket, S3BundleStore } from '../../src/adapters/s3/s3-bundle-store.ts';
import { createHttpApp } from '../../src/app/http/app.ts';
import type { HttpDeps } from '../../src/app/http/http-deps.ts';
import { BackgroundFolds } from '../../src/app/learning/background-folds.ts';
import { foldedJobKey, foldPendingOutcomes } from '../../src/app/learning/fold-pending-outcomes.ts';
import { createLearningDeps, sha256Hex, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import type { AwsClients } from '../../src/entry/aws-clients.ts';
import { systemClock } from '../../src/entry/http-wiring.ts';
import { dynamoLearningStores } from '../../src/entry/learning-stores.ts';
import { startHttpServer } from '../../src/entry/local/http-server.ts';
import { attachReadMeter } from '../support/dynamo-read-meter.ts';
import { loopbackClients, startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { recordingLogger, scriptedObserver } from '../support/http-stack.ts';
import { startLossyDynamoProxy, type LossyDynamoProxy } from '../support/lossy-dynamo-proxy.ts';
import { JAN_1_2025_MS, sampleBundle } from '../support/storage-fixtures.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let aws: TestAws;
let tableName: string;
let bucket: string;
const opened: AwsClients[] = [];

beforeAll(async () => {
  aws = await startTestAws();
  tableName = uniqueName('serving');
  bucket = uniqueName('serving');
  await ensureTable(aws.clients.dynamo, tableName);
  await ensureBucket(aws.clients.s3, bucket);
}, 60_000);

afterAll(async () => {
  for (const clients of opened) clients.destroy();
  await aws?.stop();
});

/** Counts every command a client sends, by name (reads and writes alike). */
function countCommands<Input extends object, Output extends object>(
  stack: MiddlewareStack<Input, Output>,
): { readonly counts: Record<string, number>; reset(): void } {
  const meter = { counts: {} as Record<string, number>, reset: () => void (meter.counts = {}) };
  stack.add(
    (next, context) => (args) => {
      const name = context.commandName ?? '?';
      meter.counts[name] = (meter.counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'testCommandCounter' },
  );
  return meter;
}

/** Learning deps on clients of their own (so their calls can be counted), the calibration cached for a minute. */
function learningOn(clients: AwsClients, options: { readonly calibrationMaxAgeMs?: number } = {}): LearningDeps {
  return createLearningDeps({
    ...dynamoLearningStores(clients.dynamo, tableName, { calibrationMaxAgeMs: options.calibrationMaxAgeMs ?? 60_000 }),
    bundles: new S3BundleStore({ client: clients.s3, bucket }),
    gate: DEFAULT_GATE_CONFIG,
    logger: recordingLogger(),
  });
}

function ownClients(dynamoEndpoint = aws.dynamoEndpoint): AwsClients {
  const clients = loopbackClients(dynamoEndpoint, aws.s3Endpoint);
  opened.push(clients);
  return clients;
}

async function registered(learning: LearningDeps, name: string): Promise<string> {
  const clusterId = uniqueName(name);
  await registerCluster(learning, { clusterId, prior: sampleBundle(), platform: 'kubernetes', nowMs: JAN_1_2025_MS });
  return clusterId;
}

function httpDeps(learning: LearningDeps): HttpDeps {
  return {
    learning,
    observer: scriptedObserver(),
    clock: systemClock,
    settings: { apiKey: undefined, corsOrigin: undefined },
  };
}

async function post(
  fetchOf: (request: Request) => Response | Promise<Response>,
  base: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await fetchOf(
    new Request(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  return { status: response.status, body: (await response.json()) as Json };
}

/** Folds in the background as `vgac start` wires them. */
function withBackgroundFolds(learning: LearningDeps): {
  readonly learning: LearningDeps;
  readonly folds: BackgroundFolds;
} {
  const folds = new BackgroundFolds({
    fold: (clusterId) => foldPendingOutcomes(learning, { clusterId, nowMs: Date.now() }),
    logger: learning.logger,
  });
  return { learning: { ...learning, folds }, folds };
}

describe('reads that need no round trip make none', () => {
  it('a what-if prediction makes no DynamoDB or S3 call in the steady state; a stored one makes exactly one PutItem', async () => {
    const clients = ownClients();
    const learning = learningOn(clients);
    const clusterId = await registered(learning, 'what-if');
    const reads = attachReadMeter(clients.dynamo);
    const dynamoCalls = countCommands(clients.dynamo.middlewareStack);
    const s3Calls = countCommands(clients.s3.middlewareStack);
    const app = createHttpApp(httpDeps(learning));
    const fetchOf = (request: Request) => app.fetch(request);
    const job = { cluster_id: clusterId, gpus: 2, queue: 'gpu-a100' };

    // Cold: the calibration (DynamoDB) and the bundle (S3) are read once.
    expect((await post(fetchOf, 'http://localhost', '/api/predict/wait', job)).status).toBe(200);
    expect(s3Calls.counts).toEqual({ GetObjectCommand: 1 });
    reads.reset();
    dynamoCalls.reset();
    s3Calls.reset();

    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        post(fetchOf, 'http://localhost', '/api/predict/wait', { ...job, gpus: 1 + (index % 8) }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 50 }, () => 200));
    expect(dynamoCalls.counts).toEqual({});
    expect(s3Calls.counts).toEqual({});
    expect(reads.tally().totalRequests).toBe(0);

    const stored = await post(fetchOf, 'http://localhost', '/api/predict/wait', { ...job, job_id: 'stored-1' });
    expect(stored.status).toBe(200);
    expect(dynamoCalls.counts).toEqual({ PutItemCommand: 1 });
    expect(s3Calls.counts).toEqual({});
  });
});

describe('exactly-once learning state over HTTP', () => {
  it('400 concurrent deliveries of 200 outcomes (each twice), folded in the background, are each counted once', async () => {
    const base = withBackgroundFolds(learningOn(ownClients()));
    const clusterId = await registered(base.learning, 'burst');
    const server = await startHttpServer(createHttpApp(httpDeps(base.learning)), {
      host: '127.0.0.1',
      port: 0,
      acceptedHosts: 'loopback',
    });
    try {
      const jobIds = Array.from({ length: 200 }, (_, index) => `job-${index}`);
      for (let start = 0; start < jobIds.length; start += 25) {
        const stored = await Promise.all(
          jobIds.slice(start, start + 25).map((jobId, index) =>
            post(fetch, server.url, '/api/predict/wait', {
              cluster_id: clusterId,
              job_id: jobId,
              gpus: 1 + (index % 8),
            }),
          ),
        );
        expect(stored.every((answer) => answer.status === 200)).toBe(true);
      }
      // Every wait differs, so the learning state's wait window shows each outcome, once.
      const waits = jobIds.map((_, index) => 30 + index * 5);
      const deliveries = jobIds.flatMap((jobId, index) =>
        [0, 1].map(() => ({ cluster_id: clusterId, job_id: jobId, wait_seconds: waits[index] })),
      );

      const answers = await Promise.all(
        deliveries.map((delivery) => post(fetch, server.url, '/api/outcomes', delivery)),
      );
      await base.folds.drain();

      expect(answers.filter((answer) => answer.status === 201 && answer.body.status === 'recorded')).toHaveLength(200);
      expect(answers.filter((answer) => answer.status === 200 && answer.body.status === 'duplicate')).toHaveLength(200);
      expect(answers.every((answer) => answer.body.fold === 'queued')).toBe(true);
      const direct = dynamoLearningStores(aws.clients.dynamo, tableName);
      const record = await direct.learning.load(clusterId);
      expect(record?.totalOutcomes).toBe(200);
      expect(record?.state.outcomes).toBe(200);
      expect([...(record?.foldedJobKeys ?? [])].sort()).toEqual(
        jobIds.map((jobId) => foldedJobKey(jobId, sha256Hex)).sort(),
      );
      expect([...(record?.wait.waitsSeconds ?? [])].sort((left, right) => left - right)).toEqual(waits);
      expect((await direct.calibration.current(clusterId))?.totalOutcomes).toBe(200);
      expect(await direct.learning.pending(clusterId, 10)).toEqual([]);
    } finally {
      await server.close();
      await base.folds.close();
    }
  });
});

describe('no wedged job ids', () => {
  let proxy: LossyDynamoProxy;

  beforeAll(async () => {
    proxy = await startLossyDynamoProxy(aws.dynamoEndpoint);
  });

  afterAll(async () => {
    await proxy?.close();
  });

  it('an outcome whose inbox put fails after its prediction update is a 503 naming DynamoDB; its redelivery queues it, and it is folded once', async () => {
    const base = withBackgroundFolds(learningOn(ownClients(proxy.endpoint)));
    const clusterId = await registered(base.learning, 'wedge');
    const app = createHttpApp(httpDeps(base.learning));
    const fetchOf = (request: Request) => app.fetch(request);
    const direct = dynamoLearningStores(aws.clients.dynamo, tableName);
    const totalOutcomes = async () => (await direct.learning.load(clusterId))?.totalOutcomes;
    expect(
      (
        await post(fetchOf, 'http://localhost', '/api/predict/wait', {
          cluster_id: clusterId,
          job_id: 'job-1',
          gpus: 2,
        })
      ).status,
    ).toBe(200);
    const outcome = { cluster_id: clusterId, job_id: 'job-1', wait_seconds: 900 };

    // The fault: every attempt of the inbox put (the SDK tries three times) is refused unapplied.
    proxy.refuseNext({ operation: 'BatchWriteItem', bodyIncludes: 'PutRequest' }, 3);
    const failed = await post(fetchOf, 'http://localhost', '/api/outcomes', outcome);
    await base.folds.drain();

    expect(proxy.refused).toEqual(['BatchWriteItem', 'BatchWriteItem', 'BatchWriteItem']);
    expect(failed.status).toBe(503);
    expect(failed.body.error).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', dependency: 'dynamodb' });
    expect((await direct.predictions.find(clusterId, 'job-1'))?.outcome?.waitSeconds).toBe(900);
    expect(await direct.learning.pending(clusterId, 10)).toEqual([]);
    expect(await totalOutcomes()).toBe(0);

    const retried = await post(fetchOf, 'http://localhost', '/api/outcomes', outcome);
    await base.folds.drain();
    expect(retried).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(await totalOutcomes()).toBe(1);
    expect(await direct.learning.pending(clusterId, 10)).toEqual([]);

    const again = await post(fetchOf, 'http://localhost', '/api/outcomes', outcome);
    await base.folds.drain();
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(await totalOutcomes()).toBe(1);
    await base.folds.close();
  });
});
