/**
 * The Lambda path of due maintenance: the API function (src/entry/lambda/api.ts, imported fresh
 * with the template's environment pointed at loopback servers) folds the outcome that makes a
 * checkpoint due and publishes a task to VGAC_RECOMPUTE_TOPIC_ARN instead of writing the
 * checkpoint; the Recalibrate function, given that message as SNS delivers it to a subscribed
 * Lambda, runs the maintenance — once: a second delivery of the same message finds nothing due.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrationOf } from '../../src/app/learning/calibration-of.ts';
import { createLearningDeps, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { predictJob } from '../../src/app/learning/predict-job.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket, S3BundleStore } from '../../src/adapters/s3/s3-bundle-store.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import { DEFAULT_LEARNING_POLICY } from '../../src/core/learning/learning-policy.ts';
import { dynamoLearningStores } from '../../src/entry/learning-stores.ts';
import type { RecalibrateOutput } from '../../src/entry/lambda/recalibration/recalibrate.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { captureOutput, importFresh, loadEventFixture, setEnvironment } from '../support/lambda-harness.ts';
import { syntheticBundle, syntheticJobs, TRUE_INTERCEPT, type SyntheticJob } from '../support/learning-fixtures.ts';
import { startSnsQueryServer, type SnsQueryServer } from '../support/sns-query-server.ts';

const T0_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
/** The outcome that makes the first checkpoint due (the Lambdas run the default policy). */
const DUE_AT = DEFAULT_LEARNING_POLICY.checkpointEveryOutcomes;
const RECOMPUTE_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:vgac-RecomputeTopic-1ABC';
const API_KEY = 'lambda-recompute-key-0123456789';
const CLUSTER = 'lambda-async';

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const context = {
  awsRequestId: 'req-async-1',
  functionName: 'vgac-api',
  callbackWaitsForEmptyEventLoop: false,
} as unknown as Context;

type ApiResult = { statusCode: number; body: string };

let aws: TestAws;
let sns: SnsQueryServer;
let restoreEnvironment: () => void;
let deps: LearningDeps;
let job: SyntheticJob;

beforeAll(async () => {
  aws = await startTestAws();
  sns = await startSnsQueryServer();
  const table = uniqueName('async');
  const bucket = uniqueName('async');
  await ensureTable(aws.clients.dynamo, table);
  await ensureBucket(aws.clients.s3, bucket);
  restoreEnvironment = setEnvironment({
    VGAC_MODE: 'aws',
    VGAC_TABLE: table,
    VGAC_BUCKET: bucket,
    VGAC_DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
    VGAC_S3_ENDPOINT: aws.s3Endpoint,
    VGAC_SNS_ENDPOINT: sns.endpoint,
    VGAC_RECOMPUTE_TOPIC_ARN: RECOMPUTE_TOPIC_ARN,
    VGAC_API_KEY: API_KEY,
    VGAC_API_KEY_PARAM: undefined,
    POWERTOOLS_SERVICE_NAME: 'vgac-test',
    POWERTOOLS_METRICS_NAMESPACE: 'Vgac',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_DEV: undefined,
    VGAC_LOG_LEVEL: 'info',
  });
  // The test's own view of the stores: no scheduler, and it records no outcome itself.
  deps = createLearningDeps({
    ...dynamoLearningStores(aws.clients.dynamo, table),
    bundles: new S3BundleStore({ client: aws.clients.s3, bucket }),
    gate: DEFAULT_GATE_CONFIG,
    logger: silent,
  });
  job = syntheticJobs(1, 31, 'la')[0] as SyntheticJob;
  await registerCluster(deps, {
    clusterId: CLUSTER,
    prior: syntheticBundle(TRUE_INTERCEPT, 'prior-la'),
    platform: 'slurm',
    nowMs: T0_MS,
  });
  await predictJob(deps, {
    clusterId: CLUSTER,
    jobId: job.jobId,
    features: { x: job.x },
    nowMs: T0_MS,
    logDecision: false,
  });
  // One outcome short of the first checkpoint (as if DUE_AT − 1 outcomes had been folded).
  const record = await deps.learning.load(CLUSTER);
  if (record === undefined) throw new Error('not registered');
  const seeded = { ...record, state: { ...record.state, outcomes: DUE_AT - 1 }, version: record.version + 1 };
  await deps.learning.commit(seeded, record.version, calibrationOf(seeded));
}, 120_000);

afterAll(async () => {
  restoreEnvironment();
  await sns.stop();
  await aws.stop();
});

/** The recorded API Gateway v2 event, re-pointed at POST /api/outcomes with `body`. */
async function outcomeEvent(body: Record<string, unknown>): Promise<unknown> {
  const event = (await loadEventFixture('apigw-v2-predict-wait.json')) as Record<string, unknown> & {
    headers: Record<string, string>;
    requestContext: { http: Record<string, string> };
  };
  const text = JSON.stringify(body);
  return {
    ...event,
    rawPath: '/api/outcomes',
    headers: { ...event.headers, 'x-api-key': API_KEY, 'content-length': String(Buffer.byteLength(text)) },
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, path: '/api/outcomes' } },
    body: text,
  };
}

/** An SNS → Lambda event (the recorded fixture) carrying `message`. */
async function snsEvent(message: string): Promise<unknown> {
  const event = (await loadEventFixture('sns-notification.json')) as { Records: { Sns: Record<string, unknown> }[] };
  return {
    Records: event.Records.map((record) => ({
      ...record,
      Sns: {
        ...record.Sns,
        TopicArn: RECOMPUTE_TOPIC_ARN,
        Subject: undefined,
        MessageAttributes: {},
        Message: message,
      },
    })),
  };
}

describe('Lambda: due maintenance goes through the recompute topic to the Recalibrate function', () => {
  let published: string;

  it('the API function folds the due outcome, answers maintenance_scheduled: true, publishes one task and writes no checkpoint', async () => {
    const { handler } = await importFresh<{ handler: (event: unknown, context: Context) => Promise<ApiResult> }>(
      '../../src/entry/lambda/api.ts',
    );
    const event = await outcomeEvent({ cluster_id: CLUSTER, job_id: job.jobId, wait_seconds: job.waitSeconds });

    const run = await captureOutput(() => handler(event, context));

    expect(run.error).toBeUndefined();
    const result = run.result as ApiResult;
    expect(result.statusCode).toBe(201);
    expect(JSON.parse(result.body)).toMatchObject({
      status: 'recorded',
      outcome_count: DUE_AT,
      maintenance_scheduled: true,
    });
    expect(sns.published.map((message) => message.topicArn)).toEqual([RECOMPUTE_TOPIC_ARN]);
    const task = JSON.parse(sns.published[0]?.message ?? '{}') as Record<string, unknown>;
    expect(task).toMatchObject({ kind: 'recompute', clusterId: CLUSTER, reason: 'outcomes' });
    expect(typeof task.requestedAtMs).toBe('number');
    const stored = await deps.learning.load(CLUSTER);
    expect(stored?.state.outcomes).toBe(DUE_AT);
    expect(stored?.checkpointVersions).toEqual([]);
    published = sns.published[0]?.message ?? '';
  });

  it('the Recalibrate function runs the published maintenance, and a second delivery of it does nothing', async () => {
    const { handler } = await importFresh<{ handler: (event: unknown) => Promise<RecalibrateOutput> }>(
      '../../src/entry/lambda/recalibration/recalibrate.ts',
    );
    const event = await snsEvent(published);

    const first = await captureOutput(() => handler(event));
    const afterFirst = await deps.learning.load(CLUSTER);
    const again = await captureOutput(() => handler(event));
    const afterAgain = await deps.learning.load(CLUSTER);

    expect(first.error).toBeUndefined();
    expect(first.result).toMatchObject({ status: 'maintained' });
    expect((first.result as RecalibrateOutput).steps).toContain('checkpointed');
    expect(afterFirst?.checkpointVersions).toHaveLength(1);
    expect(afterFirst?.state.checkpointedAtOutcomes).toBe(DUE_AT);
    expect(again.result).toMatchObject({ status: 'nothing_due', steps: [] });
    expect(afterAgain?.version).toBe(afterFirst?.version);
  });

  it('the Recalibrate function refuses an SNS message that is not a RecomputeTask, naming the field', async () => {
    const { handler } = await importFresh<{ handler: (event: unknown) => Promise<RecalibrateOutput> }>(
      '../../src/entry/lambda/recalibration/recalibrate.ts',
    );
    const event = await snsEvent(JSON.stringify({ kind: 'recompute', clusterId: CLUSTER, reason: 'outcomes' }));

    const run = await captureOutput(() => handler(event));

    expect(run.error).toBeInstanceOf(Error);
    expect((run.error as Error).message).toMatch(/requestedAtMs/);
  });
});
