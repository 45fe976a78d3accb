/**
 * The operator dashboard as a Hono sub-app mounted at the root of the one HTTP app:
 * - `GET /`, `/dashboard.js`, `/dashboard.css`: one static page, one vanilla ES module, one
 *   stylesheet (no framework, no build step), with their content types and a strict CSP (no inline
 *   script or style, same-origin fetches only, no framing);
 * - the JSON the page needs beyond the main API: calibration history (ECE and Brier over time),
 *   recent predictions against outcomes, PSI of key features against the active bundle's stored
 *   training reference (or, for bundles without one, the training columns the wiring supplies), and budget burn against the seed's allocation.
 * The assets are read by the entry (app code has no file system) and passed in as text.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { BUDGET_ALLOCATION, TOTAL_BUDGET_USD } from '../../core/budget/budget-allocation.ts';
import { MICRO_USD_PER_USD } from '../../core/budget/model-call-cost.ts';
import { DEFAULT_GATE_CONFIG } from '../../core/gating/gate-config.ts';
import { populationStabilityIndex, PSI_BINS } from '../../core/metrics/psi.ts';
import { CALENDAR_FEATURES, featureShifts, psiNoise } from '../../core/model/feature-reference.ts';
import { NotConfiguredError, UnknownClusterError } from '../errors.ts';
import { numericFeatureColumns } from '../learning/feature-columns.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { BudgetLedger } from '../ports/budget-ledger.ts';
import type { CalibrationHistoryStore } from '../ports/calibration-history-store.ts';
import type { PredictionRecord } from '../records/prediction-record.ts';
import { queryOf, validate } from './read-request.ts';
import { ClusterPath } from './request-schemas.ts';

export interface DashboardAssets {
  readonly indexHtml: string;
  readonly script: string;
  readonly style: string;
}

/**
 * Training values of each key numeric feature (what PSI compares recent jobs against): the fallback
 * for an active bundle without a stored `featureReference` (bundles trained before it existed).
 */
export type PsiReference = (clusterId: string) => Readonly<Record<string, ArrayLike<number>>> | undefined;

export interface DashboardDeps {
  readonly assets: DashboardAssets;
  /** With `bundles` and `cache`, PSI uses the active bundle's stored training reference when it has one. */
  readonly learning: Pick<LearningDeps, 'calibration' | 'predictions'> & Partial<Pick<LearningDeps, 'bundles' | 'cache' | 'gate'>>;
  readonly history?: CalibrationHistoryStore;
  readonly ledger?: BudgetLedger;
  readonly psiReference?: PsiReference;
}

/** Strict CSP: only this origin's script, style and JSON; nothing inline, no frames, no forms. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Most history points / predictions one request returns. */
export const MAX_DASHBOARD_ROWS = 500;
/** Recent predictions PSI is computed on. */
export const PSI_RECENT_JOBS = 200;
/** Fewer recent jobs than this: no PSI (too few to bin). */
export const PSI_MIN_JOBS = 30;
/** A feature's PSI is a shift only above its sampling noise at this confidence (and SPEC's 0.1); calendar features are never shown. */
export const PSI_NOISE_LEVEL = 0.95;

const LimitQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(MAX_DASHBOARD_ROWS).default(100) });
const NoQuery = z.strictObject({});

function asset(c: Context, body: string, contentType: string): Response {
  c.header('content-type', contentType);
  c.header('content-security-policy', DASHBOARD_CSP);
  c.header('x-content-type-options', 'nosniff');
  c.header('referrer-policy', 'no-referrer');
  c.header('cache-control', 'no-cache');
  return c.body(body);
}

function predictionView(prediction: PredictionRecord): Record<string, unknown> {
  return {
    job_id: prediction.jobId,
    predicted_at_ms: prediction.predictedAtMs,
    probability: prediction.probability,
    wait_estimate: prediction.waitEstimate === null ? null : { point_seconds: prediction.waitEstimate.pointSeconds, lower_seconds: prediction.waitEstimate.lowerSeconds, upper_seconds: prediction.waitEstimate.upperSeconds, coverage: prediction.waitEstimate.coverage },
    scope: prediction.scope,
    tier: prediction.tier,
    bundle_version: prediction.bundleVersion,
    outcome: prediction.outcome === undefined ? null : { wait_seconds: prediction.outcome.waitSeconds, long_wait: prediction.outcome.longWait, observed_at_ms: prediction.outcome.observedAtMs },
  };
}

export function createDashboardRoutes(deps: DashboardDeps): Hono {
  const app = new Hono();
  const { assets, learning } = deps;

  app.get('/', (c) => asset(c, assets.indexHtml, 'text/html; charset=utf-8'));
  app.get('/dashboard.js', (c) => asset(c, assets.script, 'text/javascript; charset=utf-8'));
  app.get('/dashboard.css', (c) => asset(c, assets.style, 'text/css; charset=utf-8'));

  const requireCluster = async (clusterId: string): Promise<void> => {
    if ((await learning.calibration.current(clusterId)) === undefined) throw new UnknownClusterError(clusterId);
  };

  app.get('/api/clusters/:id/history', async (c) => {
    const { id } = validate(ClusterPath, c.req.param(), 'path');
    const { limit } = queryOf(c, LimitQuery);
    if (deps.history === undefined) throw new NotConfiguredError('calibration history');
    await requireCluster(id);
    const points = await deps.history.list(id, limit);
    return c.json({
      cluster_id: id,
      points: points.map((point) => ({
        at_ms: point.atMs,
        ece: point.ece,
        ece_interval: point.eceLower === null || point.eceUpper === null ? null : { lower: point.eceLower, upper: point.eceUpper },
        brier: point.brier,
        auroc: point.auroc,
        sample_count: point.sampleCount,
        outcome_count: point.outcomeCount,
        scope: point.scope,
        drift_status: point.driftStatus,
        qualified_tiers: point.qualifiedTiers,
        action: point.action,
        active_bundle_version: point.activeBundleVersion,
      })),
    });
  });

  app.get('/api/clusters/:id/predictions', async (c) => {
    const { id } = validate(ClusterPath, c.req.param(), 'path');
    const { limit } = queryOf(c, LimitQuery);
    await requireCluster(id);
    const predictions = await learning.predictions.recent(id, { limit });
    return c.json({ cluster_id: id, predictions: predictions.map(predictionView) });
  });

  /** The active bundle's stored feature reference, or null (no bundle store wired, or a bundle without one). */
  const storedReference = async (clusterId: string) => {
    const calibration = await learning.calibration.current(clusterId);
    if (calibration === undefined) throw new UnknownClusterError(clusterId);
    if (learning.bundles === undefined || learning.cache === undefined) return null;
    const { bundle } = await learning.cache.load(learning.bundles, clusterId, calibration.activeBundleVersion);
    return bundle.featureReference ?? null;
  };

  app.get('/api/clusters/:id/psi', async (c) => {
    const { id } = validate(ClusterPath, c.req.param(), 'path');
    queryOf(c, NoQuery);
    const stored = await storedReference(id);
    const fallback = stored === null ? deps.psiReference?.(id) : undefined;
    if (stored === null && fallback === undefined) {
      return c.json({ cluster_id: id, available: false, reason: 'no training distribution is known for this cluster', reference: null, features: [] });
    }
    const recent = await learning.predictions.recent(id, { limit: PSI_RECENT_JOBS });
    const threshold = learning.gate?.psiShift ?? DEFAULT_GATE_CONFIG.psiShift;
    const features = stored !== null
      ? featureShifts(stored, numericFeatureColumns(recent, stored.features.map((bins) => bins.feature)), threshold, PSI_NOISE_LEVEL)
          .flatMap((shift) => {
            const rows = numericFeatureColumns(recent, [shift.feature])[shift.feature]?.length ?? 0;
            return rows < PSI_MIN_JOBS ? [] : [{ name: shift.feature, psi: shift.psi, noise_psi: shift.noisePsi, significant: shift.significant, recent_jobs: rows }];
          })
      : Object.entries(fallback ?? {}).flatMap(([name, expected]) => {
          const actual = numericFeatureColumns(recent, [name])[name] ?? new Float64Array(0);
          if (CALENDAR_FEATURES.has(name) || actual.length < PSI_MIN_JOBS || expected.length === 0) return [];
          const psi = populationStabilityIndex(expected, actual);
          const noise = psiNoise(PSI_BINS, actual.length, expected.length, PSI_NOISE_LEVEL);
          return [{ name, psi, noise_psi: noise, significant: psi > threshold && psi > noise, recent_jobs: actual.length }];
        });
    return c.json({
      cluster_id: id,
      available: features.length > 0,
      reason: features.length > 0 ? null : `fewer than ${PSI_MIN_JOBS} recent jobs`,
      // Where the training distribution came from: the active bundle, or the wiring's fallback.
      reference: stored !== null ? 'bundle' : 'fallback',
      features: features.sort((left, right) => right.psi - left.psi),
    });
  });

  app.get('/api/budget', async (c) => {
    queryOf(c, NoQuery);
    if (deps.ledger === undefined) throw new NotConfiguredError('the budget ledger');
    const snapshot = await deps.ledger.snapshot();
    return c.json({
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
    });
  });

  return app;
}
