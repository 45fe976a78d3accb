import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLearningDeps, DEFAULT_LEARNING_SETTINGS, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { predictJob } from '../../src/app/learning/predict-job.ts';
import { recomputeCalibration } from '../../src/app/learning/recompute-calibration.ts';
import { recordJobOutcome } from '../../src/app/learning/record-outcome.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { DynamoClusterStore } from '../../src/adapters/dynamodb/dynamo-cluster-store.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket, S3BundleStore } from '../../src/adapters/s3/s3-bundle-store.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import type { ModelBundle } from '../../src/core/model/bundle.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { syntheticBundle, syntheticJobs, TRUE_INTERCEPT, type SyntheticJob } from '../support/learning-fixtures.ts';

const T0_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

interface LoggedEvent { readonly event: string; readonly fields: Readonly<Record<string, unknown>> }

function recordingLogger(events: LoggedEvent[]): Logger {
  const push = (event: string, fields: Readonly<Record<string, unknown>> = {}): void => { events.push({ event, fields }); };
  return { info: push, warn: push, error: push };
}

let aws: TestAws;

beforeAll(async () => {
  aws = await startTestAws();
});

afterAll(async () => {
  await aws.stop();
});

async function freshDeps(events: LoggedEvent[] = []): Promise<LearningDeps> {
  const table = uniqueName('learning');
  const bucket = uniqueName('learning');
  await ensureTable(aws.clients.dynamo, table);
  await ensureBucket(aws.clients.s3, bucket);
  return createLearningDeps({
    store: new DynamoClusterStore({ client: aws.clients.dynamo, tableName: table }),
    bundles: new S3BundleStore({ client: aws.clients.s3, bucket }),
    gate: DEFAULT_GATE_CONFIG,
    logger: recordingLogger(events),
    settings: { bootstrapResamples: 50 },
  });
}

/** Predicts then records the outcome of each job in turn, one second apart. */
async function runJobs(deps: LearningDeps, clusterId: string, jobs: readonly SyntheticJob[], startMs: number): Promise<void> {
  for (const [index, job] of jobs.entries()) {
    const nowMs = startMs + index * 1000;
    await predictJob(deps, { clusterId, jobId: job.jobId, features: { x: job.x }, nowMs });
    await recordJobOutcome(deps, { clusterId, jobId: job.jobId, waitSeconds: job.waitSeconds, longWait: job.longWait, nowMs: nowMs + 500 });
  }
}

describe('learning loop on dynalite and s3rver', () => {
  it('registerCluster starts a new cluster in learning mode from its prior, and is idempotent', async () => {
    const deps = await freshDeps();
    const prior = syntheticBundle(TRUE_INTERCEPT, 'prior-a');

    const first = await registerCluster(deps, { clusterId: 'c1', prior, platform: 'slurm', nowMs: T0_MS });
    const second = await registerCluster(deps, { clusterId: 'c1', prior: syntheticBundle(0, 'other'), platform: 'slurm', nowMs: T0_MS + 1 });

    expect(first.status).toBe('registered');
    expect(second.status).toBe('exists');
    expect(second.calibration).toMatchObject({ state: 'learning', scope: 'learning', activeBundleVersion: 1, ece: null });
    expect((await deps.bundles.getBundle('c1', 1))?.bundleId).toBe('prior-a');
    expect(await deps.store.listClusters()).toEqual(['c1']);
  });

  it('predictJob stores the prediction with its gate decision and logs one gate.decision', async () => {
    const events: LoggedEvent[] = [];
    const deps = await freshDeps(events);
    await registerCluster(deps, { clusterId: 'c1', prior: syntheticBundle(TRUE_INTERCEPT, 'p'), platform: 'slurm', nowMs: T0_MS });

    const result = await predictJob(deps, { clusterId: 'c1', jobId: 'j1', features: { x: 1.5 }, nowMs: T0_MS });

    // sigmoid(2·1.5 − 2) = sigmoid(1) = 0.7310585786
    expect(result.prediction.probability).toBeCloseTo(0.7310585786, 9);
    expect(result.prediction.rawScore).toBeCloseTo(1, 12);
    expect(result.decision.scope).toBe('learning');
    expect(result.decision.tier).toBeNull();
    expect((await deps.store.recentPredictions('c1', 10)).map((p) => p.jobId)).toEqual(['j1']);
    expect(events.filter((e) => e.event === 'gate.decision')).toHaveLength(1);
  });

  it('a miscalibrated prior is detected at the first recompute, recalibrated, and autonomy is earned again only by new outcomes', async () => {
    const deps = await freshDeps();
    await registerCluster(deps, { clusterId: 'gap', prior: syntheticBundle(0, 'overconfident'), platform: 'slurm', nowMs: T0_MS });
    const jobs = syntheticJobs(650, 7);

    await runJobs(deps, 'gap', jobs.slice(0, 50), T0_MS);
    const afterGap = await deps.store.getCalibration('gap');

    // The prior over-predicts: P = sigmoid(2x) vs the truth sigmoid(2x − 2); the gap is ~0.3, far above 5 × 0.018.
    expect(afterGap).toMatchObject({ state: 'recalibrated', scope: 'learning', activeBundleVersion: 2, recalibrations: 1, ece: null });
    expect(await deps.bundles.listVersions('gap')).toEqual([1, 2]);
    const recalibrated = await deps.bundles.getBundle('gap', 2);
    expect(recalibrated?.classifier).toEqual(syntheticBundle(0, 'x').classifier);
    expect(recalibrated?.calibrator).not.toEqual(syntheticBundle(0, 'x').calibrator);

    await runJobs(deps, 'gap', jobs.slice(50, 650), T0_MS + 100_000);
    const earned = await deps.store.getCalibration('gap');

    // Later refits are allowed (a 50-outcome Platt fit is rough), but only on miscalibration
    // beyond sampling noise; by the end the window's ECE is far below the gap's ~0.3.
    expect(earned?.activeBundleVersion).toBeGreaterThanOrEqual(2);
    expect(earned?.recalibrations).toBe((earned?.activeBundleVersion ?? 0) - 1);
    expect(earned?.ece).not.toBeNull();
    expect(earned?.ece ?? 1).toBeLessThan(0.09);
    expect(earned?.scope).not.toBe('learning');
    expect(earned?.state).not.toBe('recalibrated');
  }, 120_000);

  it('a calibrated prior is never recalibrated and leaves learning mode after 50 outcomes', async () => {
    const deps = await freshDeps();
    await registerCluster(deps, { clusterId: 'good', prior: syntheticBundle(TRUE_INTERCEPT, 'calibrated'), platform: 'slurm', nowMs: T0_MS });

    await runJobs(deps, 'good', syntheticJobs(250, 11), T0_MS);
    const calibration = await deps.store.getCalibration('good');

    expect(calibration?.recalibrations).toBe(0);
    expect(calibration?.activeBundleVersion).toBe(1);
    expect(calibration?.scope).not.toBe('learning');
    expect(calibration?.outcomeCount).toBe(250);
    expect(calibration?.outcomesAtLastRecompute).toBe(250);
  }, 60_000);

  it('a repeated outcome counts once and never triggers a second recompute', async () => {
    const deps = await freshDeps();
    await registerCluster(deps, { clusterId: 'dup', prior: syntheticBundle(TRUE_INTERCEPT, 'p'), platform: 'slurm', nowMs: T0_MS });
    // minOutcomes − 1 outcomes straight to the store (no recompute): the next recorded outcome is the one that makes a recompute due.
    const jobs = syntheticJobs(DEFAULT_GATE_CONFIG.minOutcomes, 5);
    for (const [index, job] of jobs.entries()) {
      await predictJob(deps, { clusterId: 'dup', jobId: job.jobId, features: { x: job.x }, nowMs: T0_MS + index });
      if (index < jobs.length - 1) await deps.store.recordOutcome('dup', job.jobId, { waitSeconds: job.waitSeconds, longWait: job.longWait, observedAtMs: T0_MS + index });
    }
    const last = jobs[jobs.length - 1];
    if (last === undefined) throw new Error('no jobs');
    const request = { clusterId: 'dup', jobId: last.jobId, waitSeconds: last.waitSeconds, longWait: last.longWait };

    const first = await recordJobOutcome(deps, { ...request, nowMs: T0_MS + 1000 });
    const again = await Promise.all(Array.from({ length: 5 }, () => recordJobOutcome(deps, { ...request, nowMs: T0_MS + 2000 })));

    expect(first.result.status).toBe('recorded');
    expect(first.recomputeScheduled).toBe(true);
    expect(again.map((r) => r.result.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(again.every((r) => !r.recomputeScheduled)).toBe(true);
    // No scheduler wired: the recompute ran inline, once, on the first outcome's window.
    expect(await deps.store.getCalibration('dup')).toMatchObject({ outcomeCount: DEFAULT_GATE_CONFIG.minOutcomes, outcomesAtLastRecompute: DEFAULT_GATE_CONFIG.minOutcomes });
  });

  it('an outcome without a label uses the cluster profile threshold (the prior\'s 600 s)', async () => {
    const deps = await freshDeps();
    await registerCluster(deps, { clusterId: 'thr', prior: syntheticBundle(TRUE_INTERCEPT, 'p'), platform: 'slurm', nowMs: T0_MS });
    await predictJob(deps, { clusterId: 'thr', jobId: 'long', features: { x: 0 }, nowMs: T0_MS });
    await predictJob(deps, { clusterId: 'thr', jobId: 'short', features: { x: 0 }, nowMs: T0_MS });

    await recordJobOutcome(deps, { clusterId: 'thr', jobId: 'long', waitSeconds: 601, nowMs: T0_MS + 1 });
    await recordJobOutcome(deps, { clusterId: 'thr', jobId: 'short', waitSeconds: 600, nowMs: T0_MS + 1 });
    const outcomes = await deps.store.recentOutcomes('thr', 10);

    expect(Object.fromEntries(outcomes.map((p) => [p.jobId, p.outcome?.longWait]))).toEqual({ long: true, short: false });
  });

  it('two concurrent recalibrations publish exactly one new version and leave a consistent pointer', async () => {
    const deps = await freshDeps();
    await registerCluster(deps, { clusterId: 'race', prior: syntheticBundle(0, 'overconfident'), platform: 'slurm', nowMs: T0_MS });
    for (const [index, job] of syntheticJobs(80, 3).entries()) {
      await predictJob(deps, { clusterId: 'race', jobId: job.jobId, features: { x: job.x }, nowMs: T0_MS + index });
      // Straight to the store: no recompute is triggered, both racers below see the same window.
      await deps.store.recordOutcome('race', job.jobId, { waitSeconds: job.waitSeconds, longWait: job.longWait, observedAtMs: T0_MS + index });
    }

    const results = await Promise.all([
      recomputeCalibration(deps, { clusterId: 'race', nowMs: T0_MS + 1000, reason: 'manual' }),
      recomputeCalibration(deps, { clusterId: 'race', nowMs: T0_MS + 1000, reason: 'manual' }),
    ]);
    const calibration = await deps.store.getCalibration('race');

    expect(results.filter((r) => r.status === 'updated' && r.action === 'recalibrated'), JSON.stringify(results)).toHaveLength(1);
    expect(calibration?.recalibrations).toBe(1);
    expect(calibration?.activeBundleVersion).toBe(calibration?.latestBundleVersion);
    expect(await deps.bundles.listVersions('race')).toEqual([1, 2]);
    expect(await deps.bundles.getBundle('race', calibration?.activeBundleVersion ?? 0)).toBeDefined();
  });

  it('outcomes teach the cluster its own wait interval: the CONFORMAL item grows and later predictions carry the learned interval', async () => {
    const deps = await freshDeps();
    const prior = { ...syntheticBundle(TRUE_INTERCEPT, 'waits'), waitModel: null };
    await registerCluster(deps, { clusterId: 'waits', prior, platform: 'slurm', nowMs: T0_MS });
    const before = await predictJob(deps, { clusterId: 'waits', jobId: 'first', features: { x: 0 }, nowMs: T0_MS });
    // Every wait is 100 s: once 30 are known (minBinWaits), the shortest 80 % range of the bin's waits is [100, 100].
    const jobs = syntheticJobs(40, 21, 'w').map((job) => ({ ...job, waitSeconds: 100, longWait: false }));

    await runJobs(deps, 'waits', jobs, T0_MS + 1000);
    const state = await deps.store.getConformal('waits');
    const after = await predictJob(deps, { clusterId: 'waits', jobId: 'later', features: { x: 0 }, nowMs: T0_MS + 100_000 });

    expect(before.prediction.waitEstimate).toBeNull();
    expect(state?.waitsSeconds).toHaveLength(40);
    expect(state?.version).toBe(40);
    expect(after.prediction.waitEstimate).toEqual({ pointSeconds: 100, lowerSeconds: 100, upperSeconds: 100, coverage: 0.8 });
    expect(after.prediction.waitBase).toEqual({ lowerSeconds: 100, upperSeconds: 100 });
    expect((await deps.store.recentPredictions('waits', 1))[0]?.waitBin).toBe(after.prediction.waitBin);
  }, 60_000);

  it('concurrent outcomes each enter the conformal state once: conditional writes retry, duplicates never count', async () => {
    const deps = await freshDeps();
    await registerCluster(deps, { clusterId: 'race', prior: syntheticBundle(TRUE_INTERCEPT, 'p'), platform: 'slurm', nowMs: T0_MS });
    const jobs = syntheticJobs(4, 5, 'r');
    for (const [index, job] of jobs.entries()) await predictJob(deps, { clusterId: 'race', jobId: job.jobId, features: { x: job.x }, nowMs: T0_MS + index });

    await Promise.all(jobs.map((job) => recordJobOutcome(deps, { clusterId: 'race', jobId: job.jobId, waitSeconds: 64, longWait: false, nowMs: T0_MS + 10 })));
    await recordJobOutcome(deps, { clusterId: 'race', jobId: 'r-0', waitSeconds: 64, longWait: false, nowMs: T0_MS + 11 });
    const state = await deps.store.getConformal('race');

    expect(state?.waitsSeconds).toEqual([64, 64, 64, 64]);
    expect(state?.version).toBe(4);
  }, 60_000);

  it('a cluster whose window holds no long waits stays in learning mode, however small its ECE', async () => {
    const deps = await freshDeps();
    await registerCluster(deps, { clusterId: 'quiet', prior: syntheticBundle(TRUE_INTERCEPT, 'p'), platform: 'slurm', nowMs: T0_MS });
    // Every job waits briefly: a model predicting ~0 everywhere would look perfectly calibrated.
    const jobs = syntheticJobs(120, 13).map((job) => ({ ...job, x: job.x - 3, longWait: false, waitSeconds: 20 }));

    await runJobs(deps, 'quiet', jobs, T0_MS);
    const calibration = await deps.store.getCalibration('quiet');
    const decision = await predictJob(deps, { clusterId: 'quiet', jobId: 'probe', features: { x: 0 }, nowMs: T0_MS + 10_000_000 });

    // The window is measured (a one-class window's ECE is real evidence); only the gate's
    // per-class rule keeps it from earning autonomy.
    expect(calibration).toMatchObject({ scope: 'learning', sampleCount: 50, windowLongWaits: 0, auroc: null });
    expect(calibration?.ece).toBeTypeOf('number');
    expect(decision.decision.scope).toBe('learning');
    expect(decision.gateInput).toMatchObject({ outcomeCount: 50, longWaitCount: 0 });
    expect(decision.decision.reasons[0]).toBe('learning mode: 0 long waits among 50 outcomes; autonomy needs ≥ 5 of each');
  }, 60_000);

  it('a prior that cannot rank waits is retrained only once 200 outcomes it scored agree, and the new model earns autonomy', async () => {
    const events: LoggedEvent[] = [];
    const deps = await freshDeps(events);
    // Weight 0: every job gets the same score, so no calibration of it can separate long from short waits.
    const blind: ModelBundle = { ...syntheticBundle(TRUE_INTERCEPT, 'blind'), classifier: { kind: 'logistic', weights: [0], intercept: TRUE_INTERCEPT, l2: 1 } };
    await registerCluster(deps, { clusterId: 'blind', prior: blind, platform: 'slurm', nowMs: T0_MS });

    await runJobs(deps, 'blind', syntheticJobs(500, 17), T0_MS);

    const logged = events.filter((logged) => logged.event === 'calibration.recomputed').map((logged) => logged.fields);
    const firstRetrain = logged.findIndex((fields) => fields['action'] === 'retrained');
    // Recomputes fall at 50, 150, 250… outcomes: the first two saw fewer than minOutcomesToRetrain.
    expect(logged.slice(0, firstRetrain).map((fields) => fields['action'])).not.toContain('retrained');
    expect(firstRetrain).toBeGreaterThanOrEqual(2);
    const [reason] = logged[firstRetrain]?.['reasons'] as string[];
    const evidence = Number(/over the (\d+) outcomes this classifier scored/.exec(reason ?? '')?.[1]);
    expect(evidence).toBeGreaterThanOrEqual(DEFAULT_LEARNING_SETTINGS.minOutcomesToRetrain);
    expect(reason).toMatch(/^AUROC 0\.\d+ < 0\.6 over/);
    const calibration = await deps.store.getCalibration('blind');
    expect(calibration?.retrains).toBe(1);
    const retrained = await deps.bundles.getBundle('blind', calibration?.activeBundleVersion ?? 0);
    // The cluster's own outcomes carry the true slope 2 on x (scaled by x's spread, ≈ 1).
    expect(retrained?.classifier.weights[0] ?? 0).toBeGreaterThan(1);
    expect(calibration?.scope).toMatch(/^(autonomous|notify)$/);
  }, 120_000);

  it('predictJob for an unknown cluster is a clear error', async () => {
    const deps = await freshDeps();

    await expect(predictJob(deps, { clusterId: 'nope', jobId: 'j', features: { x: 0 }, nowMs: T0_MS })).rejects.toThrow("unknown cluster 'nope'");
  });
});
