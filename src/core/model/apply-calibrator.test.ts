import { describe, it, expect } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { applyCalibrator } from './apply-calibrator.ts';
import { CalibratorSchema } from './bundle.ts';

describe('applyCalibrator', () => {
  it('applyCalibrator interpolates an isotonic calibrator', () => {
    // Midway between breakpoints 0 → 0.2 and 2 → 0.6 is 0.4.
    const calibrator = CalibratorSchema.parse({ kind: 'isotonic', thresholds: [0, 2], values: [0.2, 0.6] });

    const probability = applyCalibrator(calibrator, 1);

    expect(probability).toBeCloseTo(0.4, 15);
  });

  it('applyCalibrator applies a Platt calibrator with the plus-sign convention', () => {
    // slope 3, intercept 0.5, score 0.5 → z = 2 → 1/(1 + e^−2) = 0.8807970779778823.
    const calibrator = CalibratorSchema.parse({ kind: 'platt', slope: 3, intercept: 0.5 });

    const probability = applyCalibrator(calibrator, 0.5);

    expect(probability).toBeCloseTo(0.8807970779778823, 15);
  });

  it('applyCalibrator passes a probability through identity, clipped to [0, 1]', () => {
    const calibrator = CalibratorSchema.parse({ kind: 'identity' });

    const probabilities = [-0.2, 0.37, 1.4].map((score) => applyCalibrator(calibrator, score));

    expect(probabilities).toEqual([0, 0.37, 1]);
  });

  it('applyCalibrator rejects a non-finite score for every kind', () => {
    expect(() => applyCalibrator({ kind: 'identity' }, Number.NaN)).toThrow(InvalidInputError);
    expect(() => applyCalibrator({ kind: 'platt', slope: 1, intercept: 0 }, Number.NaN)).toThrow(InvalidInputError);
  });
});
