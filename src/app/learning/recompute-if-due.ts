/**
 * A deferred recompute, run where the scheduler put it (a background task, another Lambda): it
 * re-reads the cluster's calibration first and, for an `outcomes` recompute, runs only if one is
 * still due. A recompute request that arrives twice (SNS delivers at least once; coalesced
 * signals; an outcome burst that scheduled many) therefore recomputes a window once.
 */
import { UnknownClusterError } from '../errors.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { RecomputeReason } from '../ports/recompute-scheduler.ts';
import type { LearningDeps } from './learning-deps.ts';
import { recomputeCalibration, type RecomputeResult } from './recompute-calibration.ts';
import { outcomesUntilRecompute } from './record-outcome.ts';

export interface RecomputeIfDueRequest {
  readonly clusterId: string;
  readonly reason: RecomputeReason;
  /** When the recompute runs (epoch ms). */
  readonly nowMs: number;
}

/** True when the outcomes recorded since the last recompute make the next one due (the rule `recordJobOutcome` applies). */
export function recomputeDue(calibration: CalibrationRecord, deps: Pick<LearningDeps, 'gate'>): boolean {
  const due = outcomesUntilRecompute(calibration, deps.gate.recomputeEveryOutcomes, deps.gate.minOutcomes);
  return calibration.outcomeCount - calibration.outcomesAtLastRecompute >= due;
}

/**
 * Runs `recomputeCalibration` unless `reason` is `outcomes` and no recompute is due any more
 * (→ `skipped`). Throws UnknownClusterError for an unregistered cluster; store failures propagate.
 */
export async function recomputeIfDue(deps: LearningDeps, request: RecomputeIfDueRequest): Promise<RecomputeResult> {
  if (request.reason === 'outcomes') {
    const calibration = await deps.store.getCalibration(request.clusterId);
    if (calibration === undefined) throw new UnknownClusterError(request.clusterId);
    if (!recomputeDue(calibration, deps)) {
      return { status: 'skipped', reason: `no recompute due: ${calibration.outcomeCount - calibration.outcomesAtLastRecompute} outcomes since the last one` };
    }
  }
  return recomputeCalibration(deps, { clusterId: request.clusterId, nowMs: request.nowMs, reason: request.reason });
}
