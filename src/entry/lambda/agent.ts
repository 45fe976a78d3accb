/**
 * Lambda entry for the agent (the same orchestrator as AgentCore's `/invocations`). Clients are
 * built once per cold start, at module scope; each invocation is parse → observePredictDecide →
 * map (agent-handler.ts).
 */
import { createAgentWiring } from '../agent-wiring.ts';
import { loadConfig } from '../config.ts';
import { createRuntime } from '../runtime.ts';
import { createAgentHandler } from './agent-handler.ts';

const config = loadConfig();
const runtime = await createRuntime(config);
const wiring = createAgentWiring(runtime);

export const handler = createAgentHandler(wiring.deps, {
  nowMs: () => Date.now(),
  ...(config.defaultClusterId === undefined ? {} : { defaultClusterId: config.defaultClusterId }),
});
