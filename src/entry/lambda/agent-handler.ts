/**
 * The agent's Lambda logic, separate from its cold-start wiring so it can be tested with recorded
 * events: (1) parse the event; (2) call observePredictDecide; (3) map the result or error;
 * (4) return. Two kinds of event arrive:
 * - an API Gateway (HTTP API, payload v2) or Function URL event: a JSON `body`, the API key in
 *   `x-api-key` when one is configured (401 otherwise), and a `{statusCode, headers, body}`
 *   reply — API Gateway reads the status from `statusCode`, so an error is a real 4xx/5xx;
 * - a direct invocation (Lambda-to-Lambda, IAM-authorised): the payload itself (`{"prompt"}` or a
 *   structured request), answered with `{status, decision}` or `{status, error}`.
 * A body's `complex: true` is honoured for a direct invocation and for an HTTP caller that
 * presented the API key; otherwise complexity is decided server-side (invocation-request.ts).
 */
import type { AgentDeps } from '../../app/agents/agent-deps.ts';
import { toDecisionRequest } from '../../app/agents/invocation-request.ts';
import { observePredictDecide, type AgentDecision } from '../../app/agents/observe-predict-decide.ts';
import { InvalidRequestError } from '../../app/errors.ts';
import { API_KEY_HEADER, authenticateApiKey, Caller } from '../../app/http/api-key-auth.ts';
import { logMappedError, mapError, type ErrorBody } from '../../app/http/error-response.ts';

/** The reply to a direct invocation. */
export type AgentDirectResult = { readonly status: 200; readonly decision: AgentDecision } | ({ readonly status: number } & ErrorBody);

/** The reply to an API Gateway / Function URL event (the JSON body is the decision or the error). */
export interface AgentHttpResult {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type AgentLambdaResult = AgentDirectResult | AgentHttpResult;

export interface AgentHandlerOptions {
  /** Epoch milliseconds. */
  readonly nowMs: () => number;
  readonly defaultClusterId?: string;
  /** Required in `x-api-key` on HTTP events when set (SSM on Lambda); undefined → open, `complex` untrusted. Never logged. */
  readonly apiKey: string | undefined;
}

interface HttpEvent {
  readonly requestContext: object;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

/** API Gateway (v1 or v2) and Function URL events carry a `requestContext`; a direct payload never does (its schemas are strict). */
function isHttpEvent(event: unknown): event is HttpEvent {
  return typeof event === 'object' && event !== null && 'requestContext' in event && typeof event.requestContext === 'object' && event.requestContext !== null;
}

/** A header by name, whatever its case (payload v2 lowercases names; v1 keeps the client's). */
function headerOf(event: HttpEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

function bodyOf(event: HttpEvent): unknown {
  if (typeof event.body !== 'string' || event.body === '') throw new InvalidRequestError('body is required: send {"prompt": "…"} or {"clusterId", "job": {"gpus"}}');
  const text = event.isBase64Encoded === true ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidRequestError('body is not valid JSON');
  }
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function createAgentHandler(deps: AgentDeps, options: AgentHandlerOptions) {
  async function decide(payload: unknown, trustComplex: boolean, correlationId: string | undefined): Promise<AgentDecision> {
    const request = toDecisionRequest(payload, {
      nowMs: options.nowMs(),
      trustComplex,
      ...(options.defaultClusterId === undefined ? {} : { defaultClusterId: options.defaultClusterId }),
      ...(correlationId === undefined ? {} : { correlationId }),
    });
    return observePredictDecide(deps, request);
  }

  function mapped(error: unknown) {
    const result = mapError(error);
    logMappedError(deps.learning.logger, result, error, { handler: 'agent' });
    return result;
  }

  async function handler(event: unknown, context?: { readonly awsRequestId?: string }): Promise<AgentLambdaResult> {
    const correlationId = context?.awsRequestId;
    if (isHttpEvent(event)) {
      try {
        const caller = await authenticateApiKey(options.apiKey, headerOf(event, API_KEY_HEADER));
        const decision = await decide(bodyOf(event), caller === Caller.authenticated, correlationId);
        return { statusCode: 200, headers: JSON_HEADERS, body: JSON.stringify(decision) };
      } catch (error) {
        const { status, body } = mapped(error);
        return { statusCode: status, headers: JSON_HEADERS, body: JSON.stringify(body) };
      }
    }
    try {
      // A direct invocation passed IAM (lambda:InvokeFunction): a trusted caller.
      return { status: 200, decision: await decide(event, true, correlationId) };
    } catch (error) {
      const { status, body } = mapped(error);
      return { status, ...body };
    }
  }
  return handler;
}
