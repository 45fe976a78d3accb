/**
 * The agents' dependencies with the dashboard's agent metrics attached (template.yaml's metric
 * contract: namespace `Vgac`, only the `service` dimension; `Predictions` is counted by the
 * store, metered-predictions.ts):
 * - `Escalations` (Count): one per escalation created (the agents' `EscalationStore.create`);
 * - `ModelCostUsd` (NoUnit, USD): per model call as the budget ledger settles it, the call's
 *   actual cost = the worst case it reserved + the settled delta (the ledger's own arithmetic, in
 *   micro-USD, divided by 10⁶). The call's tokens are counted by the ledger itself;
 * - `ModelUnavailable` (Count): one per model exchange that failed (`ReasonerError`: throttled past
 *   retries, not found or past its end of life, access denied, refused, timed out, unusable), whose
 *   answer then falls back to a cached or templated explanation (template.yaml alarms on it).
 * The decorators only observe: every call goes to the wrapped port unchanged, and a metric is
 * added only after the port succeeded (or, for `ModelUnavailable`, failed as a model failure). The
 * metrics are flushed by `runInvocation`.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AgentDeps } from '../../app/agents/agent-deps.ts';
import { ReasonerError } from '../../app/errors.ts';
import type { BudgetLedger } from '../../app/ports/budget-ledger.ts';
import type { EscalationStore } from '../../app/ports/escalation-store.ts';
import type { Reasoner } from '../../app/ports/reasoner.ts';
import { countMetric, MetricName, type LambdaObservability } from './lambda-observability.ts';

type MetricsSink = Pick<LambdaObservability, 'metrics'>;

const MICRO_USD_PER_USD = 1_000_000;

/** An EscalationStore that counts `Escalations` for every escalation created. */
export function meteredEscalations(store: EscalationStore, sink: MetricsSink): EscalationStore {
  return {
    async create(escalation) {
      await store.create(escalation);
      countMetric(sink, MetricName.escalations, 1);
    },
    get: (clusterId, escalationId) => store.get(clusterId, escalationId),
    transition: (clusterId, escalationId, from, to, entry) =>
      store.transition(clusterId, escalationId, from, to, entry),
    list: (options) => store.list(options),
  };
}

/**
 * A BudgetLedger that emits each settled model call's cost. A call reserves its worst
 * case, then settles `actual − worst`; the reservation a settle closes is the latest open one of
 * its component (model calls run one after another; a call that failed after reserving never
 * settles, and its reservation is dropped by the next reserve of the same component). A settle
 * without an open reservation emits nothing (its cost cannot be known).
 */
export function meteredLedger(ledger: BudgetLedger, sink: MetricsSink): BudgetLedger {
  const openReservationMicroUsd = new Map<string, number>();
  return {
    async reserve(component, microUsd, caps) {
      const result = await ledger.reserve(component, microUsd, caps);
      if (result.status === 'reserved') openReservationMicroUsd.set(component, microUsd);
      else openReservationMicroUsd.delete(component);
      return result;
    },
    async settle(component, deltaMicroUsd, usage) {
      await ledger.settle(component, deltaMicroUsd, usage);
      const reservedMicroUsd = openReservationMicroUsd.get(component);
      openReservationMicroUsd.delete(component);
      if (reservedMicroUsd !== undefined) {
        countMetric(
          sink,
          MetricName.modelCostUsd,
          Math.max(0, reservedMicroUsd + deltaMicroUsd) / MICRO_USD_PER_USD,
          MetricUnit.NoUnit,
        );
      }
    },
    countCacheLookup: (hit) => ledger.countCacheLookup(hit),
    snapshot: () => ledger.snapshot(),
  };
}

/** A Reasoner that counts `ModelUnavailable` for every exchange that fails with a ReasonerError (then rethrows it). */
export function meteredReasoner(reasoner: Reasoner, sink: MetricsSink): Reasoner {
  return {
    kind: reasoner.kind,
    async reason(request) {
      try {
        return await reasoner.reason(request);
      } catch (error) {
        if (error instanceof ReasonerError) countMetric(sink, MetricName.modelUnavailable, 1);
        throw error;
      }
    },
  };
}

/** The same deps with metered escalations, ledger and reasoner (everything else shared). */
export function meteredAgentDeps(deps: AgentDeps, sink: MetricsSink): AgentDeps {
  return {
    ...deps,
    escalations: meteredEscalations(deps.escalations, sink),
    reasoning: {
      ...deps.reasoning,
      ledger: meteredLedger(deps.reasoning.ledger, sink),
      reasoner: meteredReasoner(deps.reasoning.reasoner, sink),
    },
  };
}
