/**
 * Storage throughput against the embedded dynalite: predictions and outcomes recorded per second
 * through the prediction log (one conditional PutItem; one conditional UpdateItem + the inbox put,
 * batched with concurrent outcomes' into shared BatchWriteItems), and outcomes per second through
 * the whole learning loop as `vgac start` serves them (`recordJobOutcome` with background folds:
 * acknowledged once durably queued, folded off the request path under the cluster's fold lease
 * with one conditional write of the learning state per batch) — both until every outcome is
 * acknowledged and until every one is folded.
 *
 * The baseline is raw PutItem/s of same-size items (a copy of a stored prediction with its
 * outcome) on the same dynalite, table, SDK client and concurrency. A shared machine's speed
 * drifts by more than the differences measured, so the two are interleaved: each of
 * STORAGE_BENCH_ROUNDS rounds times a raw phase before and after every product phase (fresh keys
 * and job ids each round; a phase's raw neighbours are 1–2 s away) and compares the phase with those two, and the reported ratio is the
 * median of the rounds' ratios. The background folds are drained at the end of every round. Wall
 * time still moves with the machine's load within a round, so the loop's process CPU per outcome is
 * reported too, against the raw phases' CPU per PutItem: a steadier measure of what each costs.
 * Last, where an outcome's cost goes: the process CPU per item operation of each write one outcome
 * makes (its conditional UpdateItem, its inbox put, the fold's FOLDED marker put and inbox delete),
 * each phase timed alone beside raw PutItem phases.
 *
 * Run alone: `node --import tsx bench/storage.bench.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BatchWriteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
import { BATCH_WRITE_LIMIT, MAX_BATCHES_IN_FLIGHT } from '../src/adapters/dynamodb/batched-puts.ts';
import { createAwsClients } from '../src/entry/aws-clients.ts';
import { startEmbeddedAws } from '../src/entry/local/embedded-aws.ts';

import { median } from './median.ts';
import { improvementRatio, roundRatios } from './run.ts';
import type { BenchResult } from './types.ts';

/** Rounds of interleaved phases; each ratio reported is the median of the rounds'. */
export const STORAGE_BENCH_ROUNDS = 5;
/** Writes (predictions, outcomes or raw puts) per phase of a round. */
export const STORAGE_BENCH_WRITES_PER_PHASE = 1000;
export const STORAGE_BENCH_CONCURRENCY = 32;
/** Rounds, and item operations per phase, of the breakdown of what one outcome costs. */
export const BREAKDOWN_ROUNDS = 3;
export const BREAKDOWN_OPERATIONS = 500;
/** Throw-away writes of every kind before measuring. */
export const WARMUP_WRITES = 500;

const TABLE = 'vgac-bench';
/** The cluster the prediction log's own phases write to (no learning state: the log alone). */
const LOG_CLUSTER = 'bench-cluster';
/** The registered cluster whose outcomes go through the whole learning loop. */
const LOOP_CLUSTER = 'bench-loop';
const START_MS = Date.UTC(2025, 0, 1);
const OUTCOME_AT_MS = START_MS + 3_600_000;

function prediction(jobId: string, index: number, clusterId: string): PredictionRecord {
  return {
    clusterId,
    jobId,
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

/** A raw phase: PutItem/s, and this process's CPU time per PutItem, ms. */
interface Phase {
  readonly perSecond: number;
  readonly cpuMsEach: number;
}

/**
 * CPU time this process has used, ms: the client, the embedded dynalite (its LevelDB threads
 * included) and the background folds all run in it, so it is what the work costs the machine,
 * and unlike wall time it does not grow while other processes hold the cores.
 */
function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** One product phase's value in each round, beside the raw phases' around it. */
interface Measured {
  readonly rounds: { value: number; baseline: number }[];
}

const RAW_BASELINE = 'raw PutItem of same-size items, interleaved';

function resultOf(name: string, unit: string, measured: Measured, baseline = RAW_BASELINE): BenchResult {
  return {
    name,
    value: median(measured.rounds.map((round) => round.value)),
    unit,
    baseline: { name: baseline, value: median(measured.rounds.map((round) => round.baseline)) },
    rounds: measured.rounds,
  };
}

/** The item operations one outcome costs, in the order recordOutcome and the fold send them. */
const OUTCOME_OPERATIONS = [
  'conditional UpdateItem (the outcome)',
  'inbox put',
  'FOLDED marker put',
  'inbox delete',
] as const;

/**
 * Process CPU per item operation of each of OUTCOME_OPERATIONS, in `rounds` rounds, each phase
 * beside the raw PutItem phases just before and after it: where an outcome's cost goes.
 */
async function outcomeOperationCosts(options: {
  readonly client: ReturnType<typeof createAwsClients>['dynamo'];
  readonly table: string;
  readonly store: DynamoPredictionLog;
  readonly template: Record<string, unknown>;
  readonly rounds: number;
  readonly count: number;
  readonly concurrency: number;
  readonly raw: () => Promise<Phase>;
}): Promise<BenchResult[]> {
  const { client, table, store, template, count, concurrency } = options;
  const cluster = 'bench-breakdown';
  const batched = async (requests: readonly Record<string, unknown>[]): Promise<void> => {
    const batches: Record<string, unknown>[][] = [];
    for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT)
      batches.push(requests.slice(start, start + BATCH_WRITE_LIMIT));
    await timed(batches.length, MAX_BATCHES_IN_FLIGHT, (index) =>
      client.send(new BatchWriteCommand({ RequestItems: { [table]: batches[index] ?? [] } })),
    );
  };
  const indexes = Array.from({ length: count }, (_, index) => index);
  const measured: Measured[] = OUTCOME_OPERATIONS.map(() => ({ rounds: [] }));
  let before = await options.raw();
  for (let round = 0; round < options.rounds; round += 1) {
    const jobId = (index: number): string => `breakdown-${round}-${index}`;
    await timed(count, concurrency, (index) => store.record(prediction(jobId(index), index, cluster)));
    const inboxKey = (index: number) => ({ PK: `CLUSTER#${cluster}`, SK: `INBOX#${round}#${index}` });
    const phases: (() => Promise<unknown>)[] = [
      () =>
        timed(count, concurrency, (index) =>
          client.send(
            new UpdateCommand({
              TableName: table,
              Key: { PK: `CLUSTER#${cluster}`, SK: `JOB#${jobId(index)}` },
              UpdateExpression: 'SET #outcome = :outcome, #writeId = :writeId',
              ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#outcome)',
              ExpressionAttributeNames: { '#pk': 'PK', '#outcome': 'outcome', '#writeId': 'outcomeWriteId' },
              ExpressionAttributeValues: {
                ':outcome': { waitSeconds: 60, longWait: false, observedAtMs: OUTCOME_AT_MS },
                ':writeId': `${round}-${index}`,
              },
              ReturnValues: 'ALL_NEW',
            }),
          ),
        ),
      () => batched(indexes.map((index) => ({ PutRequest: { Item: { ...template, ...inboxKey(index) } } }))),
      () =>
        batched(
          indexes.map((index) => ({
            PutRequest: {
              Item: {
                PK: `CLUSTER#${cluster}`,
                SK: `FOLDED#${jobId(index)}`,
                foldedAtMs: OUTCOME_AT_MS,
                expiresAt: 2e9,
              },
            },
          })),
        ),
      () => batched(indexes.map((index) => ({ DeleteRequest: { Key: inboxKey(index) } }))),
    ];
    for (const [operation, phase] of phases.entries()) {
      const cpuStartMs = processCpuMs();
      await phase();
      const cpuMsEach = (processCpuMs() - cpuStartMs) / count;
      const after = await options.raw();
      measured[operation]?.rounds.push({ value: cpuMsEach, baseline: (before.cpuMsEach + after.cpuMsEach) / 2 });
      before = after;
    }
  }
  return OUTCOME_OPERATIONS.map((operation, index) =>
    resultOf(
      `outcome's item operations: process CPU per ${operation}`,
      'ms/item',
      measured[index] ?? { rounds: [] },
      'process CPU per raw PutItem, interleaved',
    ),
  );
}

/**
 * Measures recordPrediction/s, recordOutcome/s and recordJobOutcome/s (acknowledged, folded), each
 * against raw PutItem/s of same-size items timed just before and just after it in the same round.
 */
export async function benchStorage(
  options: { readonly rounds?: number; readonly writesPerPhase?: number; readonly concurrency?: number } = {},
): Promise<BenchResult[]> {
  const rounds = options.rounds ?? STORAGE_BENCH_ROUNDS;
  const count = options.writesPerPhase ?? STORAGE_BENCH_WRITES_PER_PHASE;
  const concurrency = options.concurrency ?? STORAGE_BENCH_CONCURRENCY;
  const dataDir = await mkdtemp(join(tmpdir(), 'vgac-bench-'));
  const embedded = await startEmbeddedAws({ dataDir });
  const clients = createAwsClients({
    region: 'us-east-1',
    dynamoEndpoint: embedded.dynamoEndpoint,
    s3Endpoint: embedded.s3Endpoint,
  });
  let folds: BackgroundFolds | undefined;
  try {
    await ensureTable(clients.dynamo, TABLE);
    const store = new DynamoPredictionLog({ client: clients.dynamo, tableName: TABLE });
    const outcome = { waitSeconds: 1800, longWait: true, observedAtMs: OUTCOME_AT_MS };

    // The whole loop as `vgac start` serves it: a registered cluster, its predictions stored, then
    // every outcome recorded (answered once queued) and folded in the background.
    const base = createLearningDeps({
      ...dynamoLearningStores(clients.dynamo, TABLE, { calibrationMaxAgeMs: 1_000 }),
      bundles: new MemoryBundleStore(),
      gate: DEFAULT_GATE_CONFIG,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const loopFolds = new BackgroundFolds({
      fold: (clusterId) => foldPendingOutcomes(base, { clusterId, nowMs: OUTCOME_AT_MS }),
      logger: base.logger,
    });
    folds = loopFolds;
    const deps = { ...base, folds: loopFolds };
    await registerCluster(deps, {
      clusterId: LOOP_CLUSTER,
      prior: syntheticBundle(-2, 'bench-prior'),
      platform: 'slurm',
      nowMs: START_MS - 1000,
    });

    // Warm-up (JIT, keep-alive sockets, LevelDB files) on throw-away items, so no phase pays for it;
    // its stored prediction with its outcome is the raw phases' template (same size as a product item).
    const warmup = Math.min(count, WARMUP_WRITES);
    await timed(warmup, concurrency, (index) => store.record(prediction(`warmup-${index}`, index, 'bench-warmup')));
    await timed(warmup, concurrency, (index) => store.recordOutcome('bench-warmup', `warmup-${index}`, outcome));
    const { Item: template } = await clients.dynamo.send(
      new GetCommand({ TableName: TABLE, Key: { PK: 'CLUSTER#bench-warmup', SK: 'JOB#warmup-0' } }),
    );
    if (template === undefined) throw new Error('bench: stored prediction item not found');
    let rawPhase = 0;
    /** Raw PutItems of `count` fresh copies of the template: PutItem/s and process CPU ms per PutItem. */
    const raw = async (): Promise<Phase> => {
      rawPhase += 1;
      const phase = rawPhase;
      const cpuStartMs = processCpuMs();
      const seconds = await timed(count, concurrency, (index) =>
        clients.dynamo.send(
          new PutCommand({
            TableName: TABLE,
            Item: { ...template, PK: 'CLUSTER#bench-raw', SK: `RAW#${phase}#${index}` },
          }),
        ),
      );
      return { perSecond: count / seconds, cpuMsEach: (processCpuMs() - cpuStartMs) / count };
    };
    await raw();

    // Raw, predictions, raw, outcomes, raw, (predictions stored), loop outcomes, raw, … : a round's
    // last raw phase is the next round's first.
    let before = await raw();
    const predictions: Measured = { rounds: [] };
    const outcomes: Measured = { rounds: [] };
    const acknowledged: Measured = { rounds: [] };
    const allFolded: Measured = { rounds: [] };
    const loopCpu: Measured = { rounds: [] };
    for (let round = 0; round < rounds; round += 1) {
      const jobId = (index: number): string => `round-${round}-job-${index}`;
      const predictionSeconds = await timed(count, concurrency, (index) =>
        store.record(prediction(jobId(index), index, LOG_CLUSTER)),
      );
      const between = await raw();
      const outcomeSeconds = await timed(count, concurrency, (index) =>
        store.recordOutcome(LOG_CLUSTER, jobId(index), outcome),
      );
      const beforeLoop = await raw();
      await timed(count, concurrency, (index) => store.record(prediction(jobId(index), index, LOOP_CLUSTER)));
      const loopStartMs = performance.now();
      const loopCpuStartMs = processCpuMs();
      const loopSeconds = await timed(count, concurrency, (index) =>
        recordJobOutcome(deps, {
          clusterId: LOOP_CLUSTER,
          jobId: jobId(index),
          waitSeconds: index % 7 === 0 ? 1800 : 60,
          nowMs: OUTCOME_AT_MS + index,
        }),
      );
      await loopFolds.drain();
      const foldedSeconds = (performance.now() - loopStartMs) / 1000;
      const loopCpuMsEach = (processCpuMs() - loopCpuStartMs) / count;
      const after = await raw();
      const folded = (await base.learning.load(LOOP_CLUSTER))?.totalOutcomes;
      if (folded !== (round + 1) * count)
        throw new Error(`bench: ${folded ?? 0} of ${(round + 1) * count} outcomes reached the learning state`);

      // Each phase against the raw phases timed just before and just after it (their mean).
      const around = (first: Phase, second: Phase): number => (first.perSecond + second.perSecond) / 2;
      predictions.rounds.push({ value: count / predictionSeconds, baseline: around(before, between) });
      outcomes.rounds.push({ value: count / outcomeSeconds, baseline: around(between, beforeLoop) });
      acknowledged.rounds.push({ value: count / loopSeconds, baseline: around(beforeLoop, after) });
      allFolded.rounds.push({ value: count / foldedSeconds, baseline: around(beforeLoop, after) });
      loopCpu.rounds.push({ value: loopCpuMsEach, baseline: (beforeLoop.cpuMsEach + after.cpuMsEach) / 2 });
      before = after;
    }

    // What one outcome's item operations cost, each timed alone (the shapes recordOutcome and the
    // fold send) beside raw PutItem phases: the outcome's conditional UpdateItem, its inbox put,
    // and the fold's FOLDED marker put and inbox delete (both in BatchWriteItems of 25).
    const breakdown = await outcomeOperationCosts({
      client: clients.dynamo,
      table: TABLE,
      store,
      template,
      rounds: options.rounds === undefined ? BREAKDOWN_ROUNDS : Math.min(rounds, BREAKDOWN_ROUNDS),
      count: Math.min(count, BREAKDOWN_OPERATIONS),
      concurrency,
      raw: async () => raw(),
    });

    const shape = `dynalite, ${rounds} rounds of ${count}, concurrency ${concurrency}`;
    return [
      resultOf(`recordJobOutcome, background folds: acknowledged (${shape})`, 'outcomes/s', acknowledged),
      resultOf(`recordJobOutcome, background folds: all folded (same outcomes, exactly once)`, 'outcomes/s', allFolded),
      resultOf(
        'recordJobOutcome, background folds: process CPU per outcome until folded',
        'ms/outcome',
        loopCpu,
        'process CPU per raw PutItem, interleaved',
      ),
      resultOf(`predictionLog.recordOutcome (${shape})`, 'outcomes/s', outcomes),
      resultOf(`predictionLog.record (${shape})`, 'predictions/s', predictions),
      ...breakdown,
    ];
  } finally {
    await folds?.close();
    clients.destroy();
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const result of await benchStorage()) {
    const ratio = improvementRatio(result);
    const baseline =
      result.baseline === undefined
        ? ''
        : ` (baseline ${result.baseline.name}: ${result.baseline.value.toPrecision(3)})`;
    const rounds = roundRatios(result)
      .map((each) => each.toFixed(2))
      .join(' ');
    process.stdout.write(
      `${result.name}: ${result.value.toPrecision(3)} ${result.unit}${baseline}` +
        `${ratio === null ? '' : `; median ratio ${ratio.toFixed(2)}`}${rounds === '' ? '' : ` (rounds: ${rounds})`}\n`,
    );
  }
}
