import { describe, it, expect } from 'vitest';
import { InsufficientDataError, InvalidBundleError, InvalidInputError } from '../errors.ts';
import { seededRandom, type Random } from '../random.ts';
import { WaitModelSchema, type WaitModel } from './bundle.ts';
import { estimateWait, evaluateWaitIntervals, fitWaitModel } from './wait-model.ts';

/** Rows where the calibrated probability p ~ U(0, 1) and wait = 60·exp(3p + Z), Z ~ N(0, 1) (log-normal, median rising with p). */
function sampleRows(random: Random, rowCount: number): { probabilities: number[]; waitsSeconds: number[] } {
  const probabilities: number[] = [];
  const waitsSeconds: number[] = [];
  for (let row = 0; row < rowCount; row += 1) {
    const probability = random();
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    probabilities.push(probability);
    waitsSeconds.push(60 * Math.exp(3 * probability + normal));
  }
  return { probabilities, waitsSeconds };
}

describe('fitWaitModel', () => {
  it('fitWaitModel takes type-7 quantiles of a hand-worked set', () => {
    // 11 rows (< 2 × minBinRows) → one bin. Sorted waits 0..10; type 7 at level q reads position 10·q:
    // q = 0.1 → 1, q = 0.5 → 5, q = 0.9 → 9. numpy: np.quantile([5,1,9,3,7,2,8,4,6,10,0], [0.1, 0.5, 0.9]) → [1, 5, 9].
    const waits = [5, 1, 9, 3, 7, 2, 8, 4, 6, 10, 0];

    const model = fitWaitModel(
      waits.map(() => 0.3),
      waits,
    );

    expect(model.binUpperEdges).toEqual([]);
    expect(model.bins).toHaveLength(1);
    expect(model.bins[0]?.lowerSeconds).toBeCloseTo(1, 12);
    expect(model.bins[0]?.medianSeconds).toBe(5);
    expect(model.bins[0]?.upperSeconds).toBeCloseTo(9, 12);
    expect(model.bins[0]?.count).toBe(11);
  });

  it('fitWaitModel interpolates between order statistics', () => {
    // Coverage 0.5 → levels 0.25, 0.5, 0.75 on [10, 20, 30, 40]: positions 0.75, 1.5, 2.25 →
    // 10 + 0.75·10 = 17.5, 25, 30 + 0.25·10 = 32.5. numpy: np.quantile([10,20,30,40], [0.25, 0.5, 0.75]) → [17.5, 25, 32.5].

    const model = fitWaitModel([0.1, 0.2, 0.3, 0.4], [40, 10, 30, 20], { coverage: 0.5 });

    expect(model.bins[0]).toEqual({ lowerSeconds: 17.5, medianSeconds: 25, upperSeconds: 32.5, count: 4 });
    expect(model.coverage).toBe(0.5);
  });

  it('fitWaitModel cuts equal-mass bins by probability', () => {
    // 100 distinct probabilities i/100 with wait i: cuts after the 20th, 40th, 60th, 80th rows →
    // edges 0.19, 0.39, 0.59, 0.79. Bin 0 holds waits 0..19: positions 19·0.1 = 1.9, 9.5, 17.1.
    const probabilities = Array.from({ length: 100 }, (_, index) => index / 100).reverse();
    const waits = probabilities.map((probability) => Math.round(probability * 100));

    const model = fitWaitModel(probabilities, waits);

    expect(model.binUpperEdges).toEqual([0.19, 0.39, 0.59, 0.79]);
    expect(model.bins.map((bin) => bin.count)).toEqual([20, 20, 20, 20, 20]);
    expect(model.bins[0]?.lowerSeconds).toBeCloseTo(1.9, 12);
    expect(model.bins[0]?.medianSeconds).toBeCloseTo(9.5, 12);
    expect(model.bins[0]?.upperSeconds).toBeCloseTo(17.1, 12);
    expect(model.bins[4]?.medianSeconds).toBeCloseTo(89.5, 12);
  });

  it('fitWaitModel merges bins that would hold fewer than minBinRows rows', () => {
    // minBinRows 30: the cut at 20 is too small (skipped); at 40 the bin has 40 and the rest 60 (kept);
    // at 60 the bin would have 20 (skipped); at 80 the remainder would have 20 (stop) → bins of 40 and 60.
    const probabilities = Array.from({ length: 100 }, (_, index) => index / 100);

    const model = fitWaitModel(
      probabilities,
      probabilities.map(() => 1),
      { minBinRows: 30 },
    );

    expect(model.binUpperEdges).toEqual([0.39]);
    expect(model.bins.map((bin) => bin.count)).toEqual([40, 60]);
  });

  it('fitWaitModel keeps tied probabilities in one bin', () => {
    // 50 rows at 0.1 then 50 at 0.9: the first cut (after row 20) extends through all ties to row 50;
    // the cut after row 40 is already passed; the cut after row 60 would leave no rows → two bins.
    const probabilities = [...Array.from({ length: 50 }, () => 0.1), ...Array.from({ length: 50 }, () => 0.9)];
    const waits = probabilities.map((probability) => (probability < 0.5 ? 10 : 1000));

    const model = fitWaitModel(probabilities, waits);

    expect(model.binUpperEdges).toEqual([0.1]);
    expect(model.bins).toEqual([
      { lowerSeconds: 10, medianSeconds: 10, upperSeconds: 10, count: 50 },
      { lowerSeconds: 1000, medianSeconds: 1000, upperSeconds: 1000, count: 50 },
    ]);
  });

  it('fitWaitModel produces a schema-valid model', () => {
    const { probabilities, waitsSeconds } = sampleRows(seededRandom(3), 1_000);

    const model = fitWaitModel(probabilities, waitsSeconds, { bins: 7 });

    expect(WaitModelSchema.safeParse(model).success).toBe(true);
    expect(model.bins).toHaveLength(7);
    expect(model.bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(1_000);
  });

  it('fitWaitModel intervals reach their nominal coverage on held-out data from the same distribution', () => {
    const training = sampleRows(seededRandom(11), 20_000);
    const heldOut = sampleRows(seededRandom(12), 20_000);

    const model = fitWaitModel(training.probabilities, training.waitsSeconds);
    const evaluation = evaluateWaitIntervals(model, heldOut.probabilities, heldOut.waitsSeconds);

    expect(Math.abs(evaluation.coverage - 0.8)).toBeLessThanOrEqual(0.03);
    expect(evaluation.count).toBe(20_000);
  });

  it('fitWaitModel rejects malformed input and options', () => {
    expect(() => fitWaitModel([], [])).toThrow(InsufficientDataError);
    expect(() => fitWaitModel([0.5], [1, 2])).toThrow(InvalidInputError);
    expect(() => fitWaitModel([1.5], [1])).toThrow(/probability 0/);
    expect(() => fitWaitModel([Number.NaN], [1])).toThrow(/probability 0/);
    expect(() => fitWaitModel([0.5], [-1])).toThrow(/wait 0/);
    expect(() => fitWaitModel([0.5], [Number.POSITIVE_INFINITY])).toThrow(/wait 0/);
    expect(() => fitWaitModel([0.5], [1], { coverage: 1 })).toThrow(/coverage/);
    expect(() => fitWaitModel([0.5], [1], { coverage: Number.NaN })).toThrow(/coverage/);
    expect(() => fitWaitModel([0.5], [1], { bins: 0 })).toThrow(/bins/);
    expect(() => fitWaitModel([0.5], [1], { bins: 1.5 })).toThrow(/bins/);
    expect(() => fitWaitModel([0.5], [1], { minBinRows: 0 })).toThrow(/minBinRows/);
  });
});

const twoBinModel: WaitModel = {
  kind: 'score-binned-quantiles',
  coverage: 0.8,
  binUpperEdges: [0.5],
  bins: [
    { lowerSeconds: 10, medianSeconds: 20, upperSeconds: 40, count: 30 },
    { lowerSeconds: 100, medianSeconds: 300, upperSeconds: 900, count: 30 },
  ],
};

describe('estimateWait', () => {
  it('estimateWait puts a probability on an edge in the lower bin and above it in the open last bin', () => {
    const atEdge = estimateWait(twoBinModel, 0.5);
    const above = estimateWait(twoBinModel, 0.51);

    expect(atEdge).toEqual({ pointSeconds: 20, lowerSeconds: 10, upperSeconds: 40, coverage: 0.8 });
    expect(above).toEqual({ pointSeconds: 300, lowerSeconds: 100, upperSeconds: 900, coverage: 0.8 });
  });

  it('estimateWait rejects a probability outside [0, 1]', () => {
    expect(() => estimateWait(twoBinModel, -0.1)).toThrow(InvalidInputError);
    expect(() => estimateWait(twoBinModel, Number.NaN)).toThrow(InvalidInputError);
  });

  it('estimateWait rejects a model with fewer bins than its edges imply', () => {
    const broken: WaitModel = { ...twoBinModel, binUpperEdges: [0.2, 0.5] };

    expect(() => estimateWait(broken, 0.9)).toThrow(InvalidBundleError);
  });
});

describe('evaluateWaitIntervals', () => {
  it('evaluateWaitIntervals counts waits inside their bin interval, bounds inclusive', () => {
    // Rows (p, wait): (0.1, 10) in [10, 40] ✓ · (0.4, 41) ✗ · (0.9, 900) in [100, 900] ✓ · (0.7, 50) ✗.
    // Widths 30, 30, 800, 800 → median (30 + 800)/2 = 415.

    const evaluation = evaluateWaitIntervals(twoBinModel, [0.1, 0.4, 0.9, 0.7], [10, 41, 900, 50]);

    expect(evaluation).toEqual({ coverage: 0.5, medianWidthSeconds: 415, count: 4 });
  });

  it('evaluateWaitIntervals rejects empty or malformed rows', () => {
    expect(() => evaluateWaitIntervals(twoBinModel, [], [])).toThrow(InsufficientDataError);
    expect(() => evaluateWaitIntervals(twoBinModel, [0.2], [])).toThrow(InvalidInputError);
  });
});
