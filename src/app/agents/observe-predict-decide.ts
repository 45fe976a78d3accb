/**
 * One orchestrated invocation (the seed's batching rule): observe the queue, predict with the
 * cluster's own calibrated bundle (`predictJob` stores the prediction and applies the gate),
 * decide what may be done, do it or hand it to a human, and explain — then log ONE
 * `gate.decision` line with the intervention's outcome.
 *
 * The deterministic gate decides; a model only writes the explanation, after the decision, and
 * any action it asks for is refused (see `modelToolRunner`).
 * - scope autonomous + an allowed tier → execute the tier's action through ClusterActions;
 * - scope notify + an allowed tier → execute, then notify a human;
 * - scope escalate or learning with a tier the forecast asks for → store an Escalation that waits
 *   for a human (`decideEscalation`), and notify;
 * - the collector down or slow → "cannot predict now", confidence 0, scope escalate, no action.
 * - a step that throws after the prediction is stored (execute, notify, storing the escalation)
 *   is recorded in the decision (`status: failed`, `failures`, a reason) and the remaining steps
 *   still run where they make sense; the one `gate.decision` line is logged in every case.
 * A question without a job id is a what-if: predicted but not stored, and nothing is acted on.
 */
import { answerFactsOf } from '../../core/agents/answer-facts-of.ts';
import { answerText, cannotPredictText } from '../../core/agents/answer-text.ts';
import { interventionFor, proposedAction, type Intervention } from '../../core/agents/intervention.ts';
import {
  compactDuration,
  EXPLAIN_SYSTEM_PROMPT,
  EXPLANATION_MAX_OUTPUT_TOKENS,
  predictionPrompt,
  questionPrompt,
  type PromptFacts,
} from '../../core/agents/prompts.ts';
import { calibrationScore } from '../../core/gating/calibration-score.ts';
import { ActionScope, type Tier } from '../../core/gating/gate-config.ts';
import { GATE_DECISION_EVENT, gateAuditEvent, GateOutcome } from '../../core/gating/gate.ts';
import { SourceUnavailableError } from '../errors.ts';
import { predictJob } from '../learning/predict-job.ts';
import type { ClusterAction, ClusterActionResult } from '../ports/cluster-actions.ts';
import type { ClusterState, JobSpec } from '../records/queue.ts';
import type { Escalation } from '../records/escalation.ts';
import type { ExplanationFacts } from '../ports/reasoner.ts';
import type { WaitEstimate } from '../records/prediction-record.ts';
import type { AgentDeps } from './agent-deps.ts';
import { summariseCluster, type ClusterSummary } from './cluster-summary.ts';
import { explain, ExplanationSource, type Explanation } from './explain.ts';
import { observeCluster } from './observe-cluster.ts';
import { modelToolRunner, modelToolSpecs, type RefusedModelAction } from './model-tool-runner.ts';

export interface ObservePredictDecideRequest {
  readonly clusterId: string;
  readonly job: JobSpec;
  /** A submitted job to act on. Absent: a what-if question (not stored, never acted on). */
  readonly jobId?: string;
  /** The person's question, when there is one (the copilot). */
  readonly question?: string;
  /** Needs deeper reasoning → the complex model (Sonnet) and tools; default false (Haiku, no tools). */
  readonly complex?: boolean;
  readonly nowMs: number;
  readonly correlationId?: string;
}

export interface ExecutedAction {
  readonly action: ClusterAction;
  readonly result: ClusterActionResult;
}

/** `failed`: the gate decided, but a step carrying it out (execute, notify, escalate) threw; see `failures`. */
export const DecisionStatus = { decided: 'decided', unavailable: 'unavailable', failed: 'failed' } as const;
export type DecisionStatus = (typeof DecisionStatus)[keyof typeof DecisionStatus];

/** The steps after the prediction that reach outside: the cluster, a human, the escalation queue. */
export const DecisionStep = { execute: 'execute', notify: 'notify', escalate: 'escalate' } as const;
export type DecisionStep = (typeof DecisionStep)[keyof typeof DecisionStep];

export interface StepFailure {
  readonly step: DecisionStep;
  /** The error's message, at most {@link MAX_FAILURE_REASON_CHARS} characters. */
  readonly reason: string;
}

export const MAX_FAILURE_REASON_CHARS = 200;

export interface AgentDecision {
  readonly status: DecisionStatus;
  readonly clusterId: string;
  readonly jobId: string | null;
  readonly probability: number | null;
  readonly waitEstimate: WaitEstimate | null;
  /**
   * The job's wait distribution: quantiles (seconds) at WAIT_QUANTILE_LEVELS; null while the
   * cluster has too few observed waits, or nothing was predicted. Absent from older agent runtimes.
   */
  readonly waitQuantilesSeconds?: readonly number[] | null;
  readonly scope: ActionScope;
  /** The tier the gate let the agent carry out (null when it may not act). */
  readonly tier: Tier | null;
  /** The tier the forecast asks for, whatever the calibration (what an escalation proposes). */
  readonly requestedTier: Tier | null;
  readonly outcome: GateOutcome | 'unavailable';
  readonly intervention: Intervention;
  /** The calibration score in [0, 1]; 0 when unmeasured or when nothing could be predicted. */
  readonly confidence: number;
  readonly calibrated: boolean;
  readonly proposedAction: ClusterAction | null;
  readonly executedActions: readonly ExecutedAction[];
  readonly escalationId: string | null;
  readonly notified: boolean;
  /** Steps that threw (empty when status is not `failed`); each is also in `reasons`. */
  readonly failures: readonly StepFailure[];
  readonly reasons: readonly string[];
  /** The answer in words (from the explanation). */
  readonly answer: string;
  readonly explanation: Omit<Explanation, 'text' | 'toolRequests'> | null;
  readonly refusedModelActions: readonly RefusedModelAction[];
  readonly observed: ClusterSummary | null;
}

/** "~25m (12m-41m)"; "about 5m" when the interval reads as one value at this precision (never "5m (5m-5m)"). */
export function waitText(wait: WaitEstimate | null): string {
  if (wait === null) return 'no wait estimate';
  const [point, lower, upper] = [wait.pointSeconds, wait.lowerSeconds, wait.upperSeconds].map(compactDuration);
  return lower === upper ? `about ${point}` : `~${point} (${lower}-${upper})`;
}

export async function observePredictDecide(
  deps: AgentDeps,
  request: ObservePredictDecideRequest,
): Promise<AgentDecision> {
  const { logger, gate } = deps.learning;
  const jobId = request.jobId ?? null;

  let state: ClusterState;
  try {
    state = await observeCluster(deps.observer, request.clusterId, request.job, deps.observeTimeoutMs);
  } catch (error) {
    if (!(error instanceof SourceUnavailableError)) throw error;
    return unavailable(deps, request, error.message);
  }
  const observed = summariseCluster(state);

  const predicted = await predictJob(deps.learning, {
    clusterId: request.clusterId,
    jobId: jobId ?? `what-if-${request.nowMs}`,
    features: state.features,
    nowMs: request.nowMs,
    store: jobId !== null,
    logDecision: false,
  });
  const { prediction, decision, calibration } = predicted;

  // Act on the tier the gate allows; otherwise propose the tier the forecast asks for.
  const actingTier = decision.tier ?? decision.requestedTier;
  const intervention = interventionFor(actingTier);
  const proposal = proposedAction(actingTier, {
    probability: prediction.probability,
    waitText: waitText(prediction.waitEstimate),
    priority: request.job.priority ?? null,
  });
  const action: ClusterAction | null =
    proposal === null || jobId === null
      ? null
      : {
          kind: proposal.kind,
          clusterId: request.clusterId,
          jobId,
          reason: proposal.reason,
          ...(proposal.value === undefined ? {} : { value: proposal.value }),
        };

  const executedActions: ExecutedAction[] = [];
  let escalationId: string | null = null;
  let notified = false;
  const reasons = [...decision.reasons];
  const failures: StepFailure[] = [];
  // The prediction is stored by now: whatever a later step throws is recorded in the decision,
  // so the one gate.decision line below is always written (the audit trail never has a hole).
  const attempt = async <T>(step: DecisionStep, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).slice(0, MAX_FAILURE_REASON_CHARS);
      failures.push({ step, reason });
      reasons.push(`${step} failed: ${reason}`);
      logger.error('agent.step_failed', {
        clusterId: request.clusterId,
        jobId,
        correlationId: request.correlationId,
        step,
        error: reason,
      });
      return undefined;
    }
  };
  const notify = async (message: Parameters<AgentDeps['notifier']['notify']>[0]): Promise<void> => {
    notified = (await attempt(DecisionStep.notify, () => deps.notifier.notify(message).then(() => true))) === true;
  };
  if (action !== null && decision.mayActWithoutHuman) {
    const result = await attempt(DecisionStep.execute, () => deps.actions.execute(action, { dryRun: deps.dryRun }));
    if (result !== undefined) {
      executedActions.push({ action, result });
      reasons.push(`${action.kind} on job ${action.jobId}: ${result.status} (${result.detail})`);
    }
    if (decision.outcome === GateOutcome.actAndNotify) {
      // The human is told either way: what was done, or that doing it failed.
      await notify({
        subject: `vgac acted on ${request.clusterId}`,
        text: `${action.reason} → ${result?.status ?? `failed (${failures.at(-1)?.reason ?? 'unknown'})`}`,
        clusterId: request.clusterId,
      });
    }
  } else if (action !== null && decision.outcome === GateOutcome.escalate) {
    const proposedId = deps.newId();
    const escalation: Escalation = {
      escalationId: proposedId,
      clusterId: request.clusterId,
      jobId: action.jobId,
      action,
      probability: prediction.probability,
      scope: decision.scope,
      reasons: decision.reasons,
      status: 'pending',
      createdAtMs: request.nowMs,
      decidedBy: null,
      decidedAtMs: null,
      result: null,
      history: [
        { atMs: request.nowMs, by: 'gate', status: 'pending', note: `proposed ${action.kind}: ${action.reason}` },
      ],
    };
    const created = await attempt(DecisionStep.escalate, () => deps.escalations.create(escalation).then(() => true));
    // No stored escalation → nothing for a human to approve: no buttons pointing at nothing.
    if (created === true) {
      escalationId = proposedId;
      reasons.push(`escalation ${escalationId} waits for a human`);
      await notify({
        subject: `vgac needs a decision on ${request.clusterId}`,
        text: action.reason,
        clusterId: request.clusterId,
        escalationId,
      });
    }
  } else if (proposal !== null && jobId === null) {
    reasons.push(`what-if question: ${proposal.kind} would be proposed for a submitted job; nothing done`);
  }

  const calibrated = decision.scope === ActionScope.autonomous || decision.scope === ActionScope.notify;
  const promptFacts: PromptFacts = {
    clusterId: request.clusterId,
    queuedJobs: observed.queuedJobs,
    utilisationPercent: observed.utilisationPercent,
    requestedGpus: request.job.gpus,
    probability: prediction.probability,
    waitPointSeconds: prediction.waitEstimate?.pointSeconds ?? null,
    waitLowerSeconds: prediction.waitEstimate?.lowerSeconds ?? null,
    waitUpperSeconds: prediction.waitEstimate?.upperSeconds ?? null,
    scope: decision.scope,
  };
  const facts: ExplanationFacts = {
    clusterId: request.clusterId,
    queuedJobs: observed.queuedJobs,
    utilisationPercent: observed.utilisationPercent,
    requestedGpus: request.job.gpus,
    probability: prediction.probability,
    waitEstimate: prediction.waitEstimate,
    scope: decision.scope,
    tier: decision.tier,
    intervention,
    calibrated,
    ece: calibration.evidence?.ece ?? null,
    outcomeCount: calibration.outcomes,
    minOutcomes: gate.minOutcomes,
  };
  const complex = request.complex === true;
  const executedKinds = executedActions.map((executed) => executed.action.kind);
  const toolRun = modelToolRunner(deps, {
    clusterId: request.clusterId,
    nowMs: request.nowMs,
    executedKinds,
    escalationId,
    scope: decision.scope,
    tier: decision.tier,
  });
  let explanation: Explanation;
  try {
    explanation = await explain(deps.reasoning, {
      clusterId: request.clusterId,
      system: EXPLAIN_SYSTEM_PROMPT,
      prompt:
        request.question === undefined ? predictionPrompt(promptFacts) : questionPrompt(request.question, promptFacts),
      maxOutputTokens: EXPLANATION_MAX_OUTPUT_TOKENS,
      facts,
      complex,
      nowMs: request.nowMs,
      ...(complex ? { tools: modelToolSpecs(), runTool: toolRun.run } : {}),
    });
  } catch (error) {
    // The decision stands without words from the model: the templates say the same facts.
    logger.error('agent.explain_failed', {
      clusterId: request.clusterId,
      error: error instanceof Error ? error.message : String(error),
    });
    explanation = {
      text: answerText(answerFactsOf(facts)),
      source: ExplanationSource.offline,
      modelId: null,
      degraded: 'explanation unavailable',
      inputTokens: 0,
      outputTokens: 0,
      toolRequests: [],
    };
  }
  const refusedModelActions = toolRun.refused();
  for (const refused of refusedModelActions)
    reasons.push(`model asked for ${refused.tool}: refused (${refused.reason})`);

  const { text, toolRequests: _toolRequests, ...explanationMeta } = explanation;
  const result: AgentDecision = {
    status: failures.length === 0 ? DecisionStatus.decided : DecisionStatus.failed,
    clusterId: request.clusterId,
    jobId,
    probability: prediction.probability,
    waitEstimate: prediction.waitEstimate,
    waitQuantilesSeconds: predicted.waitDistribution.quantilesSeconds,
    scope: decision.scope,
    tier: decision.tier,
    requestedTier: decision.requestedTier,
    outcome: decision.outcome,
    intervention,
    confidence:
      calibration.evidence === null || decision.scope === ActionScope.learning
        ? 0
        : calibrationScore(calibration.evidence.upper, gate),
    calibrated,
    proposedAction: action,
    executedActions,
    escalationId,
    notified,
    failures,
    reasons,
    answer: text,
    explanation: explanationMeta,
    refusedModelActions,
    observed,
  };
  logger.info(GATE_DECISION_EVENT, {
    clusterId: request.clusterId,
    jobId,
    correlationId: request.correlationId,
    ...gateAuditEvent(predicted.gateInput, decision, gate),
    status: result.status,
    failures,
    reasons,
    intervention,
    proposedAction: action?.kind ?? null,
    executed: executedActions.map((executed) => `${executed.action.kind}:${executed.result.status}`),
    escalationId,
    notified,
    explanationSource: explanation.source,
    refusedModelActions: refusedModelActions.map((refused) => refused.tool),
  });
  return result;
}

function unavailable(deps: AgentDeps, request: ObservePredictDecideRequest, reason: string): AgentDecision {
  const reasons = [`cannot predict now: ${reason}`, 'scope escalate: no action without a prediction'];
  deps.learning.logger.info(GATE_DECISION_EVENT, {
    clusterId: request.clusterId,
    jobId: request.jobId ?? null,
    correlationId: request.correlationId,
    event: GATE_DECISION_EVENT,
    probability: null,
    scope: ActionScope.escalate,
    tier: null,
    outcome: 'unavailable',
    mayActWithoutHuman: false,
    reasons,
    intervention: 'none',
    executed: [],
    escalationId: null,
  });
  return {
    status: DecisionStatus.unavailable,
    clusterId: request.clusterId,
    jobId: request.jobId ?? null,
    probability: null,
    waitEstimate: null,
    waitQuantilesSeconds: null,
    scope: ActionScope.escalate,
    tier: null,
    requestedTier: null,
    outcome: 'unavailable',
    intervention: 'none',
    confidence: 0,
    calibrated: false,
    proposedAction: null,
    executedActions: [],
    escalationId: null,
    notified: false,
    failures: [],
    reasons,
    answer: cannotPredictText(request.clusterId, reason),
    explanation: null,
    refusedModelActions: [],
    observed: null,
  };
}
