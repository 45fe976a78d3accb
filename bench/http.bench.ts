/**
 * HTTP API throughput and latency on loopback, against `vgac start` itself: `startStack` (the
 * function `npm start` runs) in embedded mode under a temp data dir — dynalite + s3rver, the
 * simulated clusters registered with the prior trained on the shared data, the simulation
 * replaying their traces, outcomes folded in the background, the ONE Hono app on port 0 with the
 * Host check — in this process, so the load below competes with the simulation as it would on a
 * laptop. The baseline is the same server's `GET /health` (liveness + the dependency breakers: the
 * cost of Node, Hono and the app's middleware with no storage behind them).
 *
 * autocannon runs in a worker thread (so the load generator does not share the server's event
 * loop), after a HTTP_BENCH_WARMUP_SECONDS warm-up of the same route:
 * - at a FIXED HTTP_BENCH_RATE requests/s (autocannon's `overallRate`) for
 *   HTTP_BENCH_FIXED_SECONDS each: `GET /health` (baseline) and `POST /api/predict/wait`
 *   without `job_id` (what-if: scored and gated, nothing stored — the calibration and the bundle
 *   are served from memory). Reported: the rate sustained, p50 and p99 latency (ms, autocannon's
 *   histogram has 1 ms resolution), each against /health's at the same rate;
 * - as fast as HTTP_BENCH_CONNECTIONS connections go for HTTP_BENCH_DURATION_SECONDS:
 *   `POST /api/predict/wait` with a unique `job_id` per request (the prediction is stored: one
 *   conditional write), against /health's throughput the same way.
 * Any non-2xx answer or socket error fails the bench. Logging is at `silent` (the `gate.decision`
 * line per request is built, then dropped). Shutdown stops the stack (server first, waiting for
 * the requests it accepted, then the simulation and the stores).
 *
 * Run alone: `node --import tsx bench/http.bench.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon, { type AutocannonOptions } from 'autocannon';
import { loadConfig } from '../src/entry/config.ts';
import { EKS_CLUSTER_ID } from '../src/entry/local/simulation-traces.ts';
import { startStack } from '../src/entry/local/start-stack.ts';
import type { BenchResult } from './types.ts';

export const HTTP_BENCH_CONNECTIONS = 16;
/** The fixed request rate of the what-if and /health runs, requests/s. */
export const HTTP_BENCH_RATE = 1_000;
/** Measured seconds per fixed-rate route. */
export const HTTP_BENCH_FIXED_SECONDS = 10;
/** Measured seconds per route. */
export const HTTP_BENCH_DURATION_SECONDS = 5;
/** Unmeasured seconds per route before measuring (JIT, sockets, bundle cache). */
export const HTTP_BENCH_WARMUP_SECONDS = 1;
/** Seconds before one request counts as timed out (and fails the bench). */
const REQUEST_TIMEOUT_SECONDS = 10;
export const HEALTH_PATH = '/health';
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

function resultsOf(label: string, route: RouteLoad, health: RouteLoad, rate?: number): BenchResult[] {
  const where =
    rate === undefined
      ? `${HTTP_BENCH_CONNECTIONS} conn, ${HTTP_BENCH_DURATION_SECONDS} s, ${route.requests} requests`
      : `fixed ${rate}/s asked, ${HTTP_BENCH_FIXED_SECONDS} s, ${route.requests} requests`;
  const baseline = (value: number) => ({ name: `GET ${HEALTH_PATH}`, value });
  return [
    {
      name: `http ${label} (${where})`,
      value: route.requestsPerSecond,
      unit: 'requests/s',
      baseline: baseline(health.requestsPerSecond),
    },
    { name: `http ${label} p50 latency`, value: route.p50Ms, unit: 'ms', baseline: baseline(health.p50Ms) },
    { name: `http ${label} p99 latency`, value: route.p99Ms, unit: 'ms', baseline: baseline(health.p99Ms) },
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
  const stack = await startStack({
    config,
    simulate: true,
    port: 0,
    fallbackPort: false,
    ...(config.sharedDataDir === undefined ? {} : { sharedDataDir: config.sharedDataDir }),
  });
  try {
    if (!stack.clusterIds.includes(EKS_CLUSTER_ID))
      throw new Error(
        `http bench: ${EKS_CLUSTER_ID} is not among the started clusters (${stack.clusterIds.join(', ')})`,
      );
    const json = { method: 'POST', headers: { 'content-type': 'application/json' } } as const;
    const healthFixed = await measure(stack.url, { path: HEALTH_PATH, method: 'GET' }, HTTP_BENCH_RATE);
    const whatIf = await measure(
      stack.url,
      { ...json, path: PREDICT_PATH, body: JSON.stringify(JOB) },
      HTTP_BENCH_RATE,
    );
    const health = await measure(stack.url, { path: HEALTH_PATH, method: 'GET' });
    // `[<id>]` becomes a fresh URL-safe id per request: every prediction is a new stored item.
    const stored = await measure(stack.url, {
      ...json,
      path: PREDICT_PATH,
      body: JSON.stringify({ ...JOB, job_id: 'bench-[<id>]' }),
      idReplacement: true,
    });
    return [
      ...resultsOf(`POST ${PREDICT_PATH} what-if`, whatIf, healthFixed, HTTP_BENCH_RATE),
      ...resultsOf(`POST ${PREDICT_PATH} stored (job_id)`, stored, health),
    ];
  } finally {
    await stack.close();
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
