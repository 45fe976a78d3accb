/**
 * The PSI trigger of the learning loop on dynalite and s3rver (SPEC: recalibrate when PSI > 0.1
 * on a key feature): window features are compared against the active bundle's stored training
 * reference; a shifted feature distribution recalibrates even when the calibration itself is fine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardRoutes } from '../../src/app/http/dashboard-routes.ts';
import { createLearningDeps, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { predictJob } from '../../src/app/learning/predict-job.ts';
import { PSI_MIN_OUTCOMES, recomputeCalibration } from '../../src/app/learning/recompute-calibration.ts';
import { recordJobOutcome } from '../../src/app/learning/record-outcome.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { DynamoClusterStore } from '../../src/adapters/dynamodb/dynamo-cluster-store.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket, S3BundleStore } from '../../src/adapters/s3/s3-bundle-store.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import { populationStabilityIndex, psiAgainstReference } from '../../src/core/metrics/psi.ts';
import type { FeatureReference, ModelBundle } from '../../src/core/model/bundle.ts';
import { seededRandom } from '../../src/core/random.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { logistic, syntheticBundle, TRUE_INTERCEPT, TRUE_WEIGHT, type SyntheticJob } from '../support/learning-fixtures.ts';

const T0_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Deciles of N(0, 1): scipy.stats.norm.ppf(numpy.arange(1, 10) / 10). */
const NORMAL_DECILES = [
  -1.2815515655446004, -0.8416212335729142, -0.5244005127080409, -0.2533471031357997, 0, 0.2533471031357997, 0.5244005127080407,
  0.8416212335729143, 1.2815515655446004,
];
/** The training distribution of x ~ N(0, 1), as a bundle stores it: ten bins of 10 % each. */
const NORMAL_REFERENCE: FeatureReference = { rows: 100_000, features: [{ feature: 'x', binEdges: NORMAL_DECILES, shares: Array.from({ length: 10 }, () => 0.1) }] };

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

interface LoggedEvent { readonly event: string; readonly fields: Readonly<Record<string, unknown>> }

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
  const push = (event: string, fields: Readonly<Record<string, unknown>> = {}): void => { events.push({ event, fields }); };
  const logger: Logger = { info: push, warn: push, error: push };
  return createLearningDeps({
    store: new DynamoClusterStore({ client: aws.clients.dynamo, tableName: table }),
    bundles: new S3BundleStore({ client: aws.clients.s3, bucket }),
    gate: DEFAULT_GATE_CONFIG,
    logger,
    settings: { bootstrapResamples: 50 },
  });
}

async function runJobs(deps: LearningDeps, clusterId: string, jobs: readonly SyntheticJob[]): Promise<void> {
  for (const [index, job] of jobs.entries()) {
    const nowMs = T0_MS + index * 1000;
    await predictJob(deps, { clusterId, jobId: job.jobId, features: { x: job.x }, nowMs });
    await recordJobOutcome(deps, { clusterId, jobId: job.jobId, waitSeconds: job.waitSeconds, longWait: job.longWait, nowMs: nowMs + 500 });
  }
}

function recomputes(events: readonly LoggedEvent[]): Readonly<Record<string, unknown>>[] {
  return events.filter((logged) => logged.event === 'calibration.recomputed').map((logged) => logged.fields);
}

// Recomputes fall at 50, 150, 250, 350 outcomes: the last is the first with ≥ PSI_MIN_OUTCOMES.
const JOBS = 350;
if (JOBS - 1 < PSI_MIN_OUTCOMES) throw new Error('the tests below assume PSI is measured on 349 outcomes');

describe('PSI trigger of the learning loop on dynalite and s3rver', () => {
  it('a shifted feature distribution with calibration intact recalibrates for PSI alone, past the ECE-significance rule', async () => {
    const events: LoggedEvent[] = [];
    const deps = await freshDeps(events);
    await registerCluster(deps, { clusterId: 'shifted', prior: referencedBundle('prior-shifted'), platform: 'slurm', nowMs: T0_MS });
    // x ~ N(0.6, 1) against N(0, 1) deciles: PSI = Σ (a − 0.1)·ln(10a) with a the N(0.6, 1) mass per
    // decile bin = 0.3411 (numpy/scipy: a = diff(norm.cdf(r_[-inf, deciles, inf] - 0.6))).
    const jobs = jobsWithShift(JOBS, 21, 0.6, 'shifted');

    await runJobs(deps, 'shifted', jobs);

    const logged = recomputes(events);
    expect(logged.map((fields) => fields['action'])).toEqual(['none', 'none', 'none', 'recalibrated']);
    expect(logged.slice(0, 3).map((fields) => fields['maxFeaturePsi'])).toEqual([null, null, null]);
    const refit = logged[3] ?? {};
    const psi = refit['maxFeaturePsi'] as number;
    expect(psi).toBeGreaterThan(0.2);
    expect(psi).toBeLessThan(0.5);
    expect(psi).toBeCloseTo(psiAgainstReference(NORMAL_REFERENCE.features[0]!, jobs.map((job) => job.x)), 12);
    expect(refit['maxPsiFeature']).toBe('x');
    expect(refit['reasons']).toEqual([expect.stringMatching(/^PSI 0\.\d+ > 0\.1 on x$/)]);
    // The window's ECE is within sampling noise (the model is calibrated), so an ECE trigger would have been held back.
    expect(refit['ece'] as number).toBeLessThanOrEqual(refit['eceNoiseFloor'] as number);
    const calibration = await deps.store.getCalibration('shifted');
    expect(calibration).toMatchObject({ recalibrations: 1, activeBundleVersion: 2, state: 'recalibrated', maxFeaturePsi: null, maxPsiFeature: null });
    // The recalibrated bundle's PSI reference is the window it was fitted on: the shifted jobs
    // measure near zero against it, while they measure > 0.2 against the training deciles.
    const reference = (await deps.bundles.getBundle('shifted', 2))?.featureReference;
    expect(reference?.features.map((bins) => bins.feature)).toEqual(['x']);
    expect(reference?.rows).toBe(JOBS);
    expect(psiAgainstReference(reference!.features[0]!, jobs.map((job) => job.x))).toBeLessThan(0.02);
  }, 120_000);

  it('a lasting shift recalibrates for PSI once, not again every few hundred outcomes', async () => {
    const events: LoggedEvent[] = [];
    const deps = await freshDeps(events);
    await registerCluster(deps, { clusterId: 'lasting', prior: referencedBundle('prior-lasting'), platform: 'slurm', nowMs: T0_MS });

    await runJobs(deps, 'lasting', jobsWithShift(2 * JOBS + 50, 22, 0.6, 'lasting'));

    const psiRefits = recomputes(events).filter((fields) => fields['action'] === 'recalibrated' && String(fields['reasons']).includes('PSI'));
    expect(psiRefits).toHaveLength(1);
    expect((await deps.store.getCalibration('lasting'))?.maxFeaturePsi ?? 1).toBeLessThan(0.1);
  }, 240_000);

  it('an unshifted feature distribution measures PSI below 0.1, stores it on the calibration item and gives no PSI reason', async () => {
    const events: LoggedEvent[] = [];
    const deps = await freshDeps(events);
    await registerCluster(deps, { clusterId: 'steady', prior: referencedBundle('prior-steady'), platform: 'slurm', nowMs: T0_MS });
    // One short of the fourth automatic recompute; a measuring recompute (no refit: an ECE trigger
    // may fire on this window by chance, which is not what this test is about) reads the window.
    const jobs = jobsWithShift(JOBS - 1, 22, 0, 'steady');
    await runJobs(deps, 'steady', jobs);

    const result = await recomputeCalibration(deps, { clusterId: 'steady', nowMs: T0_MS + JOBS * 1000, reason: 'manual', refit: false });

    const expectedPsi = psiAgainstReference(NORMAL_REFERENCE.features[0]!, jobs.map((job) => job.x));
    expect(expectedPsi).toBeLessThan(0.1);
    expect(result.status === 'updated' ? result.reasons.filter((reason) => reason.startsWith('PSI')) : 'skipped').toEqual([]);
    const calibration = await deps.store.getCalibration('steady');
    expect(calibration?.sampleCount).toBe(JOBS - 1);
    expect(calibration?.maxFeaturePsi).toBeCloseTo(expectedPsi, 12);
    expect(calibration?.maxPsiFeature).toBe('x');
    expect(recomputes(events).at(-1)).toMatchObject({ reason: 'manual', action: 'none', maxFeaturePsi: calibration?.maxFeaturePsi, maxPsiFeature: 'x' });
  }, 120_000);

  it('the dashboard measures PSI against the active bundle\'s stored reference, and falls back to the wiring\'s columns without one', async () => {
    const deps = await freshDeps([]);
    await registerCluster(deps, { clusterId: 'stored', prior: referencedBundle('prior-stored'), platform: 'slurm', nowMs: T0_MS });
    await registerCluster(deps, { clusterId: 'legacy', prior: syntheticBundle(TRUE_INTERCEPT, 'prior-legacy'), platform: 'slurm', nowMs: T0_MS });
    const jobs = jobsWithShift(40, 23, 1, 'dash');
    for (const clusterId of ['stored', 'legacy']) {
      for (const [index, job] of jobs.entries()) await predictJob(deps, { clusterId, jobId: job.jobId, features: { x: job.x }, nowMs: T0_MS + index });
    }
    const fallbackColumn = jobsWithShift(200, 24, 0, 'train').map((job) => job.x);
    const app = createDashboardRoutes({ assets: { indexHtml: '', script: '', style: '' }, learning: deps, psiReference: () => ({ x: fallbackColumn }), minRefreshIntervalMs: 2_000 });

    const stored = await (await app.request('/api/clusters/stored/psi')).json() as Record<string, unknown>;
    const legacy = await (await app.request('/api/clusters/legacy/psi')).json() as Record<string, unknown>;

    const xs = jobs.map((job) => job.x);
    expect(stored).toMatchObject({ available: true, reference: 'bundle', features: [{ name: 'x', recent_jobs: 40 }] });
    expect((stored['features'] as { psi: number }[])[0]?.psi).toBeCloseTo(psiAgainstReference(NORMAL_REFERENCE.features[0]!, xs), 12);
    expect(legacy).toMatchObject({ available: true, reference: 'fallback', features: [{ name: 'x', recent_jobs: 40 }] });
    expect((legacy['features'] as { psi: number }[])[0]?.psi).toBeCloseTo(populationStabilityIndex(fallbackColumn, xs), 12);
  }, 60_000);
});
