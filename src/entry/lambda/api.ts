/**
 * Lambda entry for the HTTP API behind API Gateway (HTTP API, payload v2). Built once per cold
 * start, at module scope: configuration, the Lambda runtime (DynamoDB; S3 on first use), the API
 * key from SSM Parameter Store when VGAC_API_KEY_PARAM is set (the SSM client is only loaded
 * then), the dashboard's files (lambda-dashboard-assets.ts), and the one HTTP app — the same app
 * the local server runs, the dashboard's page included — with the agents observing
 * the queue state the collector stores and acting read-only (lambda-agent-parts.ts). Each invocation runs inside
 * `runInvocation` (logger correlation id, trace subsegment, EMF metrics flush); the agents emit
 * Escalations and ModelCostUsd (metered-agent-deps.ts).
 */
import type { Context } from 'aws-lambda';
import { createApiApp, lambdaHandlerOf } from './api-app.ts';
import { lambdaAgentParts } from './lambda-agent-parts.ts';
import { lazySsmSecrets } from './lazy-ssm-secrets.ts';
import { lambdaDashboardAssets } from './lambda-dashboard-assets.ts';
import { createLambdaRuntime, runInvocation } from './lambda-runtime.ts';
import { meteredAgentDeps } from './metered-agent-deps.ts';

const runtime = createLambdaRuntime();
const { config } = runtime;
const apiKeyParameter = config.lambda.parameters.apiKey;
const apiKey = config.apiKey ?? (apiKeyParameter === undefined ? undefined : await lazySsmSecrets({ region: config.region, endpoint: config.lambda.ssmEndpoint, tracer: runtime.tracer }).get(apiKeyParameter));
const dashboardAssets = await lambdaDashboardAssets();
const http = lambdaHandlerOf(
  createApiApp(runtime, {
    ...lambdaAgentParts(runtime),
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(dashboardAssets === undefined ? {} : { dashboardAssets }),
    instrumentAgents: (deps) => meteredAgentDeps(deps, runtime),
  }).app,
);

export async function handler(event: Parameters<typeof http>[0], context: Context): Promise<Awaited<ReturnType<typeof http>>> {
  return runInvocation(runtime, { handler: 'api', context }, () => http(event, context));
}
