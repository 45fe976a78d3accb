import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { checkLearningPolicy, DEFAULT_LEARNING_POLICY, type LearningPolicy } from './learning-policy.ts';

describe('checkLearningPolicy', () => {
  it('checkLearningPolicy accepts the defaults', () => {
    expect(() => checkLearningPolicy(DEFAULT_LEARNING_POLICY)).not.toThrow();
  });

  it.each([
    [{ driftBatchOutcomes: 0 }, 'driftBatchOutcomes must be an integer ≥ 1, got 0'],
    [{ minOutcomesToRetrain: 1.5 }, 'minOutcomesToRetrain must be an integer ≥ 1, got 1.5'],
    [{ classifierCheckEveryOutcomes: Number.NaN }, 'classifierCheckEveryOutcomes must be an integer ≥ 1, got NaN'],
    [{ checkpointEveryOutcomes: -5 }, 'checkpointEveryOutcomes must be an integer ≥ 1, got -5'],
    [{ driftReference: 0 }, 'driftReference must be a finite number > 0, got 0'],
    [{ driftReference: Number.POSITIVE_INFINITY }, 'driftReference must be a finite number > 0, got Infinity'],
    [{ retrainBelowAuroc: 0.5 }, 'retrainBelowAuroc must be in (0.5, 1), got 0.5'],
    [{ retrainBelowAuroc: 1 }, 'retrainBelowAuroc must be in (0.5, 1), got 1'],
    [{ weekMs: 0 }, 'weekMs must be a finite number > 0, got 0'],
    [{ weekMs: Number.POSITIVE_INFINITY }, 'weekMs must be a finite number > 0, got Infinity'],
  ] as [Partial<LearningPolicy>, string][])('checkLearningPolicy refuses %j naming the field', (override, message) => {
    const check = (): void => checkLearningPolicy({ ...DEFAULT_LEARNING_POLICY, ...override });

    expect(check).toThrow(InvalidInputError);
    expect(check).toThrow(message);
  });

  it('checkLearningPolicy checks the calibrator options too', () => {
    const policy = {
      ...DEFAULT_LEARNING_POLICY,
      calibrator: { ...DEFAULT_LEARNING_POLICY.calibrator, adaptSpeedup: 0.5 },
    };

    expect(() => checkLearningPolicy(policy)).toThrow('adaptSpeedup must be a finite number > 1, got 0.5');
  });

  it('checkLearningPolicy names the first bad field when several are bad', () => {
    const check = (): void => checkLearningPolicy({ ...DEFAULT_LEARNING_POLICY, minOutcomesToRetrain: 0, weekMs: -1 });

    expect(check).toThrow('minOutcomesToRetrain must be an integer ≥ 1, got 0');
  });
});
