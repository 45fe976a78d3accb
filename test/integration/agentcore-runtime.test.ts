/**
 * The agents as deployed: the AgentCore Runtime's built code (dist/agentcore/index.js, every
 * dependency bundled) runs in its own process on dynalite/s3rver, exactly as the runtime starts
 * it; a loopback server speaking the AgentCore data plane's InvokeAgentRuntime wire format stands
 * in for AgentCore and forwards each invocation to it; and the real API and Slack Lambda handler
 * modules (api.ts, slack.ts), given the environment template.yaml gives them, reach it through the
 * AgentCore adapter — with recorded API Gateway and SNS event shapes.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictJob } from '../../src/app/learning/predict-job.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import { signSlackRequest } from '../../src/app/http/slack/slack-signature.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket } from '../../src/adapters/s3/s3-bundle-store.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { createLambdaRuntime, type LambdaRuntime } from '../../src/entry/lambda/lambda-runtime.ts';
import { buildAgentCore } from '../../scripts/build-lambdas.ts';
import { startAgentCoreRuntimeProcess, type AgentCoreRuntimeProcess } from '../support/agentcore-runtime-process.ts';
import {
  dataPlaneError,
  startAgentCoreDataPlaneServer,
  type AgentCoreDataPlaneServer,
} from '../support/agentcore-data-plane-server.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { featuresFor, KNOWN_CLUSTER } from '../support/http-stack.ts';
import { captureOutput, importFresh, loadEventFixture, setEnvironment, snsEventOf } from '../support/lambda-harness.ts';
import { startSlackApiServer, type SlackApiServer } from '../support/slack-api-server.ts';
import { startSnsQueryServer, type SnsQueryServer } from '../support/sns-query-server.ts';
import { sampleBundle } from '../support/storage-fixtures.ts';

const REPOSITORY = join(import.meta.dirname, '..', '..');
const RUNTIME_ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/vgac_agents-AbCdEf1234';
const API_KEY = 'agentcore-test-api-key-0123456789';
const SIGNING_SECRET = 'agentcore-slack-signing-secret-0123';
const SLACK_TASK_TOPIC = 'arn:aws:sns:us-east-1:123456789012:vgac-slack-tasks';

const context = {
  awsRequestId: 'req-agentcore-1',
  functionName: 'vgac-api',
  callbackWaitsForEmptyEventLoop: false,
} as unknown as Context;

type HttpResult = { statusCode: number; body: string };

let aws: TestAws;
let buildDirectory = '';
let agentCore: AgentCoreRuntimeProcess;
let dataPlane: AgentCoreDataPlaneServer;
let sns: SnsQueryServer;
let slackApi: SlackApiServer;
let runtime: LambdaRuntime;
let restoreEnvironment: () => void;

beforeAll(async () => {
  aws = await startTestAws();
  sns = await startSnsQueryServer();
  slackApi = await startSlackApiServer();
  const table = uniqueName('agentcore');
  const bucket = uniqueName('agentcore');
  await ensureTable(aws.clients.dynamo, table);
  await ensureBucket(aws.clients.s3, bucket);
  // What template.yaml's Globals and AgentRuntime give both sides, pointed at the loopback servers.
  const shared = {
    VGAC_MODE: 'aws',
    VGAC_TABLE: table,
    VGAC_BUCKET: bucket,
    VGAC_DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
    VGAC_S3_ENDPOINT: aws.s3Endpoint,
    VGAC_REASONER: 'offline',
    POWERTOOLS_SERVICE_NAME: 'vgac-agentcore-test',
    POWERTOOLS_TRACE_ENABLED: 'false',
    VGAC_LOG_LEVEL: 'info',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDAGENTCORETEST',
    AWS_SECRET_ACCESS_KEY: 'agentcore-test-secret',
  };
  await mkdir(join(REPOSITORY, 'node_modules/.cache'), { recursive: true });
  buildDirectory = await mkdtemp(join(REPOSITORY, 'node_modules/.cache/agentcore-runtime-'));
  const artifact = await buildAgentCore(REPOSITORY, join(buildDirectory, 'agentcore'));
  agentCore = await startAgentCoreRuntimeProcess(artifact.directory, {
    ...shared,
    VGAC_API_AUTH: 'off',
    VGAC_COLLECTOR: 'none',
  });
  dataPlane = await startAgentCoreDataPlaneServer(async (request) =>
    fetch(`${agentCore.url}/invocations`, { method: 'POST', headers: request.headers, body: await request.text() }),
  );
  restoreEnvironment = setEnvironment({
    ...shared,
    VGAC_API_KEY: API_KEY,
    VGAC_API_KEY_PARAM: undefined,
    VGAC_AGENTCORE_RUNTIME_ARN: RUNTIME_ARN,
    VGAC_AGENTCORE_ENDPOINT: dataPlane.endpoint,
    VGAC_SNS_ENDPOINT: sns.endpoint,
    VGAC_SLACK_API_URL: slackApi.apiUrl,
  });
  runtime = await createLambdaRuntime(loadConfig());
  await registerCluster(runtime.learning, {
    clusterId: KNOWN_CLUSTER,
    prior: sampleBundle(),
    platform: 'kubernetes',
    nowMs: Date.now() - 60_000,
  });
  // The queue state the collector function stores at a job's submit instant: what the runtime's agents observe.
  await predictJob(runtime.learning, {
    clusterId: KNOWN_CLUSTER,
    jobId: 'collected-1',
    features: featuresFor({ gpus: 2 }),
    nowMs: Date.now() - 1_000,
  });
}, 120_000);

afterAll(async () => {
  restoreEnvironment?.();
  await runtime?.close();
  await dataPlane?.close();
  await agentCore?.stop();
  await slackApi?.close();
  await sns?.stop();
  await aws?.stop();
  if (buildDirectory !== '') await rm(buildDirectory, { recursive: true, force: true });
});

async function invocationEvent(body: unknown): Promise<Record<string, unknown>> {
  const recorded = (await loadEventFixture('apigw-v2-invocations.json')) as Record<string, unknown> & {
    headers: Record<string, string>;
  };
  return { ...recorded, headers: { ...recorded.headers, 'x-api-key': API_KEY }, body: JSON.stringify(body) };
}

describe("the AgentCore Runtime's code, started as the runtime starts it", () => {
  it("answers AgentCore's health check: GET /ping → Healthy", async () => {
    const response = await fetch(`${agentCore.url}/ping`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'Healthy' });
  });
});

describe('api.ts: POST /invocations runs in the AgentCore Runtime', () => {
  it("a recorded API Gateway event reaches the runtime through InvokeAgentRuntime, in the API caller's session, and its decision comes back", async () => {
    const { handler } = await importFresh<{ handler: (event: unknown, context: Context) => Promise<HttpResult> }>(
      '../../src/entry/lambda/api.ts',
    );
    const before = dataPlane.requests.length;

    const run = await captureOutput(async () =>
      handler(await invocationEvent({ cluster_id: KNOWN_CLUSTER, job_id: 'job-gw-1', job: { gpus: 4 } }), context),
    );
    const result = run.result;

    expect(run.error).toBeUndefined();
    expect(result?.statusCode).toBe(200);
    const decision = JSON.parse(result?.body ?? '{}') as {
      status: string;
      cluster_id: string;
      job_id: string;
      scope: string;
    };
    expect(decision).toMatchObject({ cluster_id: KNOWN_CLUSTER, job_id: 'job-gw-1', scope: 'learning' });
    const sent = dataPlane.requests.slice(before);
    expect(sent).toHaveLength(1);
    // The payload the runtime got is in our routes' convention too.
    expect(JSON.parse(sent[0]?.body ?? '{}')).toMatchObject({
      cluster_id: KNOWN_CLUSTER,
      job_id: 'job-gw-1',
      job: { gpus: 4 },
    });
    expect(sent[0]?.url).toBe(`/runtimes/${encodeURIComponent(RUNTIME_ARN)}/invocations?qualifier=DEFAULT`);
    const session = sent[0]?.headers['x-amzn-bedrock-agentcore-runtime-session-id'];
    expect(session).toMatch(/^api-[0-9a-f]{64}$/);
    // The decision was made in the runtime's process: its gate.decision line carries the session as correlation id.
    expect(
      agentCore.lines.some(
        (line) =>
          line['message'] === 'gate.decision' && line['correlation_id'] === session && line['handler'] === 'agentcore',
      ),
    ).toBe(true);
  });

  it('throttled by AgentCore on every attempt → 503 AGENT_RUNTIME_UNAVAILABLE with a JSON error, never a 500', async () => {
    const { handler } = await importFresh<{ handler: (event: unknown, context: Context) => Promise<HttpResult> }>(
      '../../src/entry/lambda/api.ts',
    );
    dataPlane.script(
      dataPlaneError(429, 'ThrottlingException', 'Rate exceeded'),
      dataPlaneError(429, 'ThrottlingException', 'Rate exceeded'),
    );

    const run = await captureOutput(async () =>
      handler(await invocationEvent({ cluster_id: KNOWN_CLUSTER, job: { gpus: 1 } }), context),
    );
    dataPlane.clearScript();

    expect(run.result?.statusCode).toBe(503);
    expect(JSON.parse(run.result?.body ?? '{}')).toEqual({
      error: {
        code: 'AGENT_RUNTIME_UNAVAILABLE',
        message: 'the agent runtime is throttling requests (ThrottlingException)',
      },
    });
  });

  it('a client mistake is refused by the API function before anything reaches AgentCore', async () => {
    const { handler } = await importFresh<{ handler: (event: unknown, context: Context) => Promise<HttpResult> }>(
      '../../src/entry/lambda/api.ts',
    );
    const before = dataPlane.requests.length;

    const run = await captureOutput(async () =>
      handler(await invocationEvent({ clusterId: KNOWN_CLUSTER, job: { gpus: 'four' } }), context),
    );

    expect(run.result?.statusCode).toBe(400);
    expect(dataPlane.requests.length).toBe(before);
  });
});

describe("slack.ts: the Copilot's what-ifs run in the AgentCore Runtime, one session per conversation", () => {
  it('acknowledges a signed slash command, queues its task on SNS, and answers the SNS delivery from a decision made in the runtime', async () => {
    const restore = setEnvironment({
      VGAC_SLACK_SIGNING_SECRET: SIGNING_SECRET,
      VGAC_SLACK_TASK_TOPIC_ARN: SLACK_TASK_TOPIC,
      VGAC_SLACK_BOT_TOKEN: 'xoxb-agentcore',
    });
    const { handler } = await importFresh<{ handler: (event: unknown, context: Context) => Promise<unknown> }>(
      '../../src/entry/lambda/slack.ts',
    ).finally(restore);
    const body = new URLSearchParams({
      team_id: 'T0',
      channel_id: 'C0',
      user_id: 'U0',
      command: '/vgac',
      text: `when will my 4-GPU job start on ${KNOWN_CLUSTER}?`,
      response_url: slackApi.responseUrl('agentcore-1'),
      trigger_id: '9.9.agentcore',
    }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const recorded = (await loadEventFixture('apigw-v2-predict-wait.json')) as Record<string, unknown> & {
      headers: Record<string, string>;
      requestContext: { http: Record<string, unknown> };
    };
    const command = {
      ...recorded,
      rawPath: '/slack/commands',
      routeKey: 'POST /slack/commands',
      requestContext: {
        ...recorded.requestContext,
        http: { ...recorded.requestContext.http, path: '/slack/commands' },
      },
      headers: {
        host: recorded.headers.host,
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': await signSlackRequest(SIGNING_SECRET, timestamp, body),
      },
      body: Buffer.from(body, 'utf8').toString('base64'),
      isBase64Encoded: true,
    };
    const publishedBefore = sns.published.length;
    const invokedBefore = dataPlane.requests.length;

    const ack = await captureOutput(() => handler(command, { ...context, functionName: 'vgac-slack' }));
    const task = sns.published.slice(publishedBefore).find((message) => message.topicArn === SLACK_TASK_TOPIC);
    const ran = await captureOutput(async () =>
      handler(await snsEventOf([{ message: task?.message ?? '', topicArn: SLACK_TASK_TOPIC }]), {
        ...context,
        functionName: 'vgac-slack',
      }),
    );
    await slackApi.waitForDeliveries(1);

    expect((ack.result as HttpResult | undefined)?.statusCode).toBe(200);
    expect(task).toBeDefined();
    expect(ran.result).toEqual({ processed: 1 });
    const invoked = dataPlane.requests.slice(invokedBefore);
    expect(invoked).toHaveLength(1);
    expect(invoked[0]?.headers['x-amzn-bedrock-agentcore-runtime-session-id']).toMatch(/^conversation-[0-9a-f]{64}$/);
    expect(JSON.parse(invoked[0]?.body ?? '{}')).toMatchObject({ cluster_id: KNOWN_CLUSTER, job: { gpus: 4 } });
    const answer = slackApi.responses.find((response) => response.id === 'agentcore-1');
    expect(answer?.body.text).toMatch(/^I am still learning this cluster/);
  });
});
