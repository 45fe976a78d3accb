/**
 * Lambda entry for the agent (the same orchestrator as AgentCore's `/invocations`). Clients are
 * built once per cold start, at module scope; each invocation runs inside `runInvocation`
 * (logger correlation id, trace subsegment, EMF metrics flush) and is parse →
 * observePredictDecide → map (agent-handler.ts). The agents emit Escalations and ModelCostUsd
 * (metered-agent-deps.ts).
 */
import type { Context } from 'aws-lambda';
import { createAgentWiring } from '../agent-wiring.ts';
import { createAgentHandler, type AgentLambdaResult } from './agent-handler.ts';
import { lambdaAgentParts } from './lambda-agent-parts.ts';
import { lazySsmSecrets } from './lazy-ssm-secrets.ts';
import { createLambdaRuntime, runInvocation } from './lambda-runtime.ts';
import { meteredAgentDeps } from './metered-agent-deps.ts';

const runtime = createLambdaRuntime();
const { config } = runtime;
// HTTP events (the API's POST /invocations route) need the API key, as /api/* does (agent-handler.ts).
const apiKeyParameter = config.lambda.parameters.apiKey;
const apiKey = config.apiKey ?? (apiKeyParameter === undefined ? undefined : await lazySsmSecrets({ region: config.region, endpoint: config.lambda.ssmEndpoint, tracer: runtime.tracer }).get(apiKeyParameter));
const agent = createAgentHandler(meteredAgentDeps(createAgentWiring(runtime, lambdaAgentParts(runtime)).deps, runtime), {
  nowMs: () => Date.now(),
  apiKey,
  ...(config.defaultClusterId === undefined ? {} : { defaultClusterId: config.defaultClusterId }),
});

export async function handler(event: unknown, context?: Context): Promise<AgentLambdaResult> {
  return runInvocation(runtime, { handler: 'agent', ...(context === undefined ? {} : { context }) }, () => agent(event, context));
}
