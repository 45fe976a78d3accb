import { ACTION_SCOPE_WORDS } from './action-scope.ts';
import type { CalibrationEvidence } from './calibration-evidence.ts';
import { formatComparison } from './format-number.ts';
import {
  ActionScope,
  DEFAULT_GATE_CONFIG,
  TIERS_WEAKEST_FIRST,
  type DriftStatus,
  type GateConfig,
  type Tier,
  type TierThreshold,
} from './gate-config.ts';
import { requireUnitInterval } from './gate-input-checks.ts';
import { requestedTier } from './tiers.ts';

/** What the gate lets happen, as one word. */
export const GateOutcome = {
  /** The agent carries out `tier` on its own. */
  act: 'act',
  /** The agent carries out `tier`, then tells a human. */
  actAndNotify: 'act_and_notify',
  /** The forecast asks for an intervention the calibration does not let the agent make: a human decides. */
  escalate: 'escalate',
  /** The forecast asks for nothing (p below every tier's ε). */
  none: 'none',
} as const;
export type GateOutcome = (typeof GateOutcome)[keyof typeof GateOutcome];

/** The event name of the one audit line written for every gate decision. */
export const GATE_DECISION_EVENT = 'gate.decision';

/**
 * Where the cluster stands, as its learning loop last judged it from the issued forecasts'
 * evidence (core/learning/learning-decision.ts): the scope, the qualified tiers and why.
 */
export interface ClusterStandingView {
  readonly scope: ActionScope;
  /** Tiers whose ECE prerequisite the evidence meets, weakest first. */
  readonly qualifiedTiers: readonly Tier[];
  readonly driftStatus: DriftStatus;
  /** The standing's reasons, in order. */
  readonly reasons: readonly string[];
  /** The evidence it was judged on (null: none yet). */
  readonly evidence: CalibrationEvidence | null;
  /** Outcomes since onboarding or the last re-baseline. */
  readonly outcomes: number;
}

/** What a use case knows when it asks the gate about one job. */
export interface GateInput {
  /** Calibrated P(long wait) for the job, in [0, 1]. */
  readonly probability: number;
  readonly standing: ClusterStandingView;
}

export interface GateDecision {
  readonly scope: ActionScope;
  /** The tier the agent may carry out now; null unless the outcome is act or act_and_notify. */
  readonly tier: Tier | null;
  /** The strongest tier the forecast alone asks for (p ≥ ε), whatever the calibration: what an escalation proposes. */
  readonly requestedTier: Tier | null;
  /** Tiers whose ECE prerequisite holds, weakest first. */
  readonly qualifiedTiers: Tier[];
  readonly outcome: GateOutcome;
  /** The agent may carry out `tier` without waiting for a human's approval (act, act_and_notify). */
  readonly mayActWithoutHuman: boolean;
  /** A human must be told: after the agent acts (act_and_notify) or instead of acting (escalate). */
  readonly needsHumanNotice: boolean;
  /** Short sentences, in order: the standing's, then this forecast's. */
  readonly reasons: string[];
}

/** The thresholds a gate decision was made under, stored with it. */
export interface GateThresholds {
  readonly minOutcomes: number;
  readonly minOutcomesPerClass: number;
  readonly eceScoreSlope: number;
  readonly autonomousScore: number;
  readonly notifyScore: number;
  readonly evidenceWindow: number;
  readonly boundLevel: number;
  readonly tiers: Readonly<Record<Tier, TierThreshold>>;
}

/**
 * The one-line `gate.decision` audit event the app layer logs for every automated action or refusal
 * (STYLE §6): the forecast, the evidence and the bound the standing rests on, the thresholds in force
 * and the outcome. The app adds cluster, job and correlation IDs and the timestamp.
 */
export interface GateAuditEvent {
  readonly event: typeof GATE_DECISION_EVENT;
  readonly probability: number;
  /** The evidence's ECE, its bounds and size (null: no evidence yet). */
  readonly ece: number | null;
  readonly eceUpperBound: number | null;
  readonly eceLowerBound: number | null;
  readonly evidenceCount: number;
  readonly longWaitCount: number | null;
  /** Which bound a scope or tier is gained on (the upper) — what "autonomy needs proof" means here. */
  readonly boundUsed: 'upper';
  readonly outcomeCount: number;
  readonly driftStatus: DriftStatus;
  readonly thresholds: GateThresholds;
  readonly scope: ActionScope;
  readonly tier: Tier | null;
  readonly requestedTier: Tier | null;
  readonly qualifiedTiers: Tier[];
  readonly outcome: GateOutcome;
  readonly mayActWithoutHuman: boolean;
  readonly needsHumanNotice: boolean;
  readonly reasons: string[];
}

/**
 * Decides what an agent may do about one job's forecast on one cluster (SPEC, "Calibration-gated
 * autonomy"). Deterministic; an LLM may only explain the result.
 *
 * The cluster's scope and qualified tiers come from its standing (judged by the learning loop on
 * the issued forecasts' evidence, with an upper confidence bound and hysteresis). For this job: the
 * strongest qualified tier with p ≥ ε_a is allowed; outcome: scope autonomous with an allowed
 * tier → act; scope notify with an allowed tier → act_and_notify; otherwise, if p reaches any
 * tier's ε → escalate (a human decides, the agent does not act); else none.
 *
 * @param config gate thresholds; assumed valid (see parseGateConfig).
 * @throws InvalidInputError when `probability` is not in [0, 1].
 */
export function gateDecision(input: GateInput, config: GateConfig = DEFAULT_GATE_CONFIG): GateDecision {
  const { probability, standing } = input;
  requireUnitInterval('probability', probability);
  const scope = standing.scope;
  const qualified = TIERS_WEAKEST_FIRST.filter((tier) => standing.qualifiedTiers.includes(tier));
  let allowed: Tier | null = null;
  for (const tier of qualified) if (probability >= config.tiers[tier].minProbability) allowed = tier;
  const requested = requestedTier(probability, config);
  const reasons = [...standing.reasons];
  if (allowed !== null) {
    const [pText, minText] = formatComparison(probability, config.tiers[allowed].minProbability);
    reasons.push(`p ${pText} ≥ ${minText} and the tier's ECE prerequisite met: ${allowed} qualifies`);
  }

  const acting = scope === ActionScope.autonomous || scope === ActionScope.notify;
  const tier = acting ? allowed : null;
  let outcome: GateOutcome;
  if (tier !== null && scope === ActionScope.autonomous) {
    outcome = GateOutcome.act;
    reasons.push(`act: ${tier} without waiting for a human`);
  } else if (tier !== null) {
    outcome = GateOutcome.actAndNotify;
    reasons.push(`act: ${tier}, then notify a human`);
  } else if (requested !== null) {
    outcome = GateOutcome.escalate;
    const why = acting ? `${requested} is not qualified by the evidence` : ACTION_SCOPE_WORDS[scope];
    reasons.push(`escalate to a human with ${requested} (${why}); the agent does not act`);
  } else {
    outcome = GateOutcome.none;
    const lowestMinProbability = Math.min(...TIERS_WEAKEST_FIRST.map((name) => config.tiers[name].minProbability));
    const [pText, minText] = formatComparison(probability, lowestMinProbability);
    reasons.push(`no action: p ${pText} < ${minText}, below every tier`);
  }

  return {
    scope,
    tier,
    requestedTier: requested,
    qualifiedTiers: qualified,
    outcome,
    mayActWithoutHuman: tier !== null,
    needsHumanNotice: outcome === GateOutcome.actAndNotify || outcome === GateOutcome.escalate,
    reasons,
  };
}

/**
 * Builds the `gate.decision` audit event for a decision: its inputs, the evidence and bound behind
 * the standing, the thresholds it was made under (copied, so later config changes cannot rewrite
 * history) and its outcome.
 */
export function gateAuditEvent(
  input: GateInput,
  decision: GateDecision,
  config: GateConfig = DEFAULT_GATE_CONFIG,
): GateAuditEvent {
  const tiers = Object.fromEntries(
    TIERS_WEAKEST_FIRST.map((tier) => [
      tier,
      { minProbability: config.tiers[tier].minProbability, maxEce: config.tiers[tier].maxEce },
    ]),
  ) as Record<Tier, TierThreshold>;
  const evidence = input.standing.evidence;
  return {
    event: GATE_DECISION_EVENT,
    probability: input.probability,
    ece: evidence?.ece ?? null,
    eceUpperBound: evidence?.upper ?? null,
    eceLowerBound: evidence?.lower ?? null,
    evidenceCount: evidence?.count ?? 0,
    longWaitCount: evidence?.longWaits ?? null,
    boundUsed: 'upper',
    outcomeCount: input.standing.outcomes,
    driftStatus: input.standing.driftStatus,
    thresholds: {
      minOutcomes: config.minOutcomes,
      minOutcomesPerClass: config.minOutcomesPerClass,
      eceScoreSlope: config.eceScoreSlope,
      autonomousScore: config.autonomousScore,
      notifyScore: config.notifyScore,
      evidenceWindow: config.evidenceWindow,
      boundLevel: config.boundLevel,
      tiers,
    },
    scope: decision.scope,
    tier: decision.tier,
    requestedTier: decision.requestedTier,
    qualifiedTiers: [...decision.qualifiedTiers],
    outcome: decision.outcome,
    mayActWithoutHuman: decision.mayActWithoutHuman,
    needsHumanNotice: decision.needsHumanNotice,
    reasons: [...decision.reasons],
  };
}
