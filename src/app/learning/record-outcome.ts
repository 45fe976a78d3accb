/**
 * Joins an observed outcome (the job started: wait = start − submit) to its prediction.
 * Idempotent by job id; each new outcome also updates the cluster's online wait interval
 * (update-conformal.ts); every `recomputeEveryOutcomes` new outcomes — sooner while the
 * cluster is still earning its first window — a recompute of the cluster's calibration is due,
 * and it is handed to `deps.recompute` (a RecomputeScheduler): in the background or another
 * invocation where clients wait on the answer, inline when no scheduler is wired.
 */
import { InvalidInputError } from '../../core/errors.ts';
import { ActionScope } from '../../core/gating/gate-config.ts';
import { UnknownClusterError } from '../errors.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { Outcome } from '../records/prediction-record.ts';
import type { RecordOutcomeResult } from '../ports/cluster-store.ts';
import type { LearningDeps } from './learning-deps.ts';
import { InlineRecomputeScheduler } from './inline-recompute-scheduler.ts';
import { updateConformal } from './update-conformal.ts';

export interface RecordOutcomeRequest {
  readonly clusterId: string;
  readonly jobId: string;
  readonly waitSeconds: number;
  /** The label; when omitted it is `waitSeconds > ` the cluster's long-wait threshold. */
  readonly longWait?: boolean;
  readonly nowMs: number;
}

export interface RecordOutcomeResponse {
  readonly result: RecordOutcomeResult;
  /** True when this outcome made a recompute due and it was handed to the scheduler (inline: it has run). */
  readonly recomputeScheduled: boolean;
}

/** New outcomes needed since the last recompute before the next one is due. */
export function outcomesUntilRecompute(calibration: CalibrationRecord, recomputeEvery: number, minOutcomes: number): number {
  const earning = calibration.scope === ActionScope.learning && calibration.sampleCount < minOutcomes;
  return earning ? minOutcomes - calibration.sampleCount : recomputeEvery;
}

export async function recordJobOutcome(deps: LearningDeps, request: RecordOutcomeRequest): Promise<RecordOutcomeResponse> {
  if (!Number.isFinite(request.waitSeconds) || request.waitSeconds < 0) {
    throw new InvalidInputError(`waitSeconds must be a finite number ≥ 0, got ${request.waitSeconds}`);
  }
  const longWait = request.longWait ?? (await longWaitByThreshold(deps, request.clusterId, request.waitSeconds));
  const outcome: Outcome = { waitSeconds: request.waitSeconds, longWait, observedAtMs: request.nowMs };
  const result = await deps.store.recordOutcome(request.clusterId, request.jobId, outcome);
  if (result.status === 'duplicate') return { result, recomputeScheduled: false };
  await updateConformal(deps, { prediction: result.prediction, waitSeconds: request.waitSeconds, nowMs: request.nowMs });

  const calibration = await deps.store.getCalibration(request.clusterId);
  if (calibration === undefined) throw new UnknownClusterError(request.clusterId);
  const due = outcomesUntilRecompute(calibration, deps.gate.recomputeEveryOutcomes, deps.gate.minOutcomes);
  if (result.outcomeCount - calibration.outcomesAtLastRecompute < due) return { result, recomputeScheduled: false };
  // Until the recompute has written, every later outcome also sees it due: the schedulers
  // coalesce (local) or the consumer re-checks (recompute-if-due.ts), so the window is recomputed once.
  const scheduler = deps.recompute ?? new InlineRecomputeScheduler(deps);
  await scheduler.schedule(request.clusterId, 'outcomes', request.nowMs);
  return { result, recomputeScheduled: true };
}

async function longWaitByThreshold(deps: LearningDeps, clusterId: string, waitSeconds: number): Promise<boolean> {
  const profile = await deps.store.getProfile(clusterId);
  if (profile === undefined) throw new UnknownClusterError(clusterId);
  if (profile.longWaitThresholdSeconds === null) {
    throw new InvalidInputError(`cluster '${clusterId}' has no long-wait threshold yet: send longWait with the outcome`);
  }
  return waitSeconds > profile.longWaitThresholdSeconds;
}
