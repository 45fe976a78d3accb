/**
 * `GET /api/dashboard` through the in-process app on dynalite/s3rver: the same content as the
 * per-part routes it replaces (also after the data under each kept part changed), an ETag that is
 * stable while nothing changed, a 304 for If-None-Match, a new ETag when something did, and the
 * DynamoDB reads of one steady-state refresh held to the cost model's count
 * (`dashboardReadRequests`, `dashboardReadUnits` in core/budget/dashboard-usage.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBudgetLedger } from '../../src/adapters/dynamodb/dynamo-budget-ledger.ts';
import { DynamoCalibrationHistory } from '../../src/adapters/dynamodb/dynamo-calibration-history.ts';
import { DynamoEscalationStore } from '../../src/adapters/dynamodb/dynamo-escalation-store.ts';
import { createHttpApp } from '../../src/app/http/app.ts';
import { createDashboardRoutes } from '../../src/app/http/dashboard-routes.ts';
import { createLearningDeps, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { recordJobOutcome } from '../../src/app/learning/record-outcome.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { CalibrationHistoryPoint } from '../../src/app/records/calibration-history-point.ts';
import { dashboardReadRequests, dashboardReadUnits } from '../../src/core/budget/dashboard-usage.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import type { AwsClients } from '../../src/entry/aws-clients.ts';
import { dynamoLearningStores } from '../../src/entry/learning-stores.ts';
import { attachReadMeter, type ReadMeter } from '../support/dynamo-read-meter.ts';
import { loopbackClients } from '../support/embedded-aws.ts';
import { KNOWN_CLUSTER, sampleEscalation, startHttpStack, type HttpStack } from '../support/http-stack.ts';
import { JAN_1_2025_MS, sampleBundle, samplePrediction } from '../support/storage-fixtures.ts';

const SECOND_CLUSTER = 'slurm-hpc';
const MIN_REFRESH_MS = 7_000;
/** Training values of `pendingJobs` for the PSI fallback reference. */
const PENDING_REFERENCE = Array.from({ length: 200 }, (_, index) => 5 + (index % 20));
/** Waits either side of the sample bundle's long-wait threshold (3600 s). */
const LONG_WAIT_SECONDS = 7200;
const SHORT_WAIT_SECONDS = 60;

type Json = Record<string, unknown>;

let stack: HttpStack;
let metered: AwsClients;
let meter: ReadMeter;
let learning: LearningDeps;
let history: DynamoCalibrationHistory;
let escalations: DynamoEscalationStore;
let app: ReturnType<typeof createHttpApp>;

function historyPoint(clusterId: string, atMs: number, ece: number): CalibrationHistoryPoint {
  return {
    clusterId,
    atMs,
    ece,
    eceLower: ece / 2,
    eceUpper: ece * 2,
    brier: 0.2,
    auroc: 0.7,
    sampleCount: 60,
    outcomeCount: 60,
    scope: 'escalate',
    driftStatus: 'none',
    qualifiedTiers: [],
    action: 'none',
    activeBundleVersion: 1,
  };
}

async function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await app.request(path, { headers });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function json(path: string): Promise<Json> {
  const response = await get(path);
  expect(response.status, path).toBe(200);
  return JSON.parse(response.text) as Json;
}

/** What the page drew before, from the per-part routes, in the aggregate's shape. */
async function fromPartRoutes(): Promise<Json> {
  const { clusters } = (await json('/api/clusters')) as { clusters: { cluster_id: string }[] };
  return {
    refresh: { min_interval_ms: MIN_REFRESH_MS },
    clusters: await Promise.all(
      clusters.map(async (summary) => {
        const id = summary.cluster_id;
        return {
          cluster_id: id,
          summary,
          calibration: await json(`/api/clusters/${id}/calibration`),
          history: ((await json(`/api/clusters/${id}/history?limit=200`)) as { points: unknown[] }).points,
          predictions: ((await json(`/api/clusters/${id}/predictions?limit=10`)) as { predictions: unknown[] })
            .predictions,
          psi: await json(`/api/clusters/${id}/psi`),
        };
      }),
    ),
    escalations: {
      pending: ((await json('/api/escalations?status=pending&limit=8')) as { escalations: unknown[] }).escalations,
      executed: ((await json('/api/escalations?status=executed&limit=5')) as { escalations: unknown[] }).escalations,
    },
    budget: await json('/api/budget'),
  };
}

beforeAll(async () => {
  stack = await startHttpStack();
  metered = loopbackClients(stack.aws.dynamoEndpoint, stack.aws.s3Endpoint);
  meter = attachReadMeter(metered.dynamo);
  const tableName = stack.tableName;
  learning = createLearningDeps({
    ...dynamoLearningStores(metered.dynamo, tableName),
    bundles: stack.learning.bundles,
    gate: DEFAULT_GATE_CONFIG,
    logger: stack.logger,
  });
  history = new DynamoCalibrationHistory({ client: metered.dynamo, tableName });
  escalations = new DynamoEscalationStore({ client: metered.dynamo, tableName });
  await registerCluster(stack.learning, {
    clusterId: SECOND_CLUSTER,
    prior: sampleBundle(),
    platform: 'slurm',
    nowMs: JAN_1_2025_MS,
  });
  for (let index = 0; index < 40; index += 1) {
    const jobId = `job-${index}`;
    await stack.learning.predictions.record(
      samplePrediction({
        clusterId: KNOWN_CLUSTER,
        jobId,
        predictedAtMs: JAN_1_2025_MS + index * 60_000,
        probability: (index % 10) / 10,
        features: { pendingJobs: 8 + (index % 15), utilisation: 0.7, partition: 'gpu-a100' },
      }),
    );
    if (index < 30)
      await recordJobOutcome(stack.learning, {
        clusterId: KNOWN_CLUSTER,
        jobId,
        waitSeconds: index % 3 === 0 ? LONG_WAIT_SECONDS : SHORT_WAIT_SECONDS,
        nowMs: JAN_1_2025_MS + index * 60_000 + 1000,
      });
  }
  await history.append(historyPoint(KNOWN_CLUSTER, JAN_1_2025_MS + 3_600_000, 0.08));
  await escalations.create(sampleEscalation({ escalationId: 'esc-pending-1', createdAtMs: JAN_1_2025_MS + 1000 }));
  await escalations.create(
    sampleEscalation({ escalationId: 'esc-pending-2', clusterId: SECOND_CLUSTER, createdAtMs: JAN_1_2025_MS + 2000 }),
  );
  await escalations.create(sampleEscalation({ escalationId: 'esc-done', createdAtMs: JAN_1_2025_MS + 3000 }));
  await escalations.transition(KNOWN_CLUSTER, 'esc-done', 'pending', 'approved', {
    atMs: JAN_1_2025_MS + 4000,
    by: 'api:ops',
    note: 'ok',
  });
  await escalations.transition(KNOWN_CLUSTER, 'esc-done', 'approved', 'executed', {
    atMs: JAN_1_2025_MS + 5000,
    by: 'actor',
    note: 'done',
  });
  const dashboard = createDashboardRoutes({
    learning,
    history,
    ledger: new DynamoBudgetLedger({ client: metered.dynamo, tableName }),
    escalations,
    psiReference: () => ({ pendingJobs: PENDING_REFERENCE }),
    minRefreshIntervalMs: MIN_REFRESH_MS,
  });
  app = createHttpApp({ ...stack.deps(), learning, escalations, mounts: [dashboard] });
}, 120_000);

afterAll(async () => {
  metered?.destroy();
  await stack?.stop();
});

describe('GET /api/dashboard', () => {
  it('returns what the per-part routes return, with the announced refresh interval', async () => {
    const aggregate = JSON.parse((await get('/api/dashboard')).text) as Json;
    const expected = await fromPartRoutes();

    expect(aggregate).toEqual(expected);
    const clusters = aggregate.clusters as {
      cluster_id: string;
      predictions: unknown[];
      psi: { available: boolean };
      history: unknown[];
    }[];
    expect(clusters.map((cluster) => cluster.cluster_id)).toEqual([KNOWN_CLUSTER, SECOND_CLUSTER]);
    expect(clusters[0]?.predictions).toHaveLength(10);
    expect(clusters[0]?.psi.available).toBe(true);
    expect(clusters[0]?.history).toHaveLength(1);
  });

  it('gives the same ETag while nothing changed, a bodiless 304 for If-None-Match, and a 200 for another tag', async () => {
    const first = await get('/api/dashboard');
    const second = await get('/api/dashboard');
    const etag = first.headers.get('etag') ?? '';

    const notModified = await get('/api/dashboard', { 'if-none-match': etag });
    const otherTag = await get('/api/dashboard', { 'if-none-match': '"0000"' });

    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(second.headers.get('etag')).toBe(etag);
    expect(second.text).toBe(first.text);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers.get('etag')).toBe(etag);
    expect(notModified.headers.get('cache-control')).toBe('private, no-cache');
    expect(otherTag.status).toBe(200);
  });

  it('changes its ETag and content when a prediction, an outcome or a history point changes; the reliability curve follows the calibration', async () => {
    type Snapshot = { clusters: { cluster_id: string; calibration: { reliability: unknown } }[] };
    const reliabilityOf = (snapshot: Snapshot, id: string) =>
      snapshot.clusters.find((cluster) => cluster.cluster_id === id)?.calibration.reliability;
    const read = async () => {
      const response = await get('/api/dashboard');
      return {
        etag: response.headers.get('etag'),
        snapshot: JSON.parse(response.text) as Snapshot,
        live: (await fromPartRoutes()) as unknown as Snapshot,
      };
    };
    const before = await read();

    await stack.learning.predictions.record(
      samplePrediction({
        clusterId: KNOWN_CLUSTER,
        jobId: 'job-new',
        predictedAtMs: JAN_1_2025_MS + 90 * 60_000,
        features: { pendingJobs: 30, utilisation: 0.9, partition: 'gpu-a100' },
      }),
    );
    const predicted = await read();
    await recordJobOutcome(stack.learning, {
      clusterId: KNOWN_CLUSTER,
      jobId: 'job-39',
      waitSeconds: SHORT_WAIT_SECONDS,
      nowMs: JAN_1_2025_MS + 95 * 60_000,
    });
    const outcome = await read();
    await history.append(historyPoint(KNOWN_CLUSTER, JAN_1_2025_MS + 7_200_000, 0.05));
    const appended = await read();

    expect(new Set([before, predicted, outcome, appended].map((state) => state.etag)).size).toBe(4);
    // A new prediction (PSI, the predictions table): everything as the per-part routes show it; the
    // reliability curve is the kept one, since the calibration did not change.
    expect(predicted.snapshot).toEqual(predicted.live);
    expect(reliabilityOf(predicted.snapshot, KNOWN_CLUSTER)).toEqual(reliabilityOf(before.snapshot, KNOWN_CLUSTER));
    // A new outcome is folded at once: a new calibration, so the curve is measured again (31 outcomes).
    expect(outcome.snapshot).toEqual(outcome.live);
    expect(reliabilityOf(outcome.snapshot, KNOWN_CLUSTER)).toMatchObject({ window_outcomes: 31 });
    expect(reliabilityOf(predicted.snapshot, KNOWN_CLUSTER)).toMatchObject({ window_outcomes: 30 });
    expect(appended.snapshot).toEqual(appended.live);
  });

  it('reads in steady state exactly the requests the cost model counts, and no more read units than it prices', async () => {
    await get('/api/dashboard');
    meter.reset();

    await get('/api/dashboard');

    const tally = meter.tally();
    // 2 clusters: 1 list + 2 × (calibration GetItem + history probe + 10 predictions) + 2 × 2 escalation queries + 1 ledger read = 12.
    expect(tally.totalRequests).toBe(dashboardReadRequests(2));
    expect(tally.requests).toEqual({ QueryCommand: 9, GetItemCommand: 3 });
    expect(tally.readUnits).toBeGreaterThan(0);
    expect(tally.readUnits).toBeLessThanOrEqual(dashboardReadUnits(2));
  });

  it('shows null for parts this deployment does not have, and refuses a query string naming it', async () => {
    const bare = createHttpApp({
      ...stack.deps(),
      learning,
      mounts: [createDashboardRoutes({ learning, minRefreshIntervalMs: 1_000 })],
    });

    const response = await bare.request('/api/dashboard');
    const refused = await bare.request('/api/dashboard?clusters=all');

    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      refresh: unknown;
      escalations: unknown;
      budget: unknown;
      clusters: { history: unknown; psi: { available: boolean } }[];
    };
    expect(body.refresh).toEqual({ min_interval_ms: 1_000 });
    expect(body.escalations).toBeNull();
    expect(body.budget).toBeNull();
    expect(body.clusters.map((cluster) => cluster.history)).toEqual([null, null]);
    expect(body.clusters[0]?.psi.available).toBe(false);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('clusters');
  });

  it('keeps the CORS headers on a 304 for the configured dashboard origin, and exposes the ETag', async () => {
    const origin = 'http://localhost:8080';
    const cors = createHttpApp({
      ...stack.deps({ corsOrigin: origin }),
      learning,
      mounts: [createDashboardRoutes({ learning, minRefreshIntervalMs: 1_000 })],
    });
    const first = await cors.request('/api/dashboard', { headers: { origin } });

    const again = await cors.request('/api/dashboard', {
      headers: { origin, 'if-none-match': first.headers.get('etag') ?? '' },
    });

    expect(first.headers.get('access-control-expose-headers')).toContain('etag');
    expect(again.status).toBe(304);
    expect(again.headers.get('access-control-allow-origin')).toBe(origin);
  });
});
