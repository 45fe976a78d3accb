import { ActionScope, DEFAULT_GATE_CONFIG, DriftStatus, type GateConfig } from './gate-config.ts';
import { requireCount, requireUnitInterval } from './gate-input-checks.ts';

/** Words for each scope, as reasons and messages print them. */
export const ACTION_SCOPE_WORDS: Readonly<Record<ActionScope, string>> = Object.freeze({
  learning: 'learning mode: escalate only',
  autonomous: 'autonomous',
  notify: 'act and notify',
  escalate: 'escalate, never act',
});

/**
 * The scope a calibration score earns on its own, before drift is considered (SPEC):
 * score > autonomousScore → autonomous; notifyScore < score ≤ autonomousScore → notify; otherwise
 * escalate. With SPEC's defaults 0.85 is notify and 0.60 is escalate.
 *
 * @param score calibration score in [0, 1].
 * @throws InvalidInputError when `score` is not in [0, 1].
 */
export function scopeFromScore(score: number, config: GateConfig = DEFAULT_GATE_CONFIG): ActionScope {
  requireUnitInterval('score', score);
  if (score > config.autonomousScore) return ActionScope.autonomous;
  if (score > config.notifyScore) return ActionScope.notify;
  return ActionScope.escalate;
}

/**
 * Caps a scope by the cluster's drift status: reduce_autonomy caps autonomous at notify; recalibrate
 * forces escalate; none and monitor leave the scope as it is. Learning is never changed (it already
 * escalates only). The result is never more autonomous than the input.
 */
export function capScopeByDrift(scope: ActionScope, driftStatus: DriftStatus): ActionScope {
  if (scope === ActionScope.learning) return scope;
  if (driftStatus === DriftStatus.recalibrate) return ActionScope.escalate;
  if (driftStatus === DriftStatus.reduceAutonomy && scope === ActionScope.autonomous) return ActionScope.notify;
  return scope;
}

/** What {@link actionScope} needs to know about a cluster. */
export interface ActionScopeInput {
  /** Outcomes observed for the cluster so far, an integer ≥ 0. */
  readonly outcomeCount: number;
  /** Calibration score in [0, 1], or null when no ECE has been measured yet. */
  readonly score: number | null;
  readonly driftStatus: DriftStatus;
}

/**
 * How far an agent may act on a cluster's queue (SPEC, "Action scope"): fewer than
 * {@link GateConfig.minOutcomes} outcomes, or no score yet → learning (escalate only); otherwise
 * {@link scopeFromScore}, then capped by {@link capScopeByDrift}.
 *
 * @throws InvalidInputError when `outcomeCount` is not an integer ≥ 0 or `score` is not in [0, 1].
 */
export function actionScope(input: ActionScopeInput, config: GateConfig = DEFAULT_GATE_CONFIG): ActionScope {
  requireCount('outcomeCount', input.outcomeCount);
  if (input.score !== null) requireUnitInterval('score', input.score);
  if (input.outcomeCount < config.minOutcomes || input.score === null) return ActionScope.learning;
  return capScopeByDrift(scopeFromScore(input.score, config), input.driftStatus);
}
