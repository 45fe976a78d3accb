/**
 * Step 1 of the scheduled recalibration workflow: recompute every known cluster's calibration
 * and drift (writing the measured metrics), and say which clusters need a refit and which
 * changed enough that a human should hear about it. The refit itself is left to the next step
 * (`recomputeCalibration` with refit allowed), so each workflow task stays short and retryable.
 * One cluster failing does not stop the others: it is listed with `notify` and its error.
 */
import type { ActionScope, DriftStatus } from '../../core/gating/gate-config.ts';
import { DriftStatus as Drift } from '../../core/gating/gate-config.ts';
import type { LearningDeps } from './learning-deps.ts';
import { recomputeCalibration } from './recompute-calibration.ts';

export interface ClusterDriftCheck {
  readonly clusterId: string;
  /** A recalibration or retrain is due: the workflow runs the Recalibrate task for it. */
  readonly recalibrate: boolean;
  /** Something a human should hear about changed (scope, drift, or the check failed). */
  readonly notify: boolean;
  /** Which refit is due, when one is. */
  readonly refit?: 'recalibrate' | 'retrain';
  readonly ece: number | null;
  readonly sampleCount: number;
  readonly previousScope: ActionScope | null;
  readonly scope: ActionScope | null;
  readonly driftStatus: DriftStatus | null;
  readonly reasons: readonly string[];
  /** Set when this cluster's check failed (the message only, never a payload). */
  readonly error?: string;
}

export interface ListClustersForRecalibrationRequest {
  readonly nowMs: number;
}

/** Drift levels worth telling a human about even when the scope did not change. */
const NOTIFY_DRIFT: ReadonlySet<DriftStatus> = new Set([Drift.reduceAutonomy, Drift.recalibrate]);

/** Checks every cluster, one after another (the table is on demand: no burst). */
export async function listClustersForRecalibration(deps: LearningDeps, request: ListClustersForRecalibrationRequest): Promise<ClusterDriftCheck[]> {
  const clusterIds = await deps.store.listClusters();
  const checks: ClusterDriftCheck[] = [];
  for (const clusterId of clusterIds) {
    checks.push(await checkOne(deps, clusterId, request));
  }
  return checks;
}

async function checkOne(deps: LearningDeps, clusterId: string, request: ListClustersForRecalibrationRequest): Promise<ClusterDriftCheck> {
  let previousScope: ActionScope | null = null;
  try {
    previousScope = (await deps.store.getCalibration(clusterId))?.scope ?? null;
    const result = await recomputeCalibration(deps, {
      clusterId,
      nowMs: request.nowMs,
      reason: 'schedule',
      refit: false,
    });
    if (result.status === 'skipped') {
      deps.logger.info('drift.check_skipped', { clusterId, reason: result.reason });
      return { clusterId, recalibrate: false, notify: false, ece: null, sampleCount: 0, previousScope, scope: previousScope, driftStatus: null, reasons: [result.reason] };
    }
    const { calibration } = result;
    const scopeChanged = previousScope !== null && previousScope !== calibration.scope;
    const check: ClusterDriftCheck = {
      clusterId,
      recalibrate: result.refitDue !== undefined,
      notify: scopeChanged || NOTIFY_DRIFT.has(calibration.driftStatus),
      ...(result.refitDue === undefined ? {} : { refit: result.refitDue }),
      ece: calibration.ece,
      sampleCount: calibration.sampleCount,
      previousScope,
      scope: calibration.scope,
      driftStatus: calibration.driftStatus,
      reasons: result.reasons,
    };
    deps.logger.info('drift.checked', { ...check });
    return check;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error('drift.check_failed', { clusterId, error: message });
    return { clusterId, recalibrate: false, notify: true, ece: null, sampleCount: 0, previousScope, scope: null, driftStatus: null, reasons: [], error: message };
  }
}
