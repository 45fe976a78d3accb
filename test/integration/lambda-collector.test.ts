/**
 * The collector Lambda, invoked with EventBridge scheduled events against dynalite + s3rver,
 * observing a cluster through the built-in simulated observer (a real ClusterObserver adapter).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLearningDeps, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { ClusterState, QueuedJob } from '../../src/app/records/queue.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { dynamoLearningStores } from '../../src/entry/learning-stores.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket, S3BundleStore } from '../../src/adapters/s3/s3-bundle-store.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import type { CollectOutput } from '../../src/entry/lambda/collect.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { captureOutput, emfMetrics, importFresh, loadEventFixture, setEnvironment } from '../support/lambda-harness.ts';
import { syntheticBundle } from '../support/learning-fixtures.ts';
import { startSlackApiServer } from '../support/slack-api-server.ts';
import { startSsmJsonServer } from '../support/ssm-json-server.ts';

type CollectModule = typeof import('../../src/entry/lambda/collect.ts');

const T0_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let aws: TestAws;
let restoreEnvironment: () => void;
let deps: LearningDeps;

function job(jobId: string, submitTimeMs: number, startTimeMs: number | null): QueuedJob {
  return {
    jobId,
    user: 'ana',
    partition: 'gpu',
    state: startTimeMs === null ? 'pending' : 'running',
    submitTimeMs,
    startTimeMs,
    requestedGpus: 4,
    requestedCpus: 16,
    timeLimitSeconds: 3600,
    priority: null,
    reason: null,
  };
}

function state(observedAtMs: number, jobs: readonly QueuedJob[]): ClusterState {
  return { clusterId: 'sim', observedAtMs, jobs, totalGpus: 16, gpusInUse: 8, features: {} };
}

beforeAll(async () => {
  aws = await startTestAws();
  const table = uniqueName('collector');
  const bucket = uniqueName('collector');
  await ensureTable(aws.clients.dynamo, table);
  await ensureBucket(aws.clients.s3, bucket);
  restoreEnvironment = setEnvironment({
    VGAC_MODE: 'aws',
    VGAC_TABLE: table,
    VGAC_BUCKET: bucket,
    VGAC_DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
    VGAC_S3_ENDPOINT: aws.s3Endpoint,
    VGAC_API_KEY_PARAM: '/vgac/api-key',
    VGAC_COLLECTOR: 'none',
    // The cluster the collector's Slurm is registered as (registered below, with another one it must leave alone).
    VGAC_SLURM_CLUSTER_ID: 'sim',
    POWERTOOLS_SERVICE_NAME: 'vgac-test',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_DEV: undefined,
  });
  deps = createLearningDeps({
    ...dynamoLearningStores(aws.clients.dynamo, table),
    bundles: new S3BundleStore({ client: aws.clients.s3, bucket }),
    gate: DEFAULT_GATE_CONFIG,
    logger: silent,
  });
  // A bundle over a feature the live collector computes (threshold 600 s from the synthetic prior).
  const prior = { ...syntheticBundle(-2, 'prior-sim'), numericFeatures: ['pendingJobsAhead'] };
  await registerCluster(deps, { clusterId: 'sim', prior, platform: 'slurm', nowMs: T0_MS });
  await registerCluster(deps, { clusterId: 'eks-elsewhere', prior, platform: 'kubernetes', nowMs: T0_MS });
}, 60_000);

afterAll(async () => {
  restoreEnvironment();
  await aws.stop();
});

describe('collector handler', () => {
  it('predicts a job at its submit instant and records its outcome when it starts, across two scheduled invocations', async () => {
    const collect = await importFresh<CollectModule>('../../src/entry/lambda/collect.ts');
    const { createLambdaRuntime } = await import('../../src/entry/lambda/lambda-runtime.ts');
    // Imported after the fresh handler module: one module graph, so SourceUnavailableError is the same class.
    const { SimulatedObserver } = await import('../../src/adapters/collectors/simulated-observer.ts');
    const observer = new SimulatedObserver();
    let nowMs = T0_MS;
    const handler = collect.createCollectHandler(await createLambdaRuntime(), observer, { clock: () => nowMs });
    const event = await loadEventFixture('eventbridge-scheduled.json');

    observer.publish(state(T0_MS + 5_000, [job('1', T0_MS - 60_000, null), job('2', T0_MS + 2_000, null)]));
    const first = await captureOutput(() => handler(event));
    nowMs = T0_MS + 200_000;
    observer.publish(
      state(T0_MS + 200_000, [job('1', T0_MS - 60_000, null), job('2', T0_MS + 2_000, T0_MS + 122_000)]),
    );
    const second = await captureOutput(() => handler(event));

    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
    // Job 1 was queued before capture began: adopted, never predicted. Job 2 is new.
    expect(first.result).toEqual({
      status: 'collected',
      passes: 1,
      clusters: [{ clusterId: 'sim', status: 'collected', predicted: 1, outcomes: 0, censored: 0, adopted: 1 }],
    });
    expect(second.result).toEqual({
      status: 'collected',
      passes: 1,
      clusters: [{ clusterId: 'sim', status: 'collected', predicted: 0, outcomes: 1, censored: 0, adopted: 0 }],
    });
    const stored = await deps.predictions.recent('sim', { limit: 10 });
    expect(stored.map((prediction) => prediction.jobId)).toEqual(['2']);
    // Job 1 is pending and queued ahead of job 2 at its submit instant.
    expect(stored[0]?.features['pendingJobsAhead']).toBe(1);
    // wait = start − submit = 120 s, under the 600 s threshold
    expect(stored[0]?.outcome).toMatchObject({ waitSeconds: 120, longWait: false });
    const predictions = [first, second].map((run) =>
      emfMetrics(run.lines)
        .filter((metric) => metric.name === 'Predictions')
        .map((metric) => metric.value),
    );
    // One per stored prediction (the runtime's store counts them); a pass that stores none emits none.
    expect(predictions).toEqual([[1], []]);
  });

  it('tells a job subscriber once by direct message when the job starts, with the bot token read from SSM', async () => {
    const collect = await importFresh<CollectModule>('../../src/entry/lambda/collect.ts');
    const { createLambdaRuntime } = await import('../../src/entry/lambda/lambda-runtime.ts');
    const { loadConfig } = await import('../../src/entry/config.ts');
    const { lazySsmSecrets } = await import('../../src/entry/lambda/lazy-ssm-secrets.ts');
    const { SimulatedObserver } = await import('../../src/adapters/collectors/simulated-observer.ts');
    const { DynamoJobSubscriptionStore } = await import('../../src/adapters/dynamodb/dynamo-job-subscription-store.ts');
    const [slack, ssm] = await Promise.all([
      startSlackApiServer(),
      startSsmJsonServer({ '/vgac/slack/bot-token': 'xoxb-from-ssm' }),
    ]);
    try {
      const runtime = await createLambdaRuntime(
        loadConfig({
          ...process.env,
          VGAC_SLACK_BOT_TOKEN_PARAM: '/vgac/slack/bot-token',
          VGAC_SLACK_API_URL: slack.apiUrl,
          VGAC_SSM_ENDPOINT: ssm.endpoint,
        }),
      );
      const secrets = lazySsmSecrets({
        region: runtime.config.region,
        endpoint: runtime.config.lambda.ssmEndpoint,
        tracer: runtime.tracer,
        callPolicy: runtime.config.callPolicy,
      });
      let nowMs = T0_MS + 300_000;
      const notify = collect.jobNotifier(runtime, secrets, () => nowMs);
      const observer = new SimulatedObserver();
      const handler = collect.createCollectHandler(runtime, observer, { clock: () => nowMs, afterCollect: notify });
      const event = await loadEventFixture('eventbridge-scheduled.json');
      await new DynamoJobSubscriptionStore({ client: aws.clients.dynamo, tableName: runtime.config.table }).subscribe({
        clusterId: 'sim',
        jobId: '31',
        userId: 'U0ANA',
        createdAtMs: nowMs - 1000,
        expiresAtMs: nowMs + 86_400_000,
        baselineWaitSeconds: null,
        startedNoticeAtMs: null,
        movedNoticeAtMs: null,
      });

      observer.publish(state(nowMs, [job('31', T0_MS + 200_000, null)]));
      const pending = await captureOutput(() => handler(event));
      nowMs += 60_000;
      observer.publish(state(nowMs, [job('31', T0_MS + 200_000, T0_MS + 320_000)]));
      const started = await captureOutput(() => handler(event));
      nowMs += 60_000;
      const again = await captureOutput(() => handler(event));

      expect([pending.error, started.error, again.error]).toEqual([undefined, undefined, undefined]);
      // Waited start − submit = 320 s − 200 s = 120 s = 2 min.
      expect(slack.posts.map((post) => [post.channel, post.text, post.authorization])).toEqual([
        ['U0ANA', 'Your job 31 on sim started at 2026-01-05T09:05:20Z, after waiting 2 min.', 'Bearer xoxb-from-ssm'],
      ]);
      expect(ssm.requests.map((request) => request.name)).toEqual(['/vgac/slack/bot-token']);
    } finally {
      await slack.close();
      await ssm.stop();
    }
  });

  it('reports a cluster whose source is down without failing the pass', async () => {
    const collect = await importFresh<CollectModule>('../../src/entry/lambda/collect.ts');
    const { createLambdaRuntime } = await import('../../src/entry/lambda/lambda-runtime.ts');
    // Imported after the fresh handler module: one module graph, so SourceUnavailableError is the same class.
    const { SimulatedObserver } = await import('../../src/adapters/collectors/simulated-observer.ts');
    const observer = new SimulatedObserver();
    observer.setUnavailable('sim', 'slurmctld unreachable');
    const handler = collect.createCollectHandler(await createLambdaRuntime(), observer, { clock: () => T0_MS });
    const event = await loadEventFixture('eventbridge-scheduled.json');

    const run = await captureOutput(() => handler(event));

    expect(run.error).toBeUndefined();
    expect((run.result as CollectOutput & { status: 'collected' }).clusters[0]).toMatchObject({
      clusterId: 'sim',
      status: 'unavailable',
    });
  });

  it('reports its cluster unregistered until it is onboarded, and never observes another registered cluster', async () => {
    const collect = await importFresh<CollectModule>('../../src/entry/lambda/collect.ts');
    const { createLambdaRuntime } = await import('../../src/entry/lambda/lambda-runtime.ts');
    const { loadConfig } = await import('../../src/entry/config.ts');
    const { SimulatedObserver } = await import('../../src/adapters/collectors/simulated-observer.ts');
    const observer = new SimulatedObserver();
    const observed: string[] = [];
    const watching = { observe: (clusterId: string) => (observed.push(clusterId), observer.observe(clusterId)) };
    const handler = collect.createCollectHandler(
      await createLambdaRuntime(loadConfig({ ...process.env, VGAC_SLURM_CLUSTER_ID: 'not-onboarded' })),
      watching,
      { clock: () => T0_MS },
    );
    const event = await loadEventFixture('eventbridge-scheduled.json');

    const run = await captureOutput(() => handler(event));

    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({
      status: 'collected',
      passes: 1,
      clusters: [{ clusterId: 'not-onboarded', status: 'unregistered' }],
    });
    expect(observed).toEqual([]);
  });

  it('with VGAC_COLLECTOR=none does nothing, and refuses an event that is not a scheduled event', async () => {
    const { handler } = await importFresh<CollectModule>('../../src/entry/lambda/collect.ts');
    const event = await loadEventFixture('eventbridge-scheduled.json');

    const disabled = await captureOutput(() => handler(event));
    const refused = await captureOutput(() => handler({ Records: [] }));

    expect(disabled.result).toEqual({ status: 'disabled' });
    expect((refused.error as Error).name).toBe('InvalidInputError');
  });
  it('collectHandler_twoPassesPerMinute_collectsAt0And30s_andSeesAStartBetweenThem', async () => {
    const collect = await importFresh<CollectModule>('../../src/entry/lambda/collect.ts');
    const { createLambdaRuntime } = await import('../../src/entry/lambda/lambda-runtime.ts');
    const { SimulatedObserver } = await import('../../src/adapters/collectors/simulated-observer.ts');
    const observer = new SimulatedObserver();
    const base = T0_MS + 3_600_000;
    let nowMs = base;
    const slept: number[] = [];
    // The first pass takes 1.5 s (the clock moves while it runs); the sleep moves the clock and publishes what Slurm shows 30 s in.
    const sleep = (ms: number): Promise<void> => {
      slept.push(ms);
      nowMs += ms;
      observer.publish(state(nowMs, [job('31', base + 1_000, base + 20_000)]));
      return Promise.resolve();
    };
    const handler = collect.createCollectHandler(await createLambdaRuntime(), observer, {
      clock: () => nowMs,
      passes: collect.passesPerMinute(30_000),
      sleep,
    });
    observer.publish(state(base, [job('31', base + 1_000, null)]));
    const clockAdvancingObserve = observer.observe.bind(observer);
    observer.observe = async (clusterId, spec) => {
      const listing = await clockAdvancingObserve(clusterId, spec);
      nowMs += 1_500;
      return listing;
    };
    const event = await loadEventFixture('eventbridge-scheduled.json');

    const run = await captureOutput(() => handler(event));

    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({
      status: 'collected',
      passes: 2,
      clusters: [
        { clusterId: 'sim', status: 'collected', predicted: 1, outcomes: 0, censored: 0, adopted: 0 },
        { clusterId: 'sim', status: 'collected', predicted: 0, outcomes: 1, censored: 0, adopted: 0 },
      ],
    });
    // The second pass starts 30 s after the first began: 30 s minus the 1.5 s the first took.
    expect(slept).toEqual([28_500]);
    expect((await deps.predictions.find('sim', '31'))?.outcome?.waitSeconds).toBe(19);
  });

  it('passesPerMinute_fitsWholePassesInTheScheduleMinute', async () => {
    const collect = await importFresh<CollectModule>('../../src/entry/lambda/collect.ts');

    expect([60_000, 30_000, 20_000, 15_000, 10_000, 45_000, 90_000].map(collect.passesPerMinute)).toEqual([
      1, 2, 3, 4, 6, 1, 1,
    ]);
  });
});
