/**
 * Observability of the API, Slack and agent Lambda entries (Powertools logger, EMF
 * metrics and tracer in every handler): the real `api.ts` module, imported fresh after the
 * environment is set as the SAM template sets it, logs with the invocation's context; the agents
 * behind the API emit `Escalations` and `ModelCostUsd` as EMF with only the `service` dimension (template.yaml's dashboard contract) — driven by
 * recorded API Gateway v2 events against dynalite/s3rver and a Bedrock Converse loopback server.
 */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { predictJob } from '../../src/app/learning/predict-job.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import { compileBundle } from '../../src/core/model/apply-bundle.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket } from '../../src/adapters/s3/s3-bundle-store.ts';
import { parseModelId } from '../../src/core/agents/model-policy.ts';
import { modelPrice } from '../../src/core/budget/price-table.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { createApiApp, lambdaHandlerOf } from '../../src/entry/lambda/api-app.ts';
import { LAMBDA_ACTIONS_UNAVAILABLE } from '../../src/entry/lambda/lambda-agent-parts.ts';
import { createLambdaRuntime, runInvocation, type LambdaRuntime } from '../../src/entry/lambda/lambda-runtime.ts';
import { meteredAgentDeps } from '../../src/entry/lambda/metered-agent-deps.ts';
import {
  END_OF_LIFE_REPLY,
  startBedrockConverseServer,
  textReply,
  type BedrockConverseServer,
} from '../support/bedrock-converse-server.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { featuresFor, KNOWN_CLUSTER, recordingActions, scriptedObserver } from '../support/http-stack.ts';
import {
  captureOutput,
  emfMetrics,
  importFresh,
  logLines,
  setEnvironment,
  snsEventOf,
} from '../support/lambda-harness.ts';
import { JAN_1_2025_MS, sampleBundle } from '../support/storage-fixtures.ts';

const API_KEY = 'test-api-key-0123456789';
const SERVICE = 'vgac-observability-test';
const USAGE = { inputTokens: 321, outputTokens: 54 };

function fixture(name: string): APIGatewayProxyEventV2 {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/events/${name}`, import.meta.url), 'utf8'),
  ) as APIGatewayProxyEventV2;
}

const context = {
  awsRequestId: 'req-observability-1',
  functionName: 'vgac-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:vgac-api',
  memoryLimitInMB: '256',
  callbackWaitsForEmptyEventLoop: false,
} as unknown as Context;

type Result = { statusCode: number; body: string };

let aws: TestAws;
let bedrock: BedrockConverseServer;
let restoreEnvironment: () => void;
let runtime: LambdaRuntime;
let environment: Record<string, string | undefined>;

beforeAll(async () => {
  aws = await startTestAws();
  bedrock = await startBedrockConverseServer(textReply('Expect a long wait: the A100 queue is deep.', USAGE));
  const table = uniqueName('lambda-obs');
  const bucket = uniqueName('lambda-obs');
  await ensureTable(aws.clients.dynamo, table);
  await ensureBucket(aws.clients.s3, bucket);
  environment = {
    VGAC_MODE: 'aws',
    VGAC_TABLE: table,
    VGAC_BUCKET: bucket,
    VGAC_DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
    VGAC_S3_ENDPOINT: aws.s3Endpoint,
    VGAC_API_KEY: API_KEY,
    VGAC_API_KEY_PARAM: undefined,
    VGAC_REASONER: 'bedrock',
    VGAC_BEDROCK_ENDPOINT: bedrock.endpoint,
    POWERTOOLS_SERVICE_NAME: SERVICE,
    POWERTOOLS_METRICS_NAMESPACE: 'Vgac',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_DEV: undefined,
    VGAC_LOG_LEVEL: 'info',
    // The Bedrock client uses the default credential chain: the loopback server ignores signatures.
    AWS_ACCESS_KEY_ID: 'test-access-key',
    AWS_SECRET_ACCESS_KEY: 'test-secret-key',
    AWS_REGION: 'us-east-1',
  };
  restoreEnvironment = setEnvironment(environment);
  runtime = await createLambdaRuntime(loadConfig());
  await registerCluster(runtime.learning, {
    clusterId: KNOWN_CLUSTER,
    prior: sampleBundle(),
    platform: 'kubernetes',
    nowMs: JAN_1_2025_MS,
  });
}, 60_000);

afterAll(async () => {
  restoreEnvironment?.();
  await runtime?.close();
  await bedrock?.close();
  await aws?.stop();
});

describe('api.ts (the module the API function runs)', () => {
  it('answers a recorded prediction event with 503 while no queue state is stored for the cluster, and logs it with the Lambda context, correlation id and handler name', async () => {
    const { handler } = await importFresh<{ handler: (event: unknown, context: Context) => Promise<Result> }>(
      '../../src/entry/lambda/api.ts',
    );

    const run = await captureOutput(() => handler(fixture('apigw-v2-predict-wait.json'), context));

    expect(run.error).toBeUndefined();
    expect(run.result?.statusCode).toBe(503);
    const { error } = JSON.parse(run.result?.body ?? '{}') as { error?: { code?: string; message?: string } };
    expect(error?.code).toBe('SOURCE_UNAVAILABLE');
    expect(error?.message).toContain('the collector function stores one');
    const logs = logLines(run.lines);
    expect(logs.map((line) => line['message'])).toEqual(['http.error']);
    expect(logs[0]).toMatchObject({
      service: SERVICE,
      handler: 'api',
      function_request_id: 'req-observability-1',
      correlation_id: 'req-observability-1',
      function_name: 'vgac-api',
      status: 503,
    });
  });

  it('counts Predictions for a prediction it stores (with a job id), none for a what-if', async () => {
    const { handler } = await importFresh<{ handler: (event: unknown, context: Context) => Promise<Result> }>(
      '../../src/entry/lambda/api.ts',
    );
    await predictJob(runtime.learning, {
      clusterId: KNOWN_CLUSTER,
      jobId: 'collected-metric',
      features: featuresFor({ gpus: 1 }),
      nowMs: JAN_1_2025_MS,
    });
    const base = fixture('apigw-v2-predict-wait.json');
    const stored = {
      ...base,
      body: JSON.stringify({ ...(JSON.parse(base.body ?? '{}') as object), job_id: 'job-metric-1' }),
    };

    const whatIf = await captureOutput(() => handler(base, context));
    const withJob = await captureOutput(() => handler(stored, context));

    const counted = (run: typeof whatIf) =>
      emfMetrics(run.lines)
        .filter((metric) => metric.name === 'Predictions')
        .map((metric) => metric.value);
    expect([whatIf.result?.statusCode, withJob.result?.statusCode]).toEqual([200, 200]);
    expect(counted(whatIf)).toEqual([]);
    expect(counted(withJob)).toEqual([1]);
  });

  it('predicts from the queue state the collector stored, and an approved escalation ends failed with the read-only reason (no claimed change)', async () => {
    const { handler } = await importFresh<{ handler: (event: unknown, context: Context) => Promise<Result> }>(
      '../../src/entry/lambda/api.ts',
    );
    // What the collector function stores at a job's submit instant.
    const collected = featuresFor({ gpus: 2 });
    // The newest stored state (later than anything an earlier test stored).
    await predictJob(runtime.learning, {
      clusterId: KNOWN_CLUSTER,
      jobId: 'collected-1',
      features: collected,
      nowMs: Date.now() + 60_000,
    });
    const base = fixture('apigw-v2-predict-wait.json');
    const post = (path: string, body: unknown) => ({
      ...base,
      rawPath: path,
      requestContext: { ...base.requestContext, http: { ...base.requestContext.http, path } },
      body: JSON.stringify(body),
    });

    const predicted = await captureOutput(() => handler(base, context));
    const invoked = await captureOutput(() =>
      handler(post('/invocations', { cluster_id: KNOWN_CLUSTER, job_id: 'job-lambda-1', job: { gpus: 4 } }), context),
    );
    const escalationId = (JSON.parse(invoked.result?.body ?? '{}') as { escalation_id?: string }).escalation_id;
    const approved = await captureOutput(() =>
      handler(
        post('/api/escalations', {
          cluster_id: KNOWN_CLUSTER,
          escalation_id: escalationId,
          decision: 'approve',
          decided_by: 'ops',
        }),
        context,
      ),
    );

    expect(predicted.result?.statusCode).toBe(200);
    expect(
      (JSON.parse(predicted.result?.body ?? '{}') as { probability_long_wait?: number }).probability_long_wait,
    ).toBeCloseTo(compileBundle(sampleBundle()).predict(collected).probability, 6);
    expect(invoked.result?.statusCode).toBe(200);
    expect(escalationId).toEqual(expect.any(String));
    expect(approved.result?.statusCode).toBe(200);
    const { escalation } = JSON.parse(approved.result?.body ?? '{}') as {
      escalation: { status: string; result: string; decided_by: string };
    };
    expect(escalation).toMatchObject({ status: 'failed', decided_by: 'api:ops' });
    expect(escalation.result).toContain(LAMBDA_ACTIONS_UNAVAILABLE);
  });
});

describe('slack.ts (the module the Slack function runs)', () => {
  it('slack.ts drops a malformed SNS task with one warning carrying the Lambda context and handler name', async () => {
    const restore = setEnvironment({
      VGAC_SLACK_SIGNING_SECRET: 'observability-signing-secret-0123',
      VGAC_SLACK_TASK_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:vgac-slack-tasks',
    });
    const { handler } = await importFresh<{ handler: (event: unknown, context: Context) => Promise<unknown> }>(
      '../../src/entry/lambda/slack.ts',
    ).finally(restore);
    const slackContext = { ...context, awsRequestId: 'req-slack-1', functionName: 'vgac-slack' };
    const event = await snsEventOf([
      {
        message: '{"kind":"nonsense"}',
        messageId: 'm-bad',
        topicArn: 'arn:aws:sns:us-east-1:123456789012:vgac-slack-tasks',
      },
    ]);

    const run = await captureOutput(() => handler(event, slackContext));

    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ processed: 1 });
    const logs = logLines(run.lines);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      level: 'WARN',
      message: 'slack.task_dropped',
      messageId: 'm-bad',
      reason: 'malformed task',
      service: SERVICE,
      handler: 'slack',
      function_request_id: 'req-slack-1',
    });
  });
});

describe('agent metrics behind the API (metered agents, flushed per invocation)', () => {
  // The app and the agents' code it imports on first use (lazy-agents.ts) from ONE module graph:
  // the handler tests above reset the module registry (importFresh), and a ReasonerError class of
  // an earlier graph fails `instanceof` in a later one — which one deployed bundle never has.
  let graph: {
    readonly createApiApp: typeof createApiApp;
    readonly lambdaHandlerOf: typeof lambdaHandlerOf;
    readonly meteredAgentDeps: typeof meteredAgentDeps;
    readonly runInvocation: typeof runInvocation;
    readonly runtime: LambdaRuntime;
  };

  beforeAll(async () => {
    vi.resetModules();
    const apiApp = await import('../../src/entry/lambda/api-app.ts');
    const lambdaRuntime = await import('../../src/entry/lambda/lambda-runtime.ts');
    const metered = await import('../../src/entry/lambda/metered-agent-deps.ts');
    const { loadConfig: freshConfig } = await import('../../src/entry/config.ts');
    graph = {
      createApiApp: apiApp.createApiApp,
      lambdaHandlerOf: apiApp.lambdaHandlerOf,
      meteredAgentDeps: metered.meteredAgentDeps,
      runInvocation: lambdaRuntime.runInvocation,
      runtime: await lambdaRuntime.createLambdaRuntime(freshConfig()),
    };
  });

  afterAll(async () => {
    await graph?.runtime.close();
  });

  it("a learning-scope decision on a submitted job emits one Escalations and the Bedrock call's cost, each with only the service dimension, and no token metric", async () => {
    const { createApiApp, lambdaHandlerOf, meteredAgentDeps, runInvocation, runtime } = graph;
    const api = createApiApp(runtime, {
      observer: scriptedObserver(),
      actions: recordingActions(),
      instrumentAgents: (deps) => meteredAgentDeps(deps, runtime),
    });
    const http = lambdaHandlerOf(api.app);
    const base = fixture('apigw-v2-predict-wait.json');
    const event = {
      ...base,
      rawPath: '/invocations',
      requestContext: { ...base.requestContext, http: { ...base.requestContext.http, path: '/invocations' } },
      body: JSON.stringify({ clusterId: KNOWN_CLUSTER, jobId: 'job-obs-1', job: { gpus: 4, queue: 'gpu-a100' } }),
    };
    // The call's price by hand from the dated price table: tokens × USD per 1K tokens of the model called.
    const price = modelPrice(parseModelId(runtime.config.bedrockModelId));
    const expectedCostUsd =
      (USAGE.inputTokens * price.inputUsdPer1kTokens + USAGE.outputTokens * price.outputUsdPer1kTokens) / 1000;

    const run = await captureOutput(
      () =>
        runInvocation(runtime, { handler: 'api', context }, () =>
          http(event as unknown as Parameters<typeof http>[0], context),
        ) as Promise<Result>,
    );

    expect(run.error).toBeUndefined();
    const decision = JSON.parse(run.result?.body ?? '{}') as { scope?: string; escalation_id?: string | null };
    expect(run.result?.statusCode).toBe(200);
    expect(decision.scope).toBe('learning');
    expect(decision.escalation_id).toEqual(expect.any(String));
    const metrics = emfMetrics(run.lines);
    const byName = (name: string) => metrics.filter((metric) => metric.name === name);
    expect(byName('Escalations').map((metric) => metric.value)).toEqual([1]);
    // Tokens are counted by the budget ledger, not as billed custom metrics.
    expect(byName('ModelInputTokens')).toEqual([]);
    expect(byName('ModelOutputTokens')).toEqual([]);
    expect(byName('ModelCostUsd')).toHaveLength(1);
    // The ledger rounds each call up to a whole micro-USD.
    expect(Math.abs((byName('ModelCostUsd')[0]?.value ?? Number.NaN) - expectedCostUsd)).toBeLessThanOrEqual(1e-6);
    for (const name of ['Escalations', 'ModelCostUsd']) {
      for (const metric of byName(name)) {
        expect(metric).toMatchObject({
          namespace: 'Vgac',
          dimensions: ['service'],
          dimensionValues: { service: SERVICE },
        });
      }
    }
  });

  it('a model past its end of life (ResourceNotFoundException): one ModelUnavailable, a templated answer that says so, and one model.unavailable warning naming model and error class', async () => {
    const { createApiApp, lambdaHandlerOf, meteredAgentDeps, runInvocation, runtime } = graph;
    const api = createApiApp(runtime, {
      observer: scriptedObserver(),
      actions: recordingActions(),
      instrumentAgents: (deps) => meteredAgentDeps(deps, runtime),
    });
    const http = lambdaHandlerOf(api.app);
    const base = fixture('apigw-v2-predict-wait.json');
    const event = {
      ...base,
      rawPath: '/invocations',
      requestContext: { ...base.requestContext, http: { ...base.requestContext.http, path: '/invocations' } },
      body: JSON.stringify({ clusterId: KNOWN_CLUSTER, jobId: 'job-obs-eol', job: { gpus: 3, queue: 'gpu-eol' } }),
    };
    bedrock.script(END_OF_LIFE_REPLY);
    const callsBefore = bedrock.requests.length;

    const run = await captureOutput(
      () =>
        runInvocation(runtime, { handler: 'api', context }, () =>
          http(event as unknown as Parameters<typeof http>[0], context),
        ) as Promise<Result>,
    );

    expect(run.error).toBeUndefined();
    expect(run.result?.statusCode).toBe(200);
    expect(bedrock.requests.length - callsBefore).toBe(1);
    const decision = JSON.parse(run.result?.body ?? '{}') as {
      answer?: string;
      explanation?: { source?: string; degraded?: string | null };
    };
    expect(decision.answer).toMatch(/ \(model unavailable: templated explanation\)$/);
    expect(decision.explanation).toMatchObject({ source: 'offline', degraded: 'model unavailable' });
    const unavailable = emfMetrics(run.lines).filter((metric) => metric.name === 'ModelUnavailable');
    expect(unavailable.map((metric) => metric.value)).toEqual([1]);
    expect(unavailable[0]).toMatchObject({
      namespace: 'Vgac',
      dimensions: ['service'],
      dimensionValues: { service: SERVICE },
    });
    // The failed call was never billed: its reservation is released, so it costs nothing.
    expect(
      emfMetrics(run.lines)
        .filter((metric) => metric.name === 'ModelCostUsd')
        .map((metric) => metric.value),
    ).toEqual([0]);
    const warnings = logLines(run.lines).filter((line) => line['message'] === 'model.unavailable');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 'WARN',
      modelId: 'us.anthropic.claude-haiku-5-5',
      errorClass: 'ResourceNotFoundException',
      fallback: 'template',
      service: SERVICE,
    });
    // The prompt ("Cluster …: … queued … P(long)=… Explain wait.") never reaches the log.
    expect(JSON.stringify(warnings[0])).not.toMatch(/P\(long\)|Explain wait|queued/);
  });
});
