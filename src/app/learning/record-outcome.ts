/**
 * Joins an observed outcome (the job started: wait = start − submit) to its prediction, queues it
 * for the learning state, and folds it — inline before answering, or, when the deps carry a fold
 * scheduler, in the background moments later (the outcome is answered once durably queued).
 * Idempotent by job id: a repeated delivery is answered `duplicate` and never counted twice; one
 * whose first attempt failed after the outcome was stored completes the queueing. The label is the
 * wait against the long-wait threshold of the cluster's current epoch (the calibration as the
 * serving path holds it: see calibration-cache.ts; the fold labels by its own state's threshold).
 */
import { InvalidInputError } from '../../core/errors.ts';
import { UnknownClusterError } from '../errors.ts';
import type { RecordOutcomeResult } from '../ports/prediction-log.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { Outcome } from '../records/prediction-record.ts';
import { foldPendingOutcomes, type FoldSummary } from './fold-pending-outcomes.ts';
import { InlineMaintenanceScheduler } from './inline-maintenance-scheduler.ts';
import type { LearningDeps } from './learning-deps.ts';

export interface RecordOutcomeRequest {
  readonly clusterId: string;
  readonly jobId: string;
  readonly waitSeconds: number;
  readonly nowMs: number;
  /** When the answered prediction may expire, if sooner than its TTL (RecordOutcomeOptions). */
  readonly keepUntilMs?: number;
}

export interface RecordOutcomeResponse {
  readonly result: RecordOutcomeResult;
  /** The fold this call ran (it may have folded other callers' outcomes too); undefined when the fold was scheduled instead. */
  readonly fold?: FoldSummary;
  /** The calibration as it stood when answering (after the inline fold; before a scheduled one). */
  readonly calibration: CalibrationRecord;
}

export async function recordJobOutcome(
  deps: LearningDeps,
  request: RecordOutcomeRequest,
): Promise<RecordOutcomeResponse> {
  if (!Number.isFinite(request.waitSeconds) || request.waitSeconds < 0) {
    throw new InvalidInputError(`waitSeconds must be a finite number ≥ 0, got ${request.waitSeconds}`);
  }
  const calibration = await deps.calibration.current(request.clusterId);
  if (calibration === undefined) throw new UnknownClusterError(request.clusterId);
  // The label the cluster's threshold gives now; the learning state folds only outcomes of
  // forecasts issued in the current epoch (an older one's label meant something else).
  const outcome: Outcome = {
    waitSeconds: request.waitSeconds,
    longWait: request.waitSeconds > calibration.longWaitThresholdSeconds,
    observedAtMs: request.nowMs,
  };
  const result = await deps.predictions.recordOutcome(
    request.clusterId,
    request.jobId,
    outcome,
    request.keepUntilMs === undefined ? {} : { keepUntilMs: request.keepUntilMs },
  );
  if (deps.folds !== undefined) {
    deps.folds.schedule(request.clusterId);
    return { result, calibration };
  }
  const fold = await foldPendingOutcomes(
    { ...deps, maintenance: deps.maintenance ?? new InlineMaintenanceScheduler(deps) },
    { clusterId: request.clusterId, nowMs: request.nowMs },
  );
  // Folded (or being folded) by another caller: the calibration as it stands now.
  if (fold.calibration === undefined) {
    const current = (await deps.calibration.current(request.clusterId)) ?? calibration;
    return { result, fold: { ...fold, calibration: current }, calibration: current };
  }
  return { result, fold, calibration: fold.calibration };
}
