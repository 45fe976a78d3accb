/**
 * Storage throughput against the embedded dynalite: predictions and outcomes recorded per second
 * through the prediction log (one conditional PutItem; one conditional UpdateItem + the inbox put,
 * batched with concurrent outcomes' into shared BatchWriteItems), and outcomes per second through
 * the whole learning loop as `vgac start` serves them (`recordJobOutcome` with background folds:
 * acknowledged once durably queued, folded off the request path under the cluster's fold lease
 * with one conditional write of the learning state per batch) — both until every outcome is
 * acknowledged and until every one is folded — each with raw PutItem/s of same-size items as the
 * baseline (one plain write on the same server). The background folds are drained before the
 * stores close.
 *
 * Run alone: `node --import tsx bench/storage.bench.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PredictionRecord } from '../src/app/records/prediction-record.ts';
import { DynamoPredictionLog } from '../src/adapters/dynamodb/dynamo-prediction-log.ts';
import { MemoryBundleStore } from '../src/adapters/memory/memory-bundle-store.ts';
import { BackgroundFolds } from '../src/app/learning/background-folds.ts';
import { foldPendingOutcomes } from '../src/app/learning/fold-pending-outcomes.ts';
import { createLearningDeps } from '../src/app/learning/learning-deps.ts';
import { recordJobOutcome } from '../src/app/learning/record-outcome.ts';
import { registerCluster } from '../src/app/learning/register-cluster.ts';
import { DEFAULT_GATE_CONFIG } from '../src/core/gating/gate-config.ts';
import { dynamoLearningStores } from '../src/entry/learning-stores.ts';
import { syntheticBundle } from '../test/support/learning-fixtures.ts';
import { ensureTable } from '../src/adapters/dynamodb/table-definition.ts';
import { createAwsClients } from '../src/entry/aws-clients.ts';
import { startEmbeddedAws } from '../src/entry/local/embedded-aws.ts';

import type { BenchResult } from './types.ts';

export const STORAGE_BENCH_OUTCOMES = 2000;
export const STORAGE_BENCH_CONCURRENCY = 32;
/** Throw-away writes before measuring. */
export const WARMUP_WRITES = 500;

const TABLE = 'vgac-bench';
const CLUSTER = 'bench-cluster';
const START_MS = Date.UTC(2025, 0, 1);

function prediction(index: number, clusterId = CLUSTER): PredictionRecord {
  return {
    clusterId,
    jobId: `job-${index}`,
    predictedAtMs: START_MS + index * 1000,
    features: {
      pendingJobs: index % 50,
      pendingGpus: (index % 50) * 4,
      utilisation: 0.78,
      partition: 'gpu-a100',
      hourOfDay: index % 24,
    },
    rawScore: (index % 100) / 25 - 2,
    probability: (index % 100) / 100,
    waitEstimate: { pointSeconds: 1500, lowerSeconds: 720, upperSeconds: 2460, coverage: 0.8 },
    scope: 'learning',
    tier: null,
    bundleVersion: 1,
    unknownFeatures: [],
    classifierProbability: (index % 100) / 100,
    epoch: 1,
    calibrationVersion: 1,
  };
}

/** Runs `task(0 … count-1)` with `concurrency` in flight; resolves with the elapsed seconds. */
async function timed(count: number, concurrency: number, task: (index: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const startMs = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        await task(index);
      }
    }),
  );
  return (performance.now() - startMs) / 1000;
}

/** Measures recordPrediction/s and recordOutcome/s, each against raw PutItem/s of same-size items. */
export async function benchStorage(
  options: { readonly outcomes?: number; readonly concurrency?: number } = {},
): Promise<BenchResult[]> {
  const count = options.outcomes ?? STORAGE_BENCH_OUTCOMES;
  const concurrency = options.concurrency ?? STORAGE_BENCH_CONCURRENCY;
  const dataDir = await mkdtemp(join(tmpdir(), 'vgac-bench-'));
  const embedded = await startEmbeddedAws({ dataDir });
  const clients = createAwsClients({
    region: 'us-east-1',
    dynamoEndpoint: embedded.dynamoEndpoint,
    s3Endpoint: embedded.s3Endpoint,
  });
  try {
    await ensureTable(clients.dynamo, TABLE);
    const store = new DynamoPredictionLog({ client: clients.dynamo, tableName: TABLE });
    const outcome = { waitSeconds: 1800, longWait: true, observedAtMs: START_MS + 3_600_000 };

    // Warm-up (JIT, keep-alive sockets, LevelDB files) on throw-away items, so no phase pays for it.
    const warmup = Math.min(count, WARMUP_WRITES);
    await timed(warmup, concurrency, (index) => store.record(prediction(index, 'bench-warmup')));
    await timed(warmup, concurrency, (index) => store.recordOutcome('bench-warmup', `job-${index}`, outcome));

    const predictionSeconds = await timed(count, concurrency, (index) => store.record(prediction(index)));
    const outcomeSeconds = await timed(count, concurrency, (index) =>
      store.recordOutcome(CLUSTER, `job-${index}`, outcome),
    );

    // The whole loop as `vgac start` serves it: a registered cluster, its predictions stored, then
    // every outcome recorded (answered once queued) and folded in the background.
    const loopCluster = 'bench-loop';
    const base = createLearningDeps({
      ...dynamoLearningStores(clients.dynamo, TABLE, { calibrationMaxAgeMs: 1_000 }),
      bundles: new MemoryBundleStore(),
      gate: DEFAULT_GATE_CONFIG,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const folds = new BackgroundFolds({
      fold: (clusterId) => foldPendingOutcomes(base, { clusterId, nowMs: START_MS + 3_600_000 }),
      logger: base.logger,
    });
    const deps = { ...base, folds };
    await registerCluster(deps, {
      clusterId: loopCluster,
      prior: syntheticBundle(-2, 'bench-prior'),
      platform: 'slurm',
      nowMs: START_MS - 1000,
    });
    await timed(count, concurrency, (index) => store.record(prediction(index, loopCluster)));
    const loopStartMs = performance.now();
    const loopSeconds = await timed(count, concurrency, (index) =>
      recordJobOutcome(deps, {
        clusterId: loopCluster,
        jobId: `job-${index}`,
        waitSeconds: index % 7 === 0 ? 1800 : 60,
        nowMs: START_MS + 3_600_000 + index,
      }),
    );
    await folds.close();
    const foldedSeconds = (performance.now() - loopStartMs) / 1000;
    const folded = (await base.learning.load(loopCluster))?.totalOutcomes;
    if (folded !== count) throw new Error(`bench: ${folded ?? 0} of ${count} outcomes reached the learning state`);

    // Baseline: plain PutItem of a copy of a stored prediction item (with its outcome), same size.
    const { Item: template } = await clients.dynamo.send(
      new GetCommand({ TableName: TABLE, Key: { PK: `CLUSTER#${CLUSTER}`, SK: 'JOB#job-0' } }),
    );
    if (template === undefined) throw new Error('bench: stored prediction item not found');
    const putSeconds = await timed(count, concurrency, (index) =>
      clients.dynamo.send(
        new PutCommand({ TableName: TABLE, Item: { ...template, PK: 'CLUSTER#bench-raw', SK: `RAW#${index}` } }),
      ),
    );
    const rawPutsPerSecond = count / putSeconds;

    return [
      {
        name: `recordJobOutcome, background folds: acknowledged (dynalite, ${count} outcomes, concurrency ${concurrency})`,
        value: count / loopSeconds,
        unit: 'outcomes/s',
        baseline: { name: 'raw PutItem of same-size items', value: rawPutsPerSecond },
      },
      {
        name: `recordJobOutcome, background folds: all folded (same ${count} outcomes, exactly once)`,
        value: count / foldedSeconds,
        unit: 'outcomes/s',
        baseline: { name: 'raw PutItem of same-size items', value: rawPutsPerSecond },
      },
      {
        name: `predictionLog.recordOutcome (dynalite, ${count} outcomes, concurrency ${concurrency})`,
        value: count / outcomeSeconds,
        unit: 'outcomes/s',
        baseline: { name: 'raw PutItem of same-size items', value: rawPutsPerSecond },
      },
      {
        name: `predictionLog.record (dynalite, ${count} predictions, concurrency ${concurrency})`,
        value: count / predictionSeconds,
        unit: 'predictions/s',
        baseline: { name: 'raw PutItem of same-size items', value: rawPutsPerSecond },
      },
    ];
  } finally {
    clients.destroy();
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const result of await benchStorage()) {
    const baseline =
      result.baseline === undefined ? '' : ` (baseline ${result.baseline.name}: ${result.baseline.value.toFixed(0)})`;
    process.stdout.write(`${result.name}: ${result.value.toFixed(0)} ${result.unit}${baseline}\n`);
  }
}
