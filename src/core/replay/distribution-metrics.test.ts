import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { distributionMetrics, pinballLoss, withinFactor2 } from './distribution-metrics.ts';

// Quantiles at 5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 95 %.
const FLAT = [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100];
const SPREAD = [5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 95];

describe('pinballLoss', () => {
  it('pinballLoss averages τ·(y − q) over 0.1…0.9 when the wait is above every quantile', () => {
    // Hand-worked: y = 300, q = 100 at every level: Σ τ·200 over τ = 0.1…0.9 = 200·4.5 = 900; /9 = 100.
    expect(pinballLoss(FLAT, 300)).toBeCloseTo(100, 12);
  });

  it('pinballLoss averages (1 − τ)·(q − y) when the wait is below every quantile', () => {
    // Hand-worked: y = 0, q = 100: Σ (1 − τ)·100 = 100·4.5 = 450; /9 = 50.
    expect(pinballLoss(FLAT, 0)).toBeCloseTo(50, 12);
  });

  it('pinballLoss reads each level from its own quantile', () => {
    // Hand-worked, y = 45 against q(0.1…0.9) = 10, 20, 30, 40, 50, 60, 70, 80, 90:
    // above: 0.1·35 + 0.2·25 + 0.3·15 + 0.4·5 = 3.5 + 5 + 4.5 + 2 = 15;
    // below: 0.5·5 + 0.4·15 + 0.3·25 + 0.2·35 + 0.1·45 = 2.5 + 6 + 7.5 + 7 + 4.5 = 27.5; (15 + 27.5)/9.
    expect(pinballLoss(SPREAD, 45)).toBeCloseTo(42.5 / 9, 12);
  });

  it('pinballLoss rejects a wait that is not finite', () => {
    expect(() => pinballLoss(FLAT, Number.NaN)).toThrow(InvalidInputError);
  });
});

describe('withinFactor2', () => {
  it('withinFactor2 accepts [0.5×, 2×] of the wait and any error within 60 s', () => {
    expect(withinFactor2(1000, 2000)).toBe(true);
    expect(withinFactor2(4000, 2000)).toBe(true);
    expect(withinFactor2(999, 2000)).toBe(false);
    expect(withinFactor2(4001, 2000)).toBe(false);
    expect(withinFactor2(60, 0)).toBe(true);
    expect(withinFactor2(61, 0)).toBe(false);
    expect(withinFactor2(150, 40)).toBe(false);
  });
});

describe('distributionMetrics', () => {
  it('distributionMetrics scores coverage overall and per tercile, width, factor 2 and pinball on hand-worked rows', () => {
    const rows = [
      { quantilesSeconds: SPREAD, pointSeconds: 50, waitSeconds: 45, tercile: 0 }, // inside [10, 90], within ×2
      { quantilesSeconds: SPREAD, pointSeconds: 50, waitSeconds: 200, tercile: 0 }, // outside, 50 < 100 and |150| > 60
      { quantilesSeconds: SPREAD, pointSeconds: 50, waitSeconds: 90, tercile: 2 }, // inside (bound inclusive)
      { quantilesSeconds: FLAT, pointSeconds: 100, waitSeconds: null, tercile: 1 }, // censored: width only
      { quantilesSeconds: null, pointSeconds: null, waitSeconds: 10, tercile: 1 }, // no forecast
    ];

    const metrics = distributionMetrics(rows);

    expect(metrics.coverage80).toBeCloseTo(2 / 3, 12);
    expect(metrics.coverage80ByQueueTercile).toEqual([0.5, null, 1]);
    // Widths 80, 80, 80, 0: type-7 median 80.
    expect(metrics.medianWidthSeconds).toBe(80);
    expect(metrics.withinFactor2).toBeCloseTo(2 / 3, 12);
    const expectedPinball = (pinballLoss(SPREAD, 45) + pinballLoss(SPREAD, 200) + pinballLoss(SPREAD, 90)) / 3;
    expect(metrics.pinball).toBeCloseTo(expectedPinball, 12);
    expect(Object.keys(metrics.startWithinEce).sort()).toEqual(['14400', '3600', '900']);
    // Every wait ≤ 900 s and every P(start within 900 s) = 1 (95 % quantile 95 s, tail ends at 100 s): ECE 0.
    expect(metrics.startWithinEce['900']).toBeCloseTo(0, 12);
  });

  it('distributionMetrics judges a distribution with a zero atom on [0, q80]', () => {
    const atom = [0, 0, 0, 0, 30, 40, 50, 60, 70, 75, 80, 90, 95];
    const rows = [0, 80, 85].map((waitSeconds) => ({
      quantilesSeconds: atom,
      pointSeconds: 50,
      waitSeconds,
      tercile: 1,
    }));

    const metrics = distributionMetrics(rows);

    // 0 and 80 are in [0, 80]; 85 is not (it would be in [q10, q90] = [0, 90]).
    expect(metrics.coverage80).toBeCloseTo(2 / 3, 12);
    expect(metrics.coverage80ByQueueTercile).toEqual([null, 2 / 3, null]);
    expect(metrics.medianWidthSeconds).toBe(80);
  });

  it('distributionMetrics scores a certain P(start within T) that failed as ECE 1', () => {
    // SPREAD's CDF reaches 1 at ≈ 100 s; the job waited 20,000 s: forecast 1, outcome 0 at every T.
    const metrics = distributionMetrics([
      { quantilesSeconds: SPREAD, pointSeconds: 50, waitSeconds: 20000, tercile: 0 },
    ]);

    expect(metrics.startWithinEce).toEqual({ '900': 1, '3600': 1, '14400': 1 });
  });

  it('distributionMetrics gives nulls without a distribution and scores a point-only forecast', () => {
    const metrics = distributionMetrics([{ quantilesSeconds: null, pointSeconds: 100, waitSeconds: 180, tercile: 0 }]);

    expect(metrics).toEqual({
      pinball: null,
      coverage80: null,
      coverage80ByQueueTercile: [null, null, null],
      medianWidthSeconds: null,
      withinFactor2: 1,
      startWithinEce: { '900': null, '3600': null, '14400': null },
    });
  });
});
