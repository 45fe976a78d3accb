/**
 * The learning loop end to end on dynalite and s3rver: onboarding with a stable label, the online
 * calibrator learning from every outcome, the gate judged on the forecasts as issued, drift
 * withdrawing autonomy, retraining for lost discrimination, checkpoints in S3, re-baselining.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLearningDeps, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { predictJob } from '../../src/app/learning/predict-job.ts';
import { rebaselineCluster } from '../../src/app/learning/rebaseline-cluster.ts';
import { recordJobOutcome } from '../../src/app/learning/record-outcome.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket, S3BundleStore } from '../../src/adapters/s3/s3-bundle-store.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import { DEFAULT_LEARNING_POLICY } from '../../src/core/learning/learning-policy.ts';
import type { ModelBundle } from '../../src/core/model/bundle.ts';
import { dynamoLearningStores } from '../../src/entry/learning-stores.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import {
  syntheticBundle,
  syntheticJobs,
  TRUE_INTERCEPT,
  TRUE_WEIGHT,
  type SyntheticJob,
} from '../support/learning-fixtures.ts';
import { DEFAULT_ONLINE_WAIT_OPTIONS } from '../../src/core/conformal/online-wait-interval.ts';

const T0_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

interface LoggedEvent {
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

function recordingLogger(events: LoggedEvent[]): Logger {
  const push = (event: string, fields: Readonly<Record<string, unknown>> = {}): void => {
    events.push({ event, fields });
  };
  return { info: push, warn: push, error: push };
}

let aws: TestAws;

beforeAll(async () => {
  aws = await startTestAws();
});

afterAll(async () => {
  await aws.stop();
});

async function freshDeps(events: LoggedEvent[] = [], policy = DEFAULT_LEARNING_POLICY): Promise<LearningDeps> {
  const table = uniqueName('learning');
  const bucket = uniqueName('learning');
  await ensureTable(aws.clients.dynamo, table);
  await ensureBucket(aws.clients.s3, bucket);
  return createLearningDeps({
    ...dynamoLearningStores(aws.clients.dynamo, table),
    bundles: new S3BundleStore({ client: aws.clients.s3, bucket }),
    gate: DEFAULT_GATE_CONFIG,
    policy,
    logger: recordingLogger(events),
  });
}

/** Predicts then records the outcome of each job in turn, one second apart; returns the scopes the answers were given in. */
async function runJobs(
  deps: LearningDeps,
  clusterId: string,
  jobs: readonly SyntheticJob[],
  startMs: number,
): Promise<string[]> {
  const scopes: string[] = [];
  for (const [index, job] of jobs.entries()) {
    const nowMs = startMs + index * 1000;
    const predicted = await predictJob(deps, { clusterId, jobId: job.jobId, features: { x: job.x }, nowMs });
    scopes.push(predicted.decision.scope);
    await recordJobOutcome(deps, { clusterId, jobId: job.jobId, waitSeconds: job.waitSeconds, nowMs: nowMs + 500 });
  }
  return scopes;
}

async function register(deps: LearningDeps, clusterId: string, prior: ModelBundle): Promise<void> {
  await registerCluster(deps, { clusterId, prior, platform: 'slurm', nowMs: T0_MS });
}

describe('learning loop on dynalite and s3rver', () => {
  it("registerCluster starts in learning mode with the prior's threshold fixed as the label, and is idempotent", async () => {
    const deps = await freshDeps();
    const prior = syntheticBundle(TRUE_INTERCEPT, 'prior');

    const first = await register(deps, 'c1', prior).then(() => deps.calibration.current('c1'));
    const again = await registerCluster(deps, {
      clusterId: 'c1',
      prior: syntheticBundle(0, 'other'),
      platform: 'slurm',
      nowMs: T0_MS + 1,
    });

    expect(first).toMatchObject({
      scope: 'learning',
      state: 'learning',
      epoch: 1,
      longWaitThresholdSeconds: prior.training.labelThresholdSeconds,
      activeBundleVersion: 1,
      outcomes: 0,
    });
    expect(again.status).toBe('exists');
    expect(await deps.bundles.listVersions('c1')).toEqual([1]);
    expect((await deps.registry.profile('c1'))?.longWaitThresholdSeconds).toBe(600);
  });

  it('a cluster registered without a threshold, from a prior without one, is refused with a clear error', async () => {
    const deps = await freshDeps();
    const prior = {
      ...syntheticBundle(TRUE_INTERCEPT, 'no-threshold'),
      training: { ...syntheticBundle(TRUE_INTERCEPT, 'x').training, labelThresholdSeconds: null },
    };

    await expect(registerCluster(deps, { clusterId: 'c1', prior, platform: 'slurm', nowMs: T0_MS })).rejects.toThrow(
      /needs a long-wait threshold/,
    );
  });

  it('predictJob stores the prediction as issued, logs one gate.decision, and scores a missing feature as unknown', async () => {
    const events: LoggedEvent[] = [];
    const deps = await freshDeps(events);
    await register(deps, 'c1', syntheticBundle(TRUE_INTERCEPT, 'prior'));

    const known = await predictJob(deps, {
      clusterId: 'c1',
      jobId: 'j1',
      features: { x: 0.5, other: 'kept' },
      nowMs: T0_MS,
    });
    const unknown = await predictJob(deps, { clusterId: 'c1', jobId: 'j2', features: {}, nowMs: T0_MS + 1 });

    expect(await deps.predictions.find('c1', 'j1')).toEqual(known.prediction);
    expect(known.prediction).toMatchObject({
      epoch: 1,
      bundleVersion: 1,
      unknownFeatures: [],
      features: { x: 0.5, other: 'kept' },
    });
    // The unknown x is scored at its training mean (0): sigmoid(intercept).
    expect(unknown.prediction.unknownFeatures).toEqual(['x']);
    expect(unknown.prediction.classifierProbability).toBeCloseTo(1 / (1 + Math.exp(-TRUE_INTERCEPT)), 12);
    const decisions = events.filter((logged) => logged.event === 'gate.decision');
    expect(decisions).toHaveLength(2);
    expect(decisions[0]?.fields).toMatchObject({
      clusterId: 'c1',
      jobId: 'j1',
      scope: 'learning',
      boundUsed: 'upper',
      evidenceCount: 0,
    });
  });

  it("the calibrator learns on the classifier's probability, moved towards the share of the wait distribution's neighbours past the threshold as they become known", async () => {
    const deps = await freshDeps();
    await register(deps, 'one-model', syntheticBundle(TRUE_INTERCEPT, 'prior'));
    // A standardised x of 0.5 (mean 0, scale 1 in the synthetic bundle): the classifier says sigmoid(2·0.5 − 2).
    const classifier = 1 / (1 + Math.exp(-(TRUE_WEIGHT * 0.5 + TRUE_INTERCEPT)));

    const first = await predictJob(deps, {
      clusterId: 'one-model',
      jobId: 'first',
      features: { x: 0.5 },
      nowMs: T0_MS,
    });
    await runJobs(deps, 'one-model', syntheticJobs(DEFAULT_ONLINE_WAIT_OPTIONS.minWaits + 10, 5), T0_MS + 1000);
    const later = await predictJob(deps, {
      clusterId: 'one-model',
      jobId: 'later',
      features: { x: 0.5 },
      nowMs: T0_MS + 100_000,
    });
    const quantiles = later.prediction.waitDistribution?.quantilesSeconds ?? null;

    expect(first.prediction.waitDistribution?.quantilesSeconds).toBeNull();
    expect(first.prediction.classifierProbability).toBeCloseTo(classifier, 12);
    expect(quantiles).not.toBeNull();
    // 40 of a 1,000-outcome window: 4 % of the way from the classifier's probability to the share
    // of the 30 nearest neighbours that waited past the prior's 600 s, (k + ½)/31 for a whole k in [0, 30].
    const known = DEFAULT_ONLINE_WAIT_OPTIONS.minWaits + 10;
    const weight = known / DEFAULT_ONLINE_WAIT_OPTIONS.neighbours;
    const share = classifier + (later.prediction.classifierProbability - classifier) / weight;
    const k = share * (DEFAULT_ONLINE_WAIT_OPTIONS.nearest + 1) - 0.5;
    expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-6);
    expect(Math.round(k)).toBeGreaterThanOrEqual(0);
    expect(Math.round(k)).toBeLessThanOrEqual(DEFAULT_ONLINE_WAIT_OPTIONS.nearest);
    expect(later.waitDistribution.neighbourProbabilityAbove).toBeCloseTo(share, 6);
    expect(await deps.predictions.find('one-model', 'later')).toEqual(later.prediction);
  });

  it('a calibrated prior leaves learning mode at 50 outcomes and earns a scope that acts from its issued forecasts', async () => {
    const deps = await freshDeps();
    await register(deps, 'good', syntheticBundle(TRUE_INTERCEPT, 'calibrated'));

    const scopes = await runJobs(deps, 'good', syntheticJobs(400, 11), T0_MS);
    const calibration = await deps.calibration.current('good');

    expect(scopes.slice(0, 50).every((scope) => scope === 'learning')).toBe(true);
    expect(scopes.slice(50).includes('learning')).toBe(false);
    expect(calibration?.outcomes).toBe(400);
    expect(calibration?.scope).toMatch(/^(autonomous|notify)$/);
    expect(calibration?.evidence?.count).toBeGreaterThan(300);
    expect(calibration?.counters.driftAlarms).toBe(0);
  }, 120_000);

  it('a miscalibrated prior is caught at its first judgement and autonomy withheld; the online calibrator learns the gap away and autonomy is earned back', async () => {
    const events: LoggedEvent[] = [];
    const deps = await freshDeps(events);
    // The prior over-predicts: P = sigmoid(2x) against the truth sigmoid(2x − 2).
    await register(deps, 'gap', syntheticBundle(0, 'overconfident'));

    const scopes = await runJobs(deps, 'gap', syntheticJobs(700, 7), T0_MS);
    const calibration = await deps.calibration.current('gap');

    const firstDecision = events.find((logged) => logged.event === 'learning.decision');
    const firstEvidence = firstDecision?.fields['evidence'] as { ece: number; upper: number } | undefined;
    expect(firstDecision?.fields['atOutcome']).toBe(DEFAULT_GATE_CONFIG.minOutcomes);
    expect(firstDecision?.fields['scope']).toBe('escalate');
    // The first 50 forecasts carry the prior's gap (before the calibrator caught up): far from calibrated.
    expect(firstEvidence?.ece ?? 0).toBeGreaterThan(0.1);
    expect(scopes.slice(50, 100).every((scope) => scope === 'escalate')).toBe(true);
    expect(calibration?.scope).toMatch(/^(autonomous|notify)$/);
    expect(scopes.slice(-100).some((scope) => scope !== 'escalate')).toBe(true);
    expect(calibration?.activeBundleVersion).toBe(1);
  }, 180_000);

  it('a repeated outcome is folded once', async () => {
    const deps = await freshDeps();
    await register(deps, 'dup', syntheticBundle(TRUE_INTERCEPT, 'prior'));
    await predictJob(deps, { clusterId: 'dup', jobId: 'j1', features: { x: 0 }, nowMs: T0_MS });

    const first = await recordJobOutcome(deps, {
      clusterId: 'dup',
      jobId: 'j1',
      waitSeconds: 30,
      nowMs: T0_MS + 30_000,
    });
    const second = await recordJobOutcome(deps, {
      clusterId: 'dup',
      jobId: 'j1',
      waitSeconds: 31,
      nowMs: T0_MS + 31_000,
    });

    expect([first.result.status, second.result.status]).toEqual(['recorded', 'duplicate']);
    expect((await deps.calibration.current('dup'))?.outcomes).toBe(1);
  });

  it('a prior that cannot rank waits is retrained once it has scored enough outcomes; the evidence carries on', async () => {
    const events: LoggedEvent[] = [];
    const deps = await freshDeps(events);
    // Weight 0: every job gets the same score, so no calibration of it can separate long from short waits.
    const blind: ModelBundle = {
      ...syntheticBundle(TRUE_INTERCEPT, 'blind'),
      classifier: { kind: 'logistic', weights: [0], intercept: TRUE_INTERCEPT, l2: 1 },
    };
    await register(deps, 'blind', blind);

    await runJobs(deps, 'blind', syntheticJobs(400, 17), T0_MS);
    const calibration = await deps.calibration.current('blind');
    const retrained = await deps.bundles.getBundle('blind', calibration?.activeBundleVersion ?? 0);

    const published = events.filter((logged) => logged.event === 'bundle.published');
    expect(published).toHaveLength(1);
    expect(calibration?.retrains).toBe(1);
    // The check runs every classifierCheckEveryOutcomes outcomes, from minOutcomesToRetrain on.
    const retrainDecision = events.find(
      (logged) => logged.event === 'learning.decision' && logged.fields['retrain'] === true,
    );
    expect(Number(retrainDecision?.fields['atOutcome'])).toBeGreaterThanOrEqual(
      DEFAULT_LEARNING_POLICY.minOutcomesToRetrain,
    );
    // The cluster's own outcomes carry the true slope 2 on x (scaled by x's spread, ≈ 1).
    expect(retrained?.classifier.weights[0] ?? 0).toBeGreaterThan(1);
    expect(calibration?.outcomes).toBe(400);
  }, 180_000);

  it('checkpoints of the online calibrator are bundle versions in S3, the classifier unchanged', async () => {
    const deps = await freshDeps([], { ...DEFAULT_LEARNING_POLICY, checkpointEveryOutcomes: 50 });
    await register(deps, 'ckpt', syntheticBundle(0, 'overconfident'));

    await runJobs(deps, 'ckpt', syntheticJobs(120, 3), T0_MS);
    const versions = await deps.bundles.listVersions('ckpt');
    const checkpoint = await deps.bundles.getBundle('ckpt', versions[versions.length - 1] ?? 0);

    // A checkpoint every 50 outcomes here: at 50 and 100.
    expect(versions).toEqual([1, 2, 3]);
    expect(checkpoint?.classifier).toEqual(syntheticBundle(0, 'x').classifier);
    expect(checkpoint?.onlineCalibration?.epoch).toBe(1);
    expect((await deps.calibration.current('ckpt'))?.activeBundleVersion).toBe(1);
  }, 60_000);

  it('a re-baseline starts the next label epoch in learning mode; outcomes of the old epoch are joined but not folded', async () => {
    const deps = await freshDeps();
    await register(deps, 'rb', syntheticBundle(TRUE_INTERCEPT, 'prior'));
    await runJobs(deps, 'rb', syntheticJobs(60, 5), T0_MS);
    await predictJob(deps, { clusterId: 'rb', jobId: 'old-epoch', features: { x: 1 }, nowMs: T0_MS + 100_000 });

    const result = await rebaselineCluster(deps, {
      clusterId: 'rb',
      nowMs: T0_MS + 200_000,
      longWaitThresholdSeconds: 900,
    });
    const late = await recordJobOutcome(deps, {
      clusterId: 'rb',
      jobId: 'old-epoch',
      waitSeconds: 1000,
      nowMs: T0_MS + 300_000,
    });
    const calibration = await deps.calibration.current('rb');

    expect(result).toMatchObject({ previousThresholdSeconds: 600, thresholdSeconds: 900 });
    expect(late.result.status).toBe('recorded');
    expect(calibration).toMatchObject({ epoch: 2, longWaitThresholdSeconds: 900, scope: 'learning', outcomes: 0 });
    expect(calibration?.counters.skippedOutcomes).toBe(1);
    expect((await deps.registry.profile('rb'))?.longWaitThresholdSeconds).toBe(900);
  }, 60_000);

  it('predictJob and recordJobOutcome for an unknown cluster are clear errors', async () => {
    const deps = await freshDeps();

    await expect(predictJob(deps, { clusterId: 'nope', jobId: 'j', features: { x: 0 }, nowMs: T0_MS })).rejects.toThrow(
      "unknown cluster 'nope'",
    );
    await expect(
      recordJobOutcome(deps, { clusterId: 'nope', jobId: 'j', waitSeconds: 1, nowMs: T0_MS }),
    ).rejects.toThrow("unknown cluster 'nope'");
  });
});
