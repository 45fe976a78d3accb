import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InsufficientDataError } from '../errors.ts';
import { stratifiedFolds } from '../evaluation/stratified-folds.ts';
import type { FeatureTable } from '../features/feature-table.ts';
import { calibrationError } from '../metrics/calibration-error.ts';
import { calibrationNoiseFloor } from '../metrics/calibration-noise-floor.ts';
import { seededRandom } from '../random.ts';
import { applyCalibrator } from './apply-calibrator.ts';
import type { ModelBundle } from './bundle.ts';
import { canonicalJson } from './bundle-id.ts';
import { fitIsotonic } from './isotonic.ts';
import { sigmoid } from './logistic-regression.ts';
import { recalibrateBundle, type RecalibrationOptions } from './recalibrate-bundle.ts';
import { trainBundle } from './train-bundle.ts';

/** 40 rows: one feature, label 1 on every third row plus row 1, waits long for positives. */
function table(withWaits: boolean): FeatureTable {
  const rows = Array.from({ length: 40 }, (_, row) => [((row * 37) % 40) / 40]);
  const labels = Uint8Array.from(rows, (row, index) => ((row[0] as number) > 0.6 || index % 7 === 0 ? 1 : 0));
  return {
    source: 'recalibration.csv',
    numericFeatures: ['pending_ratio'],
    categoricalFeatures: [],
    rows,
    categorical: rows.map(() => []),
    labels,
    waitsSeconds: withWaits ? Float64Array.from(labels, (label, row) => (label === 1 ? 300 + row : 20 + row)) : null,
    labelThresholdSeconds: null,
  };
}

const hashOf = (text: string): string => `len-${text.length}-${text.slice(-12)}`;
const WITH_WAITS = trainBundle(table(true), { random: seededRandom(1), source: 's', dataHash: '', hash: hashOf, innerFolds: 3 });
const WITHOUT_WAITS = trainBundle(table(false), { random: seededRandom(1), source: 's', dataHash: '', hash: hashOf, innerFolds: 3 });

function options(overrides: Partial<RecalibrationOptions> = {}): RecalibrationOptions {
  return { isotonicMinRows: 5, random: seededRandom(9), hash: hashOf, ...overrides };
}

describe('recalibrateBundle', () => {
  it('refits an isotonic calibrator on all pairs and keeps the classifier (PAV worked by hand)', () => {
    // Labels 0,1,0,1,1,1 over increasing scores: PAV pools the violating pair (1, 0) → 0.5, 0.5.
    const input = { rawScores: [-2, -1, 0, 1, 2, 3], labels: [0, 1, 0, 1, 1, 1], waitsSeconds: null };

    const result = recalibrateBundle(WITH_WAITS, input, options());

    expect(result.bundle.calibrator.kind).toBe('isotonic');
    expect(input.rawScores.map((score) => applyCalibrator(result.bundle.calibrator, score))).toEqual([0, 0.5, 0.5, 1, 1, 1]);
    expect(result.bundle.classifier).toEqual(WITH_WAITS.classifier);
    expect(result.bundle.scaler).toEqual(WITH_WAITS.scaler);
  });

  it('uses Platt scaling below isotonicMinRows: a smooth increasing map, not a step', () => {
    const input = { rawScores: [-2, -1, 0, 1, 2, 3], labels: [0, 1, 0, 1, 1, 1], waitsSeconds: null };

    const result = recalibrateBundle(WITH_WAITS, input, options({ isotonicMinRows: 7 }));

    expect(result.bundle.calibrator.kind).toBe('platt');
    const probabilities = input.rawScores.map((score) => applyCalibrator(result.bundle.calibrator, score));
    for (let index = 1; index < probabilities.length; index += 1) expect(probabilities[index]).toBeGreaterThan(probabilities[index - 1] as number);
    expect(probabilities[0]).toBeGreaterThan(0);
    expect(probabilities[5]).toBeLessThan(1);
  });

  it('reports the out-of-fold ECE and its noise floor, reconstructed fold by fold from the same generator', () => {
    // 3 positives → min(5, 3, 9) = 3 folds.
    const rawScores = [-3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5];
    const labels = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0];
    const random = seededRandom(9);
    const outOfFold = new Float64Array(labels.length);
    for (const test of stratifiedFolds(labels, 3, random)) {
      const train = rawScores.map((_, row) => row).filter((row) => !test.includes(row));
      const model = fitIsotonic(train.map((row) => rawScores[row] as number), train.map((row) => labels[row] as number));
      for (const row of test) outOfFold[row] = applyCalibrator({ kind: 'isotonic', ...model }, rawScores[row] as number);
    }
    const expectedEce = calibrationError(outOfFold, labels).ece;
    const expectedNoise = calibrationNoiseFloor(outOfFold, { random }).medianEce;

    const result = recalibrateBundle(WITH_WAITS, { rawScores, labels, waitsSeconds: null }, options());

    expect(result.outOfFoldEce).toBe(expectedEce);
    expect(result.outOfFoldNoiseEce).toBe(expectedNoise);
    expect(result.bundle.metrics).toMatchObject({ ...WITH_WAITS.metrics, recalibrationRows: 12, recalibrationOutOfFoldEce: expectedEce });
  });

  it('ids the new version by the hash of its content, without the old id', () => {
    const input = { rawScores: [-2, -1, 0, 1, 2, 3], labels: [0, 1, 0, 1, 1, 0], waitsSeconds: null };

    const result = recalibrateBundle(WITH_WAITS, input, options());

    const { bundleId, ...content } = result.bundle;
    // The same canonical form training uses, so equal content gets equal ids whoever wrote it.
    expect(bundleId).toBe(hashOf(canonicalJson(content)));
    expect(JSON.stringify(content)).not.toContain(WITH_WAITS.bundleId);
  });

  it('drops the training-time ensemble and takes a new PSI reference only when one is given', () => {
    const input = { rawScores: [-2, -1, 0, 1, 2, 3], labels: [0, 1, 0, 1, 1, 0], waitsSeconds: null };
    const reference = { rows: 6, features: [{ feature: 'pending_ratio', binEdges: [0.5], shares: [0.5, 0.5] }] };

    const kept = recalibrateBundle(WITH_WAITS, input, options());
    const replaced = recalibrateBundle(WITH_WAITS, input, options({ featureReference: reference }));

    expect(WITH_WAITS.ensemble).not.toBeNull();
    expect(kept.bundle.ensemble).toBeNull();
    expect(kept.bundle.featureReference).toEqual(WITH_WAITS.featureReference);
    expect(replaced.bundle.featureReference).toEqual(reference);
    expect(replaced.bundle.bundleId).not.toBe(kept.bundle.bundleId);
  });

  it('keeps the old wait model without waits; refits it with the option\'s, the bundle\'s or the default coverage', () => {
    const rawScores = Array.from({ length: 40 }, (_, row) => row / 10 - 2);
    const labels = rawScores.map((score, row) => (score > 0.5 || row % 9 === 0 ? 1 : 0));
    const waitsSeconds = labels.map((label, row) => (label === 1 ? 400 + row : 30 + row));

    const kept = recalibrateBundle(WITH_WAITS, { rawScores, labels, waitsSeconds: null }, options());
    const fromOption = recalibrateBundle(WITH_WAITS, { rawScores, labels, waitsSeconds }, options({ coverage: 0.6 }));
    const fromBundle = recalibrateBundle({ ...WITH_WAITS, waitModel: { ...(WITH_WAITS.waitModel as NonNullable<ModelBundle['waitModel']>), coverage: 0.7 } }, { rawScores, labels, waitsSeconds }, options());
    const fromDefault = recalibrateBundle(WITHOUT_WAITS, { rawScores, labels, waitsSeconds }, options());

    expect(WITH_WAITS.waitModel).not.toBeNull();
    expect(kept.bundle.waitModel).toEqual(WITH_WAITS.waitModel);
    expect(WITHOUT_WAITS.waitModel).toBeNull();
    expect([fromOption.bundle.waitModel?.coverage, fromBundle.bundle.waitModel?.coverage, fromDefault.bundle.waitModel?.coverage]).toEqual([0.6, 0.7, 0.8]);
  });

  it.each([
    ['no long wait', [0, 0, 0, 0, 0]],
    ['only long waits', [1, 1, 1, 1, 1]],
    ['a single long wait (fewer than 2 folds)', [0, 1, 0, 0, 0]],
    ['a single short wait', [1, 1, 0, 1, 1]],
  ])('refuses a window with %s', (_name, labels) => {
    const input = { rawScores: [-2, -1, 0, 1, 2], labels, waitsSeconds: null };

    expect(() => recalibrateBundle(WITH_WAITS, input, options())).toThrow(InsufficientDataError);
  });

  it('on scores that are calibrated log-odds, learns ≈ sigmoid and shows a small out-of-fold ECE (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
        const random = seededRandom(seed);
        const rawScores = Float64Array.from({ length: 4000 }, () => 6 * random() - 3);
        const labels = Uint8Array.from(rawScores, (score) => (random() < sigmoid(score) ? 1 : 0));

        const result = recalibrateBundle(WITHOUT_WAITS, { rawScores, labels, waitsSeconds: null }, options({ isotonicMinRows: 100_000 }));

        for (const score of [-2, -1, 0, 1, 2]) expect(Math.abs(applyCalibrator(result.bundle.calibrator, score) - sigmoid(score))).toBeLessThan(0.05);
        expect(result.outOfFoldEce).toBeLessThan(0.03);
      }),
      { numRuns: 5 },
    );
  });
});
