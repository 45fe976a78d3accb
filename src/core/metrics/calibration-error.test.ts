import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { seededRandom, shuffled } from '../random.ts';
import { Binning, calibrationError, ECE_BINS } from './calibration-error.ts';

/** Seeded forecasts p ~ U(0, maxProbability) with labels drawn as Bernoulli(p). */
function bernoulliSample(rowCount: number, seed: number, maxProbability = 1) {
  const random = seededRandom(seed);
  const probabilities = new Float64Array(rowCount);
  const labels = new Uint8Array(rowCount);
  for (let row = 0; row < rowCount; row += 1) {
    const probability = random() * maxProbability;
    probabilities[row] = probability;
    labels[row] = random() < probability ? 1 : 0;
  }
  return { probabilities, labels };
}

/**
 * Reference equal-mass ECE written another way: sort the rows, give every rank the positive rate of
 * its tied group (the documented tie rule), then cut ranks like numpy.array_split: with N = qB + r,
 * the first r bins hold q + 1 ranks and the rest q.
 */
function referenceEqualMassEce(probabilities: number[], labels: number[], binCount: number): number {
  const rowCount = probabilities.length;
  const sorted = [...probabilities].sort((a, b) => a - b);
  const rateOf = (value: number) => {
    const tied = probabilities.map((p, i) => ({ p, label: labels[i] as number })).filter((row) => row.p === value);
    return tied.reduce((sum, row) => sum + row.label, 0) / tied.length;
  };
  const expectedLabelAtRank = sorted.map(rateOf);
  let gapSum = 0;
  for (let bin = 0; bin < binCount; bin += 1) {
    const base = Math.floor(rowCount / binCount);
    const extra = rowCount % binCount;
    const start = bin * base + Math.min(bin, extra);
    const end = start + base + (bin < extra ? 1 : 0);
    const predicted = sorted.slice(start, end).reduce((a, b) => a + b, 0);
    const observed = expectedLabelAtRank.slice(start, end).reduce((a, b) => a + b, 0);
    gapSum += Math.abs(predicted - observed);
  }
  return gapSum / rowCount;
}

describe('calibrationError', () => {
  // Sorted: 0.1 (0) | 0.2, 0.2, 0.2 (one positive) | 0.6 (1) | 0.9 (1).
  const handProbabilities = [0.2, 0.9, 0.1, 0.2, 0.6, 0.2];
  const handLabels = [0, 1, 0, 1, 1, 0];

  it('calibrationError with equal-mass bins splits a tied group across an edge by its rate (hand-worked)', () => {
    // N = 6, B = 3 → ranks [0,2) [2,4) [4,6). The 0.2 group (ranks 1–3, rate 1/3) straddles the first edge.
    // bin 0: 0.1 and one 0.2 row → predicted 0.3, positives 1/3 → |gap| 1/30, mean 0.15, rate 1/6
    // bin 1: two 0.2 rows        → predicted 0.4, positives 2/3 → |gap| 4/15, mean 0.2,  rate 1/3
    // bin 2: 0.6 and 0.9         → predicted 1.5, positives 2   → |gap| 1/2,  mean 0.75, rate 1
    // ECE = (1/30 + 8/30 + 15/30) / 6 = 2/15; MCE = max(1/60, 2/15, 1/4) = 1/4.
    const result = calibrationError(handProbabilities, handLabels, { bins: 3, binning: Binning.equalMass });

    expect(result.ece).toBeCloseTo(2 / 15, 12);
    expect(result.mce).toBeCloseTo(0.25, 12);
    expect(result.bins).toHaveLength(3);
    const [first, second, third] = result.bins;
    expect(first).toMatchObject({ lowerProbability: 0.1, upperProbability: 0.2, count: 2 });
    expect(first?.meanPredicted).toBeCloseTo(0.15, 12);
    expect(first?.observedRate).toBeCloseTo(1 / 6, 12);
    expect(second).toMatchObject({ lowerProbability: 0.2, upperProbability: 0.2, count: 2 });
    expect(second?.observedRate).toBeCloseTo(1 / 3, 12);
    expect(third).toMatchObject({ lowerProbability: 0.6, upperProbability: 0.9, count: 2, observedRate: 1 });
    expect(third?.meanPredicted).toBeCloseTo(0.75, 12);
  });

  it('calibrationError with equal-width bins uses the fixed edges b/B and skips empty bins (hand-worked)', () => {
    // B = 5: [0,.2) holds 0.1 → |gap| 0.1; [.2,.4) holds the three 0.2 → |0.6 − 1| = 0.4, gap/n = 0.4/3;
    // [.4,.6) empty; [.6,.8) holds 0.6 → 0.4; [.8,1] holds 0.9 → 0.1.
    // ECE = (0.1 + 0.4 + 0.4 + 0.1) / 6 = 1/6; MCE = 0.4.
    const result = calibrationError(handProbabilities, handLabels, { bins: 5, binning: Binning.equalWidth });

    expect(result.ece).toBeCloseTo(1 / 6, 12);
    expect(result.mce).toBeCloseTo(0.4, 12);
    expect(result.bins.map((bin) => [bin.lowerProbability, bin.upperProbability, bin.count])).toEqual([
      [0, 0.2, 1],
      [0.2, 0.4, 3],
      [0.6, 0.8, 1],
      [0.8, 1, 1],
    ]);
    expect(result.bins[1]?.observedRate).toBeCloseTo(1 / 3, 12);
  });

  it('calibrationError defaults to ECE_BINS equal-mass bins', () => {
    const { probabilities, labels } = bernoulliSample(3000, 7);

    const byDefault = calibrationError(probabilities, labels);

    expect(byDefault.bins).toHaveLength(ECE_BINS);
    expect(byDefault.bins.every((bin) => bin.count === 3000 / ECE_BINS)).toBe(true);
  });

  it('calibrationError with one bin is |mean forecast − positive rate|', () => {
    // mean forecast (0.2 + 0.4 + 0.9) / 3 = 0.5, positive rate 1/3 → 1/6, either binning.
    const probabilities = [0.2, 0.4, 0.9];
    const labels = [0, 0, 1];

    const equalMass = calibrationError(probabilities, labels, { bins: 1 });
    const equalWidth = calibrationError(probabilities, labels, { bins: 1, binning: Binning.equalWidth });

    expect(equalMass.ece).toBeCloseTo(1 / 6, 12);
    expect(equalWidth.ece).toBeCloseTo(1 / 6, 12);
    expect(equalWidth.bins).toEqual([expect.objectContaining({ lowerProbability: 0, upperProbability: 1, count: 3 })]);
  });

  it('calibrationError with equal-mass bins leaves out the empty bins when rows < bins', () => {
    // N = 2, B = 3 → ranks [0,0) [0,1) [1,2): the first bin is empty.
    const result = calibrationError([0.3, 0.8], [0, 1], { bins: 3 });

    expect(result.bins.map((bin) => bin.count)).toEqual([1, 1]);
    expect(result.ece).toBeCloseTo((0.3 + 0.2) / 2, 12);
  });

  it('calibrationError with equal-width bins places values one ulp off an edge by the edge, not by floor(p·B)', () => {
    // 0.8999999999999999 · 10 rounds to 9, yet the value is below the edge 9/10 = 0.9 → bin [0.8, 0.9).
    // 15/22 · 22 rounds to 14.999…, yet the value equals the edge 15/22 → bin [15/22, 16/22).
    const belowEdge = 0.8999999999999999;
    const onEdge = 15 / 22;

    const tenBins = calibrationError([belowEdge, 1, 0], [1, 1, 0], { bins: 10, binning: Binning.equalWidth });
    const twentyTwoBins = calibrationError([onEdge], [1], { bins: 22, binning: Binning.equalWidth });

    expect(tenBins.bins.map((bin) => bin.lowerProbability)).toEqual([0, 0.8, 0.9]);
    expect(twentyTwoBins.bins[0]?.lowerProbability).toBe(15 / 22);
  });

  it('calibrationError with equal-mass bins matches the rank-by-rank reference on samples with ties (property)', () => {
    const row = fc.record({ probability: fc.constantFrom(0, 0.1, 0.25, 0.5, 0.8, 1), label: fc.constantFrom(0, 1) });

    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 70 }), fc.integer({ min: 1, max: 20 }), (rows, binCount) => {
        const probabilities = rows.map((r) => r.probability);
        const labels = rows.map((r) => r.label);

        const result = calibrationError(probabilities, labels, { bins: binCount, binning: Binning.equalMass });

        expect(result.ece).toBeCloseTo(referenceEqualMassEce(probabilities, labels, binCount), 12);
        expect(result.bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(rows.length);
      }),
    );
  });

  it('calibrationError does not depend on input order, even with ties across bin edges (property)', () => {
    const row = fc.record({ probability: fc.constantFrom(0.1, 0.3, 0.3001, 0.9), label: fc.constantFrom(0, 1) });

    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 50 }), fc.integer(), (rows, seed) => {
        const reordered = shuffled(rows, seededRandom(seed));

        const original = calibrationError(
          rows.map((r) => r.probability),
          rows.map((r) => r.label),
          { bins: 4 },
        );
        const shuffledResult = calibrationError(
          reordered.map((r) => r.probability),
          reordered.map((r) => r.label),
          { bins: 4 },
        );

        expect(shuffledResult.ece).toBeCloseTo(original.ece, 12);
        expect(shuffledResult.mce).toBeCloseTo(original.mce, 12);
      }),
    );
  });

  it('calibrationError is near zero for labels drawn from the forecasts themselves (200,000 rows)', () => {
    const { probabilities, labels } = bernoulliSample(200_000, 42);

    const equalMass = calibrationError(probabilities, labels, { binning: Binning.equalMass });
    const equalWidth = calibrationError(probabilities, labels, { binning: Binning.equalWidth });

    expect(equalMass.ece).toBeLessThan(0.01);
    expect(equalWidth.ece).toBeLessThan(0.01);
  });

  it('calibrationError measures a +0.2 over-forecast as ECE ≈ 0.2 when nothing is clipped', () => {
    // p ~ U(0, 0.8), forecast p + 0.2 ≤ 1: every row is 0.2 too high.
    const { probabilities, labels } = bernoulliSample(200_000, 43, 0.8);
    const shifted = probabilities.map((p) => Math.min(p + 0.2, 1));

    const equalMass = calibrationError(shifted, labels, { binning: Binning.equalMass });
    const equalWidth = calibrationError(shifted, labels, { binning: Binning.equalWidth });

    expect(Math.abs(equalMass.ece - 0.2)).toBeLessThan(0.02);
    expect(Math.abs(equalWidth.ece - 0.2)).toBeLessThan(0.02);
  });

  it('calibrationError measures a clipped +0.2 over-forecast on U(0, 1) as ECE ≈ 0.18', () => {
    // Forecast min(p + 0.2, 1) ≥ p everywhere, so no bin cancels: ECE → E[min(p + 0.2, 1) − p]
    // = 0.8·0.2 + ∫_{0.8}^{1} (1 − p) dp = 0.16 + 0.02 = 0.18.
    const { probabilities, labels } = bernoulliSample(200_000, 44);
    const shifted = probabilities.map((p) => Math.min(p + 0.2, 1));

    const equalMass = calibrationError(shifted, labels, { binning: Binning.equalMass });
    const equalWidth = calibrationError(shifted, labels, { binning: Binning.equalWidth });

    expect(Math.abs(equalMass.ece - 0.18)).toBeLessThan(0.01);
    expect(Math.abs(equalWidth.ece - 0.18)).toBeLessThan(0.01);
  });

  it('calibrationError handles 1,000,000 rows in typed arrays', () => {
    const { probabilities, labels } = bernoulliSample(1_000_000, 45);

    const result = calibrationError(probabilities, labels);

    // 15 bins of 66,667 rows: the sampling floor is about 0.0015.
    expect(result.ece).toBeLessThan(0.005);
    expect(result.bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(1_000_000);
  });

  it.each([
    { options: { bins: 0 }, message: 'bins = 0 is not an integer ≥ 1' },
    { options: { bins: 2.5 }, message: 'bins = 2.5 is not an integer ≥ 1' },
    { options: { binning: 'quantile' as Binning }, message: 'binning = quantile is not equal-mass or equal-width' },
  ])('calibrationError rejects bad options $options', ({ options, message }) => {
    const compute = () => calibrationError([0.5], [1], options);

    expect(compute).toThrow(InvalidInputError);
    expect(compute).toThrow(message);
  });
});
