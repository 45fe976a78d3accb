/**
 * The agents' code, imported on first use by the API and Slack functions (see lazy-aws.ts for the
 * pattern): observe→predict→decide with its tools, and the Copilot with its question parsing and
 * answer texts. A cold start that answers the prediction API, the dashboard or a Slack
 * acknowledgement never evaluates them; `POST /invocations` and a Slack question load them once.
 */
import type { Copilot, CopilotDeps } from '../../app/agents/ask-copilot.ts';
import type { AgentDeps } from '../../app/agents/agent-deps.ts';
import type { AgentRuntime } from '../../app/ports/agent-runtime.ts';
import { onFirstUse } from './lazy-aws.ts';

/** in-process-agent-runtime.ts's runtime, its module imported on the first invocation. */
export function lazyInProcessAgentRuntime(deps: AgentDeps, nowMs: () => number): AgentRuntime {
  const runtime = onFirstUse(async () =>
    (await import('../../app/agents/in-process-agent-runtime.ts')).inProcessAgentRuntime(deps, nowMs),
  );
  return { invoke: async (request, sessionId) => (await runtime.get()).invoke(request, sessionId) };
}

/** ask-copilot.ts's Copilot, built once (it remembers conversations) on the first question. */
export function lazyCopilot(deps: CopilotDeps, options: { readonly defaultClusterId?: string } = {}): Copilot {
  const copilot = onFirstUse(async () =>
    (await import('../../app/agents/ask-copilot.ts')).createCopilot(deps, options),
  );
  return async (request) => (await copilot.get())(request);
}
