/**
 * HTTP API throughput and latency on loopback. Starts the pieces of `vgac start` the prediction
 * API needs — `createRuntime` in embedded mode (dynalite + s3rver under a temp data dir), the EKS
 * cluster registered with the prior trained on eks_dec_sample.csv, the simulated cluster as the
 * Observer (holding the queue state of the trace's first submit), the ONE Hono app from
 * `createHttpApp(createHttpDeps(…))` served by `startHttpServer` on port 0 — and adds a bare
 * `GET /bench/hello` to that SAME app instance as the baseline (the cost of Node, Hono and the
 * app's middleware with no work behind them).
 *
 * autocannon runs in a worker thread (so the load generator does not share the server's event
 * loop), after a HTTP_BENCH_WARMUP_SECONDS warm-up of the same route:
 * - at a FIXED HTTP_BENCH_RATE requests/s (autocannon's `overallRate`) for
 *   HTTP_BENCH_FIXED_SECONDS each: `GET /bench/hello` (baseline) and `POST /api/predict/wait`
 *   without `job_id` (what-if: scored and gated, nothing stored — the calibration and the bundle
 *   are served from memory). Reported: the rate sustained, p50 and p99 latency (ms, autocannon's
 *   histogram has 1 ms resolution), each against hello's at the same rate;
 * - as fast as HTTP_BENCH_CONNECTIONS connections go for HTTP_BENCH_DURATION_SECONDS:
 *   `POST /api/predict/wait` with a unique `job_id` per request (the prediction is stored: one
 *   conditional write), against hello's throughput the same way.
 * Any non-2xx answer or socket error fails the bench. Logging is at `silent` (the `gate.decision`
 * line per request is built, then dropped). Shutdown closes the server (waiting for the requests
 * it accepted) before the stores.
 *
 * Run alone: `node --import tsx bench/http.bench.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon, { type AutocannonOptions } from 'autocannon';
import { createHttpApp } from '../src/app/http/app.ts';
import { registerCluster } from '../src/app/learning/register-cluster.ts';
import { createSimulatedClusters } from '../src/app/simulation/simulated-cluster.ts';
import { loadConfig } from '../src/entry/config.ts';
import { createHttpDeps } from '../src/entry/http-wiring.ts';
import { acceptedHostsFor, startHttpServer } from '../src/entry/local/http-server.ts';
import { EKS_CLUSTER_ID, loadSimulationData, resolveSharedDataDir } from '../src/entry/local/simulation-traces.ts';
import { createRuntime } from '../src/entry/runtime.ts';
import type { BenchResult } from './types.ts';

export const HTTP_BENCH_CONNECTIONS = 16;
/** The fixed request rate of the what-if and hello runs, requests/s. */
export const HTTP_BENCH_RATE = 1_000;
/** Measured seconds per fixed-rate route. */
export const HTTP_BENCH_FIXED_SECONDS = 10;
/** Measured seconds per route. */
export const HTTP_BENCH_DURATION_SECONDS = 5;
/** Unmeasured seconds per route before measuring (JIT, sockets, bundle cache). */
export const HTTP_BENCH_WARMUP_SECONDS = 1;
/** Seconds before one request counts as timed out (and fails the bench). */
const REQUEST_TIMEOUT_SECONDS = 10;
export const HELLO_PATH = '/bench/hello';
export const PREDICT_PATH = '/api/predict/wait';

/** The job asked about: one GPU on the EKS trace's queue (the shape the replay submits). */
const JOB = { cluster_id: EKS_CLUSTER_ID, gpus: 1, queue: 'gpu', namespace: 'research' } as const;

interface RouteLoad {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
}

type Target = Pick<AutocannonOptions, 'method' | 'headers' | 'body' | 'idReplacement'> & { readonly path: string };

async function load(baseUrl: string, target: Target, durationSeconds: number, rate?: number): Promise<RouteLoad> {
  const { path, ...request } = target;
  const result = await autocannon({
    ...request,
    url: `${baseUrl}${path}`,
    connections: HTTP_BENCH_CONNECTIONS,
    duration: durationSeconds,
    workers: 1,
    timeout: REQUEST_TIMEOUT_SECONDS,
    ...(rate === undefined ? {} : { overallRate: rate }),
  });
  if (result.errors > 0 || result.non2xx > 0) {
    const codes = Object.entries(result.statusCodeStats)
      .map(([code, stats]) => `${code}×${stats.count}`)
      .join(' ');
    throw new Error(
      `${target.method ?? 'GET'} ${path}: ${result.errors} socket errors (${result.timeouts} timeouts), ${result.non2xx} non-2xx answers [${codes}]`,
    );
  }
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
  };
}

async function measure(baseUrl: string, target: Target, rate?: number): Promise<RouteLoad> {
  await load(baseUrl, target, HTTP_BENCH_WARMUP_SECONDS, rate);
  return load(baseUrl, target, rate === undefined ? HTTP_BENCH_DURATION_SECONDS : HTTP_BENCH_FIXED_SECONDS, rate);
}

function resultsOf(label: string, route: RouteLoad, hello: RouteLoad, rate?: number): BenchResult[] {
  const where =
    rate === undefined
      ? `${HTTP_BENCH_CONNECTIONS} conn, ${HTTP_BENCH_DURATION_SECONDS} s, ${route.requests} requests`
      : `fixed ${rate}/s asked, ${HTTP_BENCH_FIXED_SECONDS} s, ${route.requests} requests`;
  const baseline = (value: number) => ({ name: `GET ${HELLO_PATH}`, value });
  return [
    {
      name: `http ${label} (${where})`,
      value: route.requestsPerSecond,
      unit: 'requests/s',
      baseline: baseline(hello.requestsPerSecond),
    },
    { name: `http ${label} p50 latency`, value: route.p50Ms, unit: 'ms', baseline: baseline(hello.p50Ms) },
    { name: `http ${label} p99 latency`, value: route.p99Ms, unit: 'ms', baseline: baseline(hello.p99Ms) },
  ];
}

export async function benchHttp(): Promise<BenchResult[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vgac-http-bench-'));
  // A fixed configuration (the caller's VGAC_* settings must not change what is measured), except
  // where the reference data lives.
  const sharedData = process.env['VGAC_SHARED_DATA'];
  const config = loadConfig({
    VGAC_MODE: 'embedded',
    VGAC_DATA_DIR: dataDir,
    VGAC_API_AUTH: 'off',
    VGAC_LOG_LEVEL: 'silent',
    VGAC_HOST: '127.0.0.1',
    VGAC_HTTP_PORT: '0',
    ...(sharedData === undefined ? {} : { VGAC_SHARED_DATA: sharedData }),
  });
  const data = await loadSimulationData(resolveSharedDataDir(config.sharedDataDir));
  const eks = data.traces.find((trace) => trace.clusterId === EKS_CLUSTER_ID);
  const firstJob = eks?.jobs[0];
  if (eks === undefined || firstJob === undefined)
    throw new Error(`http bench: the ${EKS_CLUSTER_ID} trace has no jobs`);

  const runtime = await createRuntime(config);
  try {
    const nowMs = Date.now();
    const registered = await registerCluster(runtime.learning, {
      clusterId: EKS_CLUSTER_ID,
      prior: data.trainPrior(),
      platform: eks.platform,
      nowMs,
    });
    if (registered.status !== 'registered')
      throw new Error(`http bench: ${EKS_CLUSTER_ID} was not registered (${registered.status})`);
    const clusters = createSimulatedClusters([eks]);
    clusters.submitted(EKS_CLUSTER_ID, firstJob.traceJobId, firstJob.job, firstJob.features, nowMs);

    const app = createHttpApp(createHttpDeps(runtime, { observer: clusters }));
    // Bench only: the baseline route, on the same app instance (same middleware, same server).
    app.get(HELLO_PATH, (context) => context.text('hello'));
    // The Host check `vgac start` applies is part of what is measured.
    const server = await startHttpServer(app, {
      host: config.host,
      port: config.httpPort,
      acceptedHosts: acceptedHostsFor(config.apiKey),
    });
    try {
      const json = { method: 'POST', headers: { 'content-type': 'application/json' } } as const;
      const helloFixed = await measure(server.url, { path: HELLO_PATH, method: 'GET' }, HTTP_BENCH_RATE);
      const whatIf = await measure(
        server.url,
        { ...json, path: PREDICT_PATH, body: JSON.stringify(JOB) },
        HTTP_BENCH_RATE,
      );
      const hello = await measure(server.url, { path: HELLO_PATH, method: 'GET' });
      // `[<id>]` becomes a fresh URL-safe id per request: every prediction is a new stored item.
      const stored = await measure(server.url, {
        ...json,
        path: PREDICT_PATH,
        body: JSON.stringify({ ...JOB, job_id: 'bench-[<id>]' }),
        idReplacement: true,
      });
      return [
        ...resultsOf(`POST ${PREDICT_PATH} what-if`, whatIf, helloFixed, HTTP_BENCH_RATE),
        ...resultsOf(`POST ${PREDICT_PATH} stored (job_id)`, stored, hello),
      ];
    } finally {
      await server.close();
    }
  } finally {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const result of await benchHttp()) {
    process.stdout.write(
      `${result.name.padEnd(72)} ${result.value.toFixed(2).padStart(10)} ${result.unit}  (${result.baseline?.name ?? ''} ${result.baseline?.value.toFixed(2) ?? ''})\n`,
    );
  }
}
