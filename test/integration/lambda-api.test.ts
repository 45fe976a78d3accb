/**
 * The API Lambda entry with recorded API Gateway (HTTP API, payload v2) events: the same app as
 * the local server, wrapped by `hono/aws-lambda`, on dynalite/s3rver.
 */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { createApiApp, lambdaHandlerOf } from '../../src/entry/lambda/api-app.ts';
import { lambdaDashboardAssets } from '../../src/entry/lambda/lambda-dashboard-assets.ts';
import { DEPLOYED_DASHBOARD_REFRESH_SECONDS } from '../../src/core/budget/dashboard-usage.ts';
import { createRuntime, type Runtime } from '../../src/entry/runtime.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import {
  featuresFor,
  KNOWN_CLUSTER,
  recordingActions,
  recordingLogger,
  scriptedObserver,
} from '../support/http-stack.ts';
import { JAN_1_2025_MS, sampleBundle } from '../support/storage-fixtures.ts';
import { compileBundle } from '../../src/core/model/apply-bundle.ts';
import { signSlackRequest } from '../../src/app/http/slack/slack-signature.ts';
import type { SlackTask } from '../../src/app/http/slack/slack-task.ts';
import { createSlackLambdaHandler } from '../../src/entry/lambda/slack-handler.ts';
import { snsEventOf } from '../support/lambda-harness.ts';
import { startSlackApiServer, type SlackApiServer } from '../support/slack-api-server.ts';

const API_KEY = 'test-api-key-0123456789';

function fixture(name: string): APIGatewayProxyEventV2 {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/events/${name}`, import.meta.url), 'utf8'),
  ) as APIGatewayProxyEventV2;
}

const context = {
  awsRequestId: 'req-1',
  functionName: 'vgac-api',
  callbackWaitsForEmptyEventLoop: false,
} as unknown as Context;

let aws: TestAws;
let runtime: Runtime;
let handler: ReturnType<typeof lambdaHandlerOf>;
let slackApi: SlackApiServer;
const SIGNING_SECRET = 'lambda-signing-secret-0123456789';

beforeAll(async () => {
  aws = await startTestAws();
  slackApi = await startSlackApiServer();
  const config = loadConfig({
    VGAC_DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
    VGAC_S3_ENDPOINT: aws.s3Endpoint,
    VGAC_TABLE: uniqueName('lambda'),
    VGAC_BUCKET: uniqueName('lambda'),
    VGAC_API_KEY: API_KEY,
    VGAC_SLACK_API_URL: slackApi.apiUrl,
    VGAC_SLACK_BOT_TOKEN: 'xoxb-lambda',
  });
  runtime = await createRuntime(config, { logger: recordingLogger() });
  await registerCluster(runtime.learning, {
    clusterId: KNOWN_CLUSTER,
    prior: sampleBundle(),
    platform: 'kubernetes',
    nowMs: JAN_1_2025_MS,
  });
  handler = lambdaHandlerOf(createApiApp(runtime, { observer: scriptedObserver(), actions: recordingActions() }).app);
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  await slackApi?.close();
  await aws?.stop();
});

type Result = { statusCode: number; body: string; headers?: Record<string, string> };

/** Invokes the API handler with an event as API Gateway would send it (the fixtures are typed by @types/aws-lambda). */
function invoke(event: unknown): Promise<Result> {
  return handler(event as Parameters<typeof handler>[0], context) as Promise<Result>;
}

describe('Lambda API entry', () => {
  it('answers a recorded API Gateway v2 prediction event with the VGAC prediction', async () => {
    const expected = compileBundle(sampleBundle()).predict(featuresFor({ gpus: 4, queue: 'gpu-a100' }));

    const result = await invoke(fixture('apigw-v2-predict-wait.json'));

    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body) as Record<string, unknown>;
    // A fresh cluster issues its prior's probability (the calibrator starts as the identity on float32 logits).
    expect(body.probability_long_wait).toBeCloseTo(expected.probability, 6);
    expect(body).toMatchObject({ cluster_id: KNOWN_CLUSTER, scope: 'learning', is_calibrated: false });
    expect(result.headers?.['content-type']).toMatch(/application\/json/);
  });

  it('refuses the same event without the API key, and a malformed body with a 400', async () => {
    const event = fixture('apigw-v2-predict-wait.json');
    const withoutKey = { ...event, headers: { ...event.headers, 'x-api-key': undefined } };
    const malformed = { ...event, body: '{"cluster_id": "eks-prod", "gpus": }' };

    const refused = await invoke(withoutKey);
    const bad = await invoke(malformed);

    expect(refused.statusCode).toBe(401);
    expect(JSON.parse(refused.body)).toEqual({ error: { code: 'UNAUTHORIZED', message: 'missing x-api-key header' } });
    expect(bad.statusCode).toBe(400);
  });

  it('decodes a base64 body as API Gateway sends it and serves GET routes', async () => {
    const predict = fixture('apigw-v2-predict-wait.json');
    const base64 = {
      ...predict,
      body: Buffer.from(predict.body ?? '', 'utf8').toString('base64'),
      isBase64Encoded: true,
    };
    const list = fixture('apigw-v2-clusters.json');
    const listWithKey = { ...list, headers: { ...list.headers, 'x-api-key': API_KEY } };

    const predicted = await invoke(base64);
    const listed = await invoke(listWithKey);

    expect(predicted.statusCode).toBe(200);
    expect(listed.statusCode).toBe(200);
    expect(
      (JSON.parse(listed.body) as { clusters: { cluster_id: string }[] }).clusters.map((cluster) => cluster.cluster_id),
    ).toEqual([KNOWN_CLUSTER]);
  });
});

describe('Lambda API entry: the dashboard', () => {
  it('serves the page and GET /api/dashboard announcing the deployed refresh interval; the same ETag back gets an empty 304 through API Gateway', async () => {
    const assets = await lambdaDashboardAssets();
    const withPage = lambdaHandlerOf(
      createApiApp(runtime, {
        observer: scriptedObserver(),
        actions: recordingActions(),
        ...(assets === undefined ? {} : { dashboardAssets: assets }),
      }).app,
    );
    const list = fixture('apigw-v2-clusters.json');
    const get = (path: string, headers: Record<string, string> = {}) =>
      withPage(
        {
          ...list,
          rawPath: path,
          requestContext: { ...list.requestContext, http: { ...list.requestContext.http, path } },
          headers: { ...list.headers, 'x-api-key': API_KEY, ...headers },
        } as unknown as Parameters<typeof withPage>[0],
        context,
      ) as Promise<Result>;

    const page = await get('/');
    const script = await get('/dashboard/dashboard.js');
    const first = await get('/api/dashboard');
    const etag = first.headers?.['etag'] ?? '';
    const again = await get('/api/dashboard', { 'if-none-match': etag });

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script type="module" src="/dashboard/dashboard.js">');
    expect(script.headers?.['content-type']).toMatch(/^text\/javascript/);
    expect(first.statusCode).toBe(200);
    const body = JSON.parse(first.body) as { refresh: { min_interval_ms: number }; clusters: { cluster_id: string }[] };
    expect(body.refresh.min_interval_ms).toBe(DEPLOYED_DASHBOARD_REFRESH_SECONDS * 1000);
    expect(body.clusters.map((cluster) => cluster.cluster_id)).toEqual([KNOWN_CLUSTER]);
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });
});

describe('Lambda Slack entry', () => {
  it('acknowledges a signed slash command by queuing its task, then runs the task from the SNS event and answers on response_url', async () => {
    const queued: SlackTask[] = [];
    const api = createApiApp(runtime, {
      observer: scriptedObserver(),
      actions: recordingActions(),
      slackSigningSecret: SIGNING_SECRET,
      slackTasks: { enqueue: (task) => Promise.resolve(void queued.push(task)) },
    });
    const slackHandler = createSlackLambdaHandler(api, runtime.logger);
    const body = new URLSearchParams({
      team_id: 'T0',
      channel_id: 'C0',
      user_id: 'U0',
      command: '/vgac',
      text: 'status of eks-prod',
      response_url: slackApi.responseUrl('lambda-1'),
      trigger_id: '9.9.lambda',
    }).toString();
    // Slack signs with its own clock; the handler checks against the system clock, so sign with it.
    const timestamp = Math.floor(Date.now() / 1000);
    const base = fixture('apigw-v2-predict-wait.json');
    const apiEvent = {
      ...base,
      rawPath: '/slack/commands',
      requestContext: { ...base.requestContext, http: { ...base.requestContext.http, path: '/slack/commands' } },
      headers: {
        host: base.headers.host,
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': await signSlackRequest(SIGNING_SECRET, timestamp, body),
      },
      // API Gateway base64-encodes form bodies.
      body: Buffer.from(body, 'utf8').toString('base64'),
      isBase64Encoded: true,
    };

    const ack = (await slackHandler(apiEvent, context)) as Result;
    const snsEvent = await snsEventOf(
      queued.map((task, index) => ({
        message: JSON.stringify(task),
        messageId: `m-${index}`,
        topicArn: 'arn:aws:sns:us-east-1:123456789012:vgac-slack-tasks',
      })),
    );
    const ran = await slackHandler(snsEvent, context);

    expect(ack.statusCode).toBe(200);
    expect(JSON.parse(ack.body)).toEqual({ response_type: 'ephemeral', text: 'Working on it…' });
    expect(queued).toEqual([
      {
        kind: 'command',
        text: 'status of eks-prod',
        userId: 'U0',
        teamId: 'T0',
        channelId: 'C0',
        responseUrl: slackApi.responseUrl('lambda-1'),
      },
    ]);
    expect(ran).toEqual({ processed: 1 });
    expect(slackApi.responses.filter((response) => response.id === 'lambda-1')).toHaveLength(1);
    expect(slackApi.responses[0]?.body.text).toMatch(
      /^eks-prod · learning \(0 of 50 outcomes observed\): escalates, never acts · .* · queue 2 pending/,
    );
  });
});
