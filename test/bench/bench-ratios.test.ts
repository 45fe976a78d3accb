import { describe, expect, it } from 'vitest';
import { median } from '../../bench/median.ts';
import { improvementRatio, roundRatios } from '../../bench/run.ts';
import type { BenchResult } from '../../bench/types.ts';

describe('median', () => {
  it('is the middle value of an odd count and the mean of the middle two of an even count, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('improvementRatio', () => {
  it('of a row measured in rounds is the median of the rounds’ own ratios, not the ratio of the medians', () => {
    // Ratios by hand: 50/100 = 0.5, 30/50 = 0.6, 80/100 = 0.8 → median 0.6; medians 50 and 100 would give 0.5.
    const result: BenchResult = {
      name: 'outcomes',
      value: 50,
      unit: 'outcomes/s',
      baseline: { name: 'raw', value: 100 },
      rounds: [
        { value: 50, baseline: 100 },
        { value: 30, baseline: 50 },
        { value: 80, baseline: 100 },
      ],
    };

    const ratios = roundRatios(result);

    expect(ratios).toEqual([0.5, 0.6, 0.8]);
    expect(improvementRatio(result)).toBeCloseTo(0.6, 12);
  });

  it('of a time per operation in rounds is baseline ÷ value per round (lower is better)', () => {
    // 1/2 = 0.5, 1.5/2 = 0.75, 3/4 = 0.75 → median 0.75.
    const result: BenchResult = {
      name: 'CPU per outcome',
      value: 2,
      unit: 'ms/outcome',
      baseline: { name: 'CPU per raw PutItem', value: 1.5 },
      rounds: [
        { value: 2, baseline: 1 },
        { value: 2, baseline: 1.5 },
        { value: 4, baseline: 3 },
      ],
    };

    expect(improvementRatio(result)).toBeCloseTo(0.75, 12);
  });

  it('of a row without rounds is value against baseline, and none without a baseline', () => {
    expect(improvementRatio({ name: 'r', value: 30, unit: 'x/s', baseline: { name: 'b', value: 60 } })).toBe(0.5);
    expect(improvementRatio({ name: 't', value: 4, unit: 'ms', baseline: { name: 'b', value: 6 } })).toBe(1.5);
    expect(improvementRatio({ name: 'n', value: 4, unit: 'ms' })).toBeNull();
  });
});
