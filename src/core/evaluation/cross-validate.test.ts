import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { encodeFeatureTable } from '../features/feature-encoder.ts';
import { selectRows, type FeatureTable } from '../features/feature-table.ts';
import { evaluateProbabilities } from '../metrics/evaluate-probabilities.ts';
import { compileBundle } from '../model/apply-bundle.ts';
import { sigmoid } from '../model/logistic-regression.ts';
import { trainBundle } from '../model/train-bundle.ts';
import { seededRandom, type Random } from '../random.ts';
import { complementRows, crossValidate, evaluateTransfer, stratifiedFolds } from './cross-validate.ts';
import { sklearnStratifiedFolds } from './sklearn-stratified-folds.ts';

function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

interface SampleOptions {
  readonly rowCount: number;
  readonly seed: number;
  /** Added to the true log-odds: shifts the base rate (a different cluster). */
  readonly interceptShift?: number;
  /** Labels drawn independently of the features. */
  readonly noise?: boolean;
  readonly noiseColumns?: number;
  readonly withWaits?: boolean;
}

/** Rows from a known logistic model over standard-normal features (or pure noise), with optional waits. */
function sample(options: SampleOptions): FeatureTable {
  const random = seededRandom(options.seed);
  const columns = options.noiseColumns ?? 3;
  const rows: number[][] = [];
  const labels = new Uint8Array(options.rowCount);
  const waits = new Float64Array(options.rowCount);
  for (let row = 0; row < options.rowCount; row += 1) {
    const features = Array.from({ length: columns }, () => normal(random));
    const logOdds = 1.5 * (features[0] ?? 0) - (features[1] ?? 0) - 0.5 + (options.interceptShift ?? 0);
    const probability = options.noise === true ? 0.3 : sigmoid(logOdds);
    labels[row] = random() < probability ? 1 : 0;
    waits[row] = (labels[row] === 1 ? 300 : 30) * (0.5 + random());
    rows.push(features);
  }
  return {
    source: `sample-${options.seed}.csv`,
    numericFeatures: [
      'pending_ratio',
      'congestion_score',
      'fragmentation_score',
      'pending_gpus',
      'total_pending',
      'running_gpus',
      'gpu_nodes_alloc',
      'gpu_nodes_total',
      'queue_depth_norm',
      'util_gpu_mean',
      'util_gpu_std',
      'util_mem_mean',
      'temp_c_max',
      'power_w_mean',
    ].slice(0, columns),
    categoricalFeatures: [],
    rows,
    categorical: rows.map(() => []),
    labels,
    waitsSeconds: options.withWaits === true ? waits : null,
    labelThresholdSeconds: null,
  };
}

describe('crossValidate', () => {
  it('pools the predictions of bundles trained without their test fold, seeded folds (reconstructed independently)', () => {
    const table = sample({ rowCount: 300, seed: 1 });
    const labels = table.labels ?? new Uint8Array();
    const random = seededRandom(42);
    const pooled = new Float64Array(labels.length);
    for (const testRows of stratifiedFolds(labels, 5, random)) {
      const bundle = trainBundle(selectRows(table, complementRows(labels.length, testRows)), {
        random,
        source: 's',
        dataHash: '',
        hash: () => 'x',
      });
      const compiled = compileBundle(bundle);
      encodeFeatureTable(selectRows(table, testRows), []).forEach((row, position) => {
        pooled[testRows[position] as number] = compiled.predictRow(row);
      });
    }
    const expected = evaluateProbabilities(pooled, labels, { random: seededRandom(42), resamples: 200 });

    const report = crossValidate(table, { resamples: 200, foldScheme: 'seeded' });

    expect(report.calibrated).toEqual(expected);
    expect(report.protocol).toMatchObject({
      folds: 5,
      foldScheme: 'seeded',
      seed: 42,
      innerFolds: 5,
      calibrator: 'isotonic',
      calibrationMode: 'ensemble',
      bins: 15,
      resamples: 200,
    });
  });

  it("by default uses scikit-learn's folds: StratifiedKFold(5, shuffle=True, random_state=seed) outside, unshuffled inside", () => {
    const table = sample({ rowCount: 300, seed: 1 });
    const labels = table.labels ?? new Uint8Array();
    const pooled = new Float64Array(labels.length);
    for (const testRows of sklearnStratifiedFolds(labels, 5, { shuffleSeed: 7 })) {
      // Any generator: with unshuffled inner folds, training draws nothing from it.
      const bundle = trainBundle(selectRows(table, complementRows(labels.length, testRows)), {
        innerFoldScheme: 'sklearn',
        random: seededRandom(999),
        source: 's',
        dataHash: '',
        hash: () => 'x',
      });
      const compiled = compileBundle(bundle);
      encodeFeatureTable(selectRows(table, testRows), []).forEach((row, position) => {
        pooled[testRows[position] as number] = compiled.predictRow(row);
      });
    }
    const expected = evaluateProbabilities(pooled, labels, { random: seededRandom(7), resamples: 100 });

    const report = crossValidate(table, { resamples: 100, seed: 7 });

    expect(report.calibrated).toEqual(expected);
    expect(report.protocol).toMatchObject({ folds: 5, foldScheme: 'sklearn', seed: 7, innerFolds: 5 });
  });

  it('finds no signal in pure noise, although the same model looks good on its own training rows', () => {
    const table = sample({ rowCount: 200, seed: 3, noise: true, noiseColumns: 14 });

    const report = crossValidate(table, { resamples: 50 });
    const inSample = trainBundle(table, {
      random: seededRandom(1),
      source: 's',
      dataHash: '',
      hash: () => 'x',
      calibrationMode: 'single',
    });

    expect(report.calibrated.auroc).toBeGreaterThan(0.35);
    expect(report.calibrated.auroc).toBeLessThan(0.65);
    expect(inSample.metrics.inSampleAuroc).toBeGreaterThan(report.calibrated.auroc + 0.1);
  });

  it("derives the score and tiers from the calibrated ECE with SPEC's thresholds", () => {
    const table = sample({ rowCount: 400, seed: 5 });

    const report = crossValidate(table, { resamples: 50 });
    const ece = report.calibrated.ece;
    const byHand = [
      ['annotate', 0.1],
      ['warn', 0.07],
      ['suggest_reschedule', 0.05],
      ['require_confirmation', 0.03],
    ]
      .filter(([, maxEce]) => ece <= (maxEce as number))
      .map(([tier]) => tier);

    expect(report.qualifiedTiers).toEqual(byHand);
    expect(report.calibrationScore).toBeCloseTo(Math.min(1, Math.max(0, 1 - 5 * ece)), 9);
    expect(report.raw.ece).toBeGreaterThanOrEqual(0);
  });

  it('is reproducible from the seed and changes with it', () => {
    const table = sample({ rowCount: 200, seed: 7 });

    const first = crossValidate(table, { resamples: 50 });
    const again = crossValidate(table, { resamples: 50 });
    const other = crossValidate(table, { resamples: 50, seed: 43 });

    expect(again).toEqual(first);
    expect(other.calibrated.ece).not.toBe(first.calibrated.ece);
  });

  it('reports each outer fold to onFold once, in order, and the report does not depend on it', () => {
    const table = sample({ rowCount: 200, seed: 7 });
    const calls: [number, number][] = [];

    const watched = crossValidate(table, {
      resamples: 50,
      folds: 4,
      onFold: (completed, total) => calls.push([completed, total]),
    });
    const unwatched = crossValidate(table, { resamples: 50, folds: 4 });

    expect(calls).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    expect(watched).toEqual(unwatched);
  });

  it('reports held-out wait-interval coverage near the nominal 80 %', () => {
    const table = sample({ rowCount: 1000, seed: 11, withWaits: true });

    const report = crossValidate(table, { resamples: 20 });
    const withoutWaits = crossValidate({ ...table, waitsSeconds: null }, { resamples: 20 });

    expect(report.waitIntervals?.count).toBe(1000);
    expect(report.waitIntervals?.nominalCoverage).toBe(0.8);
    expect(report.waitIntervals?.coverage).toBeGreaterThan(0.72);
    expect(report.waitIntervals?.coverage).toBeLessThan(0.88);
    expect(report.waitIntervals?.medianWidthSeconds).toBeGreaterThan(0);
    expect(withoutWaits.waitIntervals).toBeNull();
  });

  it('refuses a table without labels', () => {
    expect(() => crossValidate({ ...sample({ rowCount: 50, seed: 1 }), labels: null })).toThrow(InvalidInputError);
  });
});

describe('evaluateTransfer', () => {
  it('shows a small gap between two samples of one cluster and a large one after a base-rate shift', () => {
    const home = sample({ rowCount: 600, seed: 21 });
    const sameCluster = sample({ rowCount: 600, seed: 22 });
    const shifted = sample({ rowCount: 600, seed: 23, interceptShift: -2.5 });

    const same = evaluateTransfer(home, sameCluster, { resamples: 50 });
    const far = evaluateTransfer(home, shifted, { resamples: 50 });

    expect(Math.abs(same.calibrationGap)).toBeLessThan(0.04);
    expect(far.calibrationGap).toBeGreaterThan(0.1);
    expect(far.calibrationGap).toBe(far.calibrated.ece - far.home.calibrated.ece);
    expect(far.eceRatio).toBe(far.calibrated.ece / far.home.calibrated.ece);
    expect(far.calibrated.count).toBe(600);
    expect([far.trainSource, far.testSource]).toEqual(['sample-21.csv', 'sample-23.csv']);
  });

  it('has no ECE ratio when the home ECE is zero (perfectly separated classes)', () => {
    const separated: FeatureTable = {
      ...sample({ rowCount: 60, seed: 1, noiseColumns: 1 }),
      rows: Array.from({ length: 60 }, (_, row) => [row % 3 === 0 ? 1 : -1]),
      labels: Uint8Array.from({ length: 60 }, (_, row) => (row % 3 === 0 ? 1 : 0)),
    };

    // Seeded folds: with scikit-learn's, a member's isotonic step interpolates a test score lying
    // just inside its threshold range, so ECE is 1e-17 rather than exactly 0.
    const report = evaluateTransfer(separated, separated, { resamples: 20, foldScheme: 'seeded' });

    expect(report.home.calibrated.ece).toBe(0);
    expect(report.eceRatio).toBeNull();
  });

  it('refuses tables with different features', () => {
    const home = sample({ rowCount: 100, seed: 1 });
    const other = sample({ rowCount: 100, seed: 2, noiseColumns: 2 });

    expect(() => evaluateTransfer(home, other)).toThrow(
      'feature sets differ: sample-1.csv has pending_ratio,congestion_score,fragmentation_score; sample-2.csv has pending_ratio,congestion_score',
    );
  });
});
