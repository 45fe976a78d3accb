/**
 * The agents on real storage for integration tests: dynalite + s3rver (test/support/embedded-aws.ts),
 * the DynamoDB/S3 adapters, the learning loop, the simulated collector and its actions, a
 * recording logger and notifier, and the offline reasoner unless another is given.
 * The cluster model is the synthetic one-feature bundle of learning-fixtures.ts:
 * P(long wait) = sigmoid(2x − 2), so a job's probability is chosen through its feature x.
 */
import { randomUUID, createHash } from 'node:crypto';
import { DEFAULT_OBSERVE_TIMEOUT_MS, EXPLANATION_FRESH_MS, type AgentDeps } from '../../src/app/agents/agent-deps.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import { createLearningDeps, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import type { BudgetLedger } from '../../src/app/ports/budget-ledger.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import type { Notifier } from '../../src/app/ports/notifier.ts';
import type { Reasoner } from '../../src/app/ports/reasoner.ts';
import { SimulatedClusterActions } from '../../src/adapters/collectors/simulated-cluster-actions.ts';
import { SimulatedObserver } from '../../src/adapters/collectors/simulated-observer.ts';
import { DynamoBudgetLedger } from '../../src/adapters/dynamodb/dynamo-budget-ledger.ts';
import { DynamoEscalationStore } from '../../src/adapters/dynamodb/dynamo-escalation-store.ts';
import { DynamoExplanationCache } from '../../src/adapters/dynamodb/dynamo-explanation-cache.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { createOfflineReasoner } from '../../src/adapters/llm/offline-reasoner.ts';
import { ensureBucket, S3BundleStore } from '../../src/adapters/s3/s3-bundle-store.ts';
import { DEFAULT_MODEL_POLICY } from '../../src/core/agents/model-policy.ts';
import { seedCaps, type BudgetCaps } from '../../src/core/budget/model-call-cost.ts';
import { BudgetComponent } from '../../src/core/budget/budget-allocation.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import type { ModelBundle } from '../../src/core/model/bundle.ts';
import type { TestAws } from './embedded-aws.ts';
import { uniqueName } from './embedded-aws.ts';
import { syntheticBundle } from './learning-fixtures.ts';
import { setMeasuredCalibration } from './standing-fixtures.ts';
import { dynamoLearningStores } from '../../src/entry/learning-stores.ts';

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (event: string, fields: Readonly<Record<string, unknown>> = {}) => {
      lines.push({ level, event, fields });
    };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

export function recordingNotifier(): Notifier & { sent: Parameters<Notifier['notify']>[0][] } {
  const sent: Parameters<Notifier['notify']>[0][] = [];
  return {
    sent,
    notify(message) {
      sent.push(message);
      return Promise.resolve();
    },
  };
}

/** The synthetic bundle (intercept −2: P = sigmoid(2x − 2)) with a two-bin wait model. */
export function agentBundle(bundleId = 'agent-bundle-1'): ModelBundle {
  return {
    ...syntheticBundle(-2, bundleId),
    waitModel: {
      kind: 'score-binned-quantiles',
      coverage: 0.8,
      binUpperEdges: [0.5],
      bins: [
        { lowerSeconds: 60, medianSeconds: 300, upperSeconds: 900, count: 800 },
        { lowerSeconds: 900, medianSeconds: 2400, upperSeconds: 7200, count: 200 },
      ],
    },
  };
}

/** The x giving P(long wait) = `probability` under agentBundle: logit(p)/2 + 1. */
export function featureForProbability(probability: number): number {
  return Math.log(probability / (1 - probability)) / 2 + 1;
}

export interface AgentStack {
  readonly deps: AgentDeps;
  readonly learning: LearningDeps;
  readonly logger: ReturnType<typeof recordingLogger>;
  readonly notifier: ReturnType<typeof recordingNotifier>;
  readonly observer: SimulatedObserver;
  readonly actions: SimulatedClusterActions;
  readonly escalations: DynamoEscalationStore;
  readonly ledger: BudgetLedger;
  readonly tableName: string;
}

export interface AgentStackOptions {
  readonly reasoner?: Reasoner;
  readonly caps?: BudgetCaps;
  readonly observeTimeoutMs?: number;
}

export async function createAgentStack(aws: TestAws, options: AgentStackOptions = {}): Promise<AgentStack> {
  const tableName = uniqueName('vgac-agents');
  const bucket = uniqueName('vgac-agents');
  await ensureTable(aws.clients.dynamo, tableName);
  await ensureBucket(aws.clients.s3, bucket);
  const logger = recordingLogger();
  const notifier = recordingNotifier();
  const learning = createLearningDeps({
    ...dynamoLearningStores(aws.clients.dynamo, tableName),
    bundles: new S3BundleStore({ client: aws.clients.s3, bucket }),
    gate: DEFAULT_GATE_CONFIG,
    logger,
  });
  const observer = new SimulatedObserver();
  const actions = new SimulatedClusterActions(observer);
  const escalations = new DynamoEscalationStore({ client: aws.clients.dynamo, tableName });
  const ledger = new DynamoBudgetLedger({ client: aws.clients.dynamo, tableName });
  const offline = createOfflineReasoner();
  const deps: AgentDeps = {
    learning,
    observer,
    actions,
    escalations,
    notifier,
    reasoning: {
      reasoner: options.reasoner ?? offline,
      offline,
      cache: new DynamoExplanationCache({ client: aws.clients.dynamo, tableName }),
      ledger,
      policy: DEFAULT_MODEL_POLICY,
      caps: options.caps ?? seedCaps(BudgetComponent.agentReasoning),
      hash: (text) => createHash('sha256').update(text).digest('hex'),
      cacheFreshMs: EXPLANATION_FRESH_MS,
      logger,
    },
    newId: () => randomUUID(),
    observeTimeoutMs: options.observeTimeoutMs ?? DEFAULT_OBSERVE_TIMEOUT_MS,
    dryRun: false,
  };
  return { deps, learning, logger, notifier, observer, actions, escalations, ledger, tableName };
}

/**
 * Registers `clusterId` with agentBundle and, unless `ece` is null, sets its measured calibration
 * to `ece` over `outcomes` outcomes, `longWaits` of them long (default half: a window that has seen
 * both kinds of wait, so the gate's per-class rule does not hold it back), judged by the real
 * learning decision (test/support/standing-fixtures.ts).
 */
export async function registerAgentCluster(
  stack: AgentStack,
  clusterId: string,
  calibration: { ece: number | null; outcomes: number; longWaits?: number },
  nowMs: number,
): Promise<void> {
  await registerCluster(stack.learning, { clusterId, prior: agentBundle(), platform: 'slurm', nowMs });
  if (calibration.ece === null) return;
  await setMeasuredCalibration(
    stack.learning,
    clusterId,
    {
      ece: calibration.ece,
      outcomes: calibration.outcomes,
      ...(calibration.longWaits === undefined ? {} : { longWaits: calibration.longWaits }),
    },
    nowMs,
  );
}

/** Publishes a queue for `clusterId` whose features give P(long wait) = probability. */
export function publishQueue(
  stack: AgentStack,
  clusterId: string,
  probability: number,
  nowMs: number,
  jobIds: readonly string[] = [],
): void {
  stack.observer.publish({
    clusterId,
    observedAtMs: nowMs,
    totalGpus: 16,
    gpusInUse: 12,
    jobs: jobIds.map((jobId) => ({
      jobId,
      user: 'alice',
      partition: 'gpu',
      state: 'pending',
      submitTimeMs: nowMs - 1000,
      startTimeMs: null,
      requestedGpus: 4,
      requestedCpus: 16,
      timeLimitSeconds: 3600,
      priority: 50,
      reason: 'Resources',
    })),
    features: { x: featureForProbability(probability) },
  });
}
