/**
 * Where an agent invocation runs: one observe→predict→decide for one job on one cluster, inside
 * a runtime session. In-process (`npm start`, the AgentCore Runtime's own server:
 * in-process-agent-runtime.ts) or in the deployed Bedrock AgentCore Runtime, reached through its
 * data plane (`InvokeAgentRuntime`: adapters/agentcore/agentcore-agent-runtime.ts).
 *
 * The request is already resolved (the cluster named, `complex` decided by the caller's trust):
 * the runtime runs it as given.
 */
import type { AgentDecision } from '../agents/observe-predict-decide.ts';
import type { JobSpec } from '../records/queue.ts';

export interface AgentInvocation {
  readonly clusterId: string;
  readonly job: JobSpec;
  /** A submitted job to act on; absent: a what-if (predicted, not stored, never acted on). */
  readonly jobId?: string;
  /** The person's question, when there is one. */
  readonly question?: string;
  /** Needs deeper reasoning (the complex model); default false. */
  readonly complex?: boolean;
}

/** Shortest and longest runtime session id AgentCore accepts (InvokeAgentRuntime's `runtimeSessionId`). */
export const MIN_SESSION_ID_LENGTH = 33;
export const MAX_SESSION_ID_LENGTH = 256;

export interface AgentRuntime {
  /**
   * Runs `request` in session `sessionId` ({@link MIN_SESSION_ID_LENGTH}–{@link MAX_SESSION_ID_LENGTH}
   * characters; the same id for the same conversation or caller). Throws what the agents throw for
   * the caller's mistakes (InvalidRequestError, UnknownClusterError) and
   * AgentRuntimeUnavailableError when the runtime cannot answer (throttled, failing, too slow).
   */
  invoke(request: AgentInvocation, sessionId: string): Promise<AgentDecision>;
}
