/**
 * What the dashboard's routes return (snake_case), one function per part: calibration history,
 * recent predictions against outcomes, PSI of key features, and budget burn. The per-part routes
 * (`/api/clusters/{id}/history|predictions|psi`, `/api/budget`) and the aggregate
 * `/api/dashboard` are both made of these, so they cannot drift apart.
 */
import { BUDGET_ALLOCATION, TOTAL_BUDGET_USD } from '../../core/budget/budget-allocation.ts';
import { MICRO_USD_PER_USD } from '../../core/budget/model-call-cost.ts';
import { DEFAULT_GATE_CONFIG } from '../../core/gating/gate-config.ts';
import { checkWaitQuantiles, waitCdf } from '../../core/conformal/wait-distribution.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { populationStabilityIndex, PSI_BINS } from '../../core/metrics/psi.ts';
import type { FeatureReference } from '../../core/model/bundle.ts';
import { CALENDAR_FEATURES, featureShifts, psiNoise } from '../../core/model/feature-reference.ts';
import { UnknownClusterError } from '../errors.ts';
import { numericFeatureColumns } from '../learning/feature-columns.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { LedgerSnapshot } from '../ports/budget-ledger.ts';
import type { CalibrationHistoryPoint } from '../records/calibration-history-point.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { PredictionRecord } from '../records/prediction-record.ts';
import { waitQuantilesOf } from './vgac-prediction.ts';

/** Recent predictions PSI is computed on. */
export const PSI_RECENT_JOBS = 200;
/** Fewer recent jobs than this: no PSI (too few to bin). */
export const PSI_MIN_JOBS = 30;
/** A feature's PSI is a shift only above its sampling noise at this confidence (and SPEC's 0.1); calendar features are never shown. */
export const PSI_NOISE_LEVEL = 0.95;

/**
 * Training values of each key numeric feature (what PSI compares recent jobs against): the fallback
 * for an active bundle without a stored `featureReference` (bundles trained before it existed).
 */
export type PsiReference = (clusterId: string) => Readonly<Record<string, ArrayLike<number>>> | undefined;

export function historyPointView(point: CalibrationHistoryPoint): Record<string, unknown> {
  return {
    at_ms: point.atMs,
    ece: point.ece,
    ece_interval:
      point.eceLower === null || point.eceUpper === null ? null : { lower: point.eceLower, upper: point.eceUpper },
    brier: point.brier,
    auroc: point.auroc,
    sample_count: point.sampleCount,
    outcome_count: point.outcomeCount,
    scope: point.scope,
    drift_status: point.driftStatus,
    qualified_tiers: point.qualifiedTiers,
    action: point.action,
    active_bundle_version: point.activeBundleVersion,
  };
}

/** The horizons (seconds from the prediction) whose P(start within) each listed prediction carries: 1 h and 4 h. */
export const START_WITHIN_HORIZONS_SECONDS: readonly number[] = Object.freeze([3_600, 14_400]);

/**
 * The quantiles issued with a prediction when they form a distribution, else null (none issued:
 * the cluster had too few observed waits; or a stored record that does not hold one).
 */
function issuedQuantiles(prediction: PredictionRecord): readonly number[] | null {
  const quantiles = prediction.waitDistribution?.quantilesSeconds ?? null;
  if (quantiles === null) return null;
  try {
    checkWaitQuantiles(quantiles);
    return quantiles;
  } catch (error) {
    if (error instanceof InvalidInputError) return null;
    throw error;
  }
}

/**
 * A stored prediction as the dashboard lists it: what was issued (P(long wait), the wait estimate,
 * the wait distribution's quantiles and P(start within) each of {@link START_WITHIN_HORIZONS_SECONDS},
 * read from that distribution's CDF) and the outcome once known.
 */
export function predictionView(prediction: PredictionRecord): Record<string, unknown> {
  const quantiles = issuedQuantiles(prediction);
  const cdf = quantiles === null ? null : waitCdf(quantiles);
  return {
    job_id: prediction.jobId,
    predicted_at_ms: prediction.predictedAtMs,
    probability: prediction.probability,
    wait_estimate:
      prediction.waitEstimate === null
        ? null
        : {
            point_seconds: prediction.waitEstimate.pointSeconds,
            lower_seconds: prediction.waitEstimate.lowerSeconds,
            upper_seconds: prediction.waitEstimate.upperSeconds,
            coverage: prediction.waitEstimate.coverage,
          },
    wait_quantiles: waitQuantilesOf(quantiles),
    p_start_within:
      cdf === null ? null : START_WITHIN_HORIZONS_SECONDS.map((seconds) => ({ seconds, probability: cdf(seconds) })),
    scope: prediction.scope,
    tier: prediction.tier,
    bundle_version: prediction.bundleVersion,
    outcome:
      prediction.outcome === undefined
        ? null
        : {
            wait_seconds: prediction.outcome.waitSeconds,
            long_wait: prediction.outcome.longWait,
            observed_at_ms: prediction.outcome.observedAtMs,
          },
  };
}

export interface PsiDeps {
  /** With `bundles` and `cache`, PSI uses the active bundle's stored training reference when it has one. */
  readonly learning: Pick<LearningDeps, 'predictions'> & Partial<Pick<LearningDeps, 'bundles' | 'cache' | 'gate'>>;
  readonly psiReference?: PsiReference;
}

/** The active bundle's stored feature reference, or null (no bundle store wired, or a bundle without one). */
async function storedReference(deps: PsiDeps, calibration: CalibrationRecord): Promise<FeatureReference | null> {
  const { learning } = deps;
  if (learning.bundles === undefined || learning.cache === undefined) return null;
  const { bundle } = await learning.cache.load(
    learning.bundles,
    calibration.clusterId,
    calibration.activeBundleVersion,
  );
  return bundle.featureReference ?? null;
}

/**
 * PSI of each key numeric feature of the cluster's {@link PSI_RECENT_JOBS} most recent jobs
 * against the active bundle's training reference (or the wiring's fallback), largest first.
 * Reads the recent predictions only when a reference is known.
 */
export async function psiView(deps: PsiDeps, calibration: CalibrationRecord): Promise<Record<string, unknown>> {
  const clusterId = calibration.clusterId;
  const stored = await storedReference(deps, calibration);
  const fallback = stored === null ? deps.psiReference?.(clusterId) : undefined;
  if (stored === null && fallback === undefined) {
    return {
      cluster_id: clusterId,
      available: false,
      reason: 'no training distribution is known for this cluster',
      reference: null,
      features: [],
    };
  }
  const recent = await deps.learning.predictions.recent(clusterId, { limit: PSI_RECENT_JOBS });
  const threshold = deps.learning.gate?.psiShift ?? DEFAULT_GATE_CONFIG.psiShift;
  const features =
    stored !== null
      ? featureShifts(
          stored,
          numericFeatureColumns(
            recent,
            stored.features.map((bins) => bins.feature),
          ),
          threshold,
          PSI_NOISE_LEVEL,
        ).flatMap((shift) => {
          const rows = numericFeatureColumns(recent, [shift.feature])[shift.feature]?.length ?? 0;
          return rows < PSI_MIN_JOBS
            ? []
            : [
                {
                  name: shift.feature,
                  psi: shift.psi,
                  noise_psi: shift.noisePsi,
                  significant: shift.significant,
                  recent_jobs: rows,
                },
              ];
        })
      : Object.entries(fallback ?? {}).flatMap(([name, expected]) => {
          const actual = numericFeatureColumns(recent, [name])[name] ?? new Float64Array(0);
          if (CALENDAR_FEATURES.has(name) || actual.length < PSI_MIN_JOBS || expected.length === 0) return [];
          const psi = populationStabilityIndex(expected, actual);
          const noise = psiNoise(PSI_BINS, actual.length, expected.length, PSI_NOISE_LEVEL);
          return [
            { name, psi, noise_psi: noise, significant: psi > threshold && psi > noise, recent_jobs: actual.length },
          ];
        });
  return {
    cluster_id: clusterId,
    available: features.length > 0,
    reason: features.length > 0 ? null : `fewer than ${PSI_MIN_JOBS} recent jobs`,
    // Where the training distribution came from: the active bundle, or the wiring's fallback.
    reference: stored !== null ? 'bundle' : 'fallback',
    features: features.sort((left, right) => right.psi - left.psi),
  };
}

/** The calibration of a cluster, or UnknownClusterError. */
export async function requireCalibration(
  learning: Pick<LearningDeps, 'calibration'>,
  clusterId: string,
): Promise<CalibrationRecord> {
  const calibration = await learning.calibration.current(clusterId);
  if (calibration === undefined) throw new UnknownClusterError(clusterId);
  return calibration;
}

/** Budget burn against the seed's allocation, from one ledger snapshot. */
export function budgetView(snapshot: LedgerSnapshot): Record<string, unknown> {
  return {
    total_budget_usd: TOTAL_BUDGET_USD,
    committed_total_usd: snapshot.committedTotalMicroUsd / MICRO_USD_PER_USD,
    cache_hits: snapshot.cacheHits,
    cache_misses: snapshot.cacheMisses,
    components: BUDGET_ALLOCATION.map((entry) => {
      const state = snapshot.components[entry.component];
      return {
        component: entry.component,
        label: entry.label,
        service: entry.service,
        allocation_usd: entry.allocationUsd,
        committed_usd: (state?.committedMicroUsd ?? 0) / MICRO_USD_PER_USD,
        calls: state?.calls ?? 0,
        input_tokens: state?.inputTokens ?? 0,
        output_tokens: state?.outputTokens ?? 0,
      };
    }),
  };
}
