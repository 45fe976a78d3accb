import { describe, expect, it } from 'vitest';
import { createQbetsBaseline, jobSizeClass, observeQbets, qbetsInterval, qbetsQuantiles } from './qbets-baseline.ts';

describe('qbetsBaseline', () => {
  it('jobSizeClass buckets by ⌈log₂ request⌉, GPUs before processors', () => {
    const classes = [
      jobSizeClass(1, 0),
      jobSizeClass(2, 0),
      jobSizeClass(3, 0),
      jobSizeClass(8, 0),
      jobSizeClass(9, 0),
      jobSizeClass(64, 0.5),
      jobSizeClass(4, 1),
      jobSizeClass(4, 3),
    ];

    expect(classes).toEqual(['cpu:0', 'cpu:1', 'cpu:2', 'cpu:3', 'cpu:4', 'gpu:frac', 'gpu:0', 'gpu:2']);
  });

  it('qbetsInterval uses the class once it has minClassWaits waits, else all classes', () => {
    const state = createQbetsBaseline({ coverage: 0.8, windowSize: 100, minClassWaits: 3 });
    observeQbets(state, 'cpu:0', 0);
    observeQbets(state, 'cpu:5', 100);
    observeQbets(state, 'cpu:5', 200);

    const beforeClassFull = qbetsInterval(state, 'cpu:5');
    observeQbets(state, 'cpu:5', 300);
    const afterClassFull = qbetsInterval(state, 'cpu:5');

    // all = [0, 100, 200]: type-7 q10 = 0.2·100 = 20, q90 = 100 + 0.8·100 = 180
    expect(beforeClassFull?.lowerSeconds).toBeCloseTo(20, 9);
    expect(beforeClassFull?.upperSeconds).toBeCloseTo(180, 9);
    // class = [100, 200, 300]: q10 = 120, q90 = 280
    expect(afterClassFull?.lowerSeconds).toBeCloseTo(120, 9);
    expect(afterClassFull?.upperSeconds).toBeCloseTo(280, 9);
    expect(qbetsInterval(createQbetsBaseline(), 'cpu:0')).toBeNull();
    expect(() => createQbetsBaseline({ coverage: 0, windowSize: 1, minClassWaits: 1 })).toThrow(/coverage/);
  });

  it('qbetsQuantiles reads the same window as the interval at any levels, null before any wait', () => {
    const state = createQbetsBaseline({ coverage: 0.8, windowSize: 100, minClassWaits: 3 });
    observeQbets(state, 'cpu:0', 0);
    observeQbets(state, 'cpu:5', 100);
    observeQbets(state, 'cpu:5', 200);

    // all = [0, 100, 200] (the class has 2 < 3 waits): type-7 quantiles 0.25 → 50, 0.5 → 100, 0.9 → 180.
    expect(qbetsQuantiles(state, 'cpu:5', [0.25, 0.5, 0.9])).toEqual([50, 100, 180]);
    observeQbets(state, 'cpu:5', 300);
    // class = [100, 200, 300]: 0.5 → 200.
    expect(qbetsQuantiles(state, 'cpu:5', [0.5])).toEqual([200]);
    expect(qbetsQuantiles(createQbetsBaseline(), 'cpu:0', [0.5])).toBeNull();
  });
});
