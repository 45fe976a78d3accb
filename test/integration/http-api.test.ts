/**
 * The HTTP app in-process through `app.fetch`, on real DynamoDB/S3 adapters (dynalite, s3rver):
 * the VGAC prediction API, clusters and calibration, outcomes, escalations, and every kind of
 * client mistake mapped to a 4xx JSON error — never a 500.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return --
   response bodies are untyped JSON read with `Json`; every access is an assertion on its shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceUnavailableError } from '../../src/app/errors.ts';
import { createHttpApp } from '../../src/app/http/app.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import { compileBundle } from '../../src/core/model/apply-bundle.ts';
import {
  featuresFor,
  KNOWN_CLUSTER,
  MONOTONIC_STEP_MS,
  sampleEscalation,
  startHttpStack,
  type HttpStack,
} from '../support/http-stack.ts';
import { JAN_1_2025_MS, sampleBundle, samplePrediction } from '../support/storage-fixtures.ts';

const API_KEY = 'k'.repeat(24);
const DASHBOARD_ORIGIN = 'https://dash.example.org';

let stack: HttpStack;

beforeAll(async () => {
  stack = await startHttpStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function appWith(settings: Parameters<HttpStack['deps']>[0] = {}, extra: Parameters<HttpStack['deps']>[1] = {}) {
  return createHttpApp(stack.deps(settings, extra));
}

async function call(
  app: ReturnType<typeof appWith>,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await app.fetch(
    new Request(`http://localhost${path}`, { method, headers, ...(body === undefined ? {} : { body }) }),
  );
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Json), headers: response.headers };
}

describe('POST /api/predict/wait', () => {
  it('predictWait answers in the VGAC shape with the learning cluster honestly uncalibrated', async () => {
    const app = appWith();
    const expected = compileBundle(sampleBundle()).predict(featuresFor({ gpus: 4, queue: 'gpu-a100' }));

    const { status, body } = await call(app, 'POST', '/api/predict/wait', {
      body: {
        cluster_id: KNOWN_CLUSTER,
        gpus: 4,
        cpu: 16000,
        memory_gb: 64,
        queue: 'gpu-a100',
        gpu_type: 'A100',
        is_distributed: false,
        estimated_duration_minutes: 90,
      },
    });

    expect(status).toBe(200);
    // A cluster without outcomes issues its prior's probability (the online calibrator starts as the
    // identity; its float arithmetic differs in the last digits).
    expect(body.probability_long_wait).toBeCloseTo(expected.probability, 6);
    expect(body.estimated_wait_seconds).toBe(expected.wait?.pointSeconds);
    expect(body.wait_interval).toEqual({
      lower_seconds: expected.wait?.lowerSeconds,
      upper_seconds: expected.wait?.upperSeconds,
      coverage: 0.8,
    });
    expect(body.wait_category).toBe(
      expected.probability < 0.3 ? 'short' : expected.probability < 0.5 ? 'moderate' : 'long',
    );
    expect(body).toMatchObject({
      cluster_id: KNOWN_CLUSTER,
      job_id: null,
      scope: 'learning',
      is_calibrated: false,
      confidence: 0,
      tier: null,
    });
    expect(body.recommendation).toMatch(/still learning/i);
    // Two monotonic readings, one step apart.
    expect(body.latency_us).toBe(MONOTONIC_STEP_MS * 1000);
  });

  it('predictWait stores the prediction when a job id is given, so its outcome can be recorded once', async () => {
    const app = appWith();

    const predicted = await call(app, 'POST', '/api/predict/wait', {
      body: { cluster_id: KNOWN_CLUSTER, job_id: 'job-outcome-1', gpus: 2 },
    });
    const first = await call(app, 'POST', '/api/outcomes', {
      body: { cluster_id: KNOWN_CLUSTER, job_id: 'job-outcome-1', wait_seconds: 7200 },
    });
    const again = await call(app, 'POST', '/api/outcomes', {
      body: { cluster_id: KNOWN_CLUSTER, job_id: 'job-outcome-1', wait_seconds: 7200 },
    });

    expect(predicted.body.job_id).toBe('job-outcome-1');
    expect(first.status).toBe(201);
    // sampleBundle's long-wait threshold is 3600 s: 7200 s is a long wait.
    expect(first.body).toMatchObject({ status: 'recorded', long_wait: true });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('duplicate');
  });

  it('predictWait refuses a second prediction for the same job id with 409', async () => {
    const app = appWith();
    await call(app, 'POST', '/api/predict/wait', { body: { cluster_id: KNOWN_CLUSTER, job_id: 'job-dup-1', gpus: 1 } });

    const { status, body } = await call(app, 'POST', '/api/predict/wait', {
      body: { cluster_id: KNOWN_CLUSTER, job_id: 'job-dup-1', gpus: 1 },
    });

    expect(status).toBe(409);
    expect(body.error.code).toBe('DUPLICATE');
  });

  it('predictWait uses the default cluster when the request names none, and says so when there is none', async () => {
    const withDefault = appWith({ defaultClusterId: KNOWN_CLUSTER });
    const withoutDefault = appWith();

    const answered = await call(withDefault, 'POST', '/api/predict/wait', { body: { gpus: 1 } });
    const refused = await call(withoutDefault, 'POST', '/api/predict/wait', { body: { gpus: 1 } });

    expect(answered.status).toBe(200);
    expect(answered.body.cluster_id).toBe(KNOWN_CLUSTER);
    expect(refused.status).toBe(400);
    expect(refused.body.error.issues).toEqual([{ path: 'body.cluster_id', message: 'required' }]);
  });
});

/**
 * The CDF of a distribution given by its quantiles, worked independently of wait-distribution.ts
 * from its stated rule: linear in log(1 + wait) between the knots (0 s, level 0), each
 * (quantile, level), and (the 95 % quantile extended by the 90–95 % step in log(1 + wait), level 1).
 */
function cdfFromQuantiles(quantiles: readonly { level: number; seconds: number }[], seconds: number): number {
  const knots = [
    { level: 0, log: 0 },
    ...quantiles.map((quantile) => ({ level: quantile.level, log: Math.log(1 + quantile.seconds) })),
  ];
  const [beforeLast, last] = knots.slice(-2) as [{ level: number; log: number }, { level: number; log: number }];
  knots.push({ level: 1, log: 2 * last.log - beforeLast.log });
  const target = Math.log(1 + seconds);
  if (target >= (knots.at(-1) as { log: number }).log) return 1;
  // The segment whose upper knot is the first one strictly above the target.
  const upperIndex = knots.findIndex((knot) => knot.log > target);
  const low = knots[upperIndex - 1] as { level: number; log: number };
  const high = knots[upperIndex] as { level: number; log: number };
  return low.level + ((high.level - low.level) * (target - low.log)) / (high.log - low.log);
}

describe('POST /api/predict/wait: the wait distribution', () => {
  const DISTRIBUTION_CLUSTER = 'dist-cluster';
  const NOW_MS = JAN_1_2025_MS + 86_400_000;
  // The wall clock stands still at NOW_MS, so start_by − now is known to the test.
  const fixedClock = { nowMs: () => NOW_MS, monotonicMs: () => 0 };

  beforeAll(async () => {
    await registerCluster(stack.learning, {
      clusterId: DISTRIBUTION_CLUSTER,
      prior: sampleBundle(),
      platform: 'kubernetes',
      nowMs: JAN_1_2025_MS,
    });
    const app = appWith();
    // 40 observed outcomes, waits 60 s … 2400 s: more than the 30 a distribution needs.
    for (let index = 0; index < 40; index += 1) {
      const jobId = `dist-job-${index}`;
      const predicted = await call(app, 'POST', '/api/predict/wait', {
        body: { cluster_id: DISTRIBUTION_CLUSTER, job_id: jobId, gpus: 1 },
      });
      const recorded = await call(app, 'POST', '/api/outcomes', {
        body: { cluster_id: DISTRIBUTION_CLUSTER, job_id: jobId, wait_seconds: 60 * (index + 1) },
      });
      if (predicted.status !== 200 || recorded.status !== 201)
        throw new Error(`setup failed: ${predicted.status} / ${recorded.status}`);
    }
  }, 60_000);

  it('predictWait returns the quantiles at 5 … 95 %, ascending, and P(start within T) read from their CDF', async () => {
    const app = appWith({}, { clock: fixedClock });

    const { status, body } = await call(app, 'POST', '/api/predict/wait', {
      body: { cluster_id: DISTRIBUTION_CLUSTER, gpus: 1, within_seconds: 900 },
    });

    expect(status).toBe(200);
    const quantiles = body.wait_quantiles as { level: number; seconds: number }[];
    expect(quantiles.map((quantile) => quantile.level)).toEqual([
      0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95,
    ]);
    const seconds = quantiles.map((quantile) => quantile.seconds);
    expect(seconds).toEqual([...seconds].sort((left, right) => left - right));
    // Read from the observed waits (60 … 2400 s), so every quantile lies within them.
    expect(seconds[0]).toBeGreaterThanOrEqual(60);
    expect(seconds.at(-1)).toBeLessThanOrEqual(2400);
    expect(body.estimated_wait_seconds).toBe(seconds[6]);
    expect(body.p_start_within.seconds).toBe(900);
    expect(body.p_start_within.probability).toBeCloseTo(cdfFromQuantiles(quantiles, 900), 12);
  });

  it('predictWait gives P(start within the median) = 0.5 and reads start_by as a horizon from now', async () => {
    const app = appWith({}, { clock: fixedClock });
    const { body: plain } = await call(app, 'POST', '/api/predict/wait', {
      body: { cluster_id: DISTRIBUTION_CLUSTER, gpus: 1 },
    });
    const median = plain.wait_quantiles[6].seconds as number;
    // Distinct waits give distinct quantiles around the median, so the CDF is continuous there.
    expect(plain.wait_quantiles[5].seconds).toBeLessThan(median);
    expect(plain.wait_quantiles[7].seconds).toBeGreaterThan(median);

    const atMedian = await call(app, 'POST', '/api/predict/wait', {
      body: { cluster_id: DISTRIBUTION_CLUSTER, gpus: 1, within_seconds: median },
    });
    const byTime = await call(app, 'POST', '/api/predict/wait', {
      body: { cluster_id: DISTRIBUTION_CLUSTER, gpus: 1, start_by: new Date(NOW_MS + 1_800_000).toISOString() },
    });
    const byZonedTime = await call(app, 'POST', '/api/predict/wait', {
      body: { cluster_id: DISTRIBUTION_CLUSTER, gpus: 1, start_by: '2025-01-02T01:30:00+01:00' },
    });
    const beyondTail = await call(app, 'POST', '/api/predict/wait', {
      body: { cluster_id: DISTRIBUTION_CLUSTER, gpus: 1, within_seconds: 86_400 },
    });
    const now = await call(app, 'POST', '/api/predict/wait', {
      body: { cluster_id: DISTRIBUTION_CLUSTER, gpus: 1, within_seconds: 0 },
    });

    expect(atMedian.body.p_start_within.probability).toBeCloseTo(0.5, 12);
    expect(byTime.body.p_start_within.seconds).toBe(1800);
    expect(byTime.body.p_start_within.probability).toBeCloseTo(
      cdfFromQuantiles(byTime.body.wait_quantiles as { level: number; seconds: number }[], 1800),
      12,
    );
    // 01:30 at UTC+1 on 2 January is 00:30 UTC: 30 min after NOW_MS (2025-01-02T00:00Z).
    expect(byZonedTime.body.p_start_within.seconds).toBe(1800);
    // A day is past the upper tail's end (at most ~2400²/q90 s here): certain to have started.
    expect(beyondTail.body.p_start_within.probability).toBe(1);
    // Every observed wait is ≥ 60 s: no mass at zero.
    expect(now.body.p_start_within.probability).toBe(0);
  });

  it('predictWait answers a cluster without enough outcomes with no quantiles and no probability', async () => {
    const app = appWith({}, { clock: fixedClock });

    const { status, body } = await call(app, 'POST', '/api/predict/wait', {
      body: { cluster_id: KNOWN_CLUSTER, gpus: 1, within_seconds: 600 },
    });

    expect(status).toBe(200);
    expect(body.wait_quantiles).toBeNull();
    expect(body.p_start_within).toEqual({ seconds: 600, probability: null });
  });

  it('predictWait refuses a bad horizon with a 400 naming the field', async () => {
    const app = appWith({}, { clock: fixedClock });
    const ask = (extra: Record<string, unknown>) =>
      call(app, 'POST', '/api/predict/wait', { body: { cluster_id: DISTRIBUTION_CLUSTER, gpus: 1, ...extra } });

    const responses = await Promise.all([
      ask({ start_by: 'tomorrow at five' }),
      ask({ start_by: '2025-01-02T17:00:00' }),
      ask({ start_by: new Date(NOW_MS - 1000).toISOString() }),
      ask({ within_seconds: -1 }),
      ask({ within_seconds: '600' }),
      ask({ within_seconds: 600, start_by: new Date(NOW_MS + 60_000).toISOString() }),
    ]);

    expect(responses.map((response) => response.status)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(responses.map((response) => response.body.error.issues[0].path)).toEqual([
      'body.start_by',
      'body.start_by',
      'body.start_by',
      'body.within_seconds',
      'body.within_seconds',
      'body.within_seconds',
    ]);
    expect(responses[2]?.body.error.message).toMatch(/in the past/);
    expect(responses[5]?.body.error.message).toMatch(/not both/);
  });

  it("a batch carries each job's quantiles", async () => {
    const app = appWith({}, { clock: fixedClock });

    const { status, body } = await call(app, 'POST', '/api/predict/batch', {
      body: { cluster_id: DISTRIBUTION_CLUSTER, jobs: [{ gpus: 1 }, { gpus: 2 }] },
    });

    expect(status).toBe(200);
    for (const prediction of body.predictions) expect(prediction.wait_quantiles).toHaveLength(13);
  });
});

describe('client mistakes', () => {
  it('malformed JSON is a 400 that says the body is not JSON, without echoing it', async () => {
    const { status, body } = await call(appWith(), 'POST', '/api/predict/wait', {
      raw: '{"gpus": 4,, secret-ish',
      headers: { 'content-type': 'application/json' },
    });

    expect(status).toBe(400);
    expect(body.error.code).toBe('INVALID_REQUEST');
    expect(body.error.issues).toEqual([{ path: 'body', message: 'not valid JSON' }]);
    expect(JSON.stringify(body)).not.toContain('secret-ish');
  });

  it('wrong types and unknown fields are 400s naming each field', async () => {
    const { status, body } = await call(appWith(), 'POST', '/api/predict/wait', {
      body: { cluster_id: KNOWN_CLUSTER, gpus: 'four', gpu: 4, is_distributed: 'yes' },
    });

    expect(status).toBe(400);
    const paths = (body.error.issues as { path: string }[]).map((issue) => issue.path).sort();
    expect(paths).toEqual(['body', 'body.gpus', 'body.is_distributed']);
    expect(JSON.stringify(body.error.issues)).toContain('gpu');
  });

  it('a body that is not JSON by content type is a 415', async () => {
    const { status, body } = await call(appWith(), 'POST', '/api/predict/wait', {
      raw: 'gpus=4',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    expect(status).toBe(415);
    expect(body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('an oversized body is a 413', async () => {
    const app = appWith({ bodyLimitBytes: 2048 });

    const { status, body } = await call(app, 'POST', '/api/predict/wait', {
      body: { cluster_id: KNOWN_CLUSTER, gpus: 1, namespace: 'x'.repeat(100), queue: 'q'.repeat(4000) },
    });

    expect(status).toBe(413);
    expect(body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('an unknown cluster is a 404 on every route that takes one', async () => {
    const app = appWith();

    const responses = await Promise.all([
      call(app, 'POST', '/api/predict/wait', { body: { cluster_id: 'no-such-cluster', gpus: 1 } }),
      call(app, 'GET', '/api/cluster/summary?cluster_id=no-such-cluster'),
      call(app, 'GET', '/api/jobs/queue?cluster_id=no-such-cluster'),
      call(app, 'GET', '/api/jobs/predict/calibration?cluster_id=no-such-cluster'),
      call(app, 'GET', '/api/clusters/no-such-cluster/calibration'),
    ]);

    for (const response of responses) {
      expect(response.status).toBe(404);
      expect(response.body.error).toEqual({ code: 'UNKNOWN_CLUSTER', message: "unknown cluster 'no-such-cluster'" });
    }
  });

  it('bad query parameters are 400s naming the parameter', async () => {
    const app = appWith();

    const badLimit = await call(app, 'GET', `/api/jobs/queue?cluster_id=${KNOWN_CLUSTER}&limit=abc`);
    const unknown = await call(app, 'GET', '/api/clusters?sort=name');
    const badId = await call(app, 'GET', '/api/clusters/bad%20id/calibration');

    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.issues[0].path).toBe('query.limit');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.issues[0].path).toBe('query');
    expect(badId.status).toBe(400);
    expect(badId.body.error.issues[0].path).toBe('path.id');
  });

  it('a batch over the limit, or naming one job twice, is a 400', async () => {
    const app = appWith();

    const tooMany = await call(app, 'POST', '/api/predict/batch', {
      body: { cluster_id: KNOWN_CLUSTER, jobs: Array.from({ length: 101 }, () => ({ gpus: 1 })) },
    });
    const twice = await call(app, 'POST', '/api/predict/batch', {
      body: {
        cluster_id: KNOWN_CLUSTER,
        jobs: [
          { gpus: 1, job_id: 'b-x' },
          { gpus: 2, job_id: 'b-x' },
        ],
      },
    });

    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.issues[0].path).toBe('body.jobs');
    expect(twice.status).toBe(400);
    expect(twice.body.error.issues).toEqual([{ path: 'body.jobs.1.job_id', message: 'duplicate in batch' }]);
  });

  it('an unknown route is a JSON 404', async () => {
    const { status, body } = await call(appWith(), 'GET', '/api/nothing-here');

    expect(status).toBe(404);
    expect(body.error.code).toBe('NOT_FOUND');
  });
});

describe('server-side failures', () => {
  it('an unreachable Observer is a 503 SOURCE_UNAVAILABLE', async () => {
    const app = appWith();
    stack.observer.failWith = new SourceUnavailableError('collector timed out after 5000 ms');

    const { status, body } = await call(app, 'POST', '/api/predict/wait', {
      body: { cluster_id: KNOWN_CLUSTER, gpus: 1 },
    }).finally(() => {
      stack.observer.failWith = undefined;
    });

    expect(status).toBe(503);
    expect(body.error.code).toBe('SOURCE_UNAVAILABLE');
  });

  it('an unexpected error is an opaque 500 and is logged', async () => {
    const app = appWith();
    stack.observer.failWith = new Error('kaboom with internals');

    const { status, body } = await call(app, 'GET', `/api/cluster/summary?cluster_id=${KNOWN_CLUSTER}`).finally(() => {
      stack.observer.failWith = undefined;
    });

    expect(status).toBe(500);
    expect(body.error).toEqual({ code: 'INTERNAL', message: 'internal error' });
    expect(
      stack.logger.lines.some(
        (line) => line.event === 'http.error' && line.fields.errorMessage === 'kaboom with internals',
      ),
    ).toBe(true);
  });
});

describe('API key', () => {
  it('apiKeyAuth refuses a missing or wrong key with 401 and accepts the right one; /health needs none', async () => {
    const app = appWith({ apiKey: API_KEY });

    const missing = await call(app, 'GET', '/api/clusters');
    const wrong = await call(app, 'GET', '/api/clusters', { headers: { 'x-api-key': `${API_KEY}x` } });
    const right = await call(app, 'GET', '/api/clusters', { headers: { 'x-api-key': API_KEY } });
    const health = await call(app, 'GET', '/health');

    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('UNAUTHORIZED');
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain(API_KEY);
    expect(right.status).toBe(200);
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});

describe('CORS', () => {
  it('answers preflights for the dashboard routes from the configured origin only, and never on the prediction API', async () => {
    const app = appWith({ apiKey: API_KEY, corsOrigin: DASHBOARD_ORIGIN });
    const preflight = (path: string, origin: string) =>
      call(app, 'OPTIONS', path, {
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-api-key' },
      });

    const allowed = await preflight('/api/clusters', DASHBOARD_ORIGIN);
    const otherOrigin = await preflight('/api/clusters', 'https://evil.example.com');
    const predictApi = await preflight('/api/predict/wait', DASHBOARD_ORIGIN);

    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(DASHBOARD_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-api-key');
    expect(otherOrigin.headers.get('access-control-allow-origin')).not.toBe('https://evil.example.com');
    expect(predictApi.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends no CORS headers at all when no origin is configured', async () => {
    const { headers } = await call(appWith(), 'GET', '/api/clusters', { headers: { origin: DASHBOARD_ORIGIN } });

    expect(headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('cluster and queue routes', () => {
  it('summary and queue report the observed queue', async () => {
    const app = appWith();

    const summary = await call(app, 'GET', `/api/cluster/summary?cluster_id=${KNOWN_CLUSTER}`);
    const pending = await call(app, 'GET', `/api/jobs/queue?cluster_id=${KNOWN_CLUSTER}&state=pending`);
    const active = await call(app, 'GET', `/api/jobs/queue?cluster_id=${KNOWN_CLUSTER}&limit=1`);

    // QUEUED_JOBS: j-1 running (4 GPUs), j-2 and j-3 pending (8 + 2 GPUs), j-4 completed; 24 of 32 GPUs in use.
    expect(summary.body).toMatchObject({
      cluster_id: KNOWN_CLUSTER,
      pending_jobs: 2,
      running_jobs: 1,
      pending_gpus: 10,
      total_gpus: 32,
      gpus_in_use: 24,
      gpu_utilisation: 0.75,
    });
    expect(summary.body.calibration.scope).toBe('learning');
    expect(pending.body.jobs.map((job: Json) => job.job_id)).toEqual(['j-2', 'j-3']);
    expect(pending.body.jobs[0]).toMatchObject({ queue: 'gpu-a100', gpus: 8, pending_reason: 'Resources' });
    expect(active.body.total).toBe(3);
    expect(active.body.jobs).toHaveLength(1);
  });

  it('GET /api/clusters lists registered clusters with their scope', async () => {
    const { status, body } = await call(appWith(), 'GET', '/api/clusters');

    expect(status).toBe(200);
    const cluster = (body.clusters as Json[]).find((entry) => entry.cluster_id === KNOWN_CLUSTER);
    expect(cluster).toMatchObject({ scope: 'learning', is_calibrated: false, active_bundle_version: 1 });
  });

  it('batch predicts every job in order', async () => {
    const app = appWith();
    const jobs = [{ gpus: 1 }, { gpus: 8, queue: 'gpu-h100' }, { gpus: 4 }];
    // The same jobs one at a time, under the same calibration (nothing is recorded in between).
    const single = await Promise.all(
      jobs.map(
        async (job) =>
          (await call(app, 'POST', '/api/predict/wait', { body: { cluster_id: KNOWN_CLUSTER, ...job } })).body
            .probability_long_wait,
      ),
    );

    const { status, body } = await call(app, 'POST', '/api/predict/batch', {
      body: { cluster_id: KNOWN_CLUSTER, jobs: [jobs[0], jobs[1], { ...jobs[2], job_id: 'batch-stored-1' }] },
    });

    expect(status).toBe(200);
    expect(body.count).toBe(3);
    expect(new Set(single).size).toBe(3);
    expect((body.predictions as Json[]).map((prediction) => prediction.probability_long_wait)).toEqual(single);
    expect((body.predictions as Json[]).map((prediction) => prediction.job_id)).toEqual([null, null, 'batch-stored-1']);
  });
});

describe('GET /api/clusters/:id/calibration', () => {
  it('computes the reliability curve over the evidence: the issued forecasts since onboarding, with their outcomes', async () => {
    const clusterId = 'curve-cluster';
    const { registerCluster } = await import('../../src/app/learning/register-cluster.ts');
    const { recordJobOutcome } = await import('../../src/app/learning/record-outcome.ts');
    await registerCluster(stack.learning, {
      clusterId,
      prior: sampleBundle(),
      platform: 'slurm',
      nowMs: JAN_1_2025_MS,
    });
    // The sample bundle's threshold is 3600 s: 5000 s is a long wait, 10 s a short one.
    const rows = [
      { jobId: 'c-1', probability: 0.1, waitSeconds: 10 },
      { jobId: 'c-2', probability: 0.2, waitSeconds: 5000 },
      { jobId: 'c-3', probability: 0.8, waitSeconds: 5000 },
      { jobId: 'c-4', probability: 0.9, waitSeconds: 5000 },
    ];
    for (const [index, row] of rows.entries()) {
      await stack.learning.predictions.record(
        samplePrediction({
          clusterId,
          jobId: row.jobId,
          probability: row.probability,
          predictedAtMs: JAN_1_2025_MS + index,
        }),
      );
      await recordJobOutcome(stack.learning, {
        clusterId,
        jobId: row.jobId,
        waitSeconds: row.waitSeconds,
        nowMs: JAN_1_2025_MS + 10_000,
      });
    }
    // A forecast issued before onboarding is an outcome of the epoch but not evidence.
    await stack.learning.predictions.record(
      samplePrediction({ clusterId, jobId: 'c-old', probability: 0.5, predictedAtMs: JAN_1_2025_MS - 1 }),
    );
    await recordJobOutcome(stack.learning, {
      clusterId,
      jobId: 'c-old',
      waitSeconds: 10,
      nowMs: JAN_1_2025_MS + 10_000,
    });

    const { status, body } = await call(appWith(), 'GET', `/api/clusters/${clusterId}/calibration`);

    expect(status).toBe(200);
    const reliability = body.reliability as Json;
    expect(reliability.window_outcomes).toBe(4);
    // By hand: every row has its own bin (4 rows, 15 bins), so ECE = (0.1 + 0.8 + 0.2 + 0.1) / 4 = 0.3 and MCE = 0.8, for both binnings
    // (the evidence keeps probabilities as float32: equal to 7 digits).
    for (const binning of ['equal_mass', 'equal_width']) {
      expect(reliability[binning].ece).toBeCloseTo(0.3, 7);
      expect(reliability[binning].mce).toBeCloseTo(0.8, 7);
      expect(
        (reliability[binning].curve as Json[]).map((bin) => [
          Number(bin.mean_predicted.toFixed(7)),
          bin.observed_rate,
          bin.count,
        ]),
      ).toEqual([
        [0.1, 0, 1],
        [0.2, 1, 1],
        [0.8, 1, 1],
        [0.9, 1, 1],
      ]);
    }
    expect(body).toMatchObject({ cluster_id: clusterId, scope: 'learning', outcome_count: 5 });
  });

  it('gives null curves for a cluster with no outcomes yet', async () => {
    const clusterId = 'empty-cluster';
    const { registerCluster } = await import('../../src/app/learning/register-cluster.ts');
    await registerCluster(stack.learning, {
      clusterId,
      prior: sampleBundle(),
      platform: 'slurm',
      nowMs: JAN_1_2025_MS,
    });

    const { body } = await call(appWith(), 'GET', `/api/clusters/${clusterId}/calibration`);

    expect(body.reliability).toEqual({ window_outcomes: 0, bins: 15, equal_mass: null, equal_width: null });
  });
});

describe('escalations', () => {
  it('approving through POST /api/escalations executes the action once and records who decided and when', async () => {
    await stack.escalations.create(sampleEscalation({ escalationId: 'esc-approve-1' }));
    const app = appWith();

    const listed = await call(app, 'GET', `/api/escalations?status=pending&cluster_id=${KNOWN_CLUSTER}`);
    const decided = await call(app, 'POST', '/api/escalations', {
      body: { cluster_id: KNOWN_CLUSTER, escalation_id: 'esc-approve-1', decision: 'approve', decided_by: 'alice' },
    });
    const again = await call(app, 'POST', '/api/escalations', {
      body: { cluster_id: KNOWN_CLUSTER, escalation_id: 'esc-approve-1', decision: 'reject', decided_by: 'bob' },
    });

    expect((listed.body.escalations as Json[]).map((escalation) => escalation.escalation_id)).toContain(
      'esc-approve-1',
    );
    expect(decided.status).toBe(200);
    expect(decided.body.escalation).toMatchObject({ status: 'executed', decided_by: 'api:alice' });
    expect(typeof decided.body.escalation.decided_at_ms).toBe('number');
    expect(stack.actions.executed.filter((action) => action.jobId === 'j-2' && action.kind === 'requeue')).toHaveLength(
      1,
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    expect(again.body.escalation.decided_by).toBe('api:alice');
  });

  it('an unknown escalation is a 404, and a bad decision a 400', async () => {
    const app = appWith();

    const unknown = await call(app, 'POST', '/api/escalations', {
      body: { cluster_id: KNOWN_CLUSTER, escalation_id: 'esc-none', decision: 'approve', decided_by: 'alice' },
    });
    const bad = await call(app, 'POST', '/api/escalations', {
      body: { cluster_id: KNOWN_CLUSTER, escalation_id: 'esc-none', decision: 'maybe', decided_by: 'alice' },
    });

    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('UNKNOWN_ESCALATION');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('body.decision');
  });

  it('is a 501 when the deployment has no escalation queue wired', async () => {
    const app = appWith({}, { escalations: undefined, decideEscalation: undefined });

    const listed = await call(app, 'GET', '/api/escalations');

    expect(listed.status).toBe(501);
    expect(listed.body.error.code).toBe('NOT_CONFIGURED');
  });
});
