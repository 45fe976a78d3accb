/**
 * The agent's Lambda logic, separate from its cold-start wiring so it can be tested with recorded
 * events: (1) parse the event — a direct invocation payload (`{"prompt"}` or a structured
 * request) or an API Gateway/Function URL event with a JSON `body`; (2) call observePredictDecide;
 * (3) map the result or error; (4) return.
 */
import type { AgentDeps } from '../../app/agents/agent-deps.ts';
import { toDecisionRequest } from '../../app/agents/invocation-request.ts';
import { observePredictDecide, type AgentDecision } from '../../app/agents/observe-predict-decide.ts';
import { InvalidRequestError } from '../../app/errors.ts';
import { logMappedError, mapError, type ErrorBody } from '../../app/http/error-response.ts';

export type AgentLambdaResult = { readonly status: 200; readonly decision: AgentDecision } | ({ readonly status: number } & ErrorBody);

function payloadOf(event: unknown): unknown {
  if (typeof event === 'object' && event !== null && 'body' in event && typeof event.body === 'string') {
    const encoded = 'isBase64Encoded' in event && event.isBase64Encoded === true;
    const text = encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new InvalidRequestError('body is not valid JSON');
    }
  }
  return event;
}

export function createAgentHandler(deps: AgentDeps, options: { readonly nowMs: () => number; readonly defaultClusterId?: string }) {
  return async (event: unknown, context?: { readonly awsRequestId?: string }): Promise<AgentLambdaResult> => {
    try {
      const request = toDecisionRequest(payloadOf(event), {
        nowMs: options.nowMs(),
        ...(options.defaultClusterId === undefined ? {} : { defaultClusterId: options.defaultClusterId }),
        ...(context?.awsRequestId === undefined ? {} : { correlationId: context.awsRequestId }),
      });
      return { status: 200, decision: await observePredictDecide(deps, request) };
    } catch (error) {
      const mapped = mapError(error);
      logMappedError(deps.learning.logger, mapped, error, { handler: 'agent' });
      return { status: mapped.status, ...mapped.body };
    }
  };
}
