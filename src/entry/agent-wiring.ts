/**
 * Wiring of the agents on top of a Runtime: DynamoDB escalations, explanation cache and budget
 * ledger on the single table; the offline reasoner (default) or Bedrock (VGAC_REASONER=bedrock,
 * Haiku by default); the collector and actions (the built-in simulator unless given); a notifier
 * (log lines unless given). Only entries call this.
 */
import { randomUUID } from 'node:crypto';
import { EXPLANATION_FRESH_MS, type AgentDeps } from '../app/agents/agent-deps.ts';
import { loggingNotifier } from '../app/agents/logging-notifier.ts';
import type { ClusterActions } from '../app/ports/cluster-actions.ts';
import type { ClusterObserver } from '../app/ports/cluster-observer.ts';
import type { Notifier } from '../app/ports/notifier.ts';
import type { Reasoner } from '../app/ports/reasoner.ts';
import { SimulatedClusterActions } from '../adapters/collectors/simulated-cluster-actions.ts';
import { SimulatedObserver } from '../adapters/collectors/simulated-observer.ts';
import { DynamoBudgetLedger } from '../adapters/dynamodb/dynamo-budget-ledger.ts';
import { DynamoEscalationStore } from '../adapters/dynamodb/dynamo-escalation-store.ts';
import { DynamoExplanationCache } from '../adapters/dynamodb/dynamo-explanation-cache.ts';
import { createBedrockReasoner, lazyBedrockConverse } from '../adapters/llm/bedrock-reasoner.ts';
import { createOfflineReasoner } from '../adapters/llm/offline-reasoner.ts';
import { modelPolicy } from '../core/agents/model-policy.ts';
import { BudgetComponent } from '../core/budget/budget-allocation.ts';
import { seedCaps } from '../core/budget/model-call-cost.ts';
import type { AwsClients } from './aws-clients.ts';
import type { Runtime } from './runtime.ts';

/** What the wiring reads from a runtime: runtime.ts's Runtime, or a Lambda runtime (DynamoDB client only). */
export type AgentWiringRuntime = Pick<Runtime, 'config' | 'learning' | 'logger' | 'hash'> & {
  readonly clients: Pick<AwsClients, 'dynamo'>;
};

export interface AgentWiringOptions {
  readonly observer?: ClusterObserver;
  readonly actions?: ClusterActions;
  readonly notifier?: Notifier;
  readonly reasoner?: 'offline' | 'bedrock';
  readonly dryRun?: boolean;
}

export interface AgentWiring {
  readonly deps: AgentDeps;
  readonly ledger: DynamoBudgetLedger;
  readonly escalations: DynamoEscalationStore;
  /** The built-in simulator's queue and actions, when no collector was given. */
  readonly simulated: { readonly observer: SimulatedObserver; readonly actions: SimulatedClusterActions } | undefined;
}

export function createAgentWiring(runtime: AgentWiringRuntime, options: AgentWiringOptions = {}): AgentWiring {
  const { config, clients } = runtime;
  const tableName = config.table;
  const simulatedObserver = options.observer === undefined ? new SimulatedObserver() : undefined;
  const simulated =
    simulatedObserver === undefined
      ? undefined
      : { observer: simulatedObserver, actions: new SimulatedClusterActions(simulatedObserver) };
  const offline = createOfflineReasoner();
  const kind = options.reasoner ?? config.reasoner;
  const reasoner: Reasoner =
    kind === 'bedrock'
      ? createBedrockReasoner(
          lazyBedrockConverse({
            region: config.region,
            ...(config.agents.bedrockEndpoint === undefined ? {} : { endpoint: config.agents.bedrockEndpoint }),
          }),
        )
      : offline;
  const ledger = new DynamoBudgetLedger({ client: clients.dynamo, tableName });
  const escalations = new DynamoEscalationStore({ client: clients.dynamo, tableName });
  const observer = options.observer ?? simulated?.observer;
  const actions = options.actions ?? simulated?.actions;
  if (observer === undefined || actions === undefined)
    throw new Error('agent wiring: a collector needs its cluster actions');
  const deps: AgentDeps = {
    learning: runtime.learning,
    observer,
    actions,
    escalations,
    notifier: options.notifier ?? loggingNotifier(runtime.logger),
    reasoning: {
      reasoner,
      offline,
      cache: new DynamoExplanationCache({ client: clients.dynamo, tableName }),
      ledger,
      policy: modelPolicy(config.bedrockModelId, config.agents.complexModelId),
      caps: seedCaps(BudgetComponent.agentReasoning),
      hash: runtime.hash,
      cacheFreshMs: EXPLANATION_FRESH_MS,
      logger: runtime.logger,
    },
    newId: () => randomUUID(),
    observeTimeoutMs: config.agents.observeTimeoutMs,
    dryRun: options.dryRun ?? false,
  };
  return { deps, ledger, escalations, simulated };
}
