/**
 * The server the Bedrock AgentCore Runtime runs (template.yaml `AgentRuntime`, a Node.js 22 direct
 * code deployment): the AgentCore routes of the one HTTP app — `GET /ping`, `POST /invocations` —
 * on port 8080, served by @hono/node-server, with the agents in this process on the deployed
 * storage. Built once per microVM start, like a Lambda's cold start: configuration, DynamoDB (S3,
 * SNS and SSM on first use), the VGAC platform's key from SSM when a platform is wrapped, and the
 * agents observing and acting as the Lambda functions' agents do (lambda-agent-parts.ts), with the
 * dashboard's agent metrics attached (metered-agent-deps.ts).
 *
 * Every caller reached this server through InvokeAgentRuntime, which AgentCore authorised with
 * SigV4 against the caller's IAM policy: no API key here, and `complex` is honoured from all.
 * Each invocation runs inside `runInvocation` (the session id as the logs' correlation id, the
 * EMF metrics flushed to stdout, which AgentCore ships to CloudWatch Logs).
 */
import { Hono } from 'hono';
import { inProcessAgentRuntime } from '../../app/agents/in-process-agent-runtime.ts';
import { createAgentCoreRoutes, SESSION_ID_HEADER } from '../../app/http/agentcore-routes.ts';
import { createAgentWiring } from '../agent-wiring.ts';
import { loadConfig, type Config } from '../config.ts';
import { lambdaAgentParts, platformApiKeyOf } from '../lambda/lambda-agent-parts.ts';
import { createLambdaRuntime, runInvocation } from '../lambda/lambda-runtime.ts';
import { lazySsmSecrets } from '../lambda/lazy-ssm-secrets.ts';
import { meteredAgentDeps } from '../lambda/metered-agent-deps.ts';
import { AcceptedHosts, startHttpServer, type HttpServer } from '../local/http-server.ts';

/** AgentCore Runtime's HTTP contract: the runtime calls the agent on this port (config.ts DEFAULT_HTTP_PORT, which main.ts uses). */
export const AGENTCORE_PORT = 8080;

export interface AgentCoreServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Default: loadConfig() (the runtime's environment variables). */
  readonly config?: Config;
}

export interface AgentCoreServer extends HttpServer {
  readonly app: Hono;
}

/** Builds the app (cold start) and listens. Throws InvalidInputError on bad configuration. */
export async function startAgentCoreServer(options: AgentCoreServerOptions): Promise<AgentCoreServer> {
  const runtime = await createLambdaRuntime(options.config ?? loadConfig());
  const { config } = runtime;
  const secrets = lazySsmSecrets({
    region: config.region,
    endpoint: config.lambda.ssmEndpoint,
    tracer: runtime.tracer,
    callPolicy: config.callPolicy,
  });
  const platformApiKey = await platformApiKeyOf(config, secrets);
  const { observer, actions, notifier } = lambdaAgentParts(
    runtime,
    platformApiKey === undefined ? {} : { platformApiKey },
  );
  const agents = meteredAgentDeps(createAgentWiring(runtime, { observer, actions, notifier }).deps, runtime);
  const routes = createAgentCoreRoutes({
    runtime: inProcessAgentRuntime(agents, () => Date.now()),
    logger: runtime.logger,
    nowMs: () => Date.now(),
    apiKey: undefined,
    trustAllCallers: true,
    ...(config.defaultClusterId === undefined ? {} : { defaultClusterId: config.defaultClusterId }),
  });
  const app = new Hono();
  app.use('/invocations', async (context, next) => {
    const sessionId = context.req.header(SESSION_ID_HEADER);
    await runInvocation(
      runtime,
      { handler: 'agentcore', ...(sessionId === undefined ? {} : { correlationId: sessionId }) },
      () => next(),
    );
  });
  app.route('/', routes);
  const server = await startHttpServer(app, {
    host: options.host,
    port: options.port,
    acceptedHosts: AcceptedHosts.any,
  });
  runtime.logger.info('agentcore.listening', {
    port: server.port,
    reasoner: config.reasoner,
    platformClusters: config.platform.clusterIds.length,
  });
  return {
    ...server,
    app,
    close: async () => {
      await server.close();
      await runtime.close();
    },
  };
}
