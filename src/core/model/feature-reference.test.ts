import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import type { FeatureTable } from '../features/feature-table.ts';
import { populationStabilityIndex } from '../metrics/psi.ts';
import { FeatureReferenceSchema, ModelBundleSchema, type FeatureReference, type ModelBundle } from './bundle.ts';
import { featureDrift, featureReferenceOf } from './feature-reference.ts';

/** Ten rows: `pending_ratio` 1…10 (shuffled), `total_pending` with ties. */
const TABLE: FeatureTable = {
  source: 'tiny.csv',
  numericFeatures: ['pending_ratio', 'total_pending'],
  categoricalFeatures: ['job_type'],
  rows: [[7, 0], [2, 1], [10, 0], [4, 2], [1, 0], [9, 1], [3, 0], [6, 2], [8, 1], [5, 0]],
  categorical: Array.from({ length: 10 }, () => ['short']),
  labels: Uint8Array.from([1, 0, 1, 0, 0, 1, 0, 1, 1, 0]),
  waitsSeconds: null,
  labelThresholdSeconds: null,
};

/**
 * Hand-worked deciles (M = 10, B = 10: cut ranks floor(10k/10) = k for k = 1…9, ranks from 0).
 * pending_ratio sorted 1…10 → values at ranks 1…9 = 2…10; bins (−∞,2), [2,3), …, [10,∞) hold one row each.
 * total_pending sorted [0,0,0,0,0,1,1,1,2,2] → ranks 1…9 give 0,0,0,0,1,1,1,2,2 → edges [0, 1, 2];
 * bins (−∞,0): 0 rows, [0,1): 5, [1,2): 3, [2,∞): 2.
 */
const HAND_WORKED: FeatureReference = {
  rows: 10,
  features: [
    { feature: 'pending_ratio', binEdges: [2, 3, 4, 5, 6, 7, 8, 9, 10], shares: Array.from({ length: 10 }, () => 0.1) },
    { feature: 'total_pending', binEdges: [0, 1, 2], shares: [0, 0.5, 0.3, 0.2] },
  ],
};

describe('featureReferenceOf', () => {
  it('featureReferenceOf stores the hand-worked deciles and shares of every numeric column, categorical columns left out', () => {
    const reference = featureReferenceOf(TABLE);

    expect(reference).toEqual(HAND_WORKED);
    expect(FeatureReferenceSchema.safeParse(reference).success).toBe(true);
  });

  it('featureReferenceOf is null without numeric features and refuses an empty table', () => {
    const categoricalOnly: FeatureTable = { ...TABLE, numericFeatures: [], rows: TABLE.rows.map(() => []) };
    const empty: FeatureTable = { ...TABLE, rows: [], categorical: [], labels: new Uint8Array(0) };

    expect(featureReferenceOf(categoricalOnly)).toBeNull();
    expect(() => featureReferenceOf(empty)).toThrow(InvalidInputError);
  });
});

describe('featureDrift', () => {
  it('featureDrift measures each feature like populationStabilityIndex on the training column and names the largest', () => {
    const recentRatio = [1, 1, 2, 9, 10, 10, 10, 11, 12, 3];
    const recentPending = [0, 0, 1, 0, 2, 0, 1, 0, 0, 1];
    const trainingRatio = TABLE.rows.map((row) => row[0] as number);
    const trainingPending = TABLE.rows.map((row) => row[1] as number);

    const drift = featureDrift(HAND_WORKED, { pending_ratio: recentRatio, total_pending: recentPending }, 5);

    const ratioPsi = populationStabilityIndex(trainingRatio, recentRatio);
    const pendingPsi = populationStabilityIndex(trainingPending, recentPending);
    expect(drift.features).toEqual([
      { feature: 'pending_ratio', psi: ratioPsi, rows: 10 },
      { feature: 'total_pending', psi: pendingPsi, rows: 10 },
    ]);
    expect(ratioPsi).toBeGreaterThan(pendingPsi);
    expect(drift.max).toEqual({ feature: 'pending_ratio', psi: ratioPsi, rows: 10 });
  });

  it('featureDrift skips features with fewer than minRows values and is null when none is measured', () => {
    const partial = featureDrift(HAND_WORKED, { pending_ratio: [1, 2], total_pending: [0, 1, 2] }, 3);
    const none = featureDrift(HAND_WORKED, { other: [1, 2, 3] }, 1);

    expect(partial.features.map((measured) => measured.feature)).toEqual(['total_pending']);
    expect(partial.max?.feature).toBe('total_pending');
    expect(none).toEqual({ features: [], max: null });
  });

  it('featureDrift keeps the first feature on a tie and refuses a bad minRows', () => {
    const same = [5, 5, 5];
    const twin: FeatureReference = { rows: 10, features: [{ ...HAND_WORKED.features[0]!, feature: 'b' }, { ...HAND_WORKED.features[0]!, feature: 'a' }] };

    const drift = featureDrift(twin, { a: same, b: same }, 1);

    expect(drift.max?.feature).toBe('b');
    expect(() => featureDrift(twin, {}, 0)).toThrow('minRows = 0 is not an integer ≥ 1');
  });
});

describe('FeatureReferenceSchema in a bundle', () => {
  const bundle: ModelBundle = {
    schemaVersion: 1,
    bundleId: 'b',
    training: { source: 's', dataHash: 'h', rows: 10, positives: 5, labelThresholdSeconds: null },
    numericFeatures: ['pending_ratio', 'total_pending'],
    categoricalFeatures: [],
    scaler: { means: [0, 0], scales: [1, 1] },
    classifier: { kind: 'logistic', weights: [1, 1], intercept: 0, l2: 1 },
    calibrator: { kind: 'identity' },
    waitModel: null,
    metrics: {},
  };
  const firstBins = HAND_WORKED.features[0]!;

  it('ModelBundleSchema accepts a bundle without a reference, with null, and with a valid one', () => {
    const results = [bundle, { ...bundle, featureReference: null }, { ...bundle, featureReference: HAND_WORKED }].map((candidate) => ModelBundleSchema.safeParse(candidate).success);

    expect(results).toEqual([true, true, true]);
  });

  it('ModelBundleSchema refuses share counts, edge order, share sums, duplicate and unknown features', () => {
    const withFeatures = (features: FeatureReference['features']): unknown => ({ ...bundle, featureReference: { rows: 10, features } });
    const cases = [
      withFeatures([{ ...firstBins, shares: [0.5, 0.5] }]),
      withFeatures([{ feature: 'pending_ratio', binEdges: [3, 2], shares: [0.3, 0.3, 0.4] }]),
      withFeatures([{ feature: 'pending_ratio', binEdges: [2], shares: [0.5, 0.6] }]),
      withFeatures([firstBins, firstBins]),
      withFeatures([{ ...firstBins, feature: 'queue_depth_norm' }]),
    ];

    const messages = cases.map((candidate) => ModelBundleSchema.safeParse(candidate).error?.issues[0]?.message);

    expect(messages).toEqual([
      '2 shares for 9 bin edges (need edges + 1)',
      'bin edges must be strictly increasing',
      'shares sum to 1.1, not 1',
      "feature 'pending_ratio' appears twice",
      "'queue_depth_norm' is not one of the numeric features",
    ]);
  });
});
