/**
 * The Copilot: answers a person's question ("when will my 4×A100 job start on slurm-hpc?",
 * "status of eks-prod", "why?") with one observe→predict→decide what-if (nothing stored, nothing
 * done), worded honestly for the cluster's scope. "why?" without a cluster refers to the last
 * cluster this conversation asked about.
 */
import { parseQuestion } from '../../core/agents/parse-question.ts';
import type { AgentDeps } from './agent-deps.ts';
import { observePredictDecide, type AgentDecision } from './observe-predict-decide.ts';

export interface CopilotRequest {
  readonly text: string;
  readonly askedBy: string;
  readonly conversationId: string;
  readonly nowMs: number;
}

export interface CopilotReply {
  readonly text: string;
  readonly clusterId?: string;
  readonly decision?: AgentDecision;
}

/** Conversations remembered for "why?" (oldest forgotten first). */
export const MAX_REMEMBERED_CONVERSATIONS = 1000;

export type Copilot = (request: CopilotRequest) => Promise<CopilotReply>;

/** A Copilot bound to its dependencies (and a small memory of each conversation's last cluster). */
export function createCopilot(deps: AgentDeps, options: { readonly defaultClusterId?: string } = {}): Copilot {
  const lastCluster = new Map<string, string>();
  return async (request) => {
    const question = parseQuestion(request.text);
    const clusterId = question.clusterId ?? lastCluster.get(request.conversationId) ?? options.defaultClusterId;
    if (clusterId === undefined) {
      return { text: 'Which cluster? Ask e.g. "when will my 4-GPU job start on slurm-hpc?"' };
    }
    lastCluster.delete(request.conversationId);
    lastCluster.set(request.conversationId, clusterId);
    if (lastCluster.size > MAX_REMEMBERED_CONVERSATIONS) lastCluster.delete(lastCluster.keys().next().value as string);
    const decision = await observePredictDecide(deps, {
      clusterId,
      job: { gpus: question.gpus, ...(question.gpuType === null ? {} : { gpuType: question.gpuType }) },
      question: request.text,
      complex: question.complex,
      nowMs: request.nowMs,
      correlationId: `${request.askedBy}:${request.conversationId}`,
    });
    return { text: decision.answer, clusterId, decision };
  };
}
