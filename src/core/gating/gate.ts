import { ACTION_SCOPE_WORDS, capScopeByDrift, classShortfall, scopeFromScore, type ClassShortfall } from './action-scope.ts';
import { calibrationScore } from './calibration-score.ts';
import { formatComparison, formatNumber } from './format-number.ts';
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
import { allowedTier, qualifiedTiers, requestedTier } from './tiers.ts';

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

/** What a use case knows when it asks the gate. */
export interface GateInput {
  /** Calibrated P(long wait) for the job, in [0, 1]. */
  readonly probability: number;
  /** The cluster's current ECE in [0, 1], or null when none has been measured. */
  readonly ece: number | null;
  /** Outcomes in the cluster's window (observed under its active bundle), an integer ≥ 0. */
  readonly outcomeCount: number;
  /**
   * Long waits among those outcomes, an integer in [0, outcomeCount]; null when unknown (a
   * calibration written before the per-class rule: SPEC's rules alone apply, see classShortfall).
   */
  readonly longWaitCount: number | null;
  readonly driftStatus: DriftStatus;
}

export interface GateDecision {
  readonly scope: ActionScope;
  /** The tier the agent may carry out now; null unless the outcome is act or act_and_notify. */
  readonly tier: Tier | null;
  /** The strongest tier the forecast alone asks for (p ≥ ε), whatever the calibration: what an escalation proposes. */
  readonly requestedTier: Tier | null;
  /** Calibration score in [0, 1], or null without an ECE. */
  readonly score: number | null;
  /** Tiers whose ECE prerequisite holds, weakest first. */
  readonly qualifiedTiers: Tier[];
  readonly outcome: GateOutcome;
  /** The agent may carry out `tier` without waiting for a human's approval (act, act_and_notify). */
  readonly mayActWithoutHuman: boolean;
  /** A human must be told: after the agent acts (act_and_notify) or instead of acting (escalate). */
  readonly needsHumanNotice: boolean;
  /** Short sentences, in order: scope, tiers, outcome. */
  readonly reasons: string[];
}

/** The thresholds a gate decision was made under, stored with it. */
export interface GateThresholds {
  readonly minOutcomes: number;
  readonly minOutcomesPerClass: number;
  readonly eceScoreSlope: number;
  readonly autonomousScore: number;
  readonly notifyScore: number;
  readonly tiers: Readonly<Record<Tier, TierThreshold>>;
}

/**
 * The one-line `gate.decision` audit event the app layer logs for every automated action or refusal
 * (STYLE §6): the inputs, the thresholds used and the outcome. The app adds cluster, job and
 * correlation IDs and the timestamp; every field here is plain JSON.
 */
export interface GateAuditEvent {
  readonly event: typeof GATE_DECISION_EVENT;
  readonly probability: number;
  readonly ece: number | null;
  readonly score: number | null;
  readonly outcomeCount: number;
  readonly longWaitCount: number | null;
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
 * 1. score = {@link calibrationScore}(ECE) (null without an ECE);
 * 2. scope = learning below minOutcomes outcomes or without a score, else the score's scope capped by
 *    drift; a scope that would act (autonomous, notify) becomes learning when the window holds fewer
 *    than minOutcomesPerClass long or short waits (our stricter-only addition; see actionScope);
 * 3. the evidence allows the strongest tier with p ≥ ε_a AND ECE ≤ R_a ({@link allowedTier});
 * 4. outcome: scope autonomous with an allowed tier → act; scope notify with an allowed tier →
 *    act_and_notify; otherwise, if p reaches any tier's ε → escalate (a human decides, the agent does
 *    not act); else none.
 *
 * @param config gate thresholds; assumed valid (see parseGateConfig).
 * @throws InvalidInputError when `probability` or `ece` is not in [0, 1], `outcomeCount` is not an
 * integer ≥ 0 or `longWaitCount` is not an integer in [0, outcomeCount].
 */
export function gateDecision(input: GateInput, config: GateConfig = DEFAULT_GATE_CONFIG): GateDecision {
  const { probability, ece, outcomeCount, longWaitCount, driftStatus } = input;
  requireUnitInterval('probability', probability);
  const shortfall = classShortfall(outcomeCount, longWaitCount, config);
  const score = ece === null ? null : calibrationScore(ece, config);

  const reasons: string[] = [];
  let scope: ActionScope;
  if (outcomeCount < config.minOutcomes) {
    scope = ActionScope.learning;
    reasons.push(`learning mode: ${outcomeCount} of ${config.minOutcomes} outcomes observed`);
  } else if (score === null) {
    scope = ActionScope.learning;
    reasons.push(`learning mode: no ECE measured yet (${outcomeCount} outcomes observed)`);
  } else {
    const scoreScope = scopeFromScore(score, config);
    const specScope = capScopeByDrift(scoreScope, driftStatus);
    if (shortfall !== null && specScope !== ActionScope.escalate) {
      // The score would let the agent act, but the window has not seen both kinds of wait.
      scope = ActionScope.learning;
      reasons.push(shortfallReason(shortfall));
    } else {
      scope = specScope;
      reasons.push(scoreReason(score, scoreScope, config));
      if (scope !== scoreScope) reasons.push(`drift ${driftStatus} caps the scope at ${ACTION_SCOPE_WORDS[scope]}`);
    }
  }

  const qualified = qualifiedTiers(ece, config);
  const evidenceTier = allowedTier(probability, ece, config);
  const requested = requestedTier(probability, config);
  if (ece !== null) {
    for (const tier of TIERS_WEAKEST_FIRST) {
      const { maxEce } = config.tiers[tier];
      if (ece > maxEce) {
        const [eceText, maxText] = formatComparison(ece, maxEce);
        reasons.push(`ECE ${eceText} > ${maxText} retires ${tier}`);
      }
    }
    if (evidenceTier !== null) {
      const { minProbability, maxEce } = config.tiers[evidenceTier];
      const [pText, minText] = formatComparison(probability, minProbability);
      const [eceText, maxText] = formatComparison(ece, maxEce);
      reasons.push(`p ${pText} ≥ ${minText} and ECE ${eceText} ≤ ${maxText} qualify ${evidenceTier}`);
    }
  }

  const mayAct = (scope === ActionScope.autonomous || scope === ActionScope.notify) && evidenceTier !== null;
  const tier = mayAct ? evidenceTier : null;
  let outcome: GateOutcome;
  if (tier !== null && scope === ActionScope.autonomous) {
    outcome = GateOutcome.act;
    reasons.push(`act: ${tier} without waiting for a human`);
  } else if (tier !== null) {
    outcome = GateOutcome.actAndNotify;
    reasons.push(`act: ${tier}, then notify a human`);
  } else if (requested !== null) {
    outcome = GateOutcome.escalate;
    reasons.push(`escalate to a human with ${requested}; the agent does not act`);
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
    score,
    qualifiedTiers: qualified,
    outcome,
    mayActWithoutHuman: tier !== null,
    needsHumanNotice: outcome === GateOutcome.actAndNotify || outcome === GateOutcome.escalate,
    reasons,
  };
}

/** E.g. `learning mode: 1 long wait among 50 outcomes; autonomy needs ≥ 5 of each`. */
function shortfallReason(shortfall: ClassShortfall): string {
  const { longWaits, shortWaits, minPerClass } = shortfall;
  const lacking: string[] = [];
  if (longWaits < minPerClass) lacking.push(`${longWaits} long ${longWaits === 1 ? 'wait' : 'waits'}`);
  if (shortWaits < minPerClass) lacking.push(`${shortWaits} short ${shortWaits === 1 ? 'wait' : 'waits'}`);
  return `learning mode: ${lacking.join(' and ')} among ${longWaits + shortWaits} outcomes; autonomy needs ≥ ${minPerClass} of each`;
}

function scoreReason(score: number, scope: ActionScope, config: GateConfig): string {
  if (scope === ActionScope.autonomous) {
    const [scoreText, autonomousText] = formatComparison(score, config.autonomousScore);
    return `score ${scoreText} > ${autonomousText} → ${ACTION_SCOPE_WORDS.autonomous}`;
  }
  if (scope === ActionScope.notify) {
    // Print the score with enough digits to tell it from the nearer bound of (notifyScore, autonomousScore].
    const nearerBound =
      config.autonomousScore - score < score - config.notifyScore ? config.autonomousScore : config.notifyScore;
    const [scoreText] = formatComparison(score, nearerBound);
    return `score ${scoreText} in (${formatNumber(config.notifyScore)}, ${formatNumber(config.autonomousScore)}] → ${ACTION_SCOPE_WORDS.notify}`;
  }
  const [scoreText, notifyText] = formatComparison(score, config.notifyScore);
  return `score ${scoreText} ≤ ${notifyText} → ${ACTION_SCOPE_WORDS.escalate}`;
}

/**
 * Builds the `gate.decision` audit event for a decision: its inputs, the thresholds it was made
 * under (copied, so later config changes cannot rewrite history) and its outcome.
 */
export function gateAuditEvent(input: GateInput, decision: GateDecision, config: GateConfig = DEFAULT_GATE_CONFIG): GateAuditEvent {
  const tiers = Object.fromEntries(
    TIERS_WEAKEST_FIRST.map((tier) => [tier, { minProbability: config.tiers[tier].minProbability, maxEce: config.tiers[tier].maxEce }]),
  ) as Record<Tier, TierThreshold>;
  return {
    event: GATE_DECISION_EVENT,
    probability: input.probability,
    ece: input.ece,
    score: decision.score,
    outcomeCount: input.outcomeCount,
    longWaitCount: input.longWaitCount,
    driftStatus: input.driftStatus,
    thresholds: {
      minOutcomes: config.minOutcomes,
      minOutcomesPerClass: config.minOutcomesPerClass,
      eceScoreSlope: config.eceScoreSlope,
      autonomousScore: config.autonomousScore,
      notifyScore: config.notifyScore,
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
