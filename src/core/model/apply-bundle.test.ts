import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidBundleError, InvalidInputError } from '../errors.ts';
import { compileBundle, parseBundle, scoringPath } from './apply-bundle.ts';
import { calibratorFingerprint } from './bundle-id.ts';
import type { Calibrator, ModelBundle } from './bundle.ts';
import { linearScore } from './logistic-regression.ts';
import { standardize } from './standard-scaler.ts';
import { estimateWait } from './wait-model.ts';

const ISOTONIC: Calibrator = { kind: 'isotonic', thresholds: [-2, 0, 2], values: [0.1, 0.3, 0.9] };

/** A bundle small enough to score by hand. */
const BUNDLE: ModelBundle = {
  schemaVersion: 1,
  bundleId: 'hand-made',
  training: { source: 'hand.csv', dataHash: 'none', rows: 10, positives: 5, labelThresholdSeconds: 133 },
  numericFeatures: ['pending_ratio', 'total_pending'],
  categoricalFeatures: [{ column: 'job_type', categories: ['burst', 'long'] }],
  scaler: { means: [0.5, 10, 0.5, 0.25], scales: [0.25, 5, 0.5, 0.5] },
  classifier: { kind: 'logistic', weights: [2, -1, 0.5, 1], intercept: -0.5, l2: 1 },
  calibrator: ISOTONIC,
  waitModel: {
    kind: 'score-binned-quantiles',
    coverage: 0.8,
    binUpperEdges: [0.5],
    bins: [
      { lowerSeconds: 10, medianSeconds: 30, upperSeconds: 60, count: 5 },
      { lowerSeconds: 120, medianSeconds: 300, upperSeconds: 900, count: 5 },
    ],
  },
  metrics: { cvEce: 0.02 },
};

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function failure(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('compileBundle', () => {
  it('scores a job by hand-worked arithmetic: standardise, dot product, isotonic interpolation, wait bin', () => {
    // z = [(0.5−0.5)/0.25, (5−10)/5, (0−0.5)/0.5, (1−0.25)/0.5] = [0, −1, −1, 1.5]
    // raw = −0.5 + 2·0 − 1·(−1) + 0.5·(−1) + 1·1.5 = 1.5; p = 0.3 + (1.5/2)·(0.9 − 0.3) = 0.75 > 0.5 → bin 1
    const compiled = compileBundle(BUNDLE);

    const prediction = compiled.predict({ pending_ratio: 0.5, total_pending: 5, job_type: 'long' });

    expect(prediction.rawScore).toBeCloseTo(1.5, 12);
    expect(prediction.probability).toBeCloseTo(0.75, 12);
    expect(prediction.wait).toEqual({ pointSeconds: 300, lowerSeconds: 120, upperSeconds: 900, coverage: 0.8 });
  });

  it('clips below the first breakpoint and picks the low wait bin', () => {
    // z = [−1, 2, 1, −0.5]; raw = −0.5 − 2 − 2 + 0.5 − 0.5 = −4.5 < −2 → p = 0.1
    const prediction = compileBundle(BUNDLE).predict({ pending_ratio: 0.25, total_pending: 20, job_type: 'burst' });

    expect(prediction.rawScore).toBeCloseTo(-4.5, 12);
    expect(prediction.probability).toBe(0.1);
    expect(prediction.wait?.pointSeconds).toBe(30);
  });

  it('computes the raw score bit for bit as standardise-then-linearScore', () => {
    const compiled = compileBundle(BUNDLE);
    const rowArbitrary = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 4, maxLength: 4 });

    fc.assert(
      fc.property(rowArbitrary, (row) => {
        const expected = linearScore(BUNDLE.classifier, standardize(BUNDLE.scaler, row));

        expect(compiled.rawScoreRow(row)).toBe(expected);
      }),
    );
  });

  it('picks the same wait bin as estimateWait for every probability, edges included', () => {
    const waitModel = BUNDLE.waitModel;
    if (waitModel === null) throw new Error('fixture has a wait model');
    const compiled = compileBundle(BUNDLE);

    fc.assert(
      fc.property(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.5, 1)), (probability) => {
        expect(compiled.waitFor(probability)).toEqual(estimateWait(waitModel, probability));
      }),
    );
  });

  it('agrees between predict, predictRow and predictMany', () => {
    const compiled = compileBundle(BUNDLE);
    const rows = [
      [0.5, 5, 0, 1],
      [0.25, 20, 1, 0],
      [0.9, 0, 0, 0],
    ];

    const single = rows.map((row) => compiled.predictRow(row));
    const batch = compiled.predictMany(Float64Array.from(rows.flat()), new Float64Array(3));
    const byName = compiled.predict({ pending_ratio: 0.9, total_pending: 0, job_type: 'gpu-heavy' });

    expect(Array.from(batch)).toEqual(single);
    expect(byName.probability).toBe(single[2]);
    expect(compiled.featureNames).toEqual(['pending_ratio', 'total_pending', 'job_type=burst', 'job_type=long']);
    expect(compiled.inputFeatures).toEqual(['pending_ratio', 'total_pending', 'job_type']);
  });

  it('works on a deeply frozen bundle and leaves a frozen job untouched', () => {
    const frozen = deepFreeze(structuredClone(BUNDLE));
    const job = deepFreeze({ pending_ratio: 0.5, total_pending: 5, job_type: 'long' });

    const prediction = compileBundle(frozen).predict(job);

    expect(prediction.probability).toBeCloseTo(0.75, 12);
    expect(job).toEqual({ pending_ratio: 0.5, total_pending: 5, job_type: 'long' });
  });

  it.each([
    [
      { pending_ratio: 0.5, total_pending: 5, job_type: 'long', foo: 1 },
      "unknown feature 'foo'; expected one of pending_ratio, total_pending, job_type",
    ],
    [
      { pending_ratio: Number.NaN, total_pending: 5, job_type: 'long' },
      "feature 'pending_ratio' must be a finite number, got null",
    ],
    [
      { pending_ratio: '0.5', total_pending: 5, job_type: 'long' },
      'feature \'pending_ratio\' must be a finite number, got "0.5"',
    ],
    [{ pending_ratio: 0.5, total_pending: 5, job_type: 3 }, "feature 'job_type' must be a string, got 3"],
  ])('refuses a bad job (%#)', (job, message) => {
    const error = failure(() => compileBundle(BUNDLE).predict(job));

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(message);
  });

  it('scores a missing numeric feature as unknown: its training mean, so the raw score equals the score at the mean', () => {
    // z = [0, 0 (unknown), −1, 1.5]; raw = −0.5 + 0 + 0 − 0.5 + 1.5 = 0.5
    const compiled = compileBundle(BUNDLE);

    const missing = compiled.predict({ pending_ratio: 0.5, job_type: 'long' });
    const atMean = compiled.predict({ pending_ratio: 0.5, total_pending: 10, job_type: 'long' });

    expect(missing.rawScore).toBeCloseTo(0.5, 12);
    expect(missing.rawScore).toBe(atMean.rawScore);
    expect(missing.probability).toBe(atMean.probability);
    expect(missing.unknownFeatures).toEqual(['total_pending']);
    expect(atMean.unknownFeatures).toEqual([]);
  });

  it('scores a missing categorical feature as no category, like an unseen value', () => {
    // z = [0, −1, (0 − 0.5)/0.5, (0 − 0.25)/0.5] = [0, −1, −1, −0.5]; raw = −0.5 + 1 − 0.5 − 0.5 = −0.5
    const compiled = compileBundle(BUNDLE);

    const missing = compiled.predict({ pending_ratio: 0.5, total_pending: 5 });
    const unseen = compiled.predict({ pending_ratio: 0.5, total_pending: 5, job_type: 'never-seen' });

    expect(missing.rawScore).toBeCloseTo(-0.5, 12);
    expect(missing.rawScore).toBe(unseen.rawScore);
    expect(missing.unknownFeatures).toEqual(['job_type']);
    expect(unseen.unknownFeatures).toEqual([]);
  });

  it('lists every missing feature in input order and scores an empty job at the means with no category', () => {
    // z = [0, 0, −1, −0.5]; raw = −0.5 − 0.5 − 0.5 = −1.5
    const compiled = compileBundle(BUNDLE);

    const empty = compiled.predict({});
    compiled.predict({ pending_ratio: 0.9, total_pending: 40, job_type: 'long' });
    const afterFullJob = compiled.predict({ job_type: 'burst' });

    expect(empty.rawScore).toBeCloseTo(-1.5, 12);
    expect(empty.unknownFeatures).toEqual(['pending_ratio', 'total_pending', 'job_type']);
    // The scratch row is reused: a feature missing after a full job must not keep that job's value.
    expect(afterFullJob.rawScore).toBe(
      compiled.predict({ pending_ratio: 0.5, total_pending: 10, job_type: 'burst' }).rawScore,
    );
    expect(afterFullJob.unknownFeatures).toEqual(['pending_ratio', 'total_pending']);
  });

  it('refuses encoded rows of the wrong width or with a non-finite value', () => {
    const compiled = compileBundle(BUNDLE);

    expect(() => compiled.predictRow([1, 2, 3])).toThrow('row has 3 values; the bundle expects 4');
    expect(() => compiled.predictRow([1, Number.POSITIVE_INFINITY, 0, 0])).toThrow(InvalidInputError);
    expect(() => compiled.predictMany(new Float64Array(7), new Float64Array(2))).toThrow(
      'matrix has 7 values; 2 rows need 8',
    );
  });

  it('returns no wait estimate without a wait model', () => {
    const prediction = compileBundle({ ...BUNDLE, waitModel: null }).predict({
      pending_ratio: 0.5,
      total_pending: 5,
      job_type: 'long',
    });

    expect(prediction.wait).toBeNull();
  });

  describe('with a calibration ensemble', () => {
    // Member A scores z₁ with Platt(1, 0) → σ(z₁); member B scores 0 → σ(0) = 0.5.
    const members = [
      { weights: [1, 0, 0, 0], intercept: 0, calibrator: { kind: 'platt' as const, slope: 1, intercept: 0 } },
      { weights: [0, 0, 0, 0], intercept: 0, calibrator: { kind: 'platt' as const, slope: 1, intercept: 0 } },
    ];
    const withEnsemble: ModelBundle = {
      ...BUNDLE,
      ensemble: { calibratorFingerprint: calibratorFingerprint(ISOTONIC), members },
    };
    const job = { pending_ratio: 0.75, total_pending: 5, job_type: 'long' };

    it("averages the members' calibrated probabilities, and keeps the main raw score", () => {
      // z₁ = (0.75 − 0.5)/0.25 = 1 → (σ(1) + 0.5)/2; raw = −0.5 + 2 + 1 − 0.5 + 1.5 = 3.5
      const expected = (1 / (1 + Math.exp(-1)) + 0.5) / 2;

      const prediction = compileBundle(withEnsemble).predict(job);

      expect(scoringPath(withEnsemble)).toBe('ensemble');
      expect(prediction.probability).toBeCloseTo(expected, 12);
      expect(prediction.rawScore).toBeCloseTo(3.5, 12);
    });

    it('validates the members on load', () => {
      expect(parseBundle(JSON.parse(JSON.stringify(withEnsemble)))).toEqual(withEnsemble);
    });

    it('falls back to the calibrator once the calibrator was replaced (a recalibration)', () => {
      const recalibrated: ModelBundle = { ...withEnsemble, calibrator: { kind: 'platt', slope: 1, intercept: 0 } };

      const prediction = compileBundle(recalibrated).predict(job);

      expect(scoringPath(recalibrated)).toBe('single');
      expect(prediction.probability).toBeCloseTo(1 / (1 + Math.exp(-3.5)), 12);
    });
  });
});

describe('parseBundle', () => {
  it('accepts a bundle that went through JSON, with or without the ensemble field', () => {
    const parsed = parseBundle(JSON.parse(JSON.stringify(BUNDLE)));

    expect(parsed).toEqual(BUNDLE);
  });

  it.each([
    [42, 'invalid bundle at (root):'],
    [{ ...BUNDLE, scaler: undefined }, 'invalid bundle at scaler:'],
    [{ ...BUNDLE, calibrator: { ...ISOTONIC, values: [0.1, 1.5, 0.9] } }, 'invalid bundle at calibrator.values[1]:'],
    [{ ...BUNDLE, schemaVersion: 2 }, 'invalid bundle at schemaVersion:'],
    [
      { ...BUNDLE, calibrator: { ...ISOTONIC, thresholds: [-2, 3, 2] } },
      'invalid bundle: calibrator.thresholds[2] = 2 is not above 3',
    ],
    [
      { ...BUNDLE, calibrator: { ...ISOTONIC, values: [0.1, 0.9, 0.3] } },
      'invalid bundle: calibrator.values[2] = 0.3 is not at least 0.9',
    ],
    [
      { ...BUNDLE, calibrator: { ...ISOTONIC, values: [0.1, 0.9] } },
      'invalid bundle: calibrator.values has 2 values for 3 thresholds',
    ],
    [
      { ...BUNDLE, classifier: { ...BUNDLE.classifier, weights: [1, 2, 3] } },
      'invalid bundle: classifier.weights has 3 values; the features need 4',
    ],
    [
      { ...BUNDLE, numericFeatures: ['pending_ratio', 'raw_score'] },
      "invalid bundle: features: feature 'raw_score' is not allowed",
    ],
    [
      { ...BUNDLE, categoricalFeatures: [{ column: 'job_type', categories: ['a', 'a'] }] },
      'invalid bundle: categoricalFeatures[0].categories must be distinct and non-empty',
    ],
    [
      { ...BUNDLE, waitModel: { ...BUNDLE.waitModel, binUpperEdges: [] } },
      'invalid bundle: waitModel.bins has 2 bins for 0 edges',
    ],
    [
      {
        ...BUNDLE,
        waitModel: {
          ...BUNDLE.waitModel,
          binUpperEdges: [0.5, 0.4],
          bins: [...(BUNDLE.waitModel?.bins ?? []), { lowerSeconds: 1, medianSeconds: 2, upperSeconds: 3, count: 1 }],
        },
      },
      'invalid bundle: waitModel.binUpperEdges[1] = 0.4 is not above 0.5',
    ],
    [
      {
        ...BUNDLE,
        waitModel: {
          ...BUNDLE.waitModel,
          bins: [
            { lowerSeconds: 50, medianSeconds: 30, upperSeconds: 60, count: 5 },
            { lowerSeconds: 1, medianSeconds: 2, upperSeconds: 3, count: 1 },
          ],
        },
      },
      'invalid bundle: waitModel.bins[0] must have lowerSeconds ≤ medianSeconds ≤ upperSeconds',
    ],
    [
      {
        ...BUNDLE,
        ensemble: {
          calibratorFingerprint: 'x',
          members: [{ weights: [1], intercept: 0, calibrator: { kind: 'identity' } }],
        },
      },
      'invalid bundle: ensemble.members[0].weights has 1 values; the features need 4',
    ],
  ])('names the first bad path of a corrupt bundle (%#)', (json, start) => {
    const error = failure(() => parseBundle(json));

    expect(error).toBeInstanceOf(InvalidBundleError);
    expect(error.message.startsWith(start)).toBe(true);
  });

  it('prefixes messages with the source', () => {
    const error = failure(() => parseBundle({}, 'bundle.json'));

    expect(error.message.startsWith('bundle.json: invalid bundle at schemaVersion:')).toBe(true);
  });
});
