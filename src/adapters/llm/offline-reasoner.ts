/**
 * The default Reasoner: deterministic templates over the decision's facts, no network, no cost.
 * It writes the same kinds of answers as the model would (scope-honest, one or two sentences), so
 * everything works with no AWS account, and it is the fallback when the budget is spent.
 */
import { answerText } from '../../core/agents/answer-text.ts';
import type { Reasoner, ReasonerReply, ReasonerRequest } from '../../app/ports.ts';

export const OFFLINE_MODEL_ID = 'offline-templates';

export function createOfflineReasoner(): Reasoner {
  return {
    kind: 'offline',
    reason(request: ReasonerRequest): Promise<ReasonerReply> {
      const { facts } = request;
      const text = answerText({
        clusterId: facts.clusterId,
        probability: facts.probability,
        waitPointSeconds: facts.waitEstimate?.pointSeconds ?? null,
        waitLowerSeconds: facts.waitEstimate?.lowerSeconds ?? null,
        waitUpperSeconds: facts.waitEstimate?.upperSeconds ?? null,
        coverage: facts.waitEstimate?.coverage ?? null,
        scope: facts.scope,
        intervention: facts.intervention,
        ece: facts.ece,
        outcomeCount: facts.outcomeCount,
        minOutcomes: facts.minOutcomes,
      });
      return Promise.resolve({ status: 'answered', text, modelId: OFFLINE_MODEL_ID, usage: { inputTokens: 0, outputTokens: 0 }, calls: 0, toolRequests: [] });
    },
  };
}
