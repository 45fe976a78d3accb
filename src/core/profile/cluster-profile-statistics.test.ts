import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { clusterProfileStatistics, type ProfileSample } from './cluster-profile-statistics.ts';

const HOUR_MS = 3_600_000;
const DAY0_MS = Date.UTC(2026, 0, 5);

function sample(
  hour: number,
  queueDepth: number | null,
  utilisation: number | null,
  waitSeconds: number | null,
): ProfileSample {
  return { predictedAtMs: DAY0_MS + hour * HOUR_MS + 17_000, queueDepth, utilisation, waitSeconds };
}

describe('clusterProfileStatistics', () => {
  it('computes means, max, median and P90 waits and peak hours of a hand-worked sample', () => {
    const samples = [
      sample(9, 4, 0.5, 600),
      sample(9, 10, 0.75, 30),
      sample(14, 1, null, 120),
      sample(9, null, 1, 45),
      sample(14, 5, 0.25, 3600),
      sample(23, 0, 0.5, 90),
      sample(2, 12, null, 15),
      sample(2, 4, null, null),
    ];

    const stats = clusterProfileStatistics(samples);

    // depths 4,10,1,5,0,12,4 → 36/7; utilisations .5,.75,1,.25,.5 → 3/5.
    expect(stats.queueDepthMean).toBeCloseTo(36 / 7, 12);
    expect(stats.queueDepthMax).toBe(12);
    expect(stats.utilisationMean).toBeCloseTo(0.6, 12);
    // numpy.quantile([600,30,120,45,3600,90,15], 0.5) = 90.0; (…, 0.9) = 1800.0
    expect(stats.typicalWaitSeconds).toBeCloseTo(90, 9);
    expect(stats.longWaitThresholdSeconds).toBeCloseTo(1800, 9);
    expect(stats.waitCount).toBe(7);
    // hour counts: 9 → 3, 14 → 2, 2 → 2, 23 → 1; ties broken by the earlier hour.
    expect(stats.peakHoursUtc).toEqual([9, 2, 14]);
  });

  it('reports zeros and nulls for a cluster with no samples', () => {
    const stats = clusterProfileStatistics([]);

    expect(stats).toEqual({
      queueDepthMean: 0,
      queueDepthMax: 0,
      utilisationMean: 0,
      typicalWaitSeconds: null,
      longWaitThresholdSeconds: null,
      waitCount: 0,
      peakHoursUtc: [],
    });
  });

  it('maps epoch times before 1970 into hours 0–23', () => {
    const stats = clusterProfileStatistics(
      [{ predictedAtMs: -HOUR_MS, queueDepth: null, utilisation: null, waitSeconds: null }],
      1,
    );

    expect(stats.peakHoursUtc).toEqual([23]);
  });

  it('refuses a negative wait, a utilisation above 1, a non-finite time and a bad peak-hour count', () => {
    expect(() => clusterProfileStatistics([sample(1, 1, 0.5, -1)])).toThrow(InvalidInputError);
    expect(() => clusterProfileStatistics([sample(1, 1, 1.5, 1)])).toThrow(/utilisation/);
    expect(() => clusterProfileStatistics([sample(1, Number.NaN, 0.5, 1)])).toThrow(/queueDepth/);
    expect(() =>
      clusterProfileStatistics([{ predictedAtMs: Number.NaN, queueDepth: null, utilisation: null, waitSeconds: null }]),
    ).toThrow(/predictedAtMs/);
    expect(() => clusterProfileStatistics([], 25)).toThrow(/peakHourCount/);
  });

  it('P90 lies between the order statistics either side of rank 0.9·(n−1) and is not below the median', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 60 }), (waits) => {
        const stats = clusterProfileStatistics(
          waits.map((waitSeconds, index) => ({
            predictedAtMs: index * HOUR_MS,
            queueDepth: null,
            utilisation: null,
            waitSeconds,
          })),
        );

        const sorted = [...waits].sort((a, b) => a - b);
        const rank = 0.9 * (sorted.length - 1);
        expect(stats.longWaitThresholdSeconds).toBeGreaterThanOrEqual(sorted[Math.floor(rank)] as number);
        expect(stats.longWaitThresholdSeconds).toBeLessThanOrEqual(sorted[Math.ceil(rank)] as number);
        expect(stats.typicalWaitSeconds).toBeLessThanOrEqual(stats.longWaitThresholdSeconds as number);
      }),
    );
  });
});
