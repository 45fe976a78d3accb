/**
 * Feature shifts in the learning loop on dynalite and s3rver: PSI of each key feature against the
 * active bundle's stored training reference, measured at maintenance over the recent jobs, counts
 * as a shift only beyond 0.1 and beyond its own sampling noise at that sample size, is reported as
 * an explanation, and never triggers anything; calendar features are never measured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardRoutes } from '../../src/app/http/dashboard-routes.ts';
import { createLearningDeps, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { predictJob } from '../../src/app/learning/predict-job.ts';
import { maintainCluster } from '../../src/app/learning/maintain-cluster.ts';
import { recordJobOutcome } from '../../src/app/learning/record-outcome.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { dynamoLearningStores } from '../../src/entry/learning-stores.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket, S3BundleStore } from '../../src/adapters/s3/s3-bundle-store.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import { DEFAULT_LEARNING_POLICY } from '../../src/core/learning/learning-policy.ts';
import { psiNoise } from '../../src/core/model/feature-reference.ts';
import { populationStabilityIndex, psiAgainstReference } from '../../src/core/metrics/psi.ts';
import type { FeatureReference, ModelBundle } from '../../src/core/model/bundle.ts';
import { seededRandom } from '../../src/core/random.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import {
  logistic,
  syntheticBundle,
  TRUE_INTERCEPT,
  TRUE_WEIGHT,
  type SyntheticJob,
} from '../support/learning-fixtures.ts';

const T0_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Deciles of N(0, 1): scipy.stats.norm.ppf(numpy.arange(1, 10) / 10). */
const NORMAL_DECILES = [
  -1.2815515655446004, -0.8416212335729142, -0.5244005127080409, -0.2533471031357997, 0, 0.2533471031357997,
  0.5244005127080407, 0.8416212335729143, 1.2815515655446004,
];
/** The training distribution of x ~ N(0, 1), as a bundle stores it: ten bins of 10 % each. */
const NORMAL_REFERENCE: FeatureReference = {
  rows: 100_000,
  features: [{ feature: 'x', binEdges: NORMAL_DECILES, shares: Array.from({ length: 10 }, () => 0.1) }],
};
/** Hour of day in the training data: uniform over 24 one-hour bins. */
const HOUR_REFERENCE = {
  feature: 'hourOfDay',
  binEdges: Array.from({ length: 23 }, (_, index) => index + 0.5),
  shares: Array.from({ length: 24 }, () => 1 / 24),
};

/** The calibrated one-feature bundle of learning-fixtures.ts, with x's training reference. */
function referencedBundle(bundleId: string): ModelBundle {
  return { ...syntheticBundle(TRUE_INTERCEPT, bundleId), featureReference: NORMAL_REFERENCE };
}

/** Jobs with x ~ N(shift, 1) and labels from the true model sigmoid(2x − 2): the bundle stays calibrated whatever the shift. */
function jobsWithShift(count: number, seed: number, shift: number, prefix: string): SyntheticJob[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const x = shift + Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const longWait = random() < logistic(TRUE_WEIGHT * x + TRUE_INTERCEPT);
    return { jobId: `${prefix}-${index}`, x, longWait, waitSeconds: longWait ? 600 + random() * 3000 : random() * 600 };
  });
}

interface LoggedEvent {
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

let aws: TestAws;

beforeAll(async () => {
  aws = await startTestAws();
});

afterAll(async () => {
  await aws.stop();
});

async function freshDeps(events: LoggedEvent[]): Promise<LearningDeps> {
  const table = uniqueName('psi');
  const bucket = uniqueName('psi');
  await ensureTable(aws.clients.dynamo, table);
  await ensureBucket(aws.clients.s3, bucket);
  const push = (event: string, fields: Readonly<Record<string, unknown>> = {}): void => {
    events.push({ event, fields });
  };
  const logger: Logger = { info: push, warn: push, error: push };
  return createLearningDeps({
    ...dynamoLearningStores(aws.clients.dynamo, table),
    bundles: new S3BundleStore({ client: aws.clients.s3, bucket }),
    gate: DEFAULT_GATE_CONFIG,
    logger,
    // Maintenance (a checkpoint, then the shift check) after every JOBS outcomes.
    policy: { ...DEFAULT_LEARNING_POLICY, checkpointEveryOutcomes: JOBS },
  });
}

/** Predicts then records each job in turn; `hourOfDay` cycles through the day unless given. */
async function runJobs(
  deps: LearningDeps,
  clusterId: string,
  jobs: readonly SyntheticJob[],
  hourOfDay?: number,
): Promise<void> {
  for (const [index, job] of jobs.entries()) {
    const nowMs = T0_MS + index * 1000;
    await predictJob(deps, {
      clusterId,
      jobId: job.jobId,
      features: { x: job.x, hourOfDay: hourOfDay ?? index % 24 },
      nowMs,
    });
    await recordJobOutcome(deps, { clusterId, jobId: job.jobId, waitSeconds: job.waitSeconds, nowMs: nowMs + 500 });
  }
}

function maintained(events: readonly LoggedEvent[]): Readonly<Record<string, unknown>>[] {
  return events.filter((logged) => logged.event === 'learning.maintained').map((logged) => logged.fields);
}

const JOBS = 350;

describe('feature shifts in the learning loop on dynalite and s3rver', () => {
  it('a shifted feature with calibration intact is reported as a shift beyond noise and changes nothing else', async () => {
    const events: LoggedEvent[] = [];
    const deps = await freshDeps(events);
    await registerCluster(deps, {
      clusterId: 'shifted',
      prior: referencedBundle('prior-shifted'),
      platform: 'slurm',
      nowMs: T0_MS,
    });
    // x ~ N(0.6, 1) against N(0, 1) deciles: PSI = Σ (a − 0.1)·ln(10a) with a the N(0.6, 1) mass per
    // decile bin = 0.3411 (numpy/scipy: a = diff(norm.cdf(r_[-inf, deciles, inf] - 0.6))).
    const jobs = jobsWithShift(JOBS, 21, 0.6, 'shifted');

    await runJobs(deps, 'shifted', jobs);

    const record = await deps.learning.load('shifted');
    const shift = record?.featureShifts.find((measured) => measured.feature === 'x');
    expect(shift?.psi).toBeCloseTo(
      psiAgainstReference(
        NORMAL_REFERENCE.features[0]!,
        jobs.map((job) => job.x),
      ),
      12,
    );
    expect(shift?.psi).toBeGreaterThan(0.2);
    expect(shift?.psi).toBeLessThan(0.5);
    expect(shift?.noisePsi).toBeCloseTo(psiNoise(10, JOBS, NORMAL_REFERENCE.rows, 0.95), 12);
    expect(shift?.significant).toBe(true);
    expect(maintained(events).at(-1)?.['notes']).toEqual(
      expect.arrayContaining([expect.stringMatching(/^shifted beyond noise: x \(PSI 0\.\d\d > noise 0\.\d\d\)$/)]),
    );
    // An explanation only: no retrain, no new bundle, no drift response, nothing in the standing's reasons.
    const calibration = await deps.calibration.current('shifted');
    expect(calibration).toMatchObject({ activeBundleVersion: 1, retrains: 0 });
    expect(calibration?.counters).toMatchObject({ adaptations: 0, resets: 0 });
    expect(calibration?.reasons.join(' ')).not.toMatch(/PSI|shift/);
    expect(calibration?.featureShifts).toEqual(record?.featureShifts);
  }, 120_000);

  it('an unshifted feature measures PSI within its sampling noise: not significant', async () => {
    const deps = await freshDeps([]);
    await registerCluster(deps, {
      clusterId: 'steady',
      prior: referencedBundle('prior-steady'),
      platform: 'slurm',
      nowMs: T0_MS,
    });
    const jobs = jobsWithShift(JOBS, 22, 0, 'steady');

    await runJobs(deps, 'steady', jobs);

    const shift = (await deps.learning.load('steady'))?.featureShifts.find((measured) => measured.feature === 'x');
    expect(shift?.psi).toBeCloseTo(
      psiAgainstReference(
        NORMAL_REFERENCE.features[0]!,
        jobs.map((job) => job.x),
      ),
      12,
    );
    expect(shift?.psi).toBeLessThan(shift?.noisePsi ?? 0);
    expect(shift?.significant).toBe(false);
  }, 120_000);

  it('a calendar feature is never measured, however far its recent values are from training', async () => {
    const deps = await freshDeps([]);
    // hourOfDay is a model input (weight 0: the labels do not depend on it) with its training reference.
    const base = referencedBundle('prior-calendar');
    const prior: ModelBundle = {
      ...base,
      numericFeatures: ['x', 'hourOfDay'],
      scaler: { means: [0, 0], scales: [1, 1] },
      classifier: { ...base.classifier, weights: [TRUE_WEIGHT, 0] },
      featureReference: { ...NORMAL_REFERENCE, features: [...NORMAL_REFERENCE.features, HOUR_REFERENCE] },
    };
    await registerCluster(deps, { clusterId: 'calendar', prior, platform: 'slurm', nowMs: T0_MS });

    // Every job at 03:00: as far from a uniform day as a sample can be.
    await runJobs(deps, 'calendar', jobsWithShift(JOBS, 25, 0, 'calendar'), 3);
    const direct = await maintainCluster(deps, { clusterId: 'calendar', nowMs: T0_MS + 10 * JOBS * 1000 });

    const measured = (await deps.learning.load('calendar'))?.featureShifts.map((shift) => shift.feature);
    expect(measured).toEqual(['x']);
    expect(direct.steps).toEqual([]);
  }, 120_000);

  it("the dashboard measures PSI against the active bundle's stored reference, and falls back to the wiring's columns without one", async () => {
    const deps = await freshDeps([]);
    await registerCluster(deps, {
      clusterId: 'stored',
      prior: referencedBundle('prior-stored'),
      platform: 'slurm',
      nowMs: T0_MS,
    });
    await registerCluster(deps, {
      clusterId: 'legacy',
      prior: syntheticBundle(TRUE_INTERCEPT, 'prior-legacy'),
      platform: 'slurm',
      nowMs: T0_MS,
    });
    const jobs = jobsWithShift(40, 23, 1, 'dash');
    for (const clusterId of ['stored', 'legacy']) {
      for (const [index, job] of jobs.entries())
        await predictJob(deps, { clusterId, jobId: job.jobId, features: { x: job.x }, nowMs: T0_MS + index });
    }
    const fallbackColumn = jobsWithShift(200, 24, 0, 'train').map((job) => job.x);
    const app = createDashboardRoutes({
      assets: { indexHtml: '', script: '', style: '' },
      learning: deps,
      psiReference: () => ({ x: fallbackColumn }),
      minRefreshIntervalMs: 2_000,
    });

    const stored = (await (await app.request('/api/clusters/stored/psi')).json()) as Record<string, unknown>;
    const legacy = (await (await app.request('/api/clusters/legacy/psi')).json()) as Record<string, unknown>;

    const xs = jobs.map((job) => job.x);
    expect(stored).toMatchObject({ available: true, reference: 'bundle', features: [{ name: 'x', recent_jobs: 40 }] });
    expect((stored['features'] as { psi: number }[])[0]?.psi).toBeCloseTo(
      psiAgainstReference(NORMAL_REFERENCE.features[0]!, xs),
      12,
    );
    expect(legacy).toMatchObject({
      available: true,
      reference: 'fallback',
      features: [{ name: 'x', recent_jobs: 40 }],
    });
    expect((legacy['features'] as { psi: number }[])[0]?.psi).toBeCloseTo(
      populationStabilityIndex(fallbackColumn, xs),
      12,
    );
  }, 60_000);
});
