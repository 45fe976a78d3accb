/**
 * What the agents need: the learning loop (predictions, calibration), the collector and the
 * cluster's actions, escalations, a notifier, and the reasoning stack (reasoners, explanation
 * cache, budget ledger, model policy). Built once by the entry's wiring.
 */
import { BudgetComponent } from '../../core/budget/budget-allocation.ts';
import type { BudgetCaps } from '../../core/budget/model-call-cost.ts';
import type { ModelPolicy } from '../../core/agents/model-policy.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { BudgetLedger } from '../ports/budget-ledger.ts';
import type { ClusterActions } from '../ports/cluster-actions.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { EscalationStore } from '../ports/escalation-store.ts';
import type { ExplanationCache } from '../ports/explanation-cache.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { Logger } from '../ports/logger.ts';
import type { Reasoner } from '../ports/reasoner.ts';

/** An explanation stays fresh for an hour (seed: "cache explanations… age > 1 hour"). */
export const EXPLANATION_FRESH_MS = 3_600_000;
/** How long observe may take before the answer is "cannot predict now". */
export const DEFAULT_OBSERVE_TIMEOUT_MS = 5_000;
/** The budget component every model call of the agents is charged to. */
export const REASONING_COMPONENT = BudgetComponent.agentReasoning;

export interface ReasoningDeps {
  /** The configured reasoner (offline by default, or Bedrock). */
  readonly reasoner: Reasoner;
  /** Deterministic templates: the fallback when the budget is spent or the model fails. */
  readonly offline: Reasoner;
  readonly cache: ExplanationCache;
  readonly ledger: BudgetLedger;
  readonly policy: ModelPolicy;
  /** Caps for REASONING_COMPONENT and the total, µUSD. */
  readonly caps: BudgetCaps;
  /** Content hash (hex) for cache keys; injected because app has no crypto. */
  readonly hash: (text: string) => string;
  readonly cacheFreshMs: number;
  /** Where a failed model call is reported (`model.unavailable`: model id and error class, never the prompt). */
  readonly logger: Logger;
}

export interface AgentDeps {
  readonly learning: LearningDeps;
  readonly observer: ClusterObserver;
  readonly actions: ClusterActions;
  readonly escalations: EscalationStore;
  readonly notifier: Notifier;
  readonly reasoning: ReasoningDeps;
  /** A new unique id (escalations). */
  readonly newId: () => string;
  readonly observeTimeoutMs: number;
  /** Actions report the command they would run without running it. */
  readonly dryRun: boolean;
}
