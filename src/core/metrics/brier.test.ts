import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { brierDecomposition, brierScore } from './brier.ts';
import { Binning } from './calibration-error.ts';

/** Rows of forecast `probability`: `positives` with label 1, then `negatives` with label 0. */
function rowsAt(probability: number, positives: number, negatives: number) {
  return {
    probabilities: Array<number>(positives + negatives).fill(probability),
    labels: [...Array<number>(positives).fill(1), ...Array<number>(negatives).fill(0)],
  };
}

function concatenate(parts: { probabilities: number[]; labels: number[] }[]) {
  return { probabilities: parts.flatMap((part) => part.probabilities), labels: parts.flatMap((part) => part.labels) };
}

// 14 rows, 7 positives: 0.1 ×4 (1 positive), 0.4 ×5 (2), 0.7 ×3 (2), 0.9 ×2 (2).
const handSample = concatenate([rowsAt(0.1, 1, 3), rowsAt(0.4, 2, 3), rowsAt(0.7, 2, 1), rowsAt(0.9, 2, 0)]);

describe('brierScore', () => {
  it('brierScore is the mean squared error (hand-worked)', () => {
    // Σ (p − y)²: 0.1 → 0.81 + 3·0.01 = 0.84; 0.4 → 2·0.36 + 3·0.16 = 1.2; 0.7 → 2·0.09 + 0.49 = 0.67;
    // 0.9 → 2·0.01 = 0.02. Total 2.73 / 14 = 0.195.
    // sklearn.metrics.brier_score_loss(labels, probabilities) = 0.19499999999999992
    const score = brierScore(handSample.probabilities, handSample.labels);

    expect(score).toBeCloseTo(0.195, 12);
  });

  it('brierScore is 0 for certain, correct forecasts and 1 for certain, wrong ones', () => {
    const perfect = brierScore([0, 1, 1], [0, 1, 1]);
    const wrong = brierScore(new Float64Array([1, 0]), [0, 1]);

    expect(perfect).toBe(0);
    expect(wrong).toBe(1);
  });

  it('brierScore rejects invalid input', () => {
    const compute = () => brierScore([0.5, 0.5], [1]);

    expect(compute).toThrow(InvalidInputError);
  });
});

describe('brierDecomposition', () => {
  it('brierDecomposition terms match the hand-worked Murphy decomposition', () => {
    // ȳ = 7/14 = 0.5 → uncertainty 0.25.
    // reliability = [4(0.1 − 1/4)² + 5(0.4 − 2/5)² + 3(0.7 − 2/3)² + 2(0.9 − 1)²] / 14 = 0.1133…/14
    // resolution  = [4(1/4 − ½)² + 5(2/5 − ½)² + 3(2/3 − ½)² + 2(1 − ½)²] / 14     = 0.8833…/14
    // reliability − resolution + uncertainty = −0.77/14 + 0.25 = 0.195 = brier.
    const decomposition = brierDecomposition(handSample.probabilities, handSample.labels, {
      bins: 10,
      binning: Binning.equalWidth,
    });

    expect(decomposition.uncertainty).toBeCloseTo(0.25, 12);
    expect(decomposition.reliability).toBeCloseTo((0.09 + 0 + 3 / 900 + 0.02) / 14, 12);
    expect(decomposition.resolution).toBeCloseTo((0.25 + 0.05 + 3 / 36 + 0.5) / 14, 12);
    expect(decomposition.brier).toBeCloseTo(0.195, 12);
  });

  it('brierDecomposition uncertainty is ȳ(1 − ȳ) whatever the forecasts', () => {
    // 3 positives of 12 → ȳ = 1/4 → 1/4 · 3/4 = 3/16.
    const sample = concatenate([rowsAt(0.05, 1, 5), rowsAt(0.95, 2, 4)]);

    const decomposition = brierDecomposition(sample.probabilities, sample.labels);

    expect(decomposition.uncertainty).toBeCloseTo(3 / 16, 12);
  });

  it('brierDecomposition sums exactly to the Brier score when each bin holds one forecast value (property)', () => {
    // Forecasts from {0.05, 0.25, 0.45, 0.65, 0.85}: each sits in its own bin of 10 equal-width bins.
    const levels = [0.05, 0.25, 0.45, 0.65, 0.85];
    const group = fc.record({ positives: fc.nat(12), negatives: fc.nat(12) });

    fc.assert(
      fc.property(fc.array(group, { minLength: levels.length, maxLength: levels.length }), (groups) => {
        fc.pre(groups.some((g) => g.positives + g.negatives > 0));
        const sample = concatenate(groups.map((g, index) => rowsAt(levels[index] as number, g.positives, g.negatives)));

        const decomposition = brierDecomposition(sample.probabilities, sample.labels, {
          bins: 10,
          binning: Binning.equalWidth,
        });

        const recombined = decomposition.reliability - decomposition.resolution + decomposition.uncertainty;
        expect(recombined).toBeCloseTo(decomposition.brier, 12);
      }),
    );
  });

  it('brierDecomposition identity also holds for equal-mass bins when tied groups fill them', () => {
    // 4 rows at each of 0.1, 0.4, 0.7, 0.9 and 4 equal-mass bins: one forecast value per bin.
    const sample = concatenate([rowsAt(0.1, 1, 3), rowsAt(0.4, 2, 2), rowsAt(0.7, 3, 1), rowsAt(0.9, 4, 0)]);

    const decomposition = brierDecomposition(sample.probabilities, sample.labels, { bins: 4 });

    expect(decomposition.reliability - decomposition.resolution + decomposition.uncertainty).toBeCloseTo(
      decomposition.brier,
      12,
    );
  });

  it('brierDecomposition identity fails when a bin mixes forecasts (documented limitation)', () => {
    // One bin holding 0.1 (label 0) and 0.9 (label 1): brier = (0.01 + 0.01)/2 = 0.01, but the bin's
    // mean forecast 0.5 equals its rate 0.5, so reliability = 0, resolution = 0, uncertainty = 0.25.
    const decomposition = brierDecomposition([0.1, 0.9], [0, 1], { bins: 1 });

    expect(decomposition.brier).toBeCloseTo(0.01, 12);
    expect(decomposition.reliability - decomposition.resolution + decomposition.uncertainty).toBeCloseTo(0.25, 12);
  });

  it('brierDecomposition rejects bad options', () => {
    const compute = () => brierDecomposition([0.5], [1], { bins: -1 });

    expect(compute).toThrow(InvalidInputError);
  });
});
