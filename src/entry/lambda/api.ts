/**
 * Lambda entry for the HTTP API behind API Gateway (HTTP API, payload v2): the prediction API,
 * `POST /invocations` (the agents, run in the deployed AgentCore Runtime) and the web dashboard.
 * Built once per cold start, at module scope: configuration, the Lambda runtime (DynamoDB; S3 on
 * first use), the API key from SSM Parameter Store when VGAC_API_KEY_PARAM is set and the VGAC
 * platform's key when a platform is wrapped (VGAC_PLATFORM_API_KEY_PARAM; the SSM client is only
 * loaded then), the dashboard's files (lambda-dashboard-assets.ts), and the one HTTP app — the
 * same app the local server runs, composed with the Lambda's parts (lambda-agent-parts.ts). Each
 * invocation runs inside `runInvocation` (logger correlation id, trace subsegment, EMF metrics flush).
 */
import type { Context } from 'aws-lambda';
import { createApiApp, lambdaHandlerOf } from './api-app.ts';
import { lambdaAgentParts, platformApiKeyOf } from './lambda-agent-parts.ts';
import { lazySsmSecrets } from './lazy-ssm-secrets.ts';
import { lambdaDashboardAssets } from './lambda-dashboard-assets.ts';
import { createLambdaRuntime, runInvocation } from './lambda-runtime.ts';
import { meteredAgentDeps } from './metered-agent-deps.ts';

const runtime = await createLambdaRuntime();
const { config } = runtime;
const secrets = lazySsmSecrets({
  region: config.region,
  endpoint: config.lambda.ssmEndpoint,
  tracer: runtime.tracer,
  callPolicy: config.callPolicy,
});
const apiKeyParameter = config.lambda.parameters.apiKey;
const apiKey = config.apiKey ?? (apiKeyParameter === undefined ? undefined : await secrets.get(apiKeyParameter));
const platformApiKey = await platformApiKeyOf(config, secrets);
const dashboardAssets = await lambdaDashboardAssets();
const http = lambdaHandlerOf(
  createApiApp(runtime, {
    ...lambdaAgentParts(runtime, platformApiKey === undefined ? {} : { platformApiKey }),
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(dashboardAssets === undefined ? {} : { dashboardAssets }),
    instrumentAgents: (deps) => meteredAgentDeps(deps, runtime),
  }).app,
);

export async function handler(
  event: Parameters<typeof http>[0],
  context: Context,
): Promise<Awaited<ReturnType<typeof http>>> {
  return runInvocation(runtime, { handler: 'api', context }, () => http(event, context));
}
