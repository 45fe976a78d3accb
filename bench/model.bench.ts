/**
 * Model hot paths on one core: single-prediction latency with a compiled bundle, batch
 * throughput, isotonic fitting and ECE on 1,000,000 rows — each against a naive baseline.
 * The bundle is trained on the reference eks_dec_sample.csv (test/support/shared-data.ts;
 * ensemble calibration: 5 members, so one prediction is 6 dot products and 5 isotonic lookups).
 *
 * Run alone: `node --import tsx bench/model.bench.ts`.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { encodeFeatureTable } from '../src/core/features/feature-encoder.ts';
import { calibrationError } from '../src/core/metrics/calibration-error.ts';
import { compileBundle, parseBundle } from '../src/core/model/apply-bundle.ts';
import { fitIsotonic } from '../src/core/model/isotonic.ts';
import { trainBundle } from '../src/core/model/train-bundle.ts';
import { seededRandom } from '../src/core/random.ts';
import { loadFeatureTable, sha256Hex } from '../src/entry/cli/load-feature-table.ts';
import { sharedDataPath, SharedDataFile } from '../test/support/shared-data.ts';
import type { BenchResult } from './types.ts';

export const LATENCY_CALLS = 200_000;
export const BATCH_ROWS = 1_000_000;
export const NAIVE_BATCH_ROWS = 100_000;
export const NAIVE_LATENCY_CALLS = 2_000;
export const LARGE_ROWS = 1_000_000;
/** The naive O(n²) PAV is timed on this many rows and extrapolated quadratically. */
export const NAIVE_PAV_ROWS = 20_000;

function percentile(sortedValues: Float64Array, level: number): number {
  return sortedValues[Math.min(sortedValues.length - 1, Math.floor(level * sortedValues.length))] as number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Per-call latencies in µs, timed one call at a time with the monotonic nanosecond clock. */
function latencies(calls: number, call: (index: number) => unknown): Float64Array {
  const micros = new Float64Array(calls);
  let sink = 0;
  for (let index = 0; index < calls; index += 1) {
    const start = process.hrtime.bigint();
    const result = call(index);
    micros[index] = Number(process.hrtime.bigint() - start) / 1000;
    if (result === undefined) sink += 1;
  }
  if (sink > calls) throw new Error('unreachable: keeps the calls observable');
  return micros.sort();
}

/** Classic PAV without a stack: rescan from the start after every merge. O(n²) in the worst case. */
function naiveIsotonic(scores: Float64Array, labels: Uint8Array): number[] {
  const order = Array.from(scores.keys()).sort((left, right) => (scores[left] as number) - (scores[right] as number));
  const blocks = order.map((row) => ({ sum: labels[row] as number, weight: 1 }));
  let merged = true;
  while (merged) {
    merged = false;
    for (let index = 0; index + 1 < blocks.length; index += 1) {
      const left = blocks[index] as { sum: number; weight: number };
      const right = blocks[index + 1] as { sum: number; weight: number };
      if (left.sum / left.weight >= right.sum / right.weight) {
        blocks.splice(index, 2, { sum: left.sum + right.sum, weight: left.weight + right.weight });
        merged = true;
        break;
      }
    }
  }
  return blocks.map((block) => block.sum / block.weight);
}

/** Textbook equal-mass ECE: sort row objects, cut by rank, no tie handling. */
function naiveEce(probabilities: Float64Array, labels: Uint8Array, bins: number): number {
  const rows = Array.from(probabilities, (probability, index) => ({ probability, label: labels[index] as number }));
  rows.sort((left, right) => left.probability - right.probability);
  let total = 0;
  for (let bin = 0; bin < bins; bin += 1) {
    const slice = rows.slice(Math.floor((bin * rows.length) / bins), Math.floor(((bin + 1) * rows.length) / bins));
    const meanPredicted = slice.reduce((sum, row) => sum + row.probability, 0) / slice.length;
    const observed = slice.reduce((sum, row) => sum + row.label, 0) / slice.length;
    total += (slice.length / rows.length) * Math.abs(meanPredicted - observed);
  }
  return total;
}

function secondsOf(task: () => unknown, repeats: number): number {
  const times: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const start = performance.now();
    task();
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

export async function benchModel(): Promise<BenchResult[]> {
  const { table, sha256 } = await loadFeatureTable(sharedDataPath(SharedDataFile.eksSample), {
    features: undefined,
    requireLabel: true,
  });
  const bundle = trainBundle(table, {
    random: seededRandom(42),
    source: 'eks_dec_sample.csv',
    dataHash: sha256,
    hash: sha256Hex,
  });
  const bundleText = JSON.stringify(bundle);
  const compiled = compileBundle(bundle);
  const design = encodeFeatureTable(table, bundle.categoricalFeatures);
  const width = compiled.featureNames.length;
  const jobs = table.rows.map((row) =>
    Object.fromEntries(table.numericFeatures.map((name, column) => [name, row[column] as number])),
  );
  const jobAt = (index: number): Record<string, number> => jobs[index % jobs.length] as Record<string, number>;

  // Warm up the JIT on both paths before timing.
  for (let index = 0; index < 50_000; index += 1) compiled.predict(jobAt(index));
  const loaded = latencies(LATENCY_CALLS, (index) => compiled.predict(jobAt(index)));
  const perCallLoad = latencies(NAIVE_LATENCY_CALLS, (index) =>
    compileBundle(parseBundle(JSON.parse(bundleText))).predict(jobAt(index)),
  );
  const timerOverhead = latencies(LATENCY_CALLS, () => 0);

  const matrix = new Float64Array(BATCH_ROWS * width);
  for (let row = 0; row < BATCH_ROWS; row += 1) matrix.set(design[row % design.length] as Float64Array, row * width);
  const out = new Float64Array(BATCH_ROWS);
  compiled.predictMany(matrix.subarray(0, 10_000 * width), out.subarray(0, 10_000));
  const batchSeconds = secondsOf(() => compiled.predictMany(matrix, out), 5);
  const naiveBatchSeconds = secondsOf(() => {
    for (let row = 0; row < NAIVE_BATCH_ROWS; row += 1) out[row] = compiled.predict({ ...jobAt(row) }).probability;
  }, 3);

  const random = seededRandom(7);
  const scores = Float64Array.from({ length: LARGE_ROWS }, () => random() * 8 - 4);
  const labels = Uint8Array.from(scores, (score) => (random() < 1 / (1 + Math.exp(-score)) ? 1 : 0));
  const probabilities = Float64Array.from(scores, (score) => 1 / (1 + Math.exp(-score)));
  const isotonicSeconds = secondsOf(() => fitIsotonic(scores, labels), 3);
  const sortFloorSeconds = secondsOf(() => Float64Array.from(scores).sort(), 3);
  const naivePavSampleSeconds = secondsOf(
    () => naiveIsotonic(scores.subarray(0, NAIVE_PAV_ROWS), labels.subarray(0, NAIVE_PAV_ROWS)),
    1,
  );
  const naivePavSeconds = naivePavSampleSeconds * (LARGE_ROWS / NAIVE_PAV_ROWS) ** 2;
  const eceSeconds = secondsOf(() => calibrationError(probabilities, labels), 3);
  const naiveEceSeconds = secondsOf(() => naiveEce(probabilities, labels, 15), 3);

  return [
    {
      name: 'model.predict p50 (compiled bundle, one job)',
      value: percentile(loaded, 0.5),
      unit: 'µs',
      baseline: {
        name: 'parse + validate + compile the bundle JSON on every call',
        value: percentile(perCallLoad, 0.5),
      },
    },
    {
      name: 'model.predict p99 (compiled bundle, one job)',
      value: percentile(loaded, 0.99),
      unit: 'µs',
      baseline: {
        name: 'parse + validate + compile the bundle JSON on every call',
        value: percentile(perCallLoad, 0.99),
      },
    },
    {
      name: 'timer overhead per measured call (p50, included above)',
      value: percentile(timerOverhead, 0.5),
      unit: 'µs',
    },
    {
      name: `model.predictMany throughput (${BATCH_ROWS.toLocaleString('en')} encoded rows, one core)`,
      value: BATCH_ROWS / batchSeconds,
      unit: 'predictions/s',
      baseline: {
        name: `predict() per job object (copy + keyed lookups), ${NAIVE_BATCH_ROWS.toLocaleString('en')} jobs`,
        value: NAIVE_BATCH_ROWS / naiveBatchSeconds,
      },
    },
    {
      name: `isotonic fit on ${LARGE_ROWS.toLocaleString('en')} rows`,
      value: isotonicSeconds * 1000,
      unit: 'ms',
      baseline: {
        name: `naive rescanning PAV, O(n²): timed on ${NAIVE_PAV_ROWS.toLocaleString('en')} rows, extrapolated ×${(LARGE_ROWS / NAIVE_PAV_ROWS) ** 2}`,
        value: naivePavSeconds * 1000,
      },
    },
    {
      name: `isotonic fit on ${LARGE_ROWS.toLocaleString('en')} rows vs sorting alone`,
      value: isotonicSeconds * 1000,
      unit: 'ms',
      baseline: { name: 'floor: Float64Array sort of the scores', value: sortFloorSeconds * 1000 },
    },
    {
      name: `ECE (15 equal-mass bins) on ${LARGE_ROWS.toLocaleString('en')} rows`,
      value: eceSeconds * 1000,
      unit: 'ms',
      baseline: { name: 'naive: sort row objects, slice bins', value: naiveEceSeconds * 1000 },
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const result of await benchModel()) {
    const baseline =
      result.baseline === undefined ? '' : ` (baseline ${result.baseline.name}: ${result.baseline.value.toFixed(3)})`;
    process.stdout.write(`${result.name}: ${result.value.toFixed(3)} ${result.unit}${baseline}\n`);
  }
}
