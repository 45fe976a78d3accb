import { describe, expect, it } from 'vitest';
import { InfrastructureError } from '../../app/errors.ts';
import { WAIT_INPUTS } from '../../core/conformal/online-wait-interval.ts';
import { InvalidInputError } from '../../core/errors.ts';
import {
  CalibrationRecordSchema,
  OutcomeSchema,
  PredictionRecordSchema,
  decodeItem,
  validForWrite,
} from './cluster-table-items.ts';

const prediction = {
  clusterId: 'c1',
  jobId: 'j1',
  predictedAtMs: 1_735_689_600_000,
  features: { load: 0.5, partition: 'gpu' },
  rawScore: -1.25,
  probability: 0.3,
  waitEstimate: null,
  scope: 'learning',
  tier: null,
  bundleVersion: 2,
  unknownFeatures: [],
  classifierProbability: 0.25,
  epoch: 1,
  calibrationVersion: 3,
};

describe('validForWrite', () => {
  it('names the first invalid field in an InvalidInputError', () => {
    const bad = { ...prediction, features: { load: Number.POSITIVE_INFINITY } };

    const attempt = (): unknown => validForWrite(PredictionRecordSchema, bad, "prediction for job 'j1'");

    expect(attempt).toThrow(InvalidInputError);
    expect(attempt).toThrow(/^prediction for job 'j1' has an invalid 'features\.load': /);
  });

  it('stores magnitudes below 1e-130 as 0 and leaves the rest untouched', () => {
    const tiny = { ...prediction, probability: 1e-131, features: { small: -1e-200, kept: 1e-130, text: 'x' } };

    const written = validForWrite(PredictionRecordSchema, tiny, 'p');

    expect(written.probability).toBe(0);
    expect(written.features).toEqual({ small: 0, kept: 1e-130, text: 'x' });
  });

  it('refuses numbers the document client cannot write (beyond ±2^53 − 1)', () => {
    const big = { ...prediction, features: { huge: 2 ** 53 } };

    expect(() => validForWrite(PredictionRecordSchema, big, 'p')).toThrow(InvalidInputError);
  });

  it('refuses enum values outside the gate vocabulary', () => {
    expect(() => validForWrite(PredictionRecordSchema, { ...prediction, scope: 'yolo' }, 'p')).toThrow(/'scope'/);
  });
});

describe('decodeItem', () => {
  it('drops table attributes (keys, TTL) and returns the record', () => {
    const item = {
      PK: 'CLUSTER#c1',
      SK: 'JOB#j1',
      GSI1PK: 'PREDICTIONS#c1',
      GSI1SK: 'PREDICTION#…',
      expiresAt: 1,
      ...prediction,
    };

    const decoded = decodeItem(PredictionRecordSchema, item, 'p');

    expect(decoded).toEqual(prediction);
    expect(decoded).not.toHaveProperty('PK');
  });

  it('reads a prediction written before the wait distribution, dropping its former interval base and P(long wait) bin', () => {
    const old = { ...prediction, waitBase: { lowerSeconds: 60, upperSeconds: 600 }, waitBin: 3 };

    const decoded = decodeItem(PredictionRecordSchema, old, 'p');

    expect(decoded).toEqual(prediction);
  });

  it("reads a wait state written before the wait distribution, dropping the former interval's α, counts, scores, bins and its waits (they have no inputs)", () => {
    const old = {
      probabilities: [0.25],
      bins: [1],
      waitsSeconds: [60],
      alpha: 0.2,
      scoredOutcomes: 4,
      misses: 1,
      scores: [0.5],
    };

    const decoded = decodeItem(CalibrationRecordSchema.unwrap().shape.wait, old, 'wait');

    expect(decoded).toEqual({ waitsSeconds: [], neighbourInputs: [], ridge: [], queueDepths: [], quantileLevels: [] });
  });

  it('reads a wait state whose neighbour inputs and waits are aligned as stored', () => {
    const wait = {
      waitsSeconds: [60],
      neighbourInputs: Array.from({ length: WAIT_INPUTS }, (_, index) => index),
      ridge: [1.5],
      queueDepths: [2],
      quantileLevels: [0.5],
    };

    expect(decodeItem(CalibrationRecordSchema.unwrap().shape.wait, wait, 'wait')).toEqual(wait);
  });

  it('reports a corrupt stored item as InfrastructureError naming the field', () => {
    const corrupt = { waitSeconds: 'soon', longWait: true, observedAtMs: 1 };

    expect(() => decodeItem(OutcomeSchema, corrupt, "outcome of 'j1'")).toThrow(InfrastructureError);
    expect(() => decodeItem(OutcomeSchema, corrupt, "outcome of 'j1'")).toThrow(
      "stored outcome of 'j1' is corrupt at 'waitSeconds'",
    );
  });
});
