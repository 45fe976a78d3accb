/**
 * Everything one dashboard refresh draws, as one JSON document (`GET /api/dashboard`): every
 * cluster's calibration summary and detail with its reliability curve, calibration history,
 * recent predictions against outcomes and PSI; the pending escalations and recent executed
 * decisions; budget burn; and the shortest refresh interval the page may poll at, which the entry
 * sets from its runtime (short locally, longer behind API Gateway, where every request is billed).
 * Built from the same view functions as the per-part routes.
 *
 * What one refresh reads, in steady state (C clusters): the cluster list, each cluster's
 * calibration, newest calibration-history point and 10 newest predictions, the pending and the
 * executed escalation lists, and the budget ledger (on DynamoDB: 6 + 4·C read requests, see
 * `dashboardReadRequests` in the cost model, which an integration test holds to the real
 * adapters). The expensive parts are kept between refreshes
 * and read again only when what they are computed from changed: the history (up to 200 points)
 * when its newest point changed, the reliability curve (the cluster's whole outcome window) when
 * the calibration item changed (every recompute writes a new version, so the curve is the one of
 * the calibration shown next to it), and PSI (200 recent predictions) when a newer prediction
 * arrived or the calibration changed.
 */
import {
  calibrationDetail,
  calibrationSummary,
  reliabilityOfWindow,
  type ReliabilityView,
} from './calibration-view.ts';
import { escalationView } from './cluster-views.ts';
import { budgetView, historyPointView, predictionView, psiView, type PsiReference } from './dashboard-views.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { BudgetLedger } from '../ports/budget-ledger.ts';
import type { CalibrationHistoryStore } from '../ports/calibration-history-store.ts';
import type { EscalationStore } from '../ports/escalation-store.ts';
import type { Logger } from '../ports/logger.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';

/** How much of each part one refresh shows (the page draws exactly these). */
export const DASHBOARD_LIMITS = Object.freeze({
  historyPoints: 200,
  predictions: 10,
  pendingEscalations: 8,
  executedEscalations: 5,
});

export interface DashboardSnapshotDeps {
  readonly learning: Pick<LearningDeps, 'calibration' | 'predictions' | 'registry' | 'learning' | 'gate'> &
    Partial<Pick<LearningDeps, 'bundles' | 'cache'>>;
  readonly history?: CalibrationHistoryStore;
  readonly ledger?: BudgetLedger;
  readonly escalations?: EscalationStore;
  readonly psiReference?: PsiReference;
  /** The shortest interval between two refreshes the page may use, ms; announced in every snapshot. */
  readonly minRefreshIntervalMs: number;
  /** Where a failed optional part (history, PSI) is reported; the part is then null. */
  readonly logger?: Logger;
}

interface Kept {
  readonly key: string;
  readonly value: unknown;
}

/**
 * A function producing the snapshot. It keeps the expensive parts of the last snapshot per
 * cluster (bounded: one entry per part and cluster), so create it once per app.
 */
export function createDashboardSnapshot(deps: DashboardSnapshotDeps): () => Promise<Record<string, unknown>> {
  const kept = new Map<string, Kept>();
  const { learning } = deps;

  async function keptOr<T>(part: string, clusterId: string, key: string, compute: () => Promise<T>): Promise<T> {
    const slot = `${part}\u0000${clusterId}`;
    const previous = kept.get(slot);
    if (previous !== undefined && previous.key === key) return previous.value as T;
    const value = await compute();
    kept.set(slot, { key, value });
    return value;
  }

  async function optional<T>(part: string, clusterId: string, work: () => Promise<T>): Promise<T | null> {
    try {
      return await work();
    } catch (error) {
      deps.logger?.warn('dashboard.part_unavailable', {
        part,
        clusterId,
        error: error instanceof Error ? error.message : String(error),
      });
      return null;
    }
  }

  async function historyOf(clusterId: string): Promise<Record<string, unknown>[] | null> {
    const history = deps.history;
    if (history === undefined) return null;
    return optional('history', clusterId, async () => {
      const newest = await history.list(clusterId, 1);
      const newestAtMs = newest[0]?.atMs;
      if (newestAtMs === undefined) return [];
      return keptOr('history', clusterId, String(newestAtMs), async () =>
        (await history.list(clusterId, DASHBOARD_LIMITS.historyPoints)).map(historyPointView),
      );
    });
  }

  async function clusterOf(calibration: CalibrationRecord): Promise<Record<string, unknown>> {
    const clusterId = calibration.clusterId;
    const [history, predictions] = await Promise.all([
      historyOf(clusterId),
      learning.predictions.recent(clusterId, { limit: DASHBOARD_LIMITS.predictions }),
    ]);
    const newest = predictions[0];
    const [reliability, psi] = await Promise.all([
      keptOr<ReliabilityView>('reliability', clusterId, String(calibration.learningVersion), () =>
        reliabilityOfWindow(learning, calibration),
      ),
      optional('psi', clusterId, () =>
        keptOr(
          'psi',
          clusterId,
          `${calibration.learningVersion}|${newest?.predictedAtMs ?? ''}|${newest?.jobId ?? ''}`,
          () => psiView(deps, calibration),
        ),
      ),
    ]);
    return {
      cluster_id: clusterId,
      summary: calibrationSummary(calibration, learning.gate),
      calibration: { ...calibrationDetail(calibration, learning.gate), reliability },
      history,
      predictions: predictions.map(predictionView),
      psi,
    };
  }

  return async () => {
    const ids = await learning.registry.list();
    const calibrations = (await Promise.all(ids.map((id) => learning.calibration.current(id)))).filter(
      (record) => record !== undefined,
    );
    const { escalations, ledger } = deps;
    const [clusters, pending, executed, budget] = await Promise.all([
      Promise.all(calibrations.map(clusterOf)),
      escalations?.list({ status: 'pending', limit: DASHBOARD_LIMITS.pendingEscalations }),
      escalations?.list({ status: 'executed', limit: DASHBOARD_LIMITS.executedEscalations }),
      ledger?.snapshot(),
    ]);
    return {
      refresh: { min_interval_ms: deps.minRefreshIntervalMs },
      clusters,
      escalations:
        pending === undefined || executed === undefined
          ? null
          : { pending: pending.map(escalationView), executed: executed.map(escalationView) },
      budget: budget === undefined ? null : budgetView(budget),
    };
  };
}
