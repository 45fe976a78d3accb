/**
 * The agent runtime in this process: each invocation is one observe→predict→decide on the agents'
 * own dependencies, its session id the decision's correlation id. `npm start` and the Bedrock
 * AgentCore Runtime's server (entry/agentcore/main.ts) run the agents this way; the deployed API
 * and Slack functions reach that server through the AgentCore data plane instead.
 */
import type { AgentRuntime } from '../ports/agent-runtime.ts';
import type { AgentDeps } from './agent-deps.ts';
import { observePredictDecide } from './observe-predict-decide.ts';

/** `nowMs`: epoch milliseconds, read once per invocation. */
export function inProcessAgentRuntime(deps: AgentDeps, nowMs: () => number): AgentRuntime {
  return {
    invoke: (request, sessionId) =>
      observePredictDecide(deps, {
        clusterId: request.clusterId,
        job: request.job,
        nowMs: nowMs(),
        correlationId: sessionId,
        ...(request.jobId === undefined ? {} : { jobId: request.jobId }),
        ...(request.question === undefined ? {} : { question: request.question }),
        ...(request.complex === undefined ? {} : { complex: request.complex }),
      }),
  };
}
