/**
 * Step 1 of the scheduled recalibration workflow: for every known cluster, fold its pending
 * outcomes (the learning loop judges drift and scope as it folds), and say which clusters have
 * maintenance due (a retrain, a checkpoint) and which changed enough that a human should hear about
 * it. The maintenance itself is the next step (`maintainCluster`), so each workflow task stays
 * short and retryable. One cluster failing does not stop the others: it is listed with `notify` and
 * its error.
 */
import type { ActionScope, DriftStatus } from '../../core/gating/gate-config.ts';
import { DriftStatus as Drift } from '../../core/gating/gate-config.ts';
import { maintenanceDue } from '../../core/learning/learning-state.ts';
import { foldPendingOutcomes } from './fold-pending-outcomes.ts';
import type { LearningDeps } from './learning-deps.ts';

export interface ClusterDriftCheck {
  readonly clusterId: string;
  /** Maintenance (a retrain, a checkpoint) is due: the workflow runs the Recalibrate task for it. */
  readonly recalibrate: boolean;
  /** Something a human should hear about changed (scope, drift, or the check failed). */
  readonly notify: boolean;
  /** Which maintenance is due, when some is. */
  readonly refit?: 'retrain' | 'checkpoint';
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
export async function listClustersForRecalibration(
  deps: LearningDeps,
  request: ListClustersForRecalibrationRequest,
): Promise<ClusterDriftCheck[]> {
  const clusterIds = await deps.registry.list();
  const checks: ClusterDriftCheck[] = [];
  for (const clusterId of clusterIds) {
    checks.push(await checkOne(deps, clusterId, request));
  }
  return checks;
}

async function checkOne(
  deps: LearningDeps,
  clusterId: string,
  request: ListClustersForRecalibrationRequest,
): Promise<ClusterDriftCheck> {
  let previousScope: ActionScope | null = null;
  try {
    previousScope = (await deps.calibration.current(clusterId))?.scope ?? null;
    // The workflow runs maintenance itself in its next step: this fold schedules none.
    const fold = await foldPendingOutcomes({ ...deps, maintenance: undefined }, { clusterId, nowMs: request.nowMs });
    const record = await deps.learning.load(clusterId);
    const calibration = await deps.calibration.current(clusterId);
    if (record === undefined || calibration === undefined) {
      return {
        clusterId,
        recalibrate: false,
        notify: false,
        ece: null,
        sampleCount: 0,
        previousScope,
        scope: previousScope,
        driftStatus: null,
        reasons: ['not registered'],
      };
    }
    const due = maintenanceDue(record.state, deps.policy);
    const scopeChanged = previousScope !== null && previousScope !== calibration.scope;
    const autonomyChanged = fold.changes.some((change) => change.autonomy !== 'unchanged');
    const check: ClusterDriftCheck = {
      clusterId,
      recalibrate: due,
      notify: scopeChanged || autonomyChanged || NOTIFY_DRIFT.has(calibration.driftStatus),
      ...(due ? { refit: record.state.retrainDue ? ('retrain' as const) : ('checkpoint' as const) } : {}),
      ece: calibration.evidence?.ece ?? null,
      sampleCount: calibration.evidence?.count ?? 0,
      previousScope,
      scope: calibration.scope,
      driftStatus: calibration.driftStatus,
      reasons: calibration.reasons,
    };
    deps.logger.info('drift.checked', { ...check, folded: fold.folded });
    return check;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error('drift.check_failed', { clusterId, error: message });
    return {
      clusterId,
      recalibrate: false,
      notify: true,
      ece: null,
      sampleCount: 0,
      previousScope,
      scope: null,
      driftStatus: null,
      reasons: [],
      error: message,
    };
  }
}
