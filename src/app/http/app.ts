/**
 * The ONE web-standard HTTP app (request in, response out): served by @hono/node-server locally
 * and wrapped by `hono/aws-lambda` behind API Gateway (HTTP API, payload v2) — unchanged.
 *
 * - `/api/*`: the VGAC-compatible prediction API, clusters and calibration, escalations,
 *   outcomes, queue transitions pushed by `vgac agent`; JSON in and out, zod-validated, API key in `x-api-key` when configured.
 * - `/health`: liveness and the dependencies failing now (503 `degraded` naming them), no key.
 * - `/slack/*`: the Slack app (its own signature check instead of the API key).
 * - mounted sub-apps: the AgentCore contract (`/ping` open; `/invocations` checks the same API
 *   key itself, see agentcore-routes.ts), the dashboard.
 * Every error leaves through `mapError` (one table): client mistakes are 4xx with a JSON body
 * saying what was wrong, never a 500.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { InvalidRequestError, NotConfiguredError, UnknownClusterError } from '../errors.ts';
import { ingestQueueEvents } from '../collection/ingest-queue-events.ts';
import { QueueEventsBody, queueEventsOf } from '../collection/queue-event-wire.ts';
import { QueueStateBody } from '../collection/queue-state-wire.ts';
import { storeQueueState } from '../collection/store-queue-state.ts';
import { recordJobOutcome } from '../learning/record-outcome.ts';
import { apiKeyAuth, API_KEY_HEADER } from './api-key-auth.ts';
import { calibrationDetail, calibrationSummary, reliabilityOfWindow } from './calibration-view.ts';
import { escalationView, queuedJobView, queueSummary } from './cluster-views.ts';
import { logMappedError, mapError } from './error-response.ts';
import { DEFAULT_BODY_LIMIT_BYTES, type HttpDeps } from './http-deps.ts';
import { predictWait } from './predict-wait.ts';
import { jsonBody, queryOf, validate } from './read-request.ts';
import {
  BatchBody,
  ClusterPath,
  ClusterQuery,
  EscalationDecisionBody,
  EscalationListQuery,
  JobForecastQuery,
  JobPath,
  NoQuery,
  OutcomeBody,
  PredictWaitBody,
  QueueQuery,
  toJobSpec,
} from './request-schemas.ts';

/** Routes the dashboard calls; the only ones that answer cross-origin requests (when an origin is configured). */
export const DASHBOARD_API_PATHS = [
  '/api/dashboard',
  '/api/clusters',
  '/api/clusters/*',
  '/api/escalations',
  '/api/budget',
] as const;

export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();
  const { learning, clock, settings } = deps;

  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      return c.json({ error: { code: 'BAD_REQUEST', message: error.message || 'bad request' } }, error.status);
    }
    const mapped = mapError(error);
    logMappedError(learning.logger, mapped, error, { method: c.req.method, path: c.req.path });
    return c.json(mapped.body, mapped.status);
  });
  app.notFound((c) =>
    c.json({ error: { code: 'NOT_FOUND', message: `no route for ${c.req.method} ${c.req.path.slice(0, 200)}` } }, 404),
  );

  const maxSize = settings.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  app.use(
    '*',
    bodyLimit({
      maxSize,
      onError: (c) =>
        c.json({ error: { code: 'PAYLOAD_TOO_LARGE', message: `request body over ${maxSize} bytes` } }, 413),
    }),
  );
  if (settings.corsOrigin !== undefined) {
    const dashboardCors = cors({
      origin: settings.corsOrigin,
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['content-type', API_KEY_HEADER, 'if-none-match'],
      // The page keeps the aggregate's ETag to send it back in If-None-Match.
      exposeHeaders: ['etag'],
      maxAge: 600,
    });
    for (const path of DASHBOARD_API_PATHS) app.use(path, dashboardCors);
  }
  app.use('/api/*', apiKeyAuth(settings.apiKey));

  // Liveness, and whether a dependency is failing (degraded: 503 naming it, so a load balancer or
  // a probe stops sending work that would only wait out its timeout).
  app.get('/health', async (c) => {
    const failing = deps.health === undefined ? [] : await deps.health.failing();
    return failing.length === 0 ? c.json({ status: 'ok' }) : c.json({ status: 'degraded', dependencies: failing }, 503);
  });

  const clusterOf = (requested: string | undefined, path: string): string => {
    const clusterId = requested ?? settings.defaultClusterId;
    if (clusterId === undefined)
      throw new InvalidRequestError(`${path} is required (no default cluster is configured)`, [
        { path, message: 'required' },
      ]);
    return clusterId;
  };

  // ── VGAC-compatible prediction API ──────────────────────────────────────────────────────────
  app.post('/api/predict/wait', async (c) => {
    const body = await jsonBody(c, PredictWaitBody);
    const { start_by: startBy, within_seconds: withinSeconds, ...job } = body;
    const horizon =
      startBy !== undefined
        ? { startByMs: Date.parse(startBy), field: 'body.start_by' }
        : withinSeconds !== undefined
          ? { withinSeconds }
          : undefined;
    const prediction = await predictWait(deps, {
      clusterId: clusterOf(body.cluster_id, 'body.cluster_id'),
      jobId: body.job_id,
      job: toJobSpec(job),
      ...(horizon === undefined ? {} : { horizon }),
    });
    return c.json(prediction);
  });

  app.post('/api/predict/batch', async (c) => {
    const startedMs = clock.monotonicMs();
    const body = await jsonBody(c, BatchBody);
    const requests = body.jobs.map((job, index) => ({
      clusterId: clusterOf(job.cluster_id ?? body.cluster_id, `body.jobs.${index}.cluster_id`),
      jobId: job.job_id,
      job: toJobSpec(job),
    }));
    const duplicate = firstDuplicateJobId(requests);
    if (duplicate !== undefined) {
      throw new InvalidRequestError(`job_id '${duplicate.jobId}' appears twice in the batch`, [
        { path: `body.jobs.${duplicate.index}.job_id`, message: 'duplicate in batch' },
      ]);
    }
    const predictions = [];
    // In order, one at a time: each stored prediction is a conditional write, and a batch of 100
    // must not open 100 concurrent connections to the table from one Lambda.
    for (const request of requests) predictions.push(await predictWait(deps, request));
    return c.json({
      predictions,
      count: predictions.length,
      latency_us: Math.round((clock.monotonicMs() - startedMs) * 1000),
    });
  });

  app.get('/api/cluster/summary', async (c) => {
    const clusterId = clusterOf(queryOf(c, ClusterQuery).cluster_id, 'query.cluster_id');
    const calibration = await requireCalibration(deps, clusterId);
    const state = await deps.observer.observe(clusterId);
    return c.json({
      cluster_id: clusterId,
      ...queueSummary(state),
      calibration: calibrationSummary(calibration, learning.gate),
    });
  });

  app.get('/api/jobs/queue', async (c) => {
    const query = queryOf(c, QueueQuery);
    const clusterId = clusterOf(query.cluster_id, 'query.cluster_id');
    await requireCalibration(deps, clusterId);
    const state = await deps.observer.observe(clusterId);
    const jobs = state.jobs.filter((job) =>
      query.state === 'all' ? job.state === 'pending' || job.state === 'running' : job.state === query.state,
    );
    return c.json({
      cluster_id: clusterId,
      observed_at_ms: state.observedAtMs,
      total: jobs.length,
      jobs: jobs.slice(0, query.limit).map(queuedJobView),
    });
  });

  // A submitted job: its request and state from the scheduler (or the prediction log), its
  // forecast at submit and now, the pending reason, and nearby alternatives ranked by expected start.
  // Its code is imported on the first such request: a Lambda cold start rarely answers one.
  app.get('/api/jobs/:id/forecast', async (c) => {
    const { id } = validate(JobPath, c.req.param(), 'path');
    const query = queryOf(c, JobForecastQuery);
    const clusterId = clusterOf(query.cluster ?? query.cluster_id, 'query.cluster');
    const alternatives = query.alternatives === 'true';
    const [{ forecastJob }, { jobForecastJson }] = await Promise.all([
      import('../jobs/forecast-job.ts'),
      import('./job-forecast-json.ts'),
    ]);
    const forecast = await forecastJob(
      { learning, observer: deps.jobObserver ?? deps.observer, jobLookup: deps.jobLookup ?? (() => undefined) },
      { clusterId, jobId: id, nowMs: clock.nowMs(), alternatives },
    );
    return c.json(jobForecastJson(forecast, alternatives));
  });

  app.get('/api/jobs/predict/calibration', async (c) => {
    const clusterId = clusterOf(queryOf(c, ClusterQuery).cluster_id, 'query.cluster_id');
    return c.json(calibrationDetail(await requireCalibration(deps, clusterId), learning.gate));
  });

  // ── Clusters and calibration ────────────────────────────────────────────────────────────────
  app.get('/api/clusters', async (c) => {
    queryOf(c, NoQuery);
    const ids = await learning.registry.list();
    const records = await Promise.all(ids.map((id) => learning.calibration.current(id)));
    const clusters = records.flatMap((record) =>
      record === undefined ? [] : [calibrationSummary(record, learning.gate)],
    );
    return c.json({ clusters });
  });

  app.get('/api/clusters/:id/calibration', async (c) => {
    const { id } = validate(ClusterPath, c.req.param(), 'path');
    const calibration = await requireCalibration(deps, id);
    return c.json({
      ...calibrationDetail(calibration, learning.gate),
      reliability: await reliabilityOfWindow(learning, calibration),
    });
  });

  // ── Outcomes ────────────────────────────────────────────────────────────────────────────────
  app.post('/api/outcomes', async (c) => {
    const body = await jsonBody(c, OutcomeBody);
    if (body.long_wait !== undefined) {
      // The label is the cluster's, from its stable threshold: a caller's label may only agree with it.
      const calibration = await requireCalibration(deps, body.cluster_id);
      const label = body.wait_seconds > calibration.longWaitThresholdSeconds;
      if (label !== body.long_wait) {
        throw new InvalidRequestError(
          `long_wait ${String(body.long_wait)} contradicts the cluster's label: a wait of ${body.wait_seconds} s is ${label ? 'above' : 'not above'} its long-wait threshold of ${calibration.longWaitThresholdSeconds} s (omit long_wait)`,
          [{ path: 'body.long_wait', message: 'contradicts the cluster threshold' }],
        );
      }
    }
    const response = await recordJobOutcome(learning, {
      clusterId: body.cluster_id,
      jobId: body.job_id,
      waitSeconds: body.wait_seconds,
      nowMs: clock.nowMs(),
    });
    const { result, fold, calibration } = response;
    return c.json(
      {
        status: result.status,
        cluster_id: body.cluster_id,
        job_id: body.job_id,
        long_wait: result.prediction.outcome?.longWait ?? null,
        // `folded`: in the learning state before this answer; `queued`: durably queued, folded in the background moments later.
        fold: fold === undefined ? 'queued' : 'folded',
        // The cluster's outcomes since onboarding or the last re-baseline, this one folded in (null while it is queued).
        outcome_count: fold === undefined ? null : calibration.outcomes,
        scope: calibration.scope,
        maintenance_scheduled: fold?.maintenanceScheduled ?? false,
      },
      result.status === 'recorded' ? 201 : 200,
    );
  });

  // ── Queue transitions pushed by `vgac agent` from a login node ──────────────────────────────
  app.post('/api/clusters/:id/events', async (c) => {
    const { id } = validate(ClusterPath, c.req.param(), 'path');
    const body = await jsonBody(c, QueueEventsBody);
    // An event repeated within a batch is applied twice, which is idempotent like any replay.
    const results = await ingestQueueEvents(learning, {
      clusterId: id,
      events: queueEventsOf(body),
      nowMs: clock.nowMs(),
    });
    // Every event listed is acknowledged: the agent may drop it from its spool.
    return c.json({
      cluster_id: id,
      acknowledged: results.map((result) => ({
        id: result.id,
        job_id: result.jobId,
        type: result.kind,
        status: result.status,
      })),
    });
  });

  // The agent's latest listing (pending and running jobs, partitions): job questions read it where no scheduler is reachable.
  app.put('/api/clusters/:id/queue-state', async (c) => {
    const { id } = validate(ClusterPath, c.req.param(), 'path');
    const body = await jsonBody(c, QueueStateBody);
    if (deps.queueStates === undefined) throw new NotConfiguredError('storing pushed queue states');
    const result = await storeQueueState(
      { calibration: learning.calibration, logger: learning.logger, queueStates: deps.queueStates },
      { clusterId: id, body, nowMs: clock.nowMs() },
    );
    return c.json({ cluster_id: id, observed_at_ms: body.observed_at_ms, stored: result.stored, jobs: result.jobs });
  });

  // ── Escalations ─────────────────────────────────────────────────────────────────────────────
  app.get('/api/escalations', async (c) => {
    const query = queryOf(c, EscalationListQuery);
    if (deps.escalations === undefined) throw new NotConfiguredError('the escalation queue');
    const escalations = await deps.escalations.list({
      limit: query.limit,
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.cluster_id === undefined ? {} : { clusterId: query.cluster_id }),
    });
    return c.json({ escalations: escalations.map(escalationView) });
  });

  app.post('/api/escalations', async (c) => {
    const body = await jsonBody(c, EscalationDecisionBody);
    if (deps.decideEscalation === undefined) throw new NotConfiguredError('deciding escalations');
    const outcome = await deps.decideEscalation({
      clusterId: body.cluster_id,
      escalationId: body.escalation_id,
      decision: body.decision,
      by: `api:${body.decided_by}`,
      nowMs: clock.nowMs(),
    });
    if (outcome.status === 'already_decided') {
      return c.json(
        {
          error: {
            code: 'CONFLICT',
            message: `escalation '${body.escalation_id}' was already ${outcome.escalation.status}`,
          },
          escalation: escalationView(outcome.escalation),
        },
        409,
      );
    }
    return c.json({ escalation: escalationView(outcome.escalation) });
  });

  if (deps.slack !== undefined) app.route('/slack', deps.slack);
  for (const mount of deps.mounts ?? []) app.route('/', mount);
  return app;
}

async function requireCalibration(deps: HttpDeps, clusterId: string) {
  const calibration = await deps.learning.calibration.current(clusterId);
  if (calibration === undefined) throw new UnknownClusterError(clusterId);
  return calibration;
}

function firstDuplicateJobId(
  requests: readonly { readonly jobId: string | undefined }[],
): { jobId: string; index: number } | undefined {
  const seen = new Set<string>();
  for (const [index, request] of requests.entries()) {
    if (request.jobId === undefined) continue;
    if (seen.has(request.jobId)) return { jobId: request.jobId, index };
    seen.add(request.jobId);
  }
  return undefined;
}
