/**
 * The default Reasoner: deterministic templates over the decision's facts, no network, no cost.
 * It writes the same kinds of answers as the model would (scope-honest, one or two sentences), so
 * everything works with no AWS account, and it is the fallback when the budget is spent.
 */
import { answerFactsOf } from '../../core/agents/answer-facts-of.ts';
import { answerText } from '../../core/agents/answer-text.ts';
import type { Reasoner, ReasonerReply, ReasonerRequest } from '../../app/ports/reasoner.ts';

export const OFFLINE_MODEL_ID = 'offline-templates';

export function createOfflineReasoner(): Reasoner {
  return {
    kind: 'offline',
    reason(request: ReasonerRequest): Promise<ReasonerReply> {
      const text = answerText(answerFactsOf(request.facts));
      return Promise.resolve({
        status: 'answered',
        text,
        modelId: OFFLINE_MODEL_ID,
        usage: { inputTokens: 0, outputTokens: 0 },
        calls: 0,
        toolRequests: [],
      });
    },
  };
}
