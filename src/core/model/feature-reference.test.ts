import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import type { FeatureTable } from '../features/feature-table.ts';
import { populationStabilityIndex, psiAgainstReference, psiReferenceBins } from '../metrics/psi.ts';
import { seededRandom } from '../random.ts';
import { FeatureReferenceSchema, ModelBundleSchema, type FeatureReference, type ModelBundle } from './bundle.ts';
import {
  CALENDAR_FEATURES,
  chiSquareQuantile,
  featureDrift,
  featureReferenceOf,
  featureShifts,
  psiNoise,
} from './feature-reference.ts';

/** Ten rows: `pending_ratio` 1…10 (shuffled), `total_pending` with ties. */
const TABLE: FeatureTable = {
  source: 'tiny.csv',
  numericFeatures: ['pending_ratio', 'total_pending'],
  categoricalFeatures: ['job_type'],
  rows: [
    [7, 0],
    [2, 1],
    [10, 0],
    [4, 2],
    [1, 0],
    [9, 1],
    [3, 0],
    [6, 2],
    [8, 1],
    [5, 0],
  ],
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
    const twin: FeatureReference = {
      rows: 10,
      features: [
        { ...HAND_WORKED.features[0]!, feature: 'b' },
        { ...HAND_WORKED.features[0]!, feature: 'a' },
      ],
    };

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
    const results = [bundle, { ...bundle, featureReference: null }, { ...bundle, featureReference: HAND_WORKED }].map(
      (candidate) => ModelBundleSchema.safeParse(candidate).success,
    );

    expect(results).toEqual([true, true, true]);
  });

  it('ModelBundleSchema refuses share counts, edge order, share sums, duplicate and unknown features', () => {
    const withFeatures = (features: FeatureReference['features']): unknown => ({
      ...bundle,
      featureReference: { rows: 10, features },
    });
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

/**
 * python3 -c "from scipy.stats import chi2; print(repr(float(chi2.ppf(level, k))))" (scipy 1.17.1).
 * Wilson–Hilferty's relative error at these points: 0.51 % at k = 3 (level 0.95), 0.10 % at k = 9 (the
 * PSI noise's 10 bins − 1), under 0.3 % from k = 5 on; the test asserts 1 % for k ≥ 3 at levels 0.9–0.99.
 */
const SCIPY_CHI2_PPF: readonly (readonly [number, number, number])[] = [
  [3, 0.9, 6.251388631170325],
  [3, 0.95, 7.814727903251179],
  [3, 0.99, 11.344866730144373],
  [5, 0.95, 11.070497693516351],
  [9, 0.9, 14.683656573259837],
  [9, 0.95, 16.918977604620448],
  [9, 0.99, 21.665994333461924],
  [14, 0.95, 23.684791304840576],
  [20, 0.95, 31.410432844230918],
  [100, 0.99, 135.80672317102676],
];

describe('chiSquareQuantile', () => {
  it.each(SCIPY_CHI2_PPF)(
    'chiSquareQuantile(%s, %s) is within 1 %% of scipy.stats.chi2.ppf',
    (degreesOfFreedom, level, expected) => {
      const quantile = chiSquareQuantile(degreesOfFreedom, level);

      expect(Math.abs(quantile / expected - 1)).toBeLessThan(0.01);
    },
  );

  it("chiSquareQuantile is within 0.2 % at the PSI noise's own point (9 degrees of freedom, level 0.95)", () => {
    expect(Math.abs(chiSquareQuantile(9, 0.95) / 16.918977604620448 - 1)).toBeLessThan(0.002);
  });

  it("chiSquareQuantile is Wilson–Hilferty's k·(1 − 2/(9k) + z·√(2/(9k)))³ (hand-worked at k = 9, z₀.₉₅ = 1.6448536)", () => {
    // 2/81 = 0.02469136; 1 − 0.02469136 + 1.64485363·0.15713484 = 1.23377245; 9·1.23377245³ = 16.9023744
    expect(chiSquareQuantile(9, 0.95)).toBeCloseTo(16.9023744, 6);
  });

  it.each([0, 2.5, -1, Number.NaN])('chiSquareQuantile refuses %s degrees of freedom', (degreesOfFreedom) => {
    const quantile = (): number => chiSquareQuantile(degreesOfFreedom, 0.95);

    expect(quantile).toThrow(InvalidInputError);
    expect(quantile).toThrow(`degrees of freedom must be an integer ≥ 1, got ${degreesOfFreedom}`);
  });
});

describe('psiNoise', () => {
  it('psiNoise is (1/n + 1/m)·χ²(bins − 1) at the level (hand-worked)', () => {
    // (1/100 + 1/1000)·16.9023744 = 0.011·16.9023744 = 0.18592612
    expect(psiNoise(10, 100, 1000, 0.95)).toBeCloseTo(0.011 * chiSquareQuantile(9, 0.95), 12);
    expect(psiNoise(10, 100, 1000, 0.95)).toBeCloseTo(0.18592612, 7);
  });

  it('psiNoise is 0 over a single bin (PSI is then 0 whatever the sample)', () => {
    expect(psiNoise(1, 10, 10, 0.95)).toBe(0);
  });

  it.each([
    [0, 100],
    [100, 0],
    [Number.NaN, 100],
  ])('psiNoise refuses %s sample rows against %s reference rows', (sampleRows, referenceRows) => {
    const noise = (): number => psiNoise(10, sampleRows, referenceRows, 0.95);

    expect(noise).toThrow(InvalidInputError);
    expect(noise).toThrow(`PSI noise needs rows in both samples (got ${sampleRows} and ${referenceRows})`);
  });

  it('psiNoise at 0.95 is exceeded by the PSI of an unshifted sample in about 5 % of 1000 draws (fixed seeds)', () => {
    // Reference of 2000 and samples of 300 values from the same U(0, 1), deciles cut from the reference.
    // Measured: 4.5 % above the noise (2000 draws); the bounds allow 2–8 %.
    let above = 0;
    for (let seed = 1; seed <= 1000; seed += 1) {
      const random = seededRandom(seed);
      const bins = psiReferenceBins(Array.from({ length: 2000 }, () => random()));
      const sample = Array.from({ length: 300 }, () => random());
      if (psiAgainstReference(bins, sample) > psiNoise(bins.shares.length, 300, 2000, 0.95)) above += 1;
    }

    expect(above).toBeGreaterThanOrEqual(20);
    expect(above).toBeLessThanOrEqual(80);
  });
});

describe('featureShifts', () => {
  /** Two bins split at 0.5, half the training rows in each. */
  const HALVES = { binEdges: [0.5], shares: [0.5, 0.5] };
  const REFERENCE: FeatureReference = {
    rows: 1000,
    features: [
      { feature: 'hourOfDay', ...HALVES },
      { feature: 'dayOfWeek', ...HALVES },
      { feature: 'pending', ...HALVES },
      { feature: 'gpus', ...HALVES },
      { feature: 'utilisation', ...HALVES },
      { feature: 'absent', ...HALVES },
      { feature: 'empty', ...HALVES },
    ],
  };
  /** n values, a share `low` of them below 0.5. */
  const split = (n: number, low: number): number[] =>
    Array.from({ length: n }, (_, index) => (index < Math.round(n * low) ? 0.25 : 0.75));

  it('featureShifts measures every non-calendar feature with values, sorted by PSI, significant only above both the threshold and the noise', () => {
    // PSI = Σ (actual − expected)·ln(actual/expected) over the two bins (expected ½, ½; empty → ε = 1e-4):
    // pending, 90 % of 200 low: 0.4·ln 1.8 + 0.4·ln 5 = 0.87889; noise (1/200 + 1/1000)·χ²₁(0.95) ≈ 0.023 → significant
    // gpus, both of 2 low: 0.5·ln 2 + (1e-4 − 0.5)·ln(1e-4/0.5) = 4.60432; noise (1/2 + 1/1000)·χ²₁ ≈ 1.9 → significant
    // utilisation, 55 % of 200 low: 0.05·ln 1.1 − 0.05·ln 0.9 = 0.02007 < 0.1 → not significant
    // hourOfDay and dayOfWeek are calendar features, absent has no values, empty has none either: left out.
    const sample = {
      hourOfDay: split(200, 1),
      dayOfWeek: split(200, 0),
      pending: split(200, 0.9),
      gpus: split(2, 1),
      utilisation: split(200, 0.55),
      empty: [],
    };

    const shifts = featureShifts(REFERENCE, sample, 0.1, 0.95);

    expect(CALENDAR_FEATURES).toEqual(new Set(['hourOfDay', 'dayOfWeek']));
    expect(shifts.map((shift) => shift.feature)).toEqual(['gpus', 'pending', 'utilisation']);
    const [gpus, pending, utilisation] = shifts;
    expect(gpus?.significant).toBe(true);
    expect(gpus?.psi).toBeCloseTo(0.5 * Math.log(2) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5), 12);
    expect(gpus?.noisePsi).toBeCloseTo((1 / 2 + 1 / 1000) * chiSquareQuantile(1, 0.95), 12);
    expect(pending?.psi).toBeCloseTo(0.4 * Math.log(1.8) + 0.4 * Math.log(5), 12);
    expect(pending?.noisePsi).toBeCloseTo(psiNoise(2, 200, 1000, 0.95), 12);
    expect(pending?.significant).toBe(true);
    expect(utilisation?.psi).toBeCloseTo(0.05 * Math.log(1.1) - 0.05 * Math.log(0.9), 12);
    expect(utilisation?.significant).toBe(false);
  });

  it('featureShifts needs PSI above the threshold AND above its noise to call a shift significant', () => {
    // 3 of 4 low: PSI = 0.25·ln 1.5 + 0.25·ln 2 = 0.27465 > 0.1, but noise (1/4 + 1/1000)·χ²₁(0.95) ≈ 0.94 → not significant.
    const smallSample = featureShifts(REFERENCE, { pending: split(4, 0.75) }, 0.1, 0.95);
    // 55 % of 100,000 low against a reference of 10⁶: PSI 0.02007 > noise ≈ 4e-5, but < 0.1 → not significant;
    // with threshold 0.01 it is.
    const bigReference = { ...REFERENCE, rows: 1_000_000 };
    const big = featureShifts(bigReference, { pending: split(100_000, 0.55) }, 0.1, 0.95);
    const bigLowThreshold = featureShifts(bigReference, { pending: split(100_000, 0.55) }, 0.01, 0.95);

    expect(smallSample[0]?.psi).toBeCloseTo(0.25 * Math.log(1.5) + 0.25 * Math.log(2), 12);
    expect(smallSample[0]?.psi).toBeGreaterThan(0.1);
    expect(smallSample[0]?.psi).toBeLessThan(smallSample[0]?.noisePsi as number);
    expect(smallSample[0]?.significant).toBe(false);
    expect(big[0]?.psi).toBeGreaterThan(big[0]?.noisePsi as number);
    expect(big[0]?.significant).toBe(false);
    expect(bigLowThreshold[0]?.significant).toBe(true);
  });

  it('featureShifts reads only own keys of the sample', () => {
    const sample = Object.create({ pending: split(200, 0.9) }) as Record<string, number[]>;

    expect(featureShifts(REFERENCE, sample, 0.1, 0.95)).toEqual([]);
  });
});
