/**
 * The facts an answer is written from (`AnswerFacts`), picked out of a decision's explanation
 * facts: the one mapping shared by the offline reasoner and the agent's fallback when no
 * explanation could be had, so both always say the same thing.
 */
import type { ActionScope } from '../gating/gate-config.ts';
import type { AnswerFacts } from './answer-text.ts';

/** The parts of a decision's facts that an answer uses (app's `ExplanationFacts` is one). */
export interface DecisionAnswerFacts {
  readonly clusterId: string;
  /** P(long wait) in [0, 1]. */
  readonly probability: number;
  /** The wait estimate in seconds with its nominal coverage in (0, 1); null when there is none. */
  readonly waitEstimate: {
    readonly pointSeconds: number;
    readonly lowerSeconds: number;
    readonly upperSeconds: number;
    readonly coverage: number;
  } | null;
  readonly scope: ActionScope;
  readonly intervention: string;
  readonly ece: number | null;
  readonly outcomeCount: number;
  readonly minOutcomes: number;
}

/** Flattens `facts` into the `AnswerFacts` that `answerText` reads; a missing wait estimate gives null wait fields. Never throws. */
export function answerFactsOf(facts: DecisionAnswerFacts): AnswerFacts {
  return {
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
  };
}
