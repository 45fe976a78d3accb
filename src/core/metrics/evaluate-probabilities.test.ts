import { describe, expect, it } from 'vitest';
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { randomInt, seededRandom } from '../random.ts';
import { evaluateProbabilities } from './evaluate-probabilities.ts';

// Sorted: 0.1 (0) | 0.2, 0.2, 0.2 (one positive) | 0.6 (1) | 0.9 (1) — the calibration-error hand case.
const handProbabilities = [0.2, 0.9, 0.1, 0.2, 0.6, 0.2];
const handLabels = [0, 1, 0, 1, 1, 0];

/** Naive references on materialised arrays, sharing no code with the metrics module. */
function naiveAuroc(probabilities: number[], labels: number[]): number | undefined {
  let pairs = 0;
  let won = 0;
  probabilities.forEach((positive, i) => {
    probabilities.forEach((negative, j) => {
      if (labels[i] !== 1 || labels[j] !== 0) return;
      pairs += 1;
      won += positive > negative ? 1 : positive === negative ? 0.5 : 0;
    });
  });
  return pairs === 0 ? undefined : won / pairs;
}

/** Equal-mass ECE by rank cuts; valid when every tied group shares one label (true below). */
function naiveEce(probabilities: number[], labels: number[], binCount: number): number {
  const order = probabilities
    .map((_, i) => i)
    .sort((a, b) => (probabilities[a] as number) - (probabilities[b] as number));
  let gapSum = 0;
  for (let bin = 0; bin < binCount; bin += 1) {
    const members = order.slice(
      Math.floor((bin * order.length) / binCount),
      Math.floor(((bin + 1) * order.length) / binCount),
    );
    gapSum += Math.abs(members.reduce((sum, i) => sum + (probabilities[i] as number) - (labels[i] as number), 0));
  }
  return gapSum / order.length;
}

function naiveBrier(probabilities: number[], labels: number[]): number {
  return probabilities.reduce((sum, p, i) => sum + (p - (labels[i] as number)) ** 2, 0) / probabilities.length;
}

/** numpy.percentile's default (linear) on an unsorted list. */
function percentile(values: number[], quantile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = quantile * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return (sorted[below] as number) + (position - below) * ((sorted[above] as number) - (sorted[below] as number));
}

describe('evaluateProbabilities', () => {
  it('evaluateProbabilities reports the hand-worked metrics of a small sample', () => {
    // AUROC: positives 0.2, 0.6, 0.9 vs negatives 0.1, 0.2, 0.2 → (1 + 0.5 + 0.5) + 3 + 3 = 8 / 9.
    // AP: 0.9 → 1·1/3; 0.6 → 1·1/3; 0.2 (3 rows, 1 positive) → TP 3 of 5 → 3/5·1/3; AP = 1/3 + 1/3 + 1/5 = 13/15.
    // sklearn.metrics: roc_auc_score(y, p) = 0.8888888888888888, average_precision_score(y, p) = 0.8666666666666666,
    // brier_score_loss(y, p) = 0.15
    // ECE: 3 equal-mass bins → 2/15, MCE 1/4; 5 equal-width bins → 1/6 (see calibration-error.test.ts).
    // Brier: 0.2 rows → 0.04 + 0.64 + 0.04; 0.9 → 0.01; 0.1 → 0.01; 0.6 → 0.16 → 0.9 / 6 = 0.15.
    const report = evaluateProbabilities(handProbabilities, handLabels, {
      random: seededRandom(1),
      bins: 3,
      resamples: 50,
    });

    expect(report.count).toBe(6);
    expect(report.positives).toBe(3);
    expect(report.auroc).toBeCloseTo(8 / 9, 12);
    expect(report.auprc).toBeCloseTo(13 / 15, 12);
    expect(report.ece).toBeCloseTo(2 / 15, 12);
    expect(report.mce).toBeCloseTo(0.25, 12);
    expect(report.brier).toBeCloseTo(0.15, 12);
    expect(report.brierDecomposition.brier).toBeCloseTo(0.15, 12);
    expect(report.brierDecomposition.uncertainty).toBeCloseTo(0.25, 12);
    expect(report.reliabilityCurve.map((bin) => bin.count)).toEqual([2, 2, 2]);
    expect(report.ci.level).toBe(0.95);
  });

  it('evaluateProbabilities reports equal-width ECE with the same bin count', () => {
    const report = evaluateProbabilities(handProbabilities, handLabels, {
      random: seededRandom(1),
      bins: 5,
      resamples: 20,
    });

    // Equal-width, B = 5: (0.1 + 0.4 + 0.4 + 0.1) / 6 (hand-worked in calibration-error.test.ts).
    expect(report.eceEqualWidth).toBeCloseTo(1 / 6, 12);
  });

  it('evaluateProbabilities intervals equal a naive bootstrap on materialised resamples', () => {
    // 40 distinct probabilities, so ties inside a resample are copies of one row and share its label:
    // plain rank cuts are then the documented binning, and the naive references apply.
    const random = seededRandom(21);
    const probabilities = Array.from({ length: 40 }, (_, i) => (i + 0.5) / 40);
    const labels = probabilities.map((p) => (random() < p ? 1 : 0));
    const resamples = 200;
    const bins = 4;

    const report = evaluateProbabilities(probabilities, labels, { random: seededRandom(77), resamples, bins });

    // Replay the documented draws: per resample, n indices randomInt(random, n).
    const replay = seededRandom(77);
    const aurocs: number[] = [];
    const eces: number[] = [];
    const briers: number[] = [];
    for (let resample = 0; resample < resamples; resample += 1) {
      const indices = Array.from({ length: 40 }, () => randomInt(replay, 40));
      const p = indices.map((i) => probabilities[i] as number);
      const y = indices.map((i) => labels[i] as number);
      const area = naiveAuroc(p, y);
      if (area === undefined) continue;
      aurocs.push(area);
      eces.push(naiveEce(p, y, bins));
      briers.push(naiveBrier(p, y));
    }
    expect(report.ci.resamplesUsed).toBe(aurocs.length);
    expect(report.ci.auroc[0]).toBeCloseTo(percentile(aurocs, 0.025), 12);
    expect(report.ci.auroc[1]).toBeCloseTo(percentile(aurocs, 0.975), 12);
    expect(report.ci.ece[0]).toBeCloseTo(percentile(eces, 0.025), 12);
    expect(report.ci.ece[1]).toBeCloseTo(percentile(eces, 0.975), 12);
    expect(report.ci.brier[0]).toBeCloseTo(percentile(briers, 0.025), 12);
    expect(report.ci.brier[1]).toBeCloseTo(percentile(briers, 0.975), 12);
  });

  it('evaluateProbabilities intervals bracket the full-sample estimates on a calibrated sample', () => {
    const random = seededRandom(5);
    const probabilities = new Float64Array(2000).map(() => random());
    const labels = probabilities.map((p) => (random() < p ? 1 : 0));

    const report = evaluateProbabilities(probabilities, labels, {
      random: seededRandom(6),
      resamples: 300,
      level: 0.9,
    });

    expect(report.ci.level).toBe(0.9);
    expect(report.ci.resamplesUsed).toBe(300);
    expect(report.ci.auroc[0]).toBeLessThan(report.auroc);
    expect(report.ci.auroc[1]).toBeGreaterThan(report.auroc);
    expect(report.ci.brier[0]).toBeLessThan(report.brier);
    expect(report.ci.brier[1]).toBeGreaterThan(report.brier);
    // ECE is biased upward under resampling, so only its upper end must clear the estimate.
    expect(report.ci.ece[1]).toBeGreaterThan(report.ece);
  });

  it('evaluateProbabilities throws InsufficientDataError for one class and InvalidInputError for bad input', () => {
    const oneClass = () => evaluateProbabilities([0.2, 0.3], [0, 0], { random: seededRandom(1) });
    const badInput = () => evaluateProbabilities([0.2, 0.3], [0, 1, 1], { random: seededRandom(1) });

    expect(oneClass).toThrow(InsufficientDataError);
    expect(badInput).toThrow(InvalidInputError);
  });
});
