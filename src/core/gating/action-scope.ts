import { InvalidInputError } from '../errors.ts';
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

/** A window that lacks long or short waits, as {@link classShortfall} reports it. */
export interface ClassShortfall {
  /** Long waits in the window, an integer ≥ 0. */
  readonly longWaits: number;
  /** Short waits in the window (outcomes − long waits), an integer ≥ 0. */
  readonly shortWaits: number;
  /** The minimum each class needs ({@link GateConfig.minOutcomesPerClass}). */
  readonly minPerClass: number;
}

/**
 * Our stricter-only addition to SPEC ({@link GateConfig.minOutcomesPerClass}): does an outcome window
 * of `outcomeCount` outcomes, `longWaitCount` of them long waits, lack either class? A window
 * without long waits shows a tiny ECE whatever the model says about the jobs that matter, so its
 * score cannot earn autonomy.
 *
 * @param longWaitCount long waits in the window, an integer in [0, outcomeCount]; null when unknown
 * (a calibration written before the rule existed): the rule does not apply and SPEC's rules alone
 * decide, as they did when that calibration was written.
 * @returns the shortfall when either class has fewer than minOutcomesPerClass outcomes, else null.
 * @throws InvalidInputError when `outcomeCount` is not an integer ≥ 0 or `longWaitCount` is not an
 * integer in [0, outcomeCount].
 */
export function classShortfall(
  outcomeCount: number,
  longWaitCount: number | null,
  config: GateConfig = DEFAULT_GATE_CONFIG,
): ClassShortfall | null {
  requireCount('outcomeCount', outcomeCount);
  if (longWaitCount === null) return null;
  requireCount('longWaitCount', longWaitCount);
  if (longWaitCount > outcomeCount) {
    throw new InvalidInputError(`longWaitCount must be ≤ outcomeCount ${outcomeCount} (got ${longWaitCount})`);
  }
  const shortWaits = outcomeCount - longWaitCount;
  const minPerClass = config.minOutcomesPerClass;
  if (longWaitCount >= minPerClass && shortWaits >= minPerClass) return null;
  return { longWaits: longWaitCount, shortWaits, minPerClass };
}

/** What {@link actionScope} needs to know about a cluster. */
export interface ActionScopeInput {
  /** Outcomes in the cluster's window (observed under its active bundle), an integer ≥ 0. */
  readonly outcomeCount: number;
  /** Long waits among those outcomes, an integer in [0, outcomeCount]; null when unknown (see {@link classShortfall}). */
  readonly longWaitCount: number | null;
  /** Calibration score in [0, 1], or null when no ECE has been measured yet. */
  readonly score: number | null;
  readonly driftStatus: DriftStatus;
}

/**
 * How far an agent may act on a cluster's queue (SPEC, "Action scope"): fewer than
 * {@link GateConfig.minOutcomes} outcomes, or no score yet → learning (escalate only); otherwise
 * {@link scopeFromScore}, then capped by {@link capScopeByDrift}; then, our stricter-only addition,
 * a window short of long or short waits ({@link classShortfall}) turns a scope that would act
 * (autonomous, notify) into learning. Escalate stays escalate: a one-class window can still prove
 * miscalibration, and that verdict is the more informative one.
 *
 * @throws InvalidInputError when `outcomeCount` is not an integer ≥ 0, `longWaitCount` is not an
 * integer in [0, outcomeCount] or `score` is not in [0, 1].
 */
export function actionScope(input: ActionScopeInput, config: GateConfig = DEFAULT_GATE_CONFIG): ActionScope {
  const shortfall = classShortfall(input.outcomeCount, input.longWaitCount, config);
  if (input.score !== null) requireUnitInterval('score', input.score);
  if (input.outcomeCount < config.minOutcomes || input.score === null) return ActionScope.learning;
  const specScope = capScopeByDrift(scopeFromScore(input.score, config), input.driftStatus);
  return shortfall !== null && specScope !== ActionScope.escalate ? ActionScope.learning : specScope;
}
