/**
 * Learning-loop costs: refitting a cluster's calibrator on a 10,000-outcome window (5-fold
 * out-of-fold ECE, consistency-resampled noise floor, final fit, wait model), against the bare
 * isotonic fit on the same rows as the baseline; and the window metrics of one recompute.
 */
import { windowMetrics } from '../src/app/learning/recompute-calibration.ts';
import type { PredictionRecord } from '../src/app/records/prediction-record.ts';
import { bootstrapInterval } from '../src/core/metrics/bootstrap.ts';
import { calibrationError } from '../src/core/metrics/calibration-error.ts';
import { fitIsotonic } from '../src/core/model/isotonic.ts';
import { recalibrateBundle } from '../src/core/model/recalibrate-bundle.ts';
import { seededRandom } from '../src/core/random.ts';
import { syntheticBundle, syntheticJobs } from '../test/support/learning-fixtures.ts';
import type { BenchResult } from './types.ts';

const WINDOW = 10_000;

function millisecondsOf(work: () => void, repeats: number): number {
  work();
  const started = process.hrtime.bigint();
  for (let repeat = 0; repeat < repeats; repeat += 1) work();
  return Number(process.hrtime.bigint() - started) / 1e6 / repeats;
}

export async function benchLearning(): Promise<BenchResult[]> {
  const jobs = syntheticJobs(WINDOW, 5);
  const rawScores = Float64Array.from(jobs, (job) => 2 * job.x);
  const labels = Uint8Array.from(jobs, (job) => (job.longWait ? 1 : 0));
  const waits = Float64Array.from(jobs, (job) => job.waitSeconds);
  const bundle = syntheticBundle(0, 'bench');
  const recalibrateMs = millisecondsOf(() => {
    recalibrateBundle(bundle, { rawScores, labels, waitsSeconds: waits }, { isotonicMinRows: 300, random: seededRandom(1), hash: (text) => String(text.length) });
  }, 3);
  const isotonicMs = millisecondsOf(() => {
    fitIsotonic(rawScores, labels);
  }, 10);

  const window: PredictionRecord[] = jobs.map((job, index) => ({
    clusterId: 'bench', jobId: job.jobId, predictedAtMs: index, features: { x: job.x }, rawScore: 2 * job.x - 2,
    probability: 1 / (1 + Math.exp(-(2 * job.x - 2))), waitEstimate: null, scope: 'notify', tier: null, bundleVersion: 1,
    outcome: { waitSeconds: job.waitSeconds, longWait: job.longWait, observedAtMs: index },
  }));
  const metricsWindow = window.slice(0, 1000);
  const metricsMs = millisecondsOf(() => {
    windowMetrics(metricsWindow, 50, 200, 42, WINDOW);
  }, 10);
  // The same window's ECE interval and noise floor as computed before issue 7: every resample
  // materialised and sorted again by calibrationError.
  const windowProbabilities = Float64Array.from(metricsWindow, (prediction) => prediction.probability);
  const windowLabels = Uint8Array.from(metricsWindow, (prediction) => (prediction.outcome?.longWait === true ? 1 : 0));
  const materialisedMs = millisecondsOf(() => {
    bootstrapInterval(
      windowProbabilities.length,
      (indices) => calibrationError(Float64Array.from(indices, (index) => windowProbabilities[index] as number), Uint8Array.from(indices, (index) => windowLabels[index] as number)).ece,
      { random: seededRandom(42), resamples: 200 },
    );
    const random = seededRandom(43);
    const redrawn = new Uint8Array(windowProbabilities.length);
    for (let resample = 0; resample < 200; resample += 1) {
      for (let row = 0; row < redrawn.length; row += 1) redrawn[row] = random() < (windowProbabilities[row] as number) ? 1 : 0;
      calibrationError(windowProbabilities, redrawn);
    }
  }, 3);
  await Promise.resolve();
  return [
    { name: 'recalibrate a 10,000-outcome window (core)', value: recalibrateMs, unit: 'ms', baseline: { name: 'bare isotonic fit, same rows', value: isotonicMs } },
    {
      name: 'recompute metrics, 1,000-outcome window (200 resamples)', value: metricsMs, unit: 'ms',
      baseline: { name: 'ECE bootstrap + noise floor, each resample re-sorted', value: materialisedMs },
    },
  ];
}
