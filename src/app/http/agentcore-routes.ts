/**
 * The Amazon Bedrock AgentCore Runtime HTTP contract, as a Hono sub-app mounted at the root:
 * - `GET /ping` → `{"status":"Healthy"}`, or `"HealthyBusy"` while an invocation runs, with
 *   `time_of_last_update` (epoch seconds of the last status change);
 * - `POST /invocations` → one observe→predict→decide: `{"prompt": "…"}` or a structured request
 *   (see invocation-request.ts) sent as `content-type: application/json` (415 otherwise, as the
 *   `/api/*` JSON routes: so no web page can post one without a CORS preflight); the reply is the
 *   structured decision as JSON, its fields in snake_case like every route of ours (json-case.ts). It needs the API key in `x-api-key` when one is configured (as
 *   `/api/*` does; 401 otherwise), and honours a body's `complex: true` only from a caller that
 *   presented it.
 * The decision itself is made by an AgentRuntime: in this process (`npm start`, and the server
 * the AgentCore Runtime runs), or in the deployed AgentCore Runtime through its data plane (the
 * API function). The runtime session is AgentCore's `x-amzn-bedrock-agentcore-runtime-session-id`
 * when a caller sends one of AgentCore's length, else one per API caller (agent-session-id.ts).
 * Inside the AgentCore Runtime every caller passed IAM (SigV4 on InvokeAgentRuntime) and is
 * trusted (`trustAllCallers`), as a direct Lambda invocation was.
 * `GET /ping` stays open: it is AgentCore's health contract and says nothing about the data.
 * Client mistakes are 4xx with `{ "error": { "code", "message", "issues"? } }` (one mapping
 * table: error-response.ts); never a 500 for a bad body.
 */
import { Hono } from 'hono';
import { InvalidRequestError } from '../errors.ts';
import { agentSessionId, SessionScope } from '../agents/agent-session-id.ts';
import { toDecisionRequest } from '../agents/invocation-request.ts';
import { MAX_SESSION_ID_LENGTH, MIN_SESSION_ID_LENGTH, type AgentRuntime } from '../ports/agent-runtime.ts';
import type { Logger } from '../ports/logger.ts';
import { API_KEY_HEADER, authenticateApiKey, Caller } from './api-key-auth.ts';
import { logMappedError, mapError } from './error-response.ts';
import { toSnakeCaseKeys } from './json-case.ts';
import { requireJsonContentType } from './read-request.ts';

/** The header AgentCore carries the runtime session in. */
export const SESSION_ID_HEADER = 'x-amzn-bedrock-agentcore-runtime-session-id';

export interface AgentCoreRoutesDeps {
  /** Where the observe→predict→decide runs. */
  readonly runtime: AgentRuntime;
  readonly logger: Logger;
  /** Epoch milliseconds. */
  readonly nowMs: () => number;
  /** Cluster used when a prompt names none. */
  readonly defaultClusterId?: string;
  /** When set, `POST /invocations` requires it in `x-api-key`; undefined → open, and `complex` is never trusted. Never logged. */
  readonly apiKey: string | undefined;
  /** Every caller is authenticated by the platform in front (AgentCore's IAM): `complex` is honoured from all. Default false. */
  readonly trustAllCallers?: boolean;
}

/** A caller's session id is used only when AgentCore would accept it as is: 33–256 plain characters. */
const USABLE_SESSION_ID = new RegExp(`^[A-Za-z0-9._:-]{${MIN_SESSION_ID_LENGTH},${MAX_SESSION_ID_LENGTH}}$`);

function sessionIdOf(header: string | undefined, presentedKey: string | undefined): string {
  if (header !== undefined && USABLE_SESSION_ID.test(header)) return header;
  return agentSessionId(SessionScope.api, presentedKey ?? 'anonymous');
}

export const PingStatus = { healthy: 'Healthy', healthyBusy: 'HealthyBusy' } as const;

export function createAgentCoreRoutes(deps: AgentCoreRoutesDeps): Hono {
  const app = new Hono();
  let running = 0;
  let lastUpdateSeconds = Math.floor(deps.nowMs() / 1000);
  const setRunning = (delta: number): void => {
    const wasBusy = running > 0;
    running += delta;
    if (wasBusy !== running > 0) lastUpdateSeconds = Math.floor(deps.nowMs() / 1000);
  };

  app.get('/ping', (context) =>
    context.json({
      status: running > 0 ? PingStatus.healthyBusy : PingStatus.healthy,
      time_of_last_update: lastUpdateSeconds,
    }),
  );

  app.post('/invocations', async (context) => {
    setRunning(1);
    try {
      const caller = await authenticateApiKey(deps.apiKey, context.req.header(API_KEY_HEADER));
      requireJsonContentType(context);
      let body: unknown;
      try {
        body = await context.req.json();
      } catch {
        throw new InvalidRequestError('body is not valid JSON');
      }
      const presentedKey = context.req.header(API_KEY_HEADER);
      const sessionId = sessionIdOf(
        context.req.header(SESSION_ID_HEADER),
        caller === Caller.authenticated ? presentedKey : undefined,
      );
      const request = toDecisionRequest(body, {
        nowMs: deps.nowMs(),
        trustComplex: deps.trustAllCallers === true || caller === Caller.authenticated,
        ...(deps.defaultClusterId === undefined ? {} : { defaultClusterId: deps.defaultClusterId }),
      });
      const decision = await deps.runtime.invoke(
        {
          clusterId: request.clusterId,
          job: request.job,
          ...(request.jobId === undefined ? {} : { jobId: request.jobId }),
          ...(request.question === undefined ? {} : { question: request.question }),
          ...(request.complex === undefined ? {} : { complex: request.complex }),
        },
        sessionId,
      );
      return context.json(toSnakeCaseKeys(decision));
    } catch (error) {
      const mapped = mapError(error);
      logMappedError(deps.logger, mapped, error, { route: 'POST /invocations' });
      return context.json(mapped.body, mapped.status);
    } finally {
      setRunning(-1);
    }
  });
  return app;
}
