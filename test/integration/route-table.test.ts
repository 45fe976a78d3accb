/**
 * One app for every runtime: the route table `npm start` serves (startStack) and the ones the
 * deployed API and Slack functions serve (createApiApp, as api.ts and slack.ts build it) are the
 * same composeHttpApp, so they list the same routes — methods, paths and middleware, in order —
 * except for an explicit allow-list of routes that exist in one runtime only, each with its
 * reason. A route added to one runtime only fails here until it is added to the list.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/app/ports/logger.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { createApiApp } from '../../src/entry/lambda/api-app.ts';
import { lambdaAgentParts } from '../../src/entry/lambda/lambda-agent-parts.ts';
import { lambdaDashboardAssets } from '../../src/entry/lambda/lambda-dashboard-assets.ts';
import { createLambdaRuntime, type LambdaRuntime } from '../../src/entry/lambda/lambda-runtime.ts';
import { LOCAL_RESPONSE_PATH } from '../../src/entry/local/local-slack-responses.ts';
import { startStack, type Stack } from '../../src/entry/local/start-stack.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const SIGNING_SECRET = 'route-table-signing-secret-0123';

/**
 * Routes `npm start` serves that no Lambda function does.
 * - The stand-in for Slack's response_url: locally the Slack answer is printed in the terminal
 *   that runs `vgac start`; deployed, Slack's own response_url receives it.
 */
const LOCAL_ONLY: readonly string[] = [`POST ${LOCAL_RESPONSE_PATH}/:token`];

/**
 * Routes of the local app the API function's app does not have.
 * - The Slack routes: API Gateway sends `/slack/*` to the Slack function (template.yaml), whose
 *   app has them (checked below); the API function has no signing secret.
 */
const SLACK_FUNCTION_ONLY = (route: string): boolean => / \/slack(\/|$)/.test(route);

/**
 * Routes of the local app the Slack function's app does not have.
 * - The dashboard's page, script and stylesheet: only the API function's bundle carries the files
 *   (scripts/lambda-functions.ts `assets`), and API Gateway routes `GET /` and `/dashboard/*` there.
 */
const DASHBOARD_PAGE = ['GET /', 'GET /dashboard/dashboard.js', 'GET /dashboard/dashboard.css'];

/** `METHOD path` per route, in registration order (middleware included). */
function routeTable(app: Hono): string[] {
  return app.routes.map((route) => `${route.method} ${route.path}`);
}

let dataDir = '';
let stack: Stack;
let aws: TestAws;
let runtime: LambdaRuntime;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vgac-route-table-'));
  const localConfig = loadConfig(
    { VGAC_DATA_DIR: dataDir, VGAC_LOG_LEVEL: 'silent', VGAC_SLACK_SIGNING_SECRET: SIGNING_SECRET },
    { httpPort: 0 },
  );
  stack = await startStack({ config: localConfig, simulate: false, logger: silent, fallbackPort: false });
  aws = await startTestAws();
  runtime = await createLambdaRuntime(
    loadConfig({
      VGAC_MODE: 'aws',
      VGAC_TABLE: uniqueName('routes'),
      VGAC_BUCKET: uniqueName('routes'),
      VGAC_DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
      VGAC_S3_ENDPOINT: aws.s3Endpoint,
      VGAC_API_KEY: 'route-table-api-key-0123456789',
      VGAC_LOG_LEVEL: 'silent',
      POWERTOOLS_TRACE_ENABLED: 'false',
      VGAC_AGENTCORE_RUNTIME_ARN: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/vgac_agents-AbCdEf1234',
    }),
  );
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await runtime?.close();
  await aws?.stop();
  if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
});

describe('the route tables of the local server and the Lambda functions', () => {
  it("the API function serves the local route table minus the local-only stand-in and the Slack function's routes", async () => {
    const local = routeTable(stack.app);
    const dashboardAssets = await lambdaDashboardAssets();
    const api = routeTable(
      createApiApp(runtime, {
        ...lambdaAgentParts(runtime),
        ...(dashboardAssets === undefined ? {} : { dashboardAssets }),
      }).app,
    );

    expect(api).toEqual(local.filter((route) => !LOCAL_ONLY.includes(route) && !SLACK_FUNCTION_ONLY(route)));
    // The allow-list names routes that exist: a stale entry would hide nothing and must go.
    for (const route of LOCAL_ONLY) expect(local, route).toContain(route);
    expect(local.filter(SLACK_FUNCTION_ONLY).length).toBeGreaterThan(0);
  });

  it("the Slack function serves the local route table minus the local-only stand-in and the dashboard's page", () => {
    const local = routeTable(stack.app);
    const slack = routeTable(
      createApiApp(runtime, {
        ...lambdaAgentParts(runtime),
        slackSigningSecret: SIGNING_SECRET,
        slackTasks: { enqueue: () => Promise.resolve() },
      }).app,
    );

    expect(slack).toEqual(local.filter((route) => !LOCAL_ONLY.includes(route) && !DASHBOARD_PAGE.includes(route)));
    for (const route of DASHBOARD_PAGE) expect(local, route).toContain(route);
  });

  it('every runtime serves the AgentCore contract and the dashboard', () => {
    const local = routeTable(stack.app);

    expect(local).toEqual(
      expect.arrayContaining(['GET /ping', 'POST /invocations', ...DASHBOARD_PAGE, 'GET /api/budget']),
    );
  });
});
