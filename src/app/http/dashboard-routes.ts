/**
 * The operator dashboard as a Hono sub-app mounted at the root of the one HTTP app:
 * - `GET /`, `/dashboard/dashboard.js`, `/dashboard/dashboard.css`: one static page, one vanilla
 *   ES module, one stylesheet (no framework, no build step), with their content types and a strict
 *   CSP (no inline script or style, same-origin fetches only, no framing);
 * - `GET /api/dashboard`: everything one refresh of the page draws, in one reply with an ETag
 *   (dashboard-snapshot.ts), and the shortest refresh interval the page may poll at;
 * - the per-part JSON routes beyond the main API: calibration history (ECE and Brier over time),
 *   recent predictions against outcomes, PSI of key features against the active bundle's stored
 *   training reference (or, for bundles without one, the training columns the wiring supplies),
 *   and budget burn against the seed's allocation.
 * The assets are read by the entry (app code has no file system) and passed in as text.
 * Schemas are built on first use (`z.lazy`): building zod schemas costs CPU, and a Lambda cold start
 * should pay only for those its first request reads.
 */
import { Hono, type Context } from 'hono';
import { etag, RETAINED_304_HEADERS } from 'hono/etag';
import * as z from 'zod';
import { NotConfiguredError } from '../errors.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { BudgetLedger } from '../ports/budget-ledger.ts';
import type { CalibrationHistoryStore } from '../ports/calibration-history-store.ts';
import type { EscalationStore } from '../ports/escalation-store.ts';
import type { Logger } from '../ports/logger.ts';
import { createDashboardSnapshot } from './dashboard-snapshot.ts';
import {
  budgetView,
  historyPointView,
  predictionView,
  psiView,
  requireCalibration,
  type PsiReference,
} from './dashboard-views.ts';
import { queryOf, validate } from './read-request.ts';
import { ClusterPath } from './request-schemas.ts';

export { PSI_MIN_JOBS, PSI_RECENT_JOBS, type PsiReference } from './dashboard-views.ts';

export interface DashboardAssets {
  readonly indexHtml: string;
  readonly script: string;
  readonly style: string;
}

export interface DashboardDeps {
  /** The page and its script and stylesheet; without them only the JSON routes are served. */
  readonly assets?: DashboardAssets;
  /** With `bundles` and `cache`, PSI uses the active bundle's stored training reference when it has one. */
  readonly learning: Pick<LearningDeps, 'calibration' | 'predictions' | 'registry' | 'learning' | 'gate'> &
    Partial<Pick<LearningDeps, 'bundles' | 'cache'>>;
  readonly history?: CalibrationHistoryStore;
  readonly ledger?: BudgetLedger;
  /** The escalation lists of `GET /api/dashboard` (null there without it). */
  readonly escalations?: EscalationStore;
  readonly psiReference?: PsiReference;
  /**
   * The shortest interval between two dashboard refreshes, ms, announced in every
   * `GET /api/dashboard` reply; the entry sets it from its runtime.
   */
  readonly minRefreshIntervalMs: number;
  readonly logger?: Logger;
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

const LimitQuery = z.lazy(() =>
  z.strictObject({ limit: z.coerce.number().int().min(1).max(MAX_DASHBOARD_ROWS).default(100) }),
);
const NoQuery = z.lazy(() => z.strictObject({}));

function asset(c: Context, body: string, contentType: string): Response {
  c.header('content-type', contentType);
  c.header('content-security-policy', DASHBOARD_CSP);
  c.header('x-content-type-options', 'nosniff');
  c.header('referrer-policy', 'no-referrer');
  c.header('cache-control', 'no-cache');
  return c.body(body);
}

export function createDashboardRoutes(deps: DashboardDeps): Hono {
  const app = new Hono();
  const { assets, learning } = deps;

  if (assets !== undefined) {
    app.get('/', (c) => asset(c, assets.indexHtml, 'text/html; charset=utf-8'));
    // Under /dashboard/: the path API Gateway routes to the API function besides / and /api/.
    app.get('/dashboard/dashboard.js', (c) => asset(c, assets.script, 'text/javascript; charset=utf-8'));
    app.get('/dashboard/dashboard.css', (c) => asset(c, assets.style, 'text/css; charset=utf-8'));
  }

  app.get('/api/clusters/:id/history', async (c) => {
    const { id } = validate(ClusterPath, c.req.param(), 'path');
    const { limit } = queryOf(c, LimitQuery);
    if (deps.history === undefined) throw new NotConfiguredError('calibration history');
    await requireCalibration(learning, id);
    const points = await deps.history.list(id, limit);
    return c.json({ cluster_id: id, points: points.map(historyPointView) });
  });

  app.get('/api/clusters/:id/predictions', async (c) => {
    const { id } = validate(ClusterPath, c.req.param(), 'path');
    const { limit } = queryOf(c, LimitQuery);
    await requireCalibration(learning, id);
    const predictions = await learning.predictions.recent(id, { limit });
    return c.json({ cluster_id: id, predictions: predictions.map(predictionView) });
  });

  app.get('/api/clusters/:id/psi', async (c) => {
    const { id } = validate(ClusterPath, c.req.param(), 'path');
    queryOf(c, NoQuery);
    return c.json(await psiView(deps, await requireCalibration(learning, id)));
  });

  app.get('/api/budget', async (c) => {
    queryOf(c, NoQuery);
    if (deps.ledger === undefined) throw new NotConfiguredError('the budget ledger');
    return c.json(budgetView(await deps.ledger.snapshot()));
  });

  // One request per refresh. The ETag is a hash of the body, so a page that sends it back in
  // If-None-Match gets an empty 304 while nothing changed; CORS headers stay on the 304 (a
  // cross-origin page could not read it otherwise).
  const snapshot = createDashboardSnapshot(deps);
  app.get(
    '/api/dashboard',
    etag({
      retainedHeaders: [
        ...RETAINED_304_HEADERS,
        'access-control-allow-origin',
        'access-control-allow-credentials',
        'access-control-expose-headers',
      ],
    }),
    async (c) => {
      queryOf(c, NoQuery);
      const body = await snapshot();
      c.header('cache-control', 'private, no-cache');
      return c.json(body);
    },
  );

  return app;
}
