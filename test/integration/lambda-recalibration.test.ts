/**
 * The recalibration workflow's Lambda handlers (CheckDrift → Recalibrate → UpdateProfile →
 * Notify), invoked with Step Functions task inputs shaped as template.yaml passes them, against
 * dynalite + s3rver and an SNS Query API server on loopback. Each handler module is imported
 * fresh after the environment is set, exactly as a cold start reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLearningDeps, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { predictJob } from '../../src/app/learning/predict-job.ts';
import { recordJobOutcome } from '../../src/app/learning/record-outcome.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { MaintenanceScheduler } from '../../src/app/ports/maintenance-scheduler.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { dynamoLearningStores } from '../../src/entry/learning-stores.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket, S3BundleStore } from '../../src/adapters/s3/s3-bundle-store.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import type { ModelBundle } from '../../src/core/model/bundle.ts';
import type { CheckDriftOutput } from '../../src/entry/lambda/recalibration/check-drift.ts';
import type { RecalibrateOutput } from '../../src/entry/lambda/recalibration/recalibrate.ts';
import type { UpdateProfileOutput } from '../../src/entry/lambda/recalibration/update-profile.ts';
import type { NotifyOutput } from '../../src/entry/lambda/recalibration/notify.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import {
  captureOutput,
  emfMetrics,
  importFresh,
  loadEventFixture,
  logLines,
  setEnvironment,
} from '../support/lambda-harness.ts';
import { syntheticBundle, syntheticJobs, TRUE_INTERCEPT, type SyntheticJob } from '../support/learning-fixtures.ts';
import { startSnsQueryServer, type SnsQueryServer } from '../support/sns-query-server.ts';

type Handler<T> = { handler: (event: unknown) => Promise<T> };

const T0_MS = Date.UTC(2026, 0, 5, 0, 0, 0);
const HOUR_MS = 3_600_000;
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:vgac-alerts';
const SERVICE = 'vgac-test';
const JOBS = 300;

/**
 * A prior whose classifier no longer separates long from short waits: weight 0, so every job gets
 * the same score (AUROC 0.5, below the 0.6 that makes a retrain due). The online calibrator can
 * only learn the base rate from it; a retrain on the outcomes learns the truth's weight on x.
 */
const DRIFTED_PRIOR: ModelBundle = (() => {
  const bundle = syntheticBundle(0, 'prior-drifted');
  return { ...bundle, classifier: { ...bundle.classifier, weights: [0] } };
})();

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Hour of job `index`: 14 for every 4th, 10 for odd, 9 for the rest → counts 75 / 150 / 75. */
function hourOf(index: number): number {
  if (index % 4 === 0) return 14;
  return index % 2 === 1 ? 10 : 9;
}
function queueDepthOf(index: number): number {
  return index % 7;
}

let aws: TestAws;
let sns: SnsQueryServer;
let restoreEnvironment: () => void;
let deps: LearningDeps;
let jobsByCluster: Map<string, SyntheticJob[]>;

/** A scheduler that loses every request, as if the recompute topic's message never arrived. */
const lostScheduler: MaintenanceScheduler = { schedule: () => Promise.resolve() };

/**
 * Registers `clusterId` and predicts `jobs`. `folded`: each outcome is recorded and folded after its
 * prediction, as HTTP outcomes are, with the maintenance they make due lost on its way; `pending`:
 * the outcomes are recorded and left for the workflow's CheckDrift to fold.
 */
async function seedCluster(
  clusterId: string,
  prior: ModelBundle,
  jobs: readonly SyntheticJob[],
  outcomes: 'folded' | 'pending',
): Promise<void> {
  await registerCluster(deps, { clusterId, prior, platform: 'slurm', nowMs: T0_MS });
  const folding = { ...deps, maintenance: lostScheduler };
  for (const [index, job] of jobs.entries()) {
    const nowMs = T0_MS + hourOf(index) * HOUR_MS + index * 1000;
    await predictJob(deps, {
      clusterId,
      jobId: job.jobId,
      features: { x: job.x, pendingJobsAhead: queueDepthOf(index), gpuUtilisation: 0.25 + (index % 3) * 0.25 },
      nowMs,
      logDecision: false,
    });
    if (outcomes === 'folded')
      await recordJobOutcome(folding, {
        clusterId,
        jobId: job.jobId,
        waitSeconds: job.waitSeconds,
        nowMs: nowMs + 500,
      });
    else
      await deps.predictions.recordOutcome(clusterId, job.jobId, {
        waitSeconds: job.waitSeconds,
        longWait: job.longWait,
        observedAtMs: nowMs + 500,
      });
  }
}

beforeAll(async () => {
  aws = await startTestAws();
  sns = await startSnsQueryServer();
  const table = uniqueName('lambda');
  const bucket = uniqueName('lambda');
  // What CloudFormation does on AWS: the handlers never create the table or bucket.
  await ensureTable(aws.clients.dynamo, table);
  await ensureBucket(aws.clients.s3, bucket);
  restoreEnvironment = setEnvironment({
    VGAC_MODE: 'aws',
    VGAC_TABLE: table,
    VGAC_BUCKET: bucket,
    VGAC_DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
    VGAC_S3_ENDPOINT: aws.s3Endpoint,
    VGAC_SNS_ENDPOINT: sns.endpoint,
    VGAC_ALERT_TOPIC_ARN: TOPIC_ARN,
    VGAC_API_KEY_PARAM: '/vgac/api-key',
    VGAC_SLACK_ALERT_CHANNEL: '',
    POWERTOOLS_SERVICE_NAME: SERVICE,
    POWERTOOLS_METRICS_NAMESPACE: 'Vgac',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_DEV: undefined,
    VGAC_LOG_LEVEL: 'info',
  });
  deps = createLearningDeps({
    ...dynamoLearningStores(aws.clients.dynamo, table),
    bundles: new S3BundleStore({ client: aws.clients.s3, bucket }),
    gate: DEFAULT_GATE_CONFIG,
    logger: silent,
  });
  jobsByCluster = new Map([
    ['drifted', syntheticJobs(JOBS, 7, 'd')],
    ['steady', syntheticJobs(JOBS, 11, 's')],
  ]);
  await seedCluster('drifted', DRIFTED_PRIOR, jobsByCluster.get('drifted') ?? [], 'folded');
  await seedCluster(
    'steady',
    syntheticBundle(TRUE_INTERCEPT, 'prior-steady'),
    jobsByCluster.get('steady') ?? [],
    'pending',
  );
  await registerCluster(deps, {
    clusterId: 'fresh',
    prior: syntheticBundle(TRUE_INTERCEPT, 'prior-fresh'),
    platform: 'kubernetes',
    nowMs: T0_MS,
  });
}, 120_000);

afterAll(async () => {
  restoreEnvironment();
  await sns.stop();
  await aws.stop();
});

describe('recalibration workflow handlers on dynalite, s3rver and an SNS loopback', () => {
  let checked: CheckDriftOutput;

  it("check-drift, given the EventBridge scheduled event that started the run, folds every cluster's pending outcomes and flags the drifted one for maintenance", async () => {
    const { handler } = await importFresh<Handler<CheckDriftOutput>>(
      '../../src/entry/lambda/recalibration/check-drift.ts',
    );
    const event = await loadEventFixture('eventbridge-scheduled.json');

    const run = await captureOutput(() => handler(event));

    expect(run.error).toBeUndefined();
    checked = run.result as CheckDriftOutput;
    const byId = new Map(checked.clusters.map((check) => [check.clusterId, check]));
    expect([...byId.keys()].sort()).toEqual(['drifted', 'fresh', 'steady']);
    // Drifted: its outcomes were folded as they came, and the retrain they made due was lost on
    // its way: the check finds it still due and flags the cluster for maintenance.
    expect(byId.get('drifted')).toMatchObject({ recalibrate: true, refit: 'retrain' });
    expect(byId.get('drifted')?.scope).toBe(byId.get('drifted')?.previousScope);
    // Steady, folded here: its 300 calibrated forecasts end learning mode and are judged; nothing is due.
    expect(byId.get('steady')).toMatchObject({ recalibrate: false, previousScope: 'learning', sampleCount: JOBS });
    expect(byId.get('steady')?.scope).not.toBe('learning');
    expect(byId.get('steady')?.ece).toBeLessThan(0.1);
    expect(byId.get('fresh')).toMatchObject({ recalibrate: false, notify: false, ece: null, scope: 'learning' });
    // Folded, not maintained: retraining and checkpoints are the Recalibrate task's job.
    expect((await deps.learning.load('steady'))?.state.outcomes).toBe(JOBS);
    expect(await deps.bundles.listVersions('drifted')).toEqual([1]);
    expect((await deps.learning.load('drifted'))?.checkpointVersions).toEqual([]);

    const metrics = emfMetrics(run.lines);
    // Per-cluster ECE is a log line (the dashboard's Logs Insights widget), not a per-cluster custom metric.
    expect(metrics.filter((metric) => metric.name === 'Ece')).toEqual([]);
    const eceLines = logLines(run.lines).filter((line) => line['message'] === 'check_drift.cluster');
    expect(eceLines.map((line) => line['clusterId']).sort()).toEqual(['drifted', 'steady']);
    for (const line of eceLines) {
      expect(line).toMatchObject({ service: SERVICE, ece: byId.get(String(line['clusterId']))?.ece });
    }
    // The steady cluster leaves learning mode in this check; the drifted one had already; the fresh one stays.
    const scopeChanges = metrics.filter((metric) => metric.name === 'ScopeChanges');
    expect(scopeChanges).toHaveLength(1);
    expect(scopeChanges[0]).toMatchObject({ value: 1, dimensions: ['service'] });
    const done = logLines(run.lines).find((line) => line['message'] === 'check_drift.done');
    expect(done).toMatchObject({ service: SERVICE, triggerId: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa', clusters: 3 });
  }, 60_000);

  it('recalibrate, given the drifted cluster item, retrains (bundle version 2, weighing x again) and checkpoints (version 3)', async () => {
    const { handler } = await importFresh<Handler<RecalibrateOutput>>(
      '../../src/entry/lambda/recalibration/recalibrate.ts',
    );
    const item = checked.clusters.find((check) => check.clusterId === 'drifted');

    const run = await captureOutput(() => handler(item));

    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ status: 'maintained', bundleVersion: 2 });
    expect((run.result as RecalibrateOutput).steps).toEqual(expect.arrayContaining(['retrained', 'checkpointed']));
    // Version 2 is the retrained bundle; the checkpoint after it is saved as the next version.
    const record = await deps.learning.load('drifted');
    expect(record?.checkpointVersions).toEqual([3]);
    expect(await deps.bundles.listVersions('drifted')).toEqual([1, 2, 3]);
    expect((await deps.bundles.getBundle('drifted', 3))?.onlineCalibration?.outcomes).toBe(record?.state.outcomes);
    const calibration = await deps.calibration.current('drifted');
    expect(calibration).toMatchObject({ activeBundleVersion: 2, retrains: 1, retrainDue: false });
    const retrained = await deps.bundles.getBundle('drifted', 2);
    // The labels follow sigmoid(2x − 2): a classifier trained on them weighs x positively.
    expect(retrained?.classifier.weights[0]).toBeGreaterThan(0);
    // A new classifier keeps the standing until its own forecasts are judged: no scope change to count.
    expect((run.result as RecalibrateOutput).scope).toBe(item?.scope);
    const scopeChanges = emfMetrics(run.lines).filter((metric) => metric.name === 'ScopeChanges');
    expect(scopeChanges.map((metric) => metric.value)).toEqual([0]);
  }, 60_000);

  it('recalibrate, given the steady cluster item, finds nothing due and changes nothing', async () => {
    const { handler } = await importFresh<Handler<RecalibrateOutput>>(
      '../../src/entry/lambda/recalibration/recalibrate.ts',
    );
    const before = await deps.learning.load('steady');

    const run = await captureOutput(() => handler(checked.clusters.find((check) => check.clusterId === 'steady')));

    expect(run.result).toMatchObject({ status: 'nothing_due', steps: [], bundleVersion: 1 });
    expect((await deps.learning.load('steady'))?.version).toBe(before?.version);
  });

  it('update-profile computes the PROFILE item from the stored predictions and outcomes', async () => {
    const { handler } = await importFresh<Handler<UpdateProfileOutput>>(
      '../../src/entry/lambda/recalibration/update-profile.ts',
    );
    const jobs = jobsByCluster.get('steady') ?? [];
    const item = { ...checked.clusters.find((check) => check.clusterId === 'steady') };

    const run = await captureOutput(() => handler(item));

    expect(run.error).toBeUndefined();
    // Independent reference: mean of index % 7 over 0..299, and type-7 quantiles by sorting.
    const depthMean =
      Array.from({ length: JOBS }, (_, index) => queueDepthOf(index)).reduce((sum, depth) => sum + depth, 0) / JOBS;
    const waits = jobs.map((job) => job.waitSeconds).sort((a, b) => a - b);
    const type7 = (p: number): number => {
      const position = (waits.length - 1) * p;
      const low = Math.floor(position);
      const lower = waits[low] ?? Number.NaN;
      const upper = waits[low + 1] ?? lower;
      return lower + (position - low) * (upper - lower);
    };
    const stored = await deps.registry.profile('steady');
    expect(stored?.queueDepthMean).toBeCloseTo(depthMean, 9);
    expect(stored?.queueDepthMax).toBe(6);
    // utilisation cycles .25, .5, .75 (300 = 100 full cycles) → mean 0.5
    expect(stored?.utilisationMean).toBeCloseTo(0.5, 9);
    expect(stored?.typicalWaitSeconds).toBeCloseTo(type7(0.5), 6);
    // The label's threshold is the one fixed at onboarding (the prior's 600 s), not a statistic.
    expect(stored?.longWaitThresholdSeconds).toBe(600);
    expect(stored?.peakHoursUtc).toEqual([10, 9, 14]);
    expect(stored?.platform).toBe('slurm');
    expect(run.result).toMatchObject({ predictions: JOBS, outcomes: JOBS, waitsUpdated: true, queueDepthMax: 6 });
  }, 60_000);

  it('update-profile keeps the prior long-wait threshold of a cluster with too few outcomes', async () => {
    const { handler } = await importFresh<Handler<UpdateProfileOutput>>(
      '../../src/entry/lambda/recalibration/update-profile.ts',
    );

    const run = await captureOutput(() => handler({ clusterId: 'fresh', recalibrate: false, notify: false }));

    expect(run.error).toBeUndefined();
    // syntheticBundle's training.labelThresholdSeconds
    expect((await deps.registry.profile('fresh'))?.longWaitThresholdSeconds).toBe(600);
    expect(run.result).toMatchObject({ predictions: 0, waitsUpdated: false });
  });

  it('notify publishes what changed for a retrained cluster to the SNS topic', async () => {
    const { handler } = await importFresh<Handler<NotifyOutput>>('../../src/entry/lambda/recalibration/notify.ts');
    const item = {
      ...checked.clusters.find((check) => check.clusterId === 'drifted'),
      recalibration: {
        status: 'maintained',
        steps: ['retrained', 'checkpointed'],
        bundleVersion: 2,
        scope: 'escalate',
        reasons: ['retrained on 300 outcomes'],
      },
      profile: { typicalWaitSeconds: 120, longWaitThresholdSeconds: 900, queueDepthMean: 1 },
    };
    const before = sns.published.length;

    const run = await captureOutput(() => handler(item));

    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ delivery: 'sns' });
    const sent = sns.published.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.topicArn).toBe(TOPIC_ARN);
    expect(sent[0]?.subject).toBe('VGAC drifted: retrained (bundle v2)');
    expect(sent[0]?.message).toContain('bundle version 2 is now active');
    expect(sent[0]?.message).toContain('long-wait threshold 900 s');
    expect(sent[0]?.attributes).toEqual({ clusterId: 'drifted' });
  });

  it('notify reports a failed cluster step with the Lambda error message from the Cause document', async () => {
    const { handler } = await importFresh<Handler<NotifyOutput>>('../../src/entry/lambda/recalibration/notify.ts');
    const event = await loadEventFixture('sfn-notify-cluster-failure.json');
    const before = sns.published.length;

    const run = await captureOutput(() => handler(event));

    expect(run.error).toBeUndefined();
    const sent = sns.published.slice(before);
    expect(sent.map((message) => message.subject)).toEqual(['VGAC recalibration failed at cluster (drifted)']);
    expect(sent[0]?.message).toContain("Cause: bundle version 7 of cluster 'drifted' is missing from the bundle store");
    expect(sent[0]?.message).toContain('Error: Vgac.Infrastructure');
    expect(sent[0]?.message).not.toContain('stackTrace');
  });

  it('notify reports a failed run (no cluster) with a plain-text States cause', async () => {
    const { handler } = await importFresh<Handler<NotifyOutput>>('../../src/entry/lambda/recalibration/notify.ts');
    const event = await loadEventFixture('sfn-notify-run-failure.json');
    const before = sns.published.length;

    await captureOutput(() => handler(event));

    const sent = sns.published.slice(before);
    expect(sent.map((message) => message.subject)).toEqual(['VGAC recalibration failed at run']);
    expect(sent[0]?.message).toContain('Cause: Task timed out after 60.00 seconds');
    expect(sent[0]?.attributes).toEqual({});
  });

  it('notify fails the task with Vgac.Infrastructure when SNS refuses the publish', async () => {
    const { handler } = await importFresh<Handler<NotifyOutput>>('../../src/entry/lambda/recalibration/notify.ts');
    const event = await loadEventFixture('sfn-notify-run-failure.json');
    // The SDK retries a 500 up to 3 attempts in all.
    sns.failNext(3);

    const run = await captureOutput(() => handler(event));

    expect(run.error).toBeInstanceOf(Error);
    expect((run.error as Error).name).toBe('Vgac.Infrastructure');
    expect(logLines(run.lines).some((line) => line['message'] === 'task.failed' && line['level'] === 'ERROR')).toBe(
      true,
    );
  }, 30_000);

  it('recalibrate and update-profile fail with stable Step Functions error names on a bad item or an unknown cluster', async () => {
    const recalibrate = await importFresh<Handler<RecalibrateOutput>>(
      '../../src/entry/lambda/recalibration/recalibrate.ts',
    );
    const updateProfile = await importFresh<Handler<UpdateProfileOutput>>(
      '../../src/entry/lambda/recalibration/update-profile.ts',
    );

    const badItem = await captureOutput(() => recalibrate.handler({ recalibrate: true }));
    const unknown = await captureOutput(() => updateProfile.handler({ clusterId: 'nowhere' }));

    expect((badItem.error as Error).name).toBe('Vgac.InvalidInput');
    expect((badItem.error as Error).message).toContain('clusterId');
    expect((unknown.error as Error).name).toBe('Vgac.UnknownCluster');
  });
});
